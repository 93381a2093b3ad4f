/**
 * @module
 * Why `strongbox demo --endpoint-url` could not talk to the endpoint, in one line that says what to
 * do: nothing listening, a certificate the demo does not trust, TLS spoken to the plain port. The
 * SDK passes Node's socket and TLS errors through unchanged, and the CLI would otherwise print them
 * as an "unexpected error" with only Node's code (`DEPTH_ZERO_SELF_SIGNED_CERT`).
 */

import { StrongboxError } from '../errors.ts';

/** Node's codes for a certificate chain the client does not trust (`tls.connect` verify errors). */
const UNTRUSTED = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'CERT_HAS_EXPIRED',
]);

/** Node's codes for an address nothing answers on, or a name that does not resolve. */
const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ETIMEDOUT']);

/**
 * The demo's one-line explanation of a connection failure, or `undefined` for any other error.
 * @param endpoints the URLs the demo was given (`--endpoint-url`, `--https-endpoint-url`).
 * @param caBundle whether `--ca-bundle` was given.
 * @returns a RUN_FAILED `StrongboxError` (exit 1) naming the endpoints and the fix.
 * @example explainUnreachable(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), ['http://127.0.0.1:4566'], false)?.message
 * // "cannot connect to http://127.0.0.1:4566 (ECONNREFUSED): is strongbox serve running there? ..."
 */
export function explainUnreachable(error: unknown, endpoints: readonly string[], caBundle: boolean): StrongboxError | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return undefined;
  const named = endpoints.join(' or ');
  if (UNREACHABLE.has(code)) {
    return new StrongboxError(
      'RUN_FAILED',
      `cannot connect to ${named} (${code}): is strongbox serve running there? Start it, or point --endpoint-url at the URL its banner prints`,
    );
  }
  if (UNTRUSTED.has(code)) {
    const fix = caBundle
      ? 'the --ca-bundle given is not the certificate this endpoint serves (strongbox serve prints its path)'
      : "pass --ca-bundle FILE, the certificate path strongbox serve's banner prints under HTTPS";
    return new StrongboxError('RUN_FAILED', `the HTTPS endpoint's certificate is not trusted (${code}): ${fix}`);
  }
  if (code === 'EPROTO' || code === 'ERR_SSL_WRONG_VERSION_NUMBER') {
    return new StrongboxError('RUN_FAILED', `TLS failed with ${named} (${code}): an https:// URL names the --https-port listener, not the plain --port one`);
  }
  return undefined;
}
