/**
 * @module
 * The request payload as the operation reads it: the kernel's `authenticatedBody` over what the
 * authenticator verified. A body signed by its hash (`x-amz-content-sha256: <hex>`) is checked
 * against that hash as it streams (400 `XAmzContentSHA256Mismatch` at its end, before anything
 * commits); an `aws-chunked` body (`Content-Encoding: aws-chunked` or a `STREAMING-…` payload
 * hash: the SDKs' default for stream bodies since January 2025) is decoded, its chunk signatures
 * and trailing checksum checked; `UNSIGNED-PAYLOAD` and an absent header pass as they are.
 */

import { authenticatedBody, type BodyStream, type HttpRequestHead, type RequestIdentity } from '@strongbox/service-kernel';

/**
 * The payload of a request (see the module documentation).
 * @throws ServiceError (the kernel's S3 codes) for a malformed aws-chunked head; while iterating,
 *   XAmzContentSHA256Mismatch and the aws-chunked errors.
 * @example for await (const chunk of payloadOf(head, identity, body)) store(chunk);
 */
export function payloadOf(head: HttpRequestHead, identity: RequestIdentity | undefined, body: BodyStream): BodyStream {
  return authenticatedBody(body, head.headers, identity?.payload);
}
