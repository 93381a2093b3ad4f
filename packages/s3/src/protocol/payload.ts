/**
 * @module
 * The request payload as the operation reads it. A body signed by its hash
 * (`x-amz-content-sha256: <hex>`) is checked against that hash as it streams (400
 * `XAmzContentSHA256Mismatch` at its end, before anything commits); `UNSIGNED-PAYLOAD` and an
 * absent header pass as they are. An `aws-chunked` body (`Content-Encoding: aws-chunked` or a
 * `STREAMING-…` payload hash: the SDKs' default for stream bodies since January 2025) goes
 * through the kernel's aws-chunked decoder, given as `decodeChunked`; without one it is refused
 * (501) rather than stored with its framing.
 */

import { type BodyStream, type HttpRequestHead, isPayloadSha256, type RequestIdentity, verifyPayloadSha256 } from '@strongbox/service-kernel';
import { S3Error } from '../errors.ts';

/**
 * The seam for the kernel's aws-chunked decoder: takes the request head (its
 * `x-amz-content-sha256`, `x-amz-decoded-content-length`, `x-amz-trailer`, `Authorization`), who
 * signed it, and the raw body; returns the decoded payload, verifying chunk signatures and
 * trailing checksums as it streams, and throwing (an `S3Error`, or a `ServiceError` the protocol
 * translates) at the first bad chunk.
 */
export type ChunkedDecoder = (head: HttpRequestHead, identity: RequestIdentity | undefined, body: BodyStream) => BodyStream;

/**
 * The payload of a request (see the module documentation).
 * @throws S3Error UnsupportedPayloadEncoding for an aws-chunked body without a decoder.
 * @example for await (const chunk of payloadOf(head, identity, body, undefined)) store(chunk);
 */
export function payloadOf(
  head: HttpRequestHead,
  identity: RequestIdentity | undefined,
  body: BodyStream,
  decodeChunked: ChunkedDecoder | undefined,
): BodyStream {
  const declared = head.headers['x-amz-content-sha256'];
  if (isChunked(head)) {
    if (decodeChunked === undefined) throw new S3Error('UnsupportedPayloadEncoding', { detail: { value: `aws-chunked (${declared ?? 'Content-Encoding'})` } });
    return decodeChunked(head, identity, body);
  }
  if (declared !== undefined && isPayloadSha256(declared)) return verifyPayloadSha256(body, declared, () => new S3Error('XAmzContentSHA256Mismatch'));
  return body;
}

/**
 * Whether a request's body is aws-chunked (S3 API reference, "Signature calculations for the
 * Authorization header: Transferring payload in multiple chunks").
 * @example isChunked({ method: 'PUT', path: '/b/k', headers: { 'content-encoding': 'aws-chunked' } }) // true
 */
export function isChunked(head: HttpRequestHead): boolean {
  const declared = head.headers['x-amz-content-sha256'];
  if (declared?.startsWith('STREAMING-') === true) return true;
  const encoding = head.headers['content-encoding'];
  return encoding?.split(',').some((item) => item.trim().toLowerCase() === 'aws-chunked') === true;
}
