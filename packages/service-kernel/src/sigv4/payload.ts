/**
 * @module
 * The payload half of SigV4 for streamed bodies: a request signed with a hex
 * `x-amz-content-sha256` (the SHA-256 of its body, SigV4 reference "Create a canonical request")
 * is verified against that value as the body streams, without holding it whole. The service
 * decides what a mismatch is called (S3: 400 `XAmzContentSHA256Mismatch`).
 */

import { createHash } from 'node:crypto';
import type { BodyStream } from '../http/types.ts';

/** A hex SHA-256: the declared payload hashes that can be checked (not `UNSIGNED-PAYLOAD` nor `STREAMING-…`). */
const HEX_SHA256 = /^[0-9a-f]{64}$/i;

/**
 * Whether an `x-amz-content-sha256` value is the SHA-256 of the body (as opposed to
 * `UNSIGNED-PAYLOAD` or a `STREAMING-…` form).
 * @example isPayloadSha256('UNSIGNED-PAYLOAD') // false
 */
export function isPayloadSha256(value: string): boolean {
  return HEX_SHA256.test(value);
}

/**
 * Passes `body` through unchanged while hashing it; when it ends, compares the SHA-256 with
 * `expectedHex` and throws `mismatch()` if they differ, before the consumer sees the end. A
 * consumer that commits only at the end of the body (S3's object store) thus never commits a body
 * that does not match its signature.
 *
 * @throws what `mismatch()` returns, at the end of a body whose hash differs.
 * @example for await (const chunk of verifyPayloadSha256(request.body, declared, () => new Error('mismatch'))) store(chunk);
 */
export async function* verifyPayloadSha256(body: BodyStream, expectedHex: string, mismatch: () => Error): BodyStream {
  const hash = createHash('sha256');
  for await (const chunk of body) {
    hash.update(chunk);
    yield chunk;
  }
  if (hash.digest('hex') !== expectedHex.toLowerCase()) throw mismatch();
}
