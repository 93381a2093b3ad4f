/**
 * @module
 * The request payload as the operation reads it: the kernel's `authenticatedBody` over what the
 * authenticator verified. A body signed by its hash (`x-amz-content-sha256: <hex>`) is checked
 * against that hash as it streams (400 `XAmzContentSHA256Mismatch` at its end, before anything
 * commits); an `aws-chunked` body (`Content-Encoding: aws-chunked` or a `STREAMING-…` payload
 * hash: the SDKs' default for stream bodies since January 2025) is decoded, its chunk signatures
 * and trailing checksum checked; `UNSIGNED-PAYLOAD` and an absent header pass as they are.
 */

import { authenticatedBody, type BodyStream, type HttpRequestHead, isAwsChunked, type RequestIdentity } from '@strongbox/service-kernel';
import { S3Error } from '../errors.ts';
import type { RestBinding } from './binding.ts';

/**
 * The payload of a request (see the module documentation).
 * @throws ServiceError (the kernel's S3 codes) for a malformed aws-chunked head; while iterating,
 *   XAmzContentSHA256Mismatch and the aws-chunked errors.
 * @example for await (const chunk of payloadOf(head, identity, body)) store(chunk);
 */
export function payloadOf(head: HttpRequestHead, identity: RequestIdentity | undefined, body: BodyStream): BodyStream {
  return authenticatedBody(body, head.headers, identity?.payload);
}

/** Whether each binding's request streams its body (PutObject, UploadPart), worked out once per binding. */
const STREAMS_BODY = new WeakMap<RestBinding, boolean>();

function streamsBody(binding: RestBinding): boolean {
  let streams = STREAMS_BODY.get(binding);
  if (streams === undefined) {
    const members = Object.values(binding.request?.members ?? {});
    streams = members.some((member) => member.in === 'payload' && member.kind === 'stream');
    STREAMS_BODY.set(binding, streams);
  }
  return streams;
}

/**
 * Refuses an object body (PutObject, UploadPart) whose length is not declared up front: S3 takes
 * a plain body only with `Content-Length`, and an aws-chunked one with its
 * `x-amz-decoded-content-length` (which `payloadOf` requires). A `Transfer-Encoding: chunked`
 * body without either is 411 MissingContentLength (seen from AWS in aws/aws-sdk-cpp#3411; the
 * reason aws/aws-sdk-js-v3#3571 made the SDK refuse unknown-length stream bodies), refused from
 * the head, before a byte of it is read. In process the SDK declares the length as it would on
 * the wire (its content-length middleware), so both paths answer alike.
 * @throws S3Error MissingContentLength (411).
 * @example requireDeclaredLength(binding, head, identity); // before the body is decoded
 */
export function requireDeclaredLength(binding: RestBinding, head: HttpRequestHead, identity: RequestIdentity | undefined): void {
  if (!streamsBody(binding) || head.headers['content-length'] !== undefined) return;
  const contentSha256 = identity?.payload?.contentSha256 ?? head.headers['x-amz-content-sha256'] ?? '';
  // aws-chunked: its own declared length is checked by the decoder (411 without it).
  if (contentSha256.startsWith('STREAMING-') || isAwsChunked(head.headers)) return;
  throw new S3Error('MissingContentLength');
}
