/**
 * @module
 * AWS Signature Version 4 verification, for every service on the endpoint. The signature itself is computed
 * by `@smithy/signature-v4` (the signer the AWS SDK for JavaScript uses): the request is re-signed
 * with the secret of its access key, over exactly the headers the client signed, and the two
 * signatures are compared in constant time. This module holds the authenticator: which form a
 * request is signed in, and AWS's checks in the order Coral front ends make them (recorded from
 * DynamoDB and Kinesis by dynalite/kinesalite; texts in the research memo §5): missing token →
 * incomplete header (`authorization.ts`) → date format and skew (`signing-time.ts`) → `host`
 * signed → algorithm → credential scope (`credential-scope.ts`) → access key → signature
 * (`signature.ts`, with the signers of `signer-cache.ts`; presigned URLs: `presigned.ts`).
 */

import { type Clock, systemClock } from '../clock.ts';
import { ServiceError } from '../errors.ts';
import type { HttpRequest, PayloadAuthentication, RequestIdentity } from '../http/types.ts';
import { rootPrincipal } from '../principal.ts';
import type { UserDirectory } from '../users.ts';
import { type ParsedAuthorization, parseAuthorization } from './authorization.ts';
import { parseScope, SCOPE_CACHE_LIMIT, type Scope } from './credential-scope.ts';
import type { ExplainingSignatureV4 } from './explain.ts';
import { signatureMismatch, verifyPresignedRequest } from './presigned.ts';
import { type SignedQuery, splitPath } from './query.ts';
import { computeSignature, constantTimeEqual, headerSignature } from './signature.ts';
import { checkHeadersSigned } from './signed-headers.ts';
import { SignerCache } from './signer-cache.ts';
import { checkTime, MAX_SKEW_MS, parseIsoBasic, S3_MAX_SKEW_MS } from './signing-time.ts';

/** Settings of the authenticator. */
export interface SigV4Options {
  /** Known access keys (the default `test` key is not added here: see `withDefaultUser`). */
  readonly users: UserDirectory;
  /**
   * `true`: behave like AWS: unknown access keys are refused, and so is an unsigned request
   *   (MissingAuthenticationTokenException, KMS's answer; S3's edge takes that refusal of a request
   *   with no credential as the anonymous caller, `identify` in `@strongbox/s3`).
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
 *
 * `both`, an `Authorization` header beside a presigned URL's `X-Amz-Algorithm`, is no form: every
 * service refuses it, each in its own words (the JSON services: Coral's InvalidSignatureException
 * "Found both …", which this authenticator answers; S3: 400 InvalidArgument "Only one auth
 * mechanism allowed …", which its edge answers before calling the authenticator). So the test
 * reports it and leaves the answer to the caller.
 */
export type SignatureForm = 'header' | 'query' | 'none' | 'both';

/**
 * How `request` is signed (see `SignatureForm`): the one test the authenticator applies, for an
 * edge that must tell a signed request from an unsigned one before authenticating it (S3 answers
 * an unsigned HEAD naming a subresource at once, a signed one after its credential). A presigned
 * URL is one whose query names `X-Amz-Algorithm`, whatever else it carries or lacks (one missing
 * `X-Amz-Signature` is then refused by `verifyPresignedRequest`); an `X-Amz-Signature` without it
 * is unsigned, as S3 reads it (brekkylab/backlot `backlot/auth.py`, `resolve_sigv4`, measured
 * against S3 us-east-1 2026-09-29: "an `X-Amz-Signature` without the first ... [is] unsigned on
 * real"). The query is decoded as the authenticator decodes it (`splitPath`, remembered).
 * @throws ServiceError InvalidSignatureException when it carries both a header and a query signature.
 * @example signatureFormOf({ path: '/b/k?X-Amz-Algorithm=AWS4-HMAC-SHA256', headers: {} }) // 'query'
 */
export function signatureFormOf(request: Pick<HttpRequest, 'path' | 'headers'>): SignatureForm {
  return formOf(request.headers['authorization'], PRESIGNING_PARAMETER in splitPath(request.path)[1]);
}

/** The query parameter whose presence makes a request a presigned URL (SigV4 query form). */
const PRESIGNING_PARAMETER = 'X-Amz-Algorithm';

/** The form of a request with this `Authorization` header (or none) and a presigning parameter or not. */
function formOf(header: string | undefined, presigned: boolean): SignatureForm {
  if (header !== undefined) return presigned ? 'both' : 'header';
  return presigned ? 'query' : 'none';
}

/**
 * The JSON services' answer to a request signed both ways (Coral's, as dynalite records it); a
 * service of its own words (S3) refuses such a request before it calls the authenticator.
 */
const FOUND_BOTH = "Found both 'X-Amz-Algorithm' as a query-string param and 'Authorization' as HTTP header.";

const ALGORITHM = 'AWS4-HMAC-SHA256';
/** The `x-amz-*` header the header form may leave unsigned (see `verifyS3Header`). */
const HEADER_FORM_UNSIGNED: readonly string[] = ['x-amz-content-sha256'];
const SIGNATURE_MISMATCH =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';

/**
 * Builds the authenticator for `createJson11Handler(kms, { authenticate })`.
 *
 * @throws ServiceError (the returned function's promise rejects with it) MissingAuthenticationTokenException,
 *   IncompleteSignatureException, InvalidSignatureException or UnrecognizedClientException with AWS's texts.
 * @example
 * ```ts
 * const authenticate = createSigV4Authenticator({ users: withDefaultUser(NO_USERS, '000000000000'), strict: true, account: '000000000000', region: 'us-east-1' });
 * createServer(toNodeListener(createJson11Handler(kms, { authenticate })));
 * ```
 */
export function createSigV4Authenticator(options: SigV4Options): (request: HttpRequest) => Promise<RequestIdentity> {
  const identify = createSigV4Identifier(options);
  return (request) => {
    try {
      return Promise.resolve(identify(request));
    } catch (error) {
      return Promise.reject(error);
    }
  };
}

/**
 * The authenticator of `createSigV4Authenticator`, answering at once when no signature is
 * computed: the identity itself for an unsigned request or (non-strict) an unknown access key, a
 * promise when a signature is verified; a refusal found before any signature is computed is
 * thrown. For an edge that awaits only what needs awaiting (S3's: `Authenticator` allows both).
 *
 * @throws ServiceError as `createSigV4Authenticator`'s rejects (thrown, or the promise rejects with it).
 * @example
 * ```ts
 * const authenticate = createSigV4Identifier({ users: NO_USERS, strict: false, account, region, service: 's3', payloadMode: 's3' });
 * const identity = authenticate(request); // RequestIdentity | Promise<RequestIdentity>
 * ```
 */
export function createSigV4Identifier(options: SigV4Options): (request: HttpRequest) => RequestIdentity | Promise<RequestIdentity> {
  const clock = options.clock ?? systemClock;
  const service = options.service;
  // A client's credential scope is the same all day and its X-Amz-Date changes once a second:
  // parse each once, not once per request (they were a tenth of the endpoint's server time).
  const scopes = new Map<string, Scope>();
  // One signer per key and scope: the signer keeps the signing key it derives (four HMACs) for the
  // day, which a signer made per request would derive again for every request.
  const signers = new SignerCache();
  const unverifiedCallers = new UnverifiedCallers();
  return (request) => {
    const [path, query] = splitPath(request.path);
    const header = request.headers['authorization'];
    // `signatureFormOf`'s test, on the query already split.
    const form = formOf(header, PRESIGNING_PARAMETER in query);
    if (form === 'both') throw new ServiceError('InvalidSignatureException', FOUND_BOTH);
    const s3 = options.payloadMode === 's3';
    if (form === 'query' && s3) {
      return verifyPresignedRequest(request, {
        users: options.users,
        strict: options.strict,
        account: options.account,
        service,
        now: clock.now(),
      }).then((verified) => ({ caller: verified.caller, region: verified.region, payload: verified.payload, signedAt: verified.signedAt }));
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
    // S3 reads the scheme without case (`verifyS3Header` signs it as sent); the JSON services keep
    // the exact match, Coral's reading of another case being unmeasured (UNCONFIRMED).
    if (parsed.algorithm !== ALGORITHM && !(s3 && parsed.algorithm.toUpperCase() === ALGORITHM)) {
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
    if (s3) return verifyS3Header(request, path, query, parsed, scope, user, signers).then((identity) => ({ ...identity, signedAt }));
    const region = scope.region;
    return computeSignature(request, path, query, parsed, signers.get(scope, user.secretAccessKey, true)).then((expected) => {
      if (!constantTimeEqual(expected, parsed.signature)) throw new ServiceError('InvalidSignatureException', SIGNATURE_MISMATCH);
      return { caller: user.principal, region, signedAt };
    });
  };
}

/**
 * S3's header form: the declared `x-amz-content-sha256` is the payload hash signed (S3 requires
 * the header), the body is not read here, and a `STREAMING-AWS4-HMAC-SHA256-PAYLOAD(-TRAILER)`
 * request gets the context its chunk signatures chain from (the seed is this signature). A scheme
 * sent in another case (`aws4-hmac-sha256`) is verified with the string to sign starting with it
 * as sent (brekkylab/backlot `backlot/auth.py`, `resolve_sigv4` and `_verify_v4`, measured against
 * S3 us-east-1 2026-09-29: the scheme "matched without case", "the string to sign starting with
 * the algorithm as sent").
 */
async function verifyS3Header(
  request: HttpRequest,
  path: string,
  query: SignedQuery,
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
  // The signer writes the scheme in upper case; one sent otherwise is signed again as sent (the
  // canonical request is the same). Only such a rare header pays for the second signing.
  let signature = expected.signature;
  if (parsed.algorithm !== ALGORITHM && expected.signed !== undefined && signature !== '') {
    const { stringToSign } = await signer.explain(expected.signed, signingOf(parsed, contentSha256, scopeText));
    signature = await signer.sign(stringToSign, { signingDate, signingRegion: scope.region, signingService: scope.service });
  }
  if (!constantTimeEqual(signature, parsed.signature)) {
    const explanation = expected.signed === undefined ? undefined : await signer.explain(expected.signed, signingOf(parsed, contentSha256, scopeText));
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

/** What `ExplainingSignatureV4.explain` needs of a header-signed request, the algorithm as sent. */
function signingOf(parsed: ParsedAuthorization, payloadHash: string, scope: string): Parameters<ExplainingSignatureV4['explain']>[1] {
  return { signedHeaders: parsed.signedHeaders, payloadHash, amzDate: parsed.amzDate, scope, algorithm: parsed.algorithm };
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
