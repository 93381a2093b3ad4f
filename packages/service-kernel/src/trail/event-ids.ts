/**
 * @module
 * Request ids from batches of randomness (`EventIds`).
 */

import { startupSnapshot } from 'node:v8';
import type { Random } from '../clock.ts';
import { markRandomUuid, randomUuid } from '../uuid.ts';

const ID_BATCH_BYTES = 4096;

/**
 * Random version-4 UUIDs (RFC 9562 §5.4) for request ids a protocol edge hands out (KMS's JSON 1.1
 * handler's `x-amzn-RequestId`), formatted through a byte table from a 4 KiB batch of randomness:
 * cheaper than drawing and formatting 16 bytes per id, which matters once per call. (The trail's
 * own ids are derived from sequence numbers: `sequence-ids.ts`.)
 *
 * Why a batch is acceptable here and nowhere near key material: these ids are public identifiers
 * (CloudTrail prints them, clients echo them) that only need to be unique within a trail. A copy of
 * the heap (a Node.js startup snapshot, a cloned VM) that repeated some of them would make two
 * trails share ids, which reveals and weakens nothing; no secret, nonce or key id is drawn from
 * this batch. Even so, a process started from a snapshot drops the batch inherited from the
 * snapshot and draws a new one, so ids stay unique across processes too.
 */
export class EventIds {
  readonly #random: Random;
  #batch: Uint8Array = new Uint8Array(0);
  #offset = 0;

  constructor(random: Random) {
    this.#random = random;
    // addDeserializeCallback may only be called while a snapshot is being built (it throws otherwise).
    if (startupSnapshot.isBuildingSnapshot()) startupSnapshot.addDeserializeCallback(() => this.#discard());
  }

  /**
   * Writes `length` bytes (16 or 32: one or two ids) of fresh random UUID bytes at `offset` of
   * `target`, with the version and variant bits of RFC 9562 §5.4 set.
   */
  fill(target: Uint8Array, offset: number, length: 16 | 32): void {
    const from = this.#take(length);
    // Copied byte by byte: a `subarray` view per event would be an object for the collector.
    const batch = this.#batch;
    for (let i = 0; i < length; i++) target[offset + i] = batch[from + i] as number;
    for (let id = offset; id < offset + length; id += 16) markRandomUuid(target, id);
  }

  /** A fresh random UUID. */
  next(): string {
    // Take first: it may replace the batch.
    const offset = this.#take(16);
    return randomUuid(this.#batch, offset);
  }

  /** Forgets the current batch: the next id draws a new one. */
  #discard(): void {
    this.#batch = new Uint8Array(0);
    this.#offset = 0;
  }

  /**
   * Reserves `length` unused bytes of the batch, drawing a new batch when too few are left, and
   * returns their offset. Ids are public, so used bytes are not wiped.
   */
  #take(length: number): number {
    if (this.#offset + length > this.#batch.length) {
      this.#batch = this.#random.bytes(ID_BATCH_BYTES);
      this.#offset = 0;
    }
    const offset = this.#offset;
    this.#offset += length;
    return offset;
  }
}
