/**
 * @module
 * AWS Signature Version 4 verification, for every service on the endpoint. The signature itself is computed
 * by `@smithy/signature-v4` (the signer the AWS SDK for JavaScript uses): the request is re-signed
 * with the secret of its access key, over exactly the headers the client signed, and the two
 * signatures are compared in constant time. This module only parses the `Authorization` header and
 * answers AWS's errors, in the order Coral front ends check them (recorded from DynamoDB and
 * Kinesis by dynalite/kinesalite; texts in the research memo §5): missing token → incomplete
 * header → date format and skew (±5 minutes, as real KMS in aws/aws-sdk-js-v3#6400) → `host`
 * signed → algorithm → credential scope → access key → signature.
 */

import { timingSafeEqual } from 'node:crypto';
import { Hash } from '@smithy/hash-node';
import type { SignatureV4 } from '@smithy/signature-v4';
import type { HttpRequest as SdkRequest } from '@smithy/types';
import { type Clock, systemClock } from '../clock.ts';
import { ServiceError } from '../errors.ts';
import type { HttpRequest, PayloadAuthentication, RequestIdentity } from '../http/types.ts';
import { rootPrincipal } from '../principal.ts';
import { queryPairs } from '../protocol/query-pairs.ts';
import type { UserDirectory } from '../users.ts';
import { ExplainingSignatureV4 } from './explain.ts';
import { signatureMismatch, verifyPresignedRequest } from './presigned.ts';
import { checkHeadersSigned } from './signed-headers.ts';

/** Settings of the authenticator. */
export interface SigV4Options {
  /** Known access keys (the default `test` key is not added here: see `withDefaultUser`). */
  readonly users: UserDirectory;
  /**
   * `true`: behave like AWS (unsigned requests and unknown access keys are refused).
   * `false`: unsigned requests and unknown access keys act as the default account's root; requests
   * signed with a KNOWN access key are still verified (a wrong secret is refused), so a users file
   * means something even without strict mode.
   */
  readonly strict: boolean;
  /** Default account: unknown keys in non-strict mode act as its root. */
  readonly account: string;
  /** Default Region, for unsigned requests in non-strict mode. */
  readonly region: string;
  /** Time for the skew check (default: the system clock). */
  readonly clock?: Clock;
  /** The signing name the credential scope must carry: `kms`, `cloudtrail`, `s3`. */
  readonly service: string;
  /**
   * `'s3'`: verify as S3 does. Presigned URLs (`query` form) are verified (`verifyPresignedRequest`,
   * S3's errors); the header form signs the path as sent (no double encoding) and takes the
   * payload hash from `x-amz-content-sha256` without reading the body, which may still be
   * streaming: the identity's `payload` says what the body must then satisfy (a hex SHA-256,
   * `UNSIGNED-PAYLOAD`, or an aws-chunked `STREAMING-*` form with its chunk-signing context).
   * Default `'json'`: the JSON services' rules (the body is hashed; no query form).
   */
  readonly payloadMode?: 'json' | 's3';
}

/**
 * The three ways SigV4 can sign a request (SigV4 reference, "Authentication methods"):
 * - `header`: the `Authorization` header (every SDK call; verified here);
 * - `query`: a presigned URL (`X-Amz-Algorithm`, `X-Amz-Credential`, `X-Amz-Signature` in the
 *   query string): verified by `verifyPresignedRequest` with `payloadMode: 's3'`; for the JSON
 *   services it counts as unsigned;
 * - `none`: unsigned.
 * Streaming uploads (`x-amz-content-sha256: STREAMING-AWS4-HMAC-SHA256-PAYLOAD`, S3's
 * aws-chunked encoding) sign the headers as `header` does, with that literal as the payload hash;
 * with `payloadMode: 's3'` the identity carries the seed signature and signing context, and
 * `decodeAwsChunked` (`streaming.ts`) checks each chunk signature chained from it.
 */
export type SignatureForm = 'header' | 'query' | 'none';

/**
 * How `request` is signed (see `SignatureForm`).
 * @throws ServiceError InvalidSignatureException when it carries both a header and a query signature.
 * @example signatureFormOf({ method: 'POST', path: '/', headers: {}, body: new Uint8Array() }) // 'none'
 */
export function signatureFormOf(request: HttpRequest): SignatureForm {
  const header = request.headers['authorization'];
  const question = request.path.indexOf('?');
  const query = question < 0 ? '' : request.path.slice(question + 1);
  const presigned = query !== '' && new URLSearchParams(query).has('X-Amz-Algorithm');
  if (header !== undefined && presigned) {
    throw new ServiceError('InvalidSignatureException', "Found both 'X-Amz-Algorithm' as a query-string param and 'Authorization' as HTTP header.");
  }
  return header !== undefined ? 'header' : presigned ? 'query' : 'none';
}

/** How far the signing time may be from the server's, both ways (real KMS: 5 minutes). */
const MAX_SKEW_MS = 5 * 60 * 1000;
/**
 * S3's window is 15 minutes (S3 API reference, "Authenticating Requests (AWS Signature Version
 * 4)": "within 15 minutes"; its RequestTimeTooSkewed carries MaxAllowedSkewMilliseconds 900000).
 */
const S3_MAX_SKEW_MS = 15 * 60 * 1000;
const ALGORITHM = 'AWS4-HMAC-SHA256';
const TERMINATOR = 'aws4_request';
const ISO_BASIC = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;
/** Distinct credential scopes remembered per authenticator (then forgotten all at once). */
const SCOPE_CACHE_LIMIT = 256;
/** The `x-amz-*` header the header form may leave unsigned (see `verifyS3Header`). */
const HEADER_FORM_UNSIGNED: readonly string[] = ['x-amz-content-sha256'];
const SIGNATURE_MISMATCH =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';

/**
 * Builds the authenticator for `createJson11Handler(kms, { authenticate })`.
 *
 * @throws ServiceError (from the returned function) MissingAuthenticationTokenException,
 *   IncompleteSignatureException, InvalidSignatureException or UnrecognizedClientException with AWS's texts.
 * @example
 * ```ts
 * const authenticate = createSigV4Authenticator({ users: withDefaultUser(NO_USERS, '000000000000'), strict: true, account: '000000000000', region: 'us-east-1' });
 * createServer(toNodeListener(createJson11Handler(kms, { authenticate })));
 * ```
 */
export function createSigV4Authenticator(options: SigV4Options): (request: HttpRequest) => Promise<RequestIdentity> {
  const clock = options.clock ?? systemClock;
  const service = options.service;
  // A client's credential scope is the same all day and its X-Amz-Date changes once a second:
  // parse each once, not once per request (they were a tenth of the endpoint's server time).
  const scopes = new Map<string, Scope>();
  // One signer per key and scope: the signer keeps the signing key it derives (four HMACs) for the
  // day, which a signer made per request would derive again for every request.
  const signers = new SignerCache();
  const unverifiedCallers = new UnverifiedCallers();
  return async (request) => {
    const [path, query] = splitPath(request.path);
    const header = request.headers['authorization'];
    if (header !== undefined && 'X-Amz-Algorithm' in query) {
      throw new ServiceError('InvalidSignatureException', "Found both 'X-Amz-Algorithm' as a query-string param and 'Authorization' as HTTP header.");
    }
    const s3 = options.payloadMode === 's3';
    if (header === undefined && s3 && 'X-Amz-Algorithm' in query) {
      const verified = await verifyPresignedRequest(request, {
        users: options.users,
        strict: options.strict,
        account: options.account,
        service,
        now: clock.now(),
      });
      return { caller: verified.caller, region: verified.region, payload: verified.payload, signedAt: verified.signedAt };
    }
    // Known difference: for the JSON services query-string (presigned) authentication is not
    // verified (see `SignatureForm`); such requests count as unsigned. Nobody presigns KMS calls.
    if (header === undefined) {
      if (options.strict) throw new ServiceError('MissingAuthenticationTokenException', 'Missing Authentication Token');
      return { caller: rootPrincipal(options.region, options.account) };
    }
    const parsed = parseAuthorization(header, request);
    const signedAt = checkTime(parsed.amzDate, clock.now(), s3 ? S3_MAX_SKEW_MS : MAX_SKEW_MS);
    if (!parsed.signedHeaders.includes('host'))
      throw new ServiceError('InvalidSignatureException', "'Host' must be a 'SignedHeader' in the AWS Authorization.");
    if (parsed.algorithm !== ALGORITHM) {
      throw new ServiceError('IncompleteSignatureException', `Unsupported AWS 'algorithm': '${parsed.algorithm}' (only ${ALGORITHM} for now). `);
    }
    const scopeKey = `${parsed.credential}\n${parsed.amzDate.slice(0, 8)}`;
    let scope = scopes.get(scopeKey);
    if (scope === undefined) {
      scope = parseScope(parsed.credential, parsed.amzDate, service);
      if (scopes.size >= SCOPE_CACHE_LIMIT) scopes.clear();
      scopes.set(scopeKey, scope);
    }
    const user = options.users.lookup(scope.accessKeyId);
    if (user === undefined) {
      if (options.strict) throw new ServiceError('UnrecognizedClientException', 'The security token included in the request is invalid.');
      // Non-strict: an unknown key cannot be verified; it stands for the default account's root.
      const caller = unverifiedCallers.get(scope, options.account);
      return s3
        ? { caller, region: scope.region, signedAt, payload: { contentSha256: request.headers['x-amz-content-sha256'] ?? '' } }
        : { caller, region: scope.region, signedAt };
    }
    if (s3) return { ...(await verifyS3Header(request, path, query, parsed, scope, user, signers)), signedAt };
    const expected = await computeSignature(request, path, query, parsed, signers.get(scope, user.secretAccessKey, true));
    if (!constantTimeEqual(expected, parsed.signature)) throw new ServiceError('InvalidSignatureException', SIGNATURE_MISMATCH);
    return { caller: user.principal, region: scope.region, signedAt };
  };
}

/**
 * S3's header form: the declared `x-amz-content-sha256` is the payload hash signed (S3 requires
 * the header), the body is not read here, and a `STREAMING-AWS4-HMAC-SHA256-PAYLOAD(-TRAILER)`
 * request gets the context its chunk signatures chain from (the seed is this signature).
 */
async function verifyS3Header(
  request: HttpRequest,
  path: string,
  query: Readonly<Record<string, string | string[]>>,
  parsed: ParsedAuthorization,
  scope: Scope,
  user: { readonly principal: RequestIdentity['caller']; readonly secretAccessKey: string },
  signers: SignerCache,
): Promise<RequestIdentity> {
  const contentSha256 = request.headers['x-amz-content-sha256'];
  // S3 API reference (Authenticating Requests: Using the Authorization Header): the header is required.
  if (contentSha256 === undefined) throw new ServiceError('InvalidRequest', 'Missing required header for this request: x-amz-content-sha256');
  const signer = signers.get(scope, user.secretAccessKey, false);
  const signingDate = new Date(parseIsoBasic(parsed.amzDate) ?? Number.NaN);
  const expected = await headerSignature(signer, request, path, query, parsed, signingDate, contentSha256);
  const scopeText = `${parsed.amzDate.slice(0, 8)}/${scope.region}/${scope.service}/aws4_request`;
  if (!constantTimeEqual(expected.signature, parsed.signature)) {
    const explanation =
      expected.signed === undefined
        ? undefined
        : await signer.explain(expected.signed, { signedHeaders: parsed.signedHeaders, payloadHash: contentSha256, amzDate: parsed.amzDate, scope: scopeText });
    throw signatureMismatch(scope.accessKeyId, parsed.signature, explanation);
  }
  // Once the signature holds: every other x-amz-* header must be signed too (S3's rule, see
  // `checkHeadersSigned`), except `x-amz-content-sha256`, which S3 is reported to tolerate
  // unsigned in the header form (demarche-numerique/ds_proxy#164; UNCONFIRMED): its value is the
  // payload hash the signature covers anyway. AWS's order relative to the signature check is
  // UNCONFIRMED; checking after keeps the non-strict path for unknown keys as it was.
  checkHeadersSigned(request, parsed.signedHeaders, HEADER_FORM_UNSIGNED);
  const streaming = contentSha256 === 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD' || contentSha256 === 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER';
  const payload: PayloadAuthentication = streaming
    ? {
        contentSha256,
        chunkSigning: {
          seedSignature: parsed.signature,
          amzDate: parsed.amzDate,
          scope: scopeText,
          // HMAC with the derived signing key, by the library (which also caches the key).
          sign: (stringToSign) => signer.sign(stringToSign, { signingDate, signingRegion: scope.region, signingService: scope.service }),
        },
      }
    : { contentSha256 };
  return { caller: user.principal, region: scope.region, payload };
}

/**
 * The principal an unknown access key stands for in non-strict mode (the default account's root,
 * with that key), one frozen object per key and Region instead of one per request; forgotten all
 * at once past `SCOPE_CACHE_LIMIT`.
 */
class UnverifiedCallers {
  readonly #callers = new Map<string, RequestIdentity['caller']>();

  get(scope: Scope, account: string): RequestIdentity['caller'] {
    const key = `${scope.accessKeyId}\n${scope.region}`;
    let caller = this.#callers.get(key);
    if (caller === undefined) {
      if (this.#callers.size >= SCOPE_CACHE_LIMIT) this.#callers.clear();
      caller = Object.freeze({ ...rootPrincipal(scope.region, account), accessKeyId: scope.accessKeyId });
      this.#callers.set(key, caller);
    }
    return caller;
  }
}

/** Signers by access key, secret, scope and path escaping; forgotten all at once past `SCOPE_CACHE_LIMIT`. */
class SignerCache {
  readonly #signers = new Map<string, ExplainingSignatureV4>();

  get(scope: Scope, secretAccessKey: string, uriEscapePath: boolean): ExplainingSignatureV4 {
    // The secret is part of the key: a user whose secret changes gets a new signer.
    const key = `${scope.accessKeyId}\n${scope.region}\n${scope.service}\n${uriEscapePath}\n${secretAccessKey}`;
    let signer = this.#signers.get(key);
    if (signer === undefined) {
      if (this.#signers.size >= SCOPE_CACHE_LIMIT) this.#signers.clear();
      signer = signerFor(scope, secretAccessKey, uriEscapePath);
      this.#signers.set(key, signer);
    }
    return signer;
  }
}

function signerFor(scope: Scope, secretAccessKey: string, uriEscapePath: boolean): ExplainingSignatureV4 {
  return new ExplainingSignatureV4({
    service: scope.service,
    region: scope.region,
    credentials: { accessKeyId: scope.accessKeyId, secretAccessKey },
    sha256: Hash.bind(null, 'sha256'),
    // The client decides which headers it signed; the signer must neither add nor drop any.
    applyChecksum: false,
    uriEscapePath,
  });
}

/** Re-signs the request over exactly the signed headers, with `payloadHash` as the payload's hash. */
async function headerSignature(
  signer: SignatureV4,
  request: HttpRequest,
  path: string,
  query: Readonly<Record<string, string | string[]>>,
  auth: ParsedAuthorization,
  signingDate: Date,
  payloadHash: string,
): Promise<{ signature: string; signed?: SdkRequest }> {
  // Names are the client's: no prototype, so `__proto__` or `constructor` is an ordinary name.
  const headers = Object.create(null) as Record<string, string>;
  for (const name of auth.signedHeaders) {
    const value = request.headers[name];
    // A signed header the request does not carry cannot verify (x-amz-date is set by the signer).
    if (value === undefined && name !== 'x-amz-date') return { signature: '' };
    if (value !== undefined) headers[name] = value;
  }
  // The signer takes the payload hash from this header when present (`getPayloadHash`).
  headers['x-amz-content-sha256'] = payloadHash;
  const unsignable = new Set<string>();
  if (!auth.signedHeaders.includes('x-amz-date')) unsignable.add('x-amz-date');
  if (!auth.signedHeaders.includes('x-amz-content-sha256')) unsignable.add('x-amz-content-sha256');
  const signed = await signer.sign(
    { method: request.method, protocol: 'http:', hostname: headers['host'] ?? '', path, query, headers, body: undefined },
    { signingDate, signableHeaders: new Set(auth.signedHeaders), unsignableHeaders: unsignable },
  );
  const authorization = String(signed.headers['authorization'] ?? '');
  return { signature: authorization.slice(authorization.lastIndexOf('Signature=') + 'Signature='.length), signed };
}

/** The pieces of an `Authorization: AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…` header. */
interface ParsedAuthorization {
  readonly algorithm: string;
  readonly credential: string;
  readonly signedHeaders: readonly string[];
  readonly signature: string;
  /** The signing time as sent (`X-Amz-Date`, ISO 8601 basic format). */
  readonly amzDate: string;
}

/** What an SDK writes between the other fields and the signature, the header's last field. */
const SIGNATURE_FIELD = ', Signature=';
/** A signature as SDKs write it: no separator, nothing to trim. */
const HEX_SIGNATURE = /^[0-9a-f]+$/;
/**
 * The fields of `Authorization` headers parsed before, by their text up to `, Signature=`: a
 * client sends the same algorithm, credential and signed headers on every call, and only the
 * signature after them changes. Filled only from `parseAuthorizationFields`, for headers whose
 * signature is that last hex field: the general rules then give the same fields for any header
 * with that text before another hex signature (the last `Signature` wins), so the two parse alike.
 */
const KNOWN_AUTHORIZATION_FIELDS = new Map<string, Pick<ParsedAuthorization, 'algorithm' | 'credential' | 'signedHeaders'>>();

/** Splits the header like Coral (`parseAuthorizationFields`); headers like one parsed before skip the splitting. */
function parseAuthorization(header: string, request: HttpRequest): ParsedAuthorization {
  const at = header.lastIndexOf(SIGNATURE_FIELD);
  const signature = at < 0 ? '' : header.slice(at + SIGNATURE_FIELD.length);
  const hexSignature = signature !== '' && HEX_SIGNATURE.test(signature);
  const date = request.headers['x-amz-date'] ?? request.headers['date'];
  if (hexSignature && date) {
    const known = KNOWN_AUTHORIZATION_FIELDS.get(header.slice(0, at));
    if (known !== undefined) return { algorithm: known.algorithm, credential: known.credential, signedHeaders: known.signedHeaders, signature, amzDate: date };
  }
  const parsed = parseAuthorizationFields(header, request);
  // A hex signature is the header's last token (it holds no separator), so it is the `Signature`
  // the general rules kept: the fields before it are all that is left to remember.
  if (hexSignature) {
    if (KNOWN_AUTHORIZATION_FIELDS.size >= SCOPE_CACHE_LIMIT) KNOWN_AUTHORIZATION_FIELDS.clear();
    KNOWN_AUTHORIZATION_FIELDS.set(header.slice(0, at), { algorithm: parsed.algorithm, credential: parsed.credential, signedHeaders: parsed.signedHeaders });
  }
  return parsed;
}

/** Splits the header like Coral: the algorithm, then `key=value` pairs separated by commas or spaces. */
function parseAuthorizationFields(header: string, request: HttpRequest): ParsedAuthorization {
  const [algorithm = '', ...rest] = header.trim().split(/[, ]+/);
  const params = new Map<string, string>();
  for (const part of rest) {
    const equals = part.indexOf('=');
    if (equals > 0) params.set(part.slice(0, equals), part.slice(equals + 1));
  }
  // The date comes from X-Amz-Date; a `Date` header satisfies the presence check, as at AWS.
  const date = request.headers['x-amz-date'] ?? request.headers['date'];
  let missing = '';
  for (const name of ['Credential', 'Signature', 'SignedHeaders']) {
    if (!params.get(name)) missing += `Authorization header requires '${name}' parameter. `;
  }
  if (!date) missing += "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. ";
  if (missing !== '') throw new ServiceError('IncompleteSignatureException', `${missing}Authorization=${header}`);
  const credential = params.get('Credential');
  const signedHeaders = params.get('SignedHeaders');
  const signature = params.get('Signature');
  // Unreachable after the checks above; spelled out so the types need no assertion.
  if (!credential || !signedHeaders || !signature || !date) throw new ServiceError('IncompleteSignatureException', `Authorization=${header}`);
  return { algorithm, credential, signedHeaders: signedHeaderList(signedHeaders), signature, amzDate: date };
}

/** `SignedHeaders` values split before, frozen: a client signs the same few header lists over and over. */
const SIGNED_HEADER_LISTS = new Map<string, readonly string[]>();

/** The names of a `SignedHeaders` value, lower-cased (remembered, bounded like the scopes). */
function signedHeaderList(text: string): readonly string[] {
  let list = SIGNED_HEADER_LISTS.get(text);
  if (list === undefined) {
    list = Object.freeze(text.toLowerCase().split(';'));
    if (SIGNED_HEADER_LISTS.size >= SCOPE_CACHE_LIMIT) SIGNED_HEADER_LISTS.clear();
    SIGNED_HEADER_LISTS.set(text, list);
  }
  return list;
}

/**
 * Date format, then the service's window (±5 minutes, S3's ±15); answers the signing time (ms).
 * The error carries what S3's RequestTimeTooSkewed shows (`RequestTime`, `ServerTime`,
 * `MaxAllowedSkewMilliseconds`); the JSON services send the message alone.
 */
function checkTime(amzDate: string, now: number, maxSkew: number): number {
  const signedAt = parseIsoBasic(amzDate);
  if (signedAt === undefined) {
    // Known difference: a request dated only by an RFC 1123 `Date` header is refused here.
    throw new ServiceError(
      'IncompleteSignatureException',
      `Date must be in ISO-8601 'basic format'. Got '${amzDate}'. See http://en.wikipedia.org/wiki/ISO_8601`,
    );
  }
  if (signedAt >= now - maxSkew && signedAt <= now + maxSkew) return signedAt;
  const minutes = maxSkew / 60_000;
  const skewed = [
    ['RequestTime', amzDate],
    ['ServerTime', new Date(now).toISOString().replace(/\.\d{3}Z$/, 'Z')],
    ['MaxAllowedSkewMilliseconds', String(maxSkew)],
  ] as const;
  if (signedAt < now - maxSkew) {
    throw new ServiceError(
      'InvalidSignatureException',
      `Signature expired: ${amzDate} is now earlier than ${isoBasic(now - maxSkew)} (${isoBasic(now)} - ${minutes} min.)`,
      skewed,
    );
  }
  if (signedAt > now + maxSkew) {
    throw new ServiceError(
      'InvalidSignatureException',
      `Signature not yet current: ${amzDate} is still later than ${isoBasic(now + maxSkew)} (${isoBasic(now)} + ${minutes} min.)`,
      skewed,
    );
  }
  return signedAt;
}

/** The credential scope `<key>/<yyyymmdd>/<region>/<service>/aws4_request`. */
interface Scope {
  readonly accessKeyId: string;
  readonly region: string;
  readonly service: string;
}

function parseScope(credential: string, amzDate: string, service: string): Scope {
  // dynalite: "trailing slashes are ignored".
  const parts = credential.replace(/\/+$/, '').split('/');
  if (parts.length !== 5) {
    throw new ServiceError(
      'IncompleteSignatureException',
      `Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '${credential}'`,
    );
  }
  const [accessKeyId, date, region, scopeService, terminator] = parts as [string, string, string, string, string];
  const problems: string[] = [];
  // Any well-formed Region is accepted: the emulator serves every Region, and the scope names the
  // Region of the call (KMS state is per Region).
  if (!REGION.test(region)) problems.push(`Credential should be scoped to a valid region, not '${region}'.`);
  if (scopeService !== service) problems.push(`Credential should be scoped to correct service: '${service}'.`);
  if (terminator !== TERMINATOR) problems.push(`Credential should be scoped with a valid terminator: '${TERMINATOR}', not '${terminator}'.`);
  if (date !== amzDate.slice(0, 8)) {
    problems.push(
      `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${date}' != '${amzDate.slice(0, 8)}', from '${amzDate}'.`,
    );
  }
  if (problems.length > 0) throw new ServiceError('InvalidSignatureException', problems.join(' '));
  return { accessKeyId, region, service };
}

/**
 * Re-signs the request with `@smithy/signature-v4` over exactly the signed headers and returns the
 * signature. The payload hash is always the SHA-256 of the body received: a client
 * `x-amz-content-sha256` header that disagrees with the body (or says `UNSIGNED-PAYLOAD`) fails as
 * a signature mismatch, since the signer would otherwise trust the header instead of the body.
 */
async function computeSignature(
  request: HttpRequest,
  path: string,
  query: Readonly<Record<string, string | string[]>>,
  auth: ParsedAuthorization,
  signer: SignatureV4,
): Promise<string> {
  // Names are the client's: no prototype, so `__proto__` or `constructor` is an ordinary name.
  const headers = Object.create(null) as Record<string, string>;
  for (const name of auth.signedHeaders) {
    const value = request.headers[name];
    // A signed header the request does not carry cannot verify (x-amz-date is set by the signer).
    if (value === undefined && name !== 'x-amz-date') return '';
    if (value !== undefined) headers[name] = value;
  }
  const contentHash = request.headers['x-amz-content-sha256'];
  if (contentHash !== undefined && auth.signedHeaders.includes('x-amz-content-sha256') && contentHash !== (await sha256Hex(request.body))) return '';
  const signed = await signer.sign(
    { method: request.method, protocol: 'http:', hostname: headers['host'] ?? '', path, query, headers, body: request.body },
    {
      signingDate: new Date(parseIsoBasic(auth.amzDate) ?? Number.NaN),
      signableHeaders: new Set(auth.signedHeaders),
      // The signer always sets X-Amz-Date; it counts only if the client signed it.
      ...(auth.signedHeaders.includes('x-amz-date') ? {} : { unsignableHeaders: new Set(['x-amz-date']) }),
    },
  );
  const authorization = String(signed.headers['authorization'] ?? '');
  return authorization.slice(authorization.lastIndexOf('Signature=') + 'Signature='.length);
}

async function sha256Hex(body: Uint8Array): Promise<string> {
  const hash = new Hash('sha256');
  hash.update(body);
  return Buffer.from(await hash.digest()).toString('hex');
}

function constantTimeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  // timingSafeEqual needs equal lengths; comparing with itself keeps the time independent of b.
  return left.length === right.length ? timingSafeEqual(left, right) : (timingSafeEqual(left, left), false);
}

/** `/path?query` into the path and a decoded query map (repeated keys become lists; read only). */
function splitPath(raw: string): [string, Readonly<Record<string, string | string[]>>] {
  const question = raw.indexOf('?');
  const path = question < 0 ? raw : raw.slice(0, question);
  return [path || '/', question < 0 ? NO_QUERY : queryOf(raw.slice(question + 1))];
}

const NO_QUERY: Readonly<Record<string, string | string[]>> = Object.freeze(Object.create(null) as Record<string, string | string[]>);
/**
 * Query strings parsed before, with their frozen parameters: an SDK sends the same few on every
 * call (`x-id=PutObject`), and the signer only reads them.
 */
const SEEN_QUERIES = new Map<string, Readonly<Record<string, string | string[]>>>();
/** Query strings remembered before the memo starts again (clients sending endless distinct queries cannot grow it). */
const SEEN_QUERIES_LIMIT = 256;

function queryOf(text: string): Readonly<Record<string, string | string[]>> {
  let query = SEEN_QUERIES.get(text);
  if (query === undefined) {
    query = Object.freeze(parseQuery(text));
    if (SEEN_QUERIES.size >= SEEN_QUERIES_LIMIT) SEEN_QUERIES.clear();
    SEEN_QUERIES.set(text, query);
  }
  return query;
}

function parseQuery(text: string): Record<string, string | string[]> {
  // Keys are the client's: on a plain object `?constructor=1` would find Object's constructor.
  const query = Object.create(null) as Record<string, string | string[]>;
  for (const [key, value] of queryPairs(text)) addQueryValue(query, key, value);
  return query;
}

function addQueryValue(query: Record<string, string | string[]>, key: string, value: string): void {
  const previous = query[key];
  query[key] = previous === undefined ? value : Array.isArray(previous) ? [...previous, value] : [previous, value];
}

/** The last date parsed (requests in the same second carry the same X-Amz-Date). */
let lastDate: { readonly text: string; readonly time: number | undefined } = { text: '', time: undefined };

function parseIsoBasic(text: string): number | undefined {
  if (text === lastDate.text) return lastDate.time;
  const time = parseIsoBasicUncached(text);
  lastDate = { text, time };
  return time;
}

function parseIsoBasicUncached(text: string): number | undefined {
  const match = ISO_BASIC.exec(text);
  if (match === null) return undefined;
  const [, y, mo, d, h, mi, s] = match.map(Number) as [number, number, number, number, number, number, number];
  const time = Date.UTC(y, mo - 1, d, h, mi, s);
  return new Date(time).getUTCDate() === d ? time : undefined;
}

function isoBasic(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

/** Test-only hooks: the `Authorization` parser with its memo, and the general rules it must agree with. */
export const __TESTS: {
  readonly parseAuthorization: (header: string, request: HttpRequest) => ParsedAuthorization;
  readonly parseAuthorizationFields: (header: string, request: HttpRequest) => ParsedAuthorization;
} = { parseAuthorization, parseAuthorizationFields };
