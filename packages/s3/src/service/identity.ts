/**
 * @module
 * Who sent a request, as S3 takes it: the identity the authenticator verified, or, for a request
 * that carries no credential at all, the anonymous principal. S3 does not refuse an unsigned
 * request for want of a signature: it evaluates it as the anonymous caller against the bucket
 * policy, which may grant `"*"` (S3 User Guide, "Bucket policy examples", granting read-only
 * permission to anonymous users; "How Amazon S3 authorizes a request"). The kernel's authenticator
 * in strict mode refuses such a request (MissingAuthenticationTokenException, KMS's answer); here
 * that refusal becomes the anonymous caller. Outside strict mode the authenticator answers an
 * unsigned request as the default account's root, which stands.
 *
 * A query naming SigV2's `Signature` carries a credential, whole or in part, and is never
 * anonymous. In part (`Signature` without `AWSAccessKeyId` or `Expires`) it is refused here, in
 * either mode, as S3 refuses it before reading anything else of it; whole, it is a credential the
 * kernel does not verify: under strict authentication the refusal stays (`http.ts` answers it as
 * S3 answers SigV2 where it takes SigV4 only), without it the request acts as unsigned.
 */

import {
  ANONYMOUS_PRINCIPAL,
  type Authenticator,
  type HttpRequestHead,
  isServiceError,
  type RequestIdentity,
  signatureFormOf,
} from '@strongbox/service-kernel';
import { S3Error } from '../errors.ts';
import { sigV2QueryOf } from '../protocol/query-names.ts';
import { headOnly } from './call-options.ts';
import { isThenable } from './thenable.ts';

/** What `identify` answers: an identity (none without an authenticator), at once or as a thenable. */
export type Identification = RequestIdentity | undefined | PromiseLike<RequestIdentity | undefined>;

/** The identity of every anonymous request. */
const ANONYMOUS: RequestIdentity = Object.freeze({ caller: ANONYMOUS_PRINCIPAL });

/**
 * The authenticator's answer for a request's head, as it gives it (a thenable when a signature is
 * computed, the identity at once otherwise), with its refusal of a request that carries no
 * credential turned into the anonymous caller; `undefined` without an authenticator.
 * @throws S3Error IncompleteSigV2Query for a query naming part of SigV2's credential and no other
 *   signature; whatever the authenticator throws (or its thenable rejects with) for any other request.
 * @example const identity = await identify(head, options.authenticate); // { caller: ANONYMOUS_PRINCIPAL } for curl under strict authentication
 */
export function identify(head: HttpRequestHead, authenticate: Authenticator | undefined): Identification {
  if (authenticate === undefined) return undefined;
  // S3 reads a query naming `Signature` as SigV2's and refuses it first for a missing `Expires` or
  // `AWSAccessKeyId`, whether or not the bucket policy grants "*" (brekkylab/backlot
  // `backlot/auth.py`, `resolve_sigv4` and `_resolve_v2_query`, measured against s3.us-east-1 on
  // 2026-09-29). Beside an `Authorization` header or `X-Amz-Algorithm` the kernel reads that
  // signature instead.
  if (signatureFormOf(head) === 'none' && sigV2QueryOf(head.path) === 'partial') throw new S3Error('IncompleteSigV2Query');
  let answer: Identification;
  try {
    answer = authenticate(headOnly(head));
  } catch (error) {
    return anonymousOr(error, head);
  }
  // Any thenable, not only this realm's Promise (an authenticator given by the caller may answer
  // with another realm's promise or a PromiseLike), whose refusal must still be read.
  if (!isThenable(answer)) return answer;
  return answer.then(undefined, (error: unknown) => anonymousOr(error, head));
}

/**
 * Whether a request carries no credential: no signature the kernel reads (an `Authorization`
 * header, a presigned URL's `X-Amz-Algorithm`), no SigV2 `Signature` in its query, whole or in
 * part (an `AWSAccessKeyId` alone, or an `X-Amz-Signature` without `X-Amz-Algorithm`, is unsigned
 * to S3: backlot `resolve_sigv4`).
 * @example carriesNoCredential({ method: 'GET', path: '/b/k', headers: {} }) // true
 */
export function carriesNoCredential(head: HttpRequestHead): boolean {
  return signatureFormOf(head) === 'none' && sigV2QueryOf(head.path) === 'none';
}

/** The anonymous identity for the authenticator's refusal of a request without a credential; any other failure rethrown. */
function anonymousOr(error: unknown, head: HttpRequestHead): RequestIdentity {
  if (isServiceError(error, 'MissingAuthenticationTokenException') && carriesNoCredential(head)) return ANONYMOUS;
  throw error;
}
