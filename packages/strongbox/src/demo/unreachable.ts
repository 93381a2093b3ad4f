/**
 * @module
 * Why `strongbox demo --endpoint-url` could not talk to the endpoint, in one line that says what to
 * do: nothing listening, a host name that does not resolve, a certificate the demo does not trust,
 * one that does not cover the host name or has expired, TLS spoken to the plain port or plain HTTP
 * to the TLS one. The SDK passes Node's socket and TLS errors through unchanged, and the CLI would
 * otherwise print them as an "unexpected error" with only Node's code (`DEPTH_ZERO_SELF_SIGNED_CERT`).
 */

import { StrongboxError } from '../errors.ts';

/** Node's codes for a certificate chain the client does not trust (`tls.connect` verify errors). */
const UNTRUSTED = new Set(['DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY']);

/**
 * Node's codes for a certificate outside its validity period. Node checks the dates with the
 * chain, so the right `--ca-bundle` can still meet them: the fix is a current certificate.
 */
const OUT_OF_DATE = new Set(['CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID']);

/** Node's codes for an address nothing answers on. */
const UNREACHABLE = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ETIMEDOUT']);

/** `getaddrinfo`'s codes for a host name that does not resolve (for now, with EAI_AGAIN). */
const UNRESOLVED = new Set(['ENOTFOUND', 'EAI_AGAIN']);

/** The fields of a Node socket, DNS or TLS error this module reads. */
interface NodeError {
  readonly code?: unknown;
  /** `getaddrinfo`: the name looked up. */
  readonly hostname?: unknown;
  /** `connect`: the port refused. */
  readonly port?: unknown;
  /** `ERR_TLS_CERT_ALTNAME_INVALID`: the name the certificate does not cover. */
  readonly host?: unknown;
}

/**
 * The demo's one-line explanation of a connection failure, or `undefined` for any other error.
 * @param endpoints the URLs the demo was given: `--endpoint-url`, then `--https-endpoint-url` if given.
 * @param caBundle whether `--ca-bundle` was given.
 * @returns a RUN_FAILED `StrongboxError` (exit 1) naming the endpoint that failed, when the error
 *   says which (its port or host name), and the fix.
 * @example explainUnreachable(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), ['http://127.0.0.1:4566'], false)?.message
 * // "cannot connect to http://127.0.0.1:4566 (ECONNREFUSED): is strongbox serve running there? ..."
 */
export function explainUnreachable(error: unknown, endpoints: readonly string[], caBundle: boolean): StrongboxError | undefined {
  const fields = (error ?? {}) as NodeError;
  const code = fields.code;
  if (typeof code !== 'string') return undefined;
  const failed = failingEndpoints(fields, endpoints);
  const named = failed.join(' or ');
  const flag = failed.length === 1 && failed[0] === endpoints[1] ? '--https-endpoint-url' : '--endpoint-url';
  const explain = (message: string) => new StrongboxError('RUN_FAILED', message);
  if (UNREACHABLE.has(code)) {
    if (flag === '--https-endpoint-url') {
      return explain(
        `cannot connect to ${named} (${code}): is strongbox serve running there with --https-port ${portOf(named)}? Start it, or point --https-endpoint-url at the HTTPS URL its banner prints`,
      );
    }
    return explain(`cannot connect to ${named} (${code}): is strongbox serve running there? Start it, or point --endpoint-url at the URL its banner prints`);
  }
  if (UNRESOLVED.has(code)) {
    const host = typeof fields.hostname === 'string' ? fields.hostname : hostOf(failed[0] ?? '');
    return explain(`the host name ${host} in ${named} does not resolve (${code}): use the address strongbox serve listens on, such as 127.0.0.1, in ${flag}`);
  }
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    // Node checks the name after the chain verified: the certificate is trusted, the name is not on it.
    const host = typeof fields.host === 'string' ? fields.host : hostOf(failed[0] ?? '');
    return explain(
      `the HTTPS endpoint's certificate does not cover the host name ${host} (${code}): use a name it covers (strongbox serve's self-signed one covers localhost, *.s3.localhost, 127.0.0.1 and ::1), or serve one for ${host} with --tls-cert`,
    );
  }
  if (OUT_OF_DATE.has(code)) {
    return explain(
      `the HTTPS endpoint's certificate is outside its validity period (${code}): restart strongbox serve to make a new self-signed one (or give --tls-cert a current one), and trust that one`,
    );
  }
  if (UNTRUSTED.has(code)) {
    const fix = caBundle
      ? 'the --ca-bundle given is not the certificate this endpoint serves (strongbox serve prints its path)'
      : "pass --ca-bundle FILE, the certificate path strongbox serve's banner prints under HTTPS";
    return explain(`the HTTPS endpoint's certificate is not trusted (${code}): ${fix}`);
  }
  if (code === 'EPROTO' || code === 'ERR_SSL_WRONG_VERSION_NUMBER') {
    return explain(`TLS failed with ${named} (${code}): an https:// URL names the --https-port listener, not the plain --port one`);
  }
  // The HTTPS listener closes a connection that opens with plain HTTP instead of a TLS hello.
  const plain = failed.filter((url) => url.startsWith('http://'));
  if (code === 'ECONNRESET' && plain.length > 0) {
    return explain(
      `${plain.join(' or ')} closed the connection without an answer (${code}): if that is the --https-port listener, its URL starts with https://, not http://`,
    );
  }
  return undefined;
}

/** The endpoints the error names by port (a refused connect) or host name (a failed look-up); all of them when it names none or none match. */
function failingEndpoints(fields: NodeError, endpoints: readonly string[]): readonly string[] {
  const matching = endpoints.filter((url) => {
    if (typeof fields.port === 'number') return portOf(url) === String(fields.port);
    if (typeof fields.hostname === 'string') return hostOf(url) === fields.hostname;
    return false;
  });
  return matching.length > 0 ? matching : endpoints;
}

function portOf(url: string): string {
  const parsed = URL.canParse(url) ? new URL(url) : undefined;
  if (parsed === undefined) return '';
  return parsed.port !== '' ? parsed.port : parsed.protocol === 'https:' ? '443' : '80';
}

function hostOf(url: string): string {
  return URL.canParse(url) ? new URL(url).hostname : url;
}
