/**
 * @module
 * S3 on the wire: the REST-XML protocol (smithy `restXml`) serving an `S3` engine as a kernel
 * `StreamingHandler`, the same function behind the node:http edge (`toNodeStreamingListener`)
 * and the in-process SDK handler (`new InProcessHandler(handler, { streaming: true })`). A request
 * is addressed (path-style or virtual-hosted), authenticated (SigV4 through the kernel, service
 * `s3`, the signature covering the declared payload hash; the SSE headers a presigned URL hoisted
 * into its signed query then read as headers), routed by the operations' own REST
 * bindings, decoded into the SDK's member names, served by the engine (told who called and
 * whether the request came over TLS), and encoded back; bodies stream both ways.
 *
 * @example
 * ```ts
 * import { createServer } from 'node:http';
 * import { createSigV4Authenticator, NO_USERS, toNodeStreamingListener } from '@strongbox/service-kernel';
 * import { S3, createS3Handler } from '@strongbox/s3';
 * const s3 = new S3();
 * const authenticate = createSigV4Authenticator({ users: NO_USERS, strict: false, account: s3.account, region: s3.region, service: 's3', payloadMode: 's3' });
 * createServer(toNodeStreamingListener(createS3Handler(s3, { authenticate }))).listen(4566);
 * ```
 */

import { randomBytes } from 'node:crypto';
import {
  type Authenticator,
  type HttpRequestHead,
  type PostPolicyVerifier,
  type RequestIdentity,
  ServiceError,
  type StreamingHandler,
  type StreamingRequest,
  type StreamingResponse,
} from '@strongbox/service-kernel';
import { S3Error } from '../errors.ts';
import { OPERATIONS } from '../operations/index.ts';
import type { OperationDefinition } from '../operations/types.ts';
import { addressOf, DEFAULT_BASE_HOSTS, type S3Address } from '../protocol/address.ts';
import { anonymousPayloadRefusal, refusingBody } from '../protocol/anonymous-payload.ts';
import { authMechanismsRefusal } from '../protocol/auth-mechanisms.ts';
import { authorizationSchemeRefusal, isSigV2Authorization, withoutEmptyAuthorization } from '../protocol/auth-scheme.ts';
import type { PathTarget } from '../protocol/binding.ts';
import { baseHeaders, errorResponse, type ResponseIds } from '../protocol/errors.ts';
import { headSubresourceRefusal } from '../protocol/head-subresources.ts';
import { hoistedHeaders } from '../protocol/hoisted-headers.ts';
import { decodeRequest, encodeResponse } from '../protocol/message.ts';
import { namesResponseOverride } from '../protocol/object-headers.ts';
import { payloadOf, requireDeclaredLength } from '../protocol/payload.ts';
import { sigV2PresignedPath, VERSION_ID } from '../protocol/query-names.ts';
import { RouteTable } from '../protocol/routes.ts';
import { selectorReadRefusal, selectorRefusalBeforeCredential } from '../protocol/selector-methods.ts';
import { resourceMethodRefusal } from '../protocol/unrouted.ts';
import { callOptionsOf } from './call-options.ts';
import { carriesNoCredential, identify } from './identity.ts';
import { isPostObject, servePostObject } from './post-object-http.ts';
import type { OperationName, S3 } from './s3.ts';
import { isThenable } from './thenable.ts';

/** Options of the S3 REST handler. */
export interface S3HttpOptions {
  /**
   * Authenticates a request from its head (the kernel's `createSigV4Authenticator` with service
   * `s3` and `payloadMode: 's3'`, which reads no body and says in `payload` what the body must
   * satisfy); throws to refuse it. A request with no credential that it refuses for want of one
   * (strict mode) is the anonymous caller, whom only a bucket policy for `"*"` can allow
   * (`identity.ts`). Default: every request is the engine's default account root.
   */
  readonly authenticate?: Authenticator;
  /** Host names a virtual-hosted bucket is prefixed to (default `localhost`, `s3.localhost`, …). */
  readonly baseHosts?: readonly string[];
  /**
   * Verifies the signature of a POST Object form's policy (the kernel's `createPostPolicyVerifier`,
   * with the same users and strictness as `authenticate`). Default: the form's signer is the
   * engine's default account root, unverified, as `authenticate`'s default treats every request;
   * with an `authenticate` but no verifier, a signed form is refused (403 AccessDenied).
   */
  readonly verifyPostPolicy?: PostPolicyVerifier;
}

/** The reads whose answer response-* query parameters override. */
const OVERRIDABLE_READS: ReadonlySet<string> = new Set(['GetObject', 'HeadObject']);

/** The routing table of every operation the engine serves, from their bindings. */
const ROUTES: RouteTable<OperationDefinition> = new RouteTable(Object.values(OPERATIONS) as OperationDefinition[]);

/**
 * Builds the REST-XML handler of `s3` (see the module documentation). Never rejects: every
 * failure is S3's error response.
 * @example const handler = createS3Handler(new S3(), { authenticate });
 */
export function createS3Handler(s3: S3, options: S3HttpOptions = {}): StreamingHandler {
  const baseHosts = options.baseHosts ?? DEFAULT_BASE_HOSTS;
  return (request) => serve(s3, request, baseHosts, options);
}

/**
 * One request answered: the operation's response, or S3's error response for anything thrown.
 * One async function for the whole request: the decoding and the encoding are awaited only when
 * they return a promise (a document body to read, a HEAD body to release).
 */
async function serve(s3: S3, request: StreamingRequest, baseHosts: readonly string[], options: S3HttpOptions): Promise<StreamingResponse> {
  const ids = newIds();
  try {
    // An empty `Authorization` header is no credential (auth-scheme.ts); the one-mechanism refusal
    // reads the header as sent.
    const sent = request.headers['authorization'];
    const stripped = withoutEmptyAuthorization(request);
    const head: HttpRequestHead = stripped;
    const address = addressOf(head.headers['host'], head.path, baseHosts);
    // A browser-based upload: authenticated by the form's signed policy, not by the request head.
    if (isPostObject(head, address) || routesToPostObject(head, address)) {
      // A credential presented two ways in the head is refused first here too (auth-mechanisms.ts),
      // as backlot and s3rver refuse every request so. UNCONFIRMED for a form: no capture sends one.
      const mechanisms = authMechanismsRefusal(sent, address.query);
      if (mechanisms !== undefined) throw mechanisms;
      // Without an empty `Authorization` header, as the REST path reads it: unsigned.
      return await servePostObject(s3, stripped, address, ids, options);
    }
    const target = targetOf(address);
    // What S3 refuses before the credential (routes.ts): a listing's malformed integer argument,
    // ListObjectVersions' markers' shape, a version id the operation does not take. The operation
    // it found on the way is the one `resolve` would name: the SSE parameters hoisted below are no
    // route's discriminator (only `x-amz-copy-source` is, which is never hoisted).
    const found = ROUTES.refuseBeforeCredential({ method: head.method, target, query: address.query, headers: head.headers });
    const headRefusal = refusedBeforeCredential(head, target, address.query, sent);
    // Awaited only when the authenticator answers with a thenable (see `identify`): an unsigned
    // request it refuses under strict authentication is the anonymous caller.
    const authenticated = identify(head, options.authenticate);
    const identity = isThenable(authenticated) ? await authenticated : authenticated;
    if (headRefusal !== undefined) throw headRefusal;
    // An unsigned request declaring a signed streaming payload (anonymous-payload.ts): the root's
    // (no strict authentication) refused now, the anonymous caller's once it is granted the
    // operation (`refusalOnceGranted`); its body refuses to be read either way.
    const streamingRefusal = carriesNoCredential(head) ? anonymousPayloadRefusal(head.headers['x-amz-content-sha256']) : undefined;
    if (streamingRefusal !== undefined && identity?.caller.type !== 'Anonymous') throw streamingRefusal;
    // Read after authentication (the signature covers them when the key is known): SSE headers a
    // presigned URL carries as query parameters.
    const headers = hoistedHeaders(head);
    const operation = found ?? routed({ method: head.method, target, query: address.query, headers }, identity);
    const binding = operation.rest;
    requireDeclaredLength(binding, head, identity);
    const body = streamingRefusal === undefined ? payloadOf(head, identity, request.body) : refusingBody(streamingRefusal);
    const decoded = decodeRequest(binding, { headers, query: address.query, body });
    const input = decoded instanceof Promise ? await decoded : decoded;
    if (address.bucket !== undefined) input['Bucket'] = address.bucket;
    if (address.key !== undefined) input['Key'] = address.key;
    const callOptions = callOptionsOf(head, ids, identity, address.query);
    if (streamingRefusal !== undefined) callOptions.refusalOnceGranted = streamingRefusal;
    // GetObject API reference: response-* overrides "cannot be used with an unsigned (anonymous) request".
    if (callOptions.signature === undefined && OVERRIDABLE_READS.has(operation.name) && namesResponseOverride(address.query)) {
      throw new S3Error('AnonymousResponseOverrides');
    }
    const output = await s3.send(operation.name as OperationName, input as never, callOptions);
    const response = encodeResponse(binding, output as Record<string, unknown> | undefined, head.method, baseHeaders(ids));
    return response instanceof Promise ? await response : response;
  } catch (error) {
    return errorResponse(strictSigV2Refusal(error, request.path), ids, request.method);
  }
}

/**
 * The operation a request names. An anonymous caller asking for what Strongbox does not serve and
 * the refusals before the credential did not answer (a subresource no operation answers, 501
 * NotImplemented; a 405 routing finds only here, e.g. OPTIONS) is told 403 "Access Denied", as S3 answers an anonymous request for an operation no bucket policy grants
 * it, and as a caller who cannot sign learned before it could be anonymous: nothing about which
 * routes exist (UNCONFIRMED what S3 answers an anonymous request with a method S3 has no
 * operation for). The 400 refusals S3 makes before the credential stay.
 * @throws S3Error as `RouteTable.resolve`, but AnonymousAccessDenied for an anonymous caller's 405 or 501.
 */
function routed(request: Parameters<RouteTable<OperationDefinition>['resolve']>[0], identity: RequestIdentity | undefined): OperationDefinition {
  try {
    return ROUTES.resolve(request);
  } catch (error) {
    const unserved = error instanceof S3Error && (error.status === 405 || error.status === 501);
    if (unserved && identity?.caller.type === 'Anonymous') throw new S3Error('AnonymousAccessDenied', { cause: error });
    throw error;
  }
}

/** Which kind of resource an address names: an object, a bucket, or the service. */
function targetOf(address: S3Address): PathTarget {
  return address.key !== undefined ? 'object' : address.bucket !== undefined ? 'bucket' : 'service';
}

/**
 * Throws what S3 refuses of a request's head before its credential is checked, and returns the
 * refusal a HEAD naming a subresource, a GET naming a selector without a GET form, a write naming
 * a selector with a method it lacks, or a method the resource does not take, gets after it
 * (undefined for any other request).
 * `sent` is the `Authorization` header as sent (`head` drops an empty one).
 * @throws S3Error for a HEAD's subresource refusal due now, a credential presented more than one
 *   way, a SigV2 `Authorization` header, one without a space, a scheme that is no AWS signature's, or a signed
 *   request without `x-amz-content-sha256`.
 */
function refusedBeforeCredential(head: HttpRequestHead, target: PathTarget, query: ReadonlyMap<string, string>, sent: string | undefined): S3Error | undefined {
  // A HEAD naming a subresource (head-subresources.ts): two, or a bucket's `partNumber`, before
  // the credential; one after a credential that was sent, and at once for an unsigned request,
  // "sent" as the authenticator reads it (the kernel's `signatureFormOf`: an `Authorization`
  // header or a presigned URL's `X-Amz-Algorithm`) or as S3 reads a SigV2 URL, a credential: a
  // strict authenticator refuses it first (`strictSigV2Refusal`), any other lets it through.
  // A GET naming a selector without a GET form is S3's 405 at the same point as a HEAD's
  // (`selectorReadRefusal`).
  // So is a write naming a selector with a method that is no operation of it, when no version id
  // is sent (`selectorRefusalBeforeCredential`; with one the version id's refusals come first,
  // routes.ts): to an unsigned request at once, and after a signature that is sent and does not
  // verify (brekkylab/backlot `backlot/routers/s3.py`, the method table and `_method_refusal`,
  // measured against S3 us-east-1 2026-09-29: "A signature that is sent and does not verify is
  // refused first, ahead of each 405"). So is a method the resource does not take, no subresource
  // named (`resourceMethodRefusal`).
  const headRefusal =
    headSubresourceRefusal(head.method, target, query) ??
    selectorReadRefusal(head.method, target, query) ??
    (query.has(VERSION_ID) ? undefined : selectorRefusalBeforeCredential(head.method.toUpperCase(), target, query)) ??
    resourceMethodRefusal(head.method, target, query);
  if (headRefusal?.status === 400) throw headRefusal;
  // A credential presented two ways is the first credential check (auth-mechanisms.ts): ahead of
  // a HEAD's 405, which comes after the credential. Behind the HEAD's 400s above (two subresources,
  // a bucket's `partNumber`): which of the two S3 answers first is unmeasured, UNCONFIRMED.
  const mechanisms = authMechanismsRefusal(sent, query);
  if (mechanisms !== undefined) throw mechanisms;
  if (headRefusal !== undefined && carriesNoCredential(head)) throw headRefusal;
  // A SigV2 header (`AWS <key>:<signature>`, the scheme in any case), which the kernel cannot
  // verify, gets the answer S3 gives where it takes SigV4 only, not a SigV4 parser's complaint
  // about its missing parts.
  const authorization = head.headers['authorization'];
  if (isSigV2Authorization(authorization)) throw new S3Error('SignatureVersion2NotSupported');
  // A header without a space, or a scheme that is no AWS signature's (`Bearer`), ahead of the
  // SigV4 header's own checks.
  const scheme = authorizationSchemeRefusal(authorization);
  if (scheme !== undefined) throw scheme;
  if (authorization !== undefined && head.headers['x-amz-content-sha256'] === undefined) throw new S3Error('MissingContentSha256');
  return headRefusal;
}

/**
 * Under strict authentication the kernel refuses a URL in SigV2's presigned form as unsigned (it
 * verifies SigV4 only). S3, where it takes SigV4 only, answers such a URL as it answers a SigV2
 * header, 400 InvalidRequest "…Please use AWS4-HMAC-SHA256." (ravsau/aws-labs#4, a presigned
 * URL; s3tools/s3cmd#1376, `s3cmd signurl` in eu-central-1; tclahr/uac#354, us-east-2), never
 * an anonymous caller's 403: the answer names the cure (sign with SigV4), which "Access Denied"
 * hides. Without strict authentication no refusal reaches here (the URL acts as unsigned).
 */
function strictSigV2Refusal(error: unknown, path: string): unknown {
  if (!(error instanceof ServiceError) || error.code !== 'MissingAuthenticationTokenException' || !sigV2PresignedPath(path)) return error;
  return new S3Error('SignatureVersion2NotSupported', { cause: error });
}

/**
 * Whether `POST /{bucket}?…` with query parameters that name no subresource is a form upload: the
 * route table resolves it to PostObject, whose members only the form handler can read (without
 * it the request reached PostObject with no key: 500). UNCONFIRMED that S3 ignores such parameters
 * on a POST Object as it does on other requests. A `versionId` is one of them here: S3 answers a
 * bare `POST /{bucket}?versionId=x` that is no form with the POST's 412, not the version id's 400
 * (brekkylab/backlot, measured 2026-09-30); UNCONFIRMED what it answers a form sent so, here the
 * upload, the version id unread as the form's other query parameters are.
 */
function routesToPostObject(head: HttpRequestHead, address: S3Address): boolean {
  if (head.method.toUpperCase() !== 'POST' || address.bucket === undefined || address.key !== undefined) return false;
  let query = address.query;
  if (query.has(VERSION_ID)) {
    const rest = new Map(query);
    rest.delete(VERSION_ID);
    query = rest;
  }
  try {
    return ROUTES.resolve({ method: head.method, target: 'bucket', query, headers: head.headers }).name === 'PostObject';
  } catch {
    // Not a form: the regular path answers its routing error after authentication.
    return false;
  }
}

/**
 * The name of the S3 operation a request head asks for, as the handler would route it (for request
 * logs); `undefined` when none matches, which the handler answers with S3's routing error.
 * @example s3OperationOf({ method: 'GET', path: '/reports/q1.csv', headers: {} }) // 'GetObject'
 */
export function s3OperationOf(head: HttpRequestHead, baseHosts: readonly string[] = DEFAULT_BASE_HOSTS): string | undefined {
  try {
    const address = addressOf(head.headers['host'], head.path, baseHosts);
    const target = targetOf(address);
    return ROUTES.resolve({ method: head.method, target, query: address.query, headers: head.headers }).name;
  } catch {
    // A malformed address or no matching route: the handler reports it to the client; a log line
    // has no operation to name.
    return undefined;
  }
}

/** Random bytes one response's ids take: 8 for the request id, 32 for the host id. */
const ID_BYTES = 40;
/** Ids drawn per refill of the pool (one `randomBytes` call serves this many responses). */
const IDS_PER_REFILL = 128;
let idPool = Buffer.alloc(0);
let idOffset = 0;

/**
 * A request id as S3's (16 uppercase hex digits) and an opaque host id. The bytes come from a
 * pool refilled from node:crypto 128 responses at a time: a `randomBytes` call per request cost
 * more than the ids' formatting. Ids are not secrets (every response shows them), so the pool
 * needs no wiping.
 */
function newIds(): ResponseIds {
  if (idOffset + ID_BYTES > idPool.length) {
    idPool = randomBytes(ID_BYTES * IDS_PER_REFILL);
    idOffset = 0;
  }
  const start = idOffset;
  idOffset += ID_BYTES;
  return {
    requestId: idPool.toString('hex', start, start + 8).toUpperCase(),
    hostId: idPool.toString('base64', start + 8, start + ID_BYTES),
  };
}
