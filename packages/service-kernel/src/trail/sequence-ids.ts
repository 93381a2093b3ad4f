/**
 * @module
 * The event and request ids of the events a trail records, derived from each event's sequence
 * number rather than drawn and stored per event: random version-4 UUIDs (RFC 9562 §5.4) cut from
 * the AES-128-CTR keystream under a key drawn once from the trail's `Random`, event `n` taking
 * keystream blocks `2n` (its event id) and `2n + 1` (its request id, when the call gave none).
 *
 * Why derived: recording an event then costs nothing for its ids (no randomness drawn, no bytes
 * copied per call); an id is computed only when something reads it (LookupEvents, the data
 * directory's audit log, GetKeyLastUsage), a batch of 128 events' ids at a time, and is the same
 * at every read, also after the event has left the ring. AES-CTR is a CSPRNG construction (NIST SP
 * 800-90A's CTR_DRBG generates from exactly this keystream), so the ids are as unpredictable as
 * drawn ones to anyone without the key; and AES is a permutation, so the 128-bit blocks of one key
 * never repeat (the six fixed version and variant bits leave the same collision odds as drawn v4
 * UUIDs). The key guards nothing secret: ids are public identifiers (CloudTrail prints them,
 * clients echo them) that must only be unique; no secret, nonce or key id comes from it.
 *
 * A process started from a Node.js startup snapshot would inherit the key and repeat the ids of
 * every other process started from the same snapshot: such a process draws a new key for the
 * events it records (`rekey`), while events recorded before keep theirs.
 */

import { createCipheriv } from 'node:crypto';
import type { Random } from '../clock.ts';
import { formatUuid, markRandomUuid } from '../uuid.ts';

/** Events whose ids one keystream batch holds (32 bytes each: 4 KiB). */
const IDS_PER_BATCH = 128;
const ZEROS = new Uint8Array(IDS_PER_BATCH * 32);
const KEY_BYTES = 16;

/** One key and the first sequence number it names. */
interface Epoch {
  readonly from: number;
  key: Uint8Array | undefined;
}

/**
 * Ids by sequence number (see the module documentation).
 *
 * @example
 * ```ts
 * const ids = new SequenceIds({ bytes: (n) => crypto.getRandomValues(new Uint8Array(n)) });
 * ids.prepare(); // draws the key
 * ids.eventId(0) === ids.eventId(0); // true: the same id at every read
 * ```
 */
export class SequenceIds {
  readonly #random: Random;
  /** Keys by the first sequence number each names, oldest first (one unless `rekey` ran). */
  readonly #epochs: Epoch[] = [{ from: 0, key: undefined }];
  /** The last batch computed: which key, its first sequence number, the ids (v4 bits set). */
  #batchEpoch = -1;
  #batchStart = 0;
  #batch: Uint8Array = new Uint8Array(0);

  constructor(random: Random) {
    this.#random = random;
  }

  /** Draws the key of the current epoch if not yet drawn: call before any event is recorded under it. */
  prepare(): void {
    const epoch = this.#epochs[this.#epochs.length - 1] as Epoch;
    if (epoch.key === undefined) {
      const drawn = this.#random.bytes(KEY_BYTES);
      if (drawn.length < KEY_BYTES) throw new RangeError(`the trail's Random gave ${drawn.length} bytes, expected ${KEY_BYTES}`);
      epoch.key = Uint8Array.from(drawn.subarray(0, KEY_BYTES));
    }
  }

  /** Events from sequence `from` on get ids under a new key, drawn by the next `prepare`. */
  rekey(from: number): void {
    const last = this.#epochs[this.#epochs.length - 1] as Epoch;
    if (last.from === from) last.key = undefined;
    else this.#epochs.push({ from, key: undefined });
    this.#batchEpoch = -1;
  }

  /** The event id of event `sequence`. */
  eventId(sequence: number): string {
    const offset = this.#offsetOf(sequence);
    return formatUuid(this.#batch, offset);
  }

  /** The request id of event `sequence` (used when its call gave none). */
  requestId(sequence: number): string {
    const offset = this.#offsetOf(sequence);
    return formatUuid(this.#batch, offset + 16);
  }

  /** Where event `sequence`'s 32 id bytes sit in `#batch`, computing its batch if needed. */
  #offsetOf(sequence: number): number {
    let index = this.#epochs.length - 1;
    while (index > 0 && (this.#epochs[index] as Epoch).from > sequence) index -= 1;
    if (index !== this.#batchEpoch || sequence < this.#batchStart || sequence >= this.#batchStart + IDS_PER_BATCH) {
      const start = sequence - (sequence % IDS_PER_BATCH);
      this.#batch = keystream(this.#keyOf(index), start);
      this.#batchEpoch = index;
      this.#batchStart = start;
    }
    return (sequence - this.#batchStart) * 32;
  }

  #keyOf(index: number): Uint8Array {
    const epoch = this.#epochs[index] as Epoch;
    // Ids read before any event was recorded under this key (none exist yet): draw it now.
    if (epoch.key === undefined) epoch.key = Uint8Array.from(this.#random.bytes(KEY_BYTES).subarray(0, KEY_BYTES));
    return epoch.key;
  }
}

/** The ids of events `start` .. `start + IDS_PER_BATCH - 1`: keystream blocks from `2 * start`, v4 bits set. */
function keystream(key: Uint8Array, start: number): Uint8Array {
  // The initial counter block, big-endian (OpenSSL's CTR increments all 128 bits); sequence numbers
  // stay below 2^53, so the counter fits the low 64 bits.
  const counter = 2 * start;
  const iv = new Uint8Array(16);
  const high = Math.floor(counter / 2 ** 32);
  const low = counter >>> 0;
  for (let i = 0; i < 4; i++) {
    iv[8 + i] = (high >>> (24 - 8 * i)) & 0xff;
    iv[12 + i] = (low >>> (24 - 8 * i)) & 0xff;
  }
  const out = createCipheriv('aes-128-ctr', key, iv).update(ZEROS);
  for (let offset = 0; offset < out.length; offset += 16) markRandomUuid(out, offset);
  return out;
}
