/**
 * @module
 * The payload hashes an unsigned request cannot declare. A signed streaming payload
 * (`STREAMING-AWS4-HMAC-SHA256-PAYLOAD` and its kin) chains each chunk's signature from the
 * request's own, which an unsigned request (no `Authorization` header, no presigned URL) has none
 * of: S3 refuses it with 400 InvalidRequest "Anonymous requests don't support this
 * x-amz-content-sha256 value. Please use UNSIGNED-PAYLOAD or STREAMING-UNSIGNED-PAYLOAD-TRAILER.",
 * on a bucket whose policy lets anyone write too (versity/versitygw#1554 and pull request #1555,
 * "consistent with S3 behavior", `ErrUnsupportedAnonymousSignedStreaming`, its test sending
 * `STREAMING-AWS4-HMAC-SHA256-PAYLOAD` to a public bucket). The other three signed streaming
 * values are refused as the message names only the two unsigned forms as taken: UNCONFIRMED, no
 * capture sends them. Where S3 checks it among a request's other refusals is UNCONFIRMED: here in
 * versitygw's order (`s3api/middlewares/public-bucket.go`, `AuthorizePublicBucketAccess`, the code
 * of #1555), where the payload hash is read only once the bucket is found to grant the anonymous
 * caller the action, so a bucket granting it nothing (or none at all) answers with its usual
 * refusal first; before that, the refusals an unsigned request gets at once (the 405s). Without
 * strict authentication an unsigned request acts as the account root, granted everything, and is
 * refused at once. Its body is never decoded: the chunks carry signatures nothing can check.
 */

import type { BodyStream } from '@strongbox/service-kernel';
import { S3Error } from '../errors.ts';

/** The signed streaming payload hashes (SigV4 and SigV4a, with and without a trailer). */
const SIGNED_STREAMING: ReadonlySet<string> = new Set([
  'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
  'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER',
  'STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD',
  'STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD-TRAILER',
]);

/**
 * S3's refusal of an unsigned request's `x-amz-content-sha256` (`contentSha256`), or `undefined`.
 * @example anonymousPayloadRefusal('STREAMING-AWS4-HMAC-SHA256-PAYLOAD')?.status // 400
 */
export function anonymousPayloadRefusal(contentSha256: string | undefined): S3Error | undefined {
  return contentSha256 !== undefined && SIGNED_STREAMING.has(contentSha256) ? new S3Error('AnonymousSignedStreaming') : undefined;
}

/**
 * A body that throws `refusal` when it is read: what an operation that reads the request's body
 * before its access is decided (a document body, decoded at the edge) meets instead of chunks
 * nothing can verify.
 * @example for await (const chunk of refusingBody(new S3Error('AnonymousSignedStreaming'))) store(chunk); // throws
 */
export function refusingBody(refusal: Error): BodyStream {
  return {
    [Symbol.asyncIterator]: (): AsyncIterator<Uint8Array> => ({ next: () => Promise.reject(refusal) }),
  };
}
