/**
 * @module
 * Pinning a blob to the manifest that names it, so that a blob swapped on disk for another one is
 * never served. Sealed objects authenticate themselves, but only against their key and context:
 * an older sealed blob of the same object (same root key, same bucket, key and part) is a valid
 * envelope too, so someone who can write the data directory could roll an object back by copying
 * an old blob over the current one. The pin is the SHA-256 of the blob's first `PIN_PREFIX_BYTES`
 * bytes (all of it if shorter), recorded in the manifest when the blob is written and compared
 * before any of its bytes leave the store. Those bytes hold the sealed header, whose 32-byte random
 * message id and key commitment differ for every sealed message (and every SSE mode, KMS-wrapped
 * keys included, seals a fresh message per object or part), so no other valid blob matches.
 *
 * Format versions: manifests of version 1 (before pins) have none, and their blobs are read as
 * before; version 2 manifests carry a pin on every segment and part written since (a segment a
 * version-1 manifest named keeps having none when the manifest is rewritten, as by a metadata
 * change: pinning a blob found on disk would bless whatever is there).
 */

import { createHash } from 'node:crypto';
import { S3Error } from '../errors.ts';
import { assertChunk, handOver, isHandedOver } from './support.ts';
import type { BodySource } from './types.ts';

/** How many bytes of a blob's start the pin covers: the sealed header, in every mode. */
export const PIN_PREFIX_BYTES = 4096;

/** A body whose first bytes are hashed on the way to storage. */
export interface PinningBody {
  /** The same chunks, handed over if the original was (`handOver`). */
  readonly body: BodySource;
  /** The pin; call once the body was consumed completely. */
  pin(): string;
}

/**
 * Wraps `body` so that its first `PIN_PREFIX_BYTES` bytes are hashed as storage consumes it.
 * @example const pinning = pinningBody(chunks); await store.writeBlob(b, id, pinning.body); pinning.pin();
 */
export function pinningBody(body: BodySource): PinningBody {
  const hash = createHash('sha256');
  let hashed = 0;
  let done = false;
  const wrapped = (async function* () {
    for await (const chunk of body) {
      const bytes = assertChunk(chunk);
      if (hashed < PIN_PREFIX_BYTES) {
        const take = Math.min(bytes.length, PIN_PREFIX_BYTES - hashed);
        hash.update(bytes.subarray(0, take));
        hashed += take;
      }
      yield bytes;
    }
    done = true;
  })();
  return {
    body: isHandedOver(body) ? handOver(wrapped) : wrapped,
    pin: () => {
      if (!done) throw new Error('the pin is known only once the body has been consumed');
      return hash.digest('hex');
    },
  };
}

/** How many bytes of a blob of `size` bytes its pin covers. */
export function pinLength(size: number): number {
  return Math.min(size, PIN_PREFIX_BYTES);
}

/**
 * Checks a blob's first `pinLength(size)` bytes against its pin.
 * @throws S3Error InternalError (500, as for any storage fault) when they do not match: the blob
 *   on disk is not the one the manifest named (swapped, rolled back or damaged); the cause says so.
 * @example assertPinned(await readBlob(bucket, id, 0, pinLength(size)), pin, bucket, id);
 */
export function assertPinned(prefix: Uint8Array, pin: string, bucket: string, blobId: string): void {
  if (createHash('sha256').update(prefix).digest('hex') === pin) return;
  throw new S3Error('InternalError', {
    cause: new Error(
      `blob ${blobId} of bucket ${bucket} is not the blob its manifest names (its first bytes do not match the pin): it was replaced or rolled back`,
    ),
  });
}
