/**
 * @module
 * SigV4 query-string authentication (presigned URLs), as S3 verifies it: the six `X-Amz-*`
 * parameters, the credential scope, `X-Amz-Expires` (at most 604800 seconds, a week) against the
 * injected clock, headers that had to be signed, then the signature. The signature is recomputed
 * by `@smithy/signature-v4`'s own `presign` (what `@aws-sdk/s3-request-presigner` calls) over
 * exactly the headers the URL names, with the access key's secret, and compared in constant time.
 *
 * Texts: S3's, as ../shared/reference/s3-sse.md §2.4 records them (missing parameters, expiry
 * too long, `Request has expired`, `SignatureDoesNotMatch`) and, for the credential-scope
 * refusals, the texts versitygw's AWS-checked test suite pins (`s3err/presigned-urls.go`).
 */

import { Hash } from '@smithy/hash-node';
import { ServiceError } from '../errors.ts';
import type { HttpRequest, PayloadAuthentication } from '../http/types.ts';
import type { Principal } from '../principal.ts';
import { rootPrincipal } from '../principal.ts';
import type { UserDirectory } from '../users.ts';
import { isRegionName } from './credential-scope.ts';
import { ExplainingSignatureV4, mismatchFields, type SigningExplanation } from './explain.ts';
import { constantTimeEqual } from './signature.ts';
import { checkHeadersSigned } from './signed-headers.ts';
import { parseIsoBasic } from './signing-time.ts';

/** The longest validity S3 accepts: seven days, in seconds (SigV4 "Query parameters", X-Amz-Expires). */
export const MAX_PRESIGNED_EXPIRES_SECONDS = 604_800;

/** S3's text for a signature that does not verify (§2.4). */
export const S3_SIGNATURE_MISMATCH = 'The request signature we calculated does not match the signature you provided. Check your key and signing method.';

/**
 * S3's 403 SignatureDoesNotMatch for a header or presigned request: the access key id and the
 * signature provided, and, when the string to sign could be rebuilt, what S3 adds to explain it
 * (`mismatchFields`).
 * @example
 * ```ts
 * throw signatureMismatch('AKIA…', 'abc…', undefined);
 * ```
 */
export function signatureMismatch(accessKeyId: string, signatureProvided: string, explanation: SigningExplanation | undefined): ServiceError {
  return new ServiceError(
    'SignatureDoesNotMatch',
    S3_SIGNATURE_MISMATCH,
    explanation === undefined
      ? [
          ['AWSAccessKeyId', accessKeyId],
          ['SignatureProvided', signatureProvided],
        ]
      : mismatchFields(accessKeyId, signatureProvided, explanation),
  );
}

const ALGORITHM = 'AWS4-HMAC-SHA256';
const TERMINATOR = 'aws4_request';
const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';
const YYYYMMDD = /^\d{8}$/;
/** The query parameters `presign` writes itself; every other parameter is signed as the client sent it. */
const AUTH_PARAMETERS = ['X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Date', 'X-Amz-Expires', 'X-Amz-SignedHeaders', 'X-Amz-Signature'] as const;
/** The signed headers a presigned URL may carry as query parameters instead (`signedInQuery`). */
const QUERY_HEADER_PREFIX = 'x-amz-server-side-encryption';
const MISSING_PARAMETERS =
  'Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.';
const MALFORMED_CREDENTIAL =
  'Error parsing the X-Amz-Credential parameter; the Credential is mal-formed; expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".';

/** Settings of presigned-URL verification. */
export interface PresignedOptions {
  readonly users: UserDirectory;
  /** `true`: unknown access keys are refused (403 InvalidAccessKeyId); `false`: they act as the account root, unverified. */
  readonly strict: boolean;
  readonly account: string;
  /** The signing name the scope must carry (`s3`). */
  readonly service: string;
  /** Now, in milliseconds (the injected clock). */
  readonly now: number;
}

/** A verified presigned request. */
export interface PresignedIdentity {
  readonly caller: Principal;
  readonly region: string;
  /** The payload hash signed: `UNSIGNED-PAYLOAD` unless the URL signed a hash. */
  readonly payload: PayloadAuthentication;
  /** When the URL stops being accepted (ms since the epoch). */
  readonly expiresAt: number;
  /** When the URL was signed (`X-Amz-Date`, ms since the epoch): the time the signature was verified with. */
  readonly signedAt: number;
}

/**
 * Verifies a presigned (query-string authenticated) request.
 *
 * @throws ServiceError AuthorizationQueryParametersError (400) for missing, repeated or malformed
 *   parameters, `X-Amz-SignedHeaders` without `host`, and `X-Amz-Expires` over a week; AccessDenied (403) `Request has expired` (with
 *   `X-Amz-Expires`, `Expires`, `ServerTime`), `Request is not valid yet`, or
 *   `There were headers present in the request which were not signed` (with `HeadersNotSigned`);
 *   InvalidAccessKeyId (403, strict mode); SignatureDoesNotMatch (403, with S3's elements: the
 *   access key, the string to sign and canonical request computed, the signature provided).
 * @example
 * ```ts
 * const identity = await verifyPresignedRequest(request, { users, strict: true, account: '000000000000', service: 's3', now: Date.now() });
 * identity.caller.arn; // the signer
 * ```
 */
export async function verifyPresignedRequest(request: HttpRequest, options: PresignedOptions): Promise<PresignedIdentity> {
  const { path, query } = splitRawPath(request.path);
  const param = (name: string): string | undefined => {
    const value = query.get(name);
    return value === undefined ? undefined : value[value.length - 1];
  };
  // The six parameters are not part of the signed query (`presign` writes them), so a repeated
  // one would not break the signature: a second `X-Amz-Date` could then say another age than the
  // one verified (policies on `s3:signatureAge`). Each must be given once. UNCONFIRMED text: no
  // capture of S3's answer to a repeated parameter; the code is the one S3 uses for the others.
  for (const name of AUTH_PARAMETERS) {
    if ((query.get(name)?.length ?? 0) > 1) throw queryError(`${name} must be given only once`);
  }
  const [algorithm, credential, amzDate, expiresText, signedHeadersText, signature] = AUTH_PARAMETERS.map(param);
  if (!algorithm || !credential || !amzDate || expiresText === undefined || !signedHeadersText || !signature) {
    throw queryError(MISSING_PARAMETERS);
  }
  if (algorithm !== ALGORITHM) throw queryError('X-Amz-Algorithm only supports "AWS4-HMAC-SHA256 and AWS4-ECDSA-P256-SHA256"');
  const signedAt = parseIsoBasic(amzDate);
  if (signedAt === undefined) throw queryError(`X-Amz-Date must be in the ISO8601 Long Format "yyyyMMdd'T'HHmmss'Z'"`);
  const scope = parseCredential(credential, amzDate, options.service);
  const expires = parseExpires(expiresText);
  const expiresAt = signedAt + expires * 1000;
  // S3 refuses a URL used after its time, naming both times (§2.4 "Request has expired").
  if (options.now > expiresAt) {
    throw new ServiceError('AccessDenied', 'Request has expired', [
      ['X-Amz-Expires', String(expires)],
      ['Expires', isoSeconds(expiresAt)],
      ['ServerTime', isoSeconds(options.now)],
    ]);
  }
  // UNCONFIRMED text: a URL dated in the future is refused by S3 ("Request is not valid yet" is
  // what S3 is reported to answer; no capture in the reference).
  if (signedAt > options.now + 15 * 60 * 1000) throw new ServiceError('AccessDenied', 'Request is not valid yet');
  const signedHeaders = signedHeadersText.toLowerCase().split(';');
  // S3 API reference (query-string authentication, X-Amz-SignedHeaders): "The following headers
  // are required in the signature calculations: The HTTP host header." Unsigned, the URL would
  // verify under any host, i.e. for any bucket under virtual-hosted addressing. UNCONFIRMED
  // text (no capture); the header form's counterpart is "'Host' must be a 'SignedHeader'".
  if (!signedHeaders.includes('host')) throw queryError('X-Amz-SignedHeaders must include host');
  checkHeadersSigned(request, signedHeaders);
  const contentSha256 = signedHeaders.includes('x-amz-content-sha256')
    ? (request.headers['x-amz-content-sha256'] ?? '')
    : (param('X-Amz-Content-Sha256') ?? UNSIGNED_PAYLOAD);
  const user = options.users.lookup(scope.accessKeyId);
  if (user === undefined) {
    if (options.strict) {
      throw new ServiceError('InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records.', [
        ['AWSAccessKeyId', scope.accessKeyId],
      ]);
    }
    // Non-strict: an unknown key cannot be verified; it stands for the default account's root.
    return {
      caller: { ...rootPrincipal(scope.region, options.account), accessKeyId: scope.accessKeyId },
      region: scope.region,
      payload: { contentSha256 },
      expiresAt,
      signedAt,
    };
  }
  const expected = await presignedSignature(request, path, query, signedHeaders, contentSha256, {
    ...scope,
    secretAccessKey: user.secretAccessKey,
    signedAt,
    expires,
  });
  const scopeText = `${amzDate.slice(0, 8)}/${scope.region}/${scope.service}/aws4_request`;
  if (!constantTimeEqual(expected.signature, signature)) {
    const explanation = await expected.explain(amzDate, scopeText);
    throw signatureMismatch(scope.accessKeyId, signature, explanation);
  }
  // A URL that signed a STREAMING-AWS4-HMAC-SHA256 payload declares a chunk-signed body: its chunk
  // signatures chain from X-Amz-Signature (the seed, SigV4 streaming reference) and are checked as
  // the header form's are. Whether S3 verifies them or refuses streaming on query authentication
  // is UNCONFIRMED; either way it never takes chunk signatures it cannot verify.
  const payload: PayloadAuthentication =
    contentSha256 === 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD' || contentSha256 === 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER'
      ? { contentSha256, chunkSigning: { seedSignature: signature, amzDate, scope: scopeText, sign: expected.sign } }
      : { contentSha256 };
  return { caller: user.principal, region: scope.region, payload, expiresAt, signedAt };
}

/** The credential scope of a presigned URL. */
interface Scope {
  readonly accessKeyId: string;
  readonly region: string;
  readonly service: string;
}

function parseCredential(credential: string, amzDate: string, service: string): Scope {
  const parts = credential.split('/');
  if (parts.length !== 5 || parts.some((part) => part === '')) throw queryError(MALFORMED_CREDENTIAL);
  const [accessKeyId, date, region, scopeService, terminator] = parts as [string, string, string, string, string];
  if (!YYYYMMDD.test(date)) {
    throw queryError(
      `Error parsing the X-Amz-Credential parameter; incorrect date format "${date}". This date in the credential must be in the format "yyyyMMdd".`,
    );
  }
  // Any well-formed Region is served (the emulator has them all); a malformed one cannot be.
  if (!isRegionName(region)) throw queryError(`Error parsing the X-Amz-Credential parameter; the region '${region}' is wrong; expecting a Region name`);
  if (scopeService !== service) {
    throw queryError(`Error parsing the X-Amz-Credential parameter; incorrect service "${scopeService}". This endpoint belongs to "${service}".`);
  }
  if (terminator !== TERMINATOR) {
    throw queryError(`Error parsing the X-Amz-Credential parameter; incorrect terminal "${terminator}". This endpoint uses "${TERMINATOR}".`);
  }
  if (date !== amzDate.slice(0, 8)) throw queryError(`Invalid credential date "${date}". This date is not the same as X-Amz-Date: "${amzDate.slice(0, 8)}".`);
  return { accessKeyId, region, service: scopeService };
}

function parseExpires(text: string): number {
  if (!/^-?\d+$/.test(text)) throw queryError('X-Amz-Expires should be a number');
  const expires = Number(text);
  if (expires < 0) throw queryError('X-Amz-Expires must be non-negative');
  if (expires > MAX_PRESIGNED_EXPIRES_SECONDS) {
    throw queryError('X-Amz-Expires must be less than a week (in seconds); that is, the given X-Amz-Expires must be less than 604800 seconds');
  }
  return expires;
}

/** Recomputes the URL's signature with `@smithy/signature-v4`'s `presign`. */
async function presignedSignature(
  request: HttpRequest,
  path: string,
  query: ReadonlyMap<string, readonly string[]>,
  signedHeaders: readonly string[],
  contentSha256: string,
  signing: Scope & { readonly secretAccessKey: string; readonly signedAt: number; readonly expires: number },
): Promise<{
  signature: string;
  explain(amzDate: string, scope: string): Promise<SigningExplanation | undefined>;
  /** Signs a chunk's string to sign with the URL's signing key (aws-chunked bodies). */
  sign(stringToSign: string): Promise<string>;
}> {
  const headers = Object.create(null) as Record<string, string>;
  for (const name of signedHeaders) {
    const value = request.headers[name] ?? signedInQuery(name, query);
    // A signed header the request does not carry cannot verify (nor be explained).
    if (value === undefined) return { signature: '', explain: async () => undefined, sign: async () => '' };
    headers[name] = value;
  }
  // The payload hash `presign` reads from this header; neither signed (unless the URL signed it)
  // nor moved into the query.
  const unsignable = new Set<string>();
  if (!signedHeaders.includes('x-amz-content-sha256')) {
    headers['x-amz-content-sha256'] = contentSha256;
    unsignable.add('x-amz-content-sha256');
  }
  const signedQuery = Object.create(null) as Record<string, string | string[]>;
  for (const [name, values] of query) {
    if ((AUTH_PARAMETERS as readonly string[]).includes(name)) continue;
    signedQuery[name] = values.length === 1 ? (values[0] as string) : [...values];
  }
  const signer = new ExplainingSignatureV4({
    service: signing.service,
    region: signing.region,
    credentials: { accessKeyId: signing.accessKeyId, secretAccessKey: signing.secretAccessKey },
    sha256: Hash.bind(null, 'sha256'),
    // S3 signs the path as sent, not double-encoded (SigV4 reference, "Canonical request" for S3).
    uriEscapePath: false,
  });
  const presigned = await signer.presign(
    { method: request.method, protocol: 'http:', hostname: headers['host'] ?? '', path, query: signedQuery, headers },
    {
      signingDate: new Date(signing.signedAt),
      // Known difference: `presign` writes X-Amz-Expires as a plain decimal; a URL spelling it
      // with leading zeros would not verify here.
      expiresIn: signing.expires,
      signableHeaders: new Set(signedHeaders),
      unsignableHeaders: unsignable,
      unhoistableHeaders: new Set(Object.keys(headers)),
    },
  );
  const value = presigned.query?.['X-Amz-Signature'];
  // `presign` drops `x-amz-date`, `date` and `authorization` from the headers it signs whatever
  // `signableHeaders` says, and signs its own list: a URL naming one of them in
  // X-Amz-SignedHeaders would verify with that header unsigned (and pass `checkHeadersSigned`).
  // The list the signature covers must be the URL's.
  const covered = presigned.query?.['X-Amz-SignedHeaders'] === signedHeaders.join(';');
  return {
    signature: typeof value === 'string' && covered ? value : '',
    explain: (amzDate, scope) => signer.explain(presigned, { signedHeaders, payloadHash: contentSha256, amzDate, scope }),
    // HMAC with the derived signing key, by the library (which also caches the key).
    sign: (stringToSign) =>
      signer.sign(stringToSign, { signingDate: new Date(signing.signedAt), signingRegion: signing.region, signingService: signing.service }),
  };
}

/**
 * The value of a signed server-side-encryption header sent only as a query parameter of the same
 * name (any case): the JavaScript SDK v2 presigns that way, listing the header in
 * `X-Amz-SignedHeaders` and putting its value in the query only; S3 verifies such a URL without
 * the header (localstack/localstack#7628, AWS-validated; MinIO's `extractSignedHeaders` reads the
 * query the same way). Only `x-amz-server-side-encryption*` names: they are the ones S3 is known
 * to act on from the query, and the S3 engine reads them there (`@strongbox/s3`'s
 * `hoistedHeaders`). That SDK hoists every header, but any other one would verify here and then
 * be unknown to the operation (an `x-amz-copy-source` turning a CopyObject into an empty
 * PutObject, metadata or an ACL dropped): such a URL stays refused, as before. Never
 * `x-amz-content-sha256` (the payload claim is read from the header alone) nor a presigning
 * parameter; a name given more than once has no single value and does not verify.
 */
function signedInQuery(name: string, query: ReadonlyMap<string, readonly string[]>): string | undefined {
  if (!name.startsWith(QUERY_HEADER_PREFIX)) return undefined;
  let found: string | undefined;
  for (const [parameter, values] of query) {
    if (parameter.toLowerCase() !== name) continue;
    if (found !== undefined || values.length !== 1) return undefined;
    found = values[0];
  }
  return found;
}

/**
 * Splits `/path?query` into the raw path (as signed: S3 does not re-encode it) and the decoded
 * query. Decoded with `decodeURIComponent`, not `URLSearchParams`, because SigV4 encodes a space
 * as `%20` and a plus sign as `%2B`: a literal `+` is a plus sign, not a space.
 */
function splitRawPath(raw: string): { path: string; query: Map<string, string[]> } {
  const question = raw.indexOf('?');
  const path = (question < 0 ? raw : raw.slice(0, question)) || '/';
  const query = new Map<string, string[]>();
  if (question >= 0) {
    for (const part of raw.slice(question + 1).split('&')) {
      if (part === '') continue;
      const equals = part.indexOf('=');
      const name = decode(equals < 0 ? part : part.slice(0, equals));
      const value = equals < 0 ? '' : decode(part.slice(equals + 1));
      const values = query.get(name);
      if (values === undefined) query.set(name, [value]);
      else values.push(value);
    }
  }
  return { path, query };
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    // A malformed escape is kept as sent; the signature then decides.
    return text;
  }
}

function queryError(message: string): ServiceError {
  return new ServiceError('AuthorizationQueryParametersError', message);
}

/** `2026-12-06T05:11:45Z`: the form of S3's `Expires` and `ServerTime` elements. */
function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
