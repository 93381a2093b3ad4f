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
 * A SigV2 URL (`AWSAccessKeyId`, `Signature`) carries a credential the kernel does not verify: it
 * is not anonymous, and the refusal stays (`http.ts` answers it as S3 answers SigV2 where it takes
 * SigV4 only).
 */

import {
  ANONYMOUS_PRINCIPAL,
  type Authenticator,
  type HttpRequestHead,
  isServiceError,
  type RequestIdentity,
  signatureFormOf,
} from '@strongbox/service-kernel';
import { sigV2PresignedPath } from '../protocol/query-names.ts';
import { headOnly } from './call-options.ts';

/** What `identify` answers: an identity (none without an authenticator), at once or as a thenable. */
export type Identification = RequestIdentity | undefined | PromiseLike<RequestIdentity | undefined>;

/** The identity of every anonymous request. */
const ANONYMOUS: RequestIdentity = Object.freeze({ caller: ANONYMOUS_PRINCIPAL });

/**
 * The authenticator's answer for a request's head, as it gives it (a thenable when a signature is
 * computed, the identity at once otherwise), with its refusal of a request that carries no
 * credential turned into the anonymous caller; `undefined` without an authenticator.
 * @throws whatever the authenticator throws (or its thenable rejects with) for any other request.
 * @example const identity = await identify(head, options.authenticate); // { caller: ANONYMOUS_PRINCIPAL } for curl under strict authentication
 */
export function identify(head: HttpRequestHead, authenticate: Authenticator | undefined): Identification {
  if (authenticate === undefined) return undefined;
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
 * header, a presigned URL's `X-Amz-Algorithm`), no SigV2 URL.
 * @throws ServiceError InvalidSignatureException when it is signed both ways.
 * @example carriesNoCredential({ method: 'GET', path: '/b/k', headers: {} }) // true
 */
export function carriesNoCredential(head: HttpRequestHead): boolean {
  return signatureFormOf(head) === 'none' && !sigV2PresignedPath(head.path);
}

/** The anonymous identity for the authenticator's refusal of a request without a credential; any other failure rethrown. */
function anonymousOr(error: unknown, head: HttpRequestHead): RequestIdentity {
  if (isServiceError(error, 'MissingAuthenticationTokenException') && carriesNoCredential(head)) return ANONYMOUS;
  throw error;
}

/** Whether `value` is a thenable (a promise of any realm, or a PromiseLike), as `await` treats it. */
export function isThenable<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return typeof (value as { then?: unknown } | null | undefined)?.then === 'function';
}
