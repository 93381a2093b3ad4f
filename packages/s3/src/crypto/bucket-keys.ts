/**
 * @module
 * S3 Bucket Keys (UG `bucket-key`; ../shared/reference/s3-sse.md §3.3): instead of one KMS
 * GenerateDataKey per object, S3 obtains a short-lived bucket-level key from KMS, keeps it for a
 * limited time, and makes each new object's data key from it locally. What AWS documents, and
 * what this module does:
 *
 * - one bucket-level key per (requester, Region, bucket, KMS key, caller context): "a separate
 *   bucket-level key is made for each requester", so CloudTrail still shows who asked and KMS
 *   still authorizes each requester; separate role sessions are separate requesters;
 * - its KMS encryption context is the **bucket** ARN (plus the caller's pairs), not the object's;
 * - KMS is called only when a bucket key is made or has expired: GenerateDataKey calls fall from
 *   one per object to about one per period per requester.
 *
 * AWS publishes neither the period nor the derivation (UNCONFIRMED; here the period defaults to
 * `DEFAULT_BUCKET_KEY_PERIOD_MS` and is an option). **Derivation** (Strongbox's own): each object
 * draws a fresh 32-byte nonce N, and its data key is
 * `HKDF-SHA-256(ikm = bucket key, salt = N, info = "strongbox/s3/bucket-key/v1" ‖ 0x00 ‖
 * SHA-256(canonical envelope context))`, 32 bytes, where the envelope context names the object (and
 * part): a derived key is bound to one object and position, and two objects never share one. The
 * header's wrapped key is `0x01 ‖ u16 blob length ‖ KMS ciphertext blob of the bucket key ‖ N`,
 * under keyring id `aws-kms-bucket-key:<key ARN>`.
 *
 * Reads are cached too: a bucket key decrypted with KMS Decrypt (as the reader, bound to the
 * bucket ARN context) serves every object under it for the same period, per reader. Both caches
 * are bounded (`maxEntries`, oldest evicted first) and their keys are wiped on expiry (at the
 * first use of the cache after it), on eviction, and on `close()`. A key KMS disables meanwhile
 * keeps serving its cached bucket keys until they expire (inherent to caching).
 */

import { createHash, hkdfSync } from 'node:crypto';
import type { Clock } from '@strongbox/service-kernel';
import { canonicalContext, type EncryptionContext } from './envelope-adapter.ts';

/**
 * How long a bucket key is used, ms. UNCONFIRMED: AWS says only "a limited time" (UG
 * `bucket-key`); ten minutes keeps KMS calls at about six per hour per requester and key.
 */
export const DEFAULT_BUCKET_KEY_PERIOD_MS: number = 10 * 60 * 1000;

/** How many bucket keys each cache (sealing, opening) holds at most. */
export const DEFAULT_BUCKET_KEY_CACHE_ENTRIES: number = 1024;

/** The keyring id prefix of a data key derived from a bucket key; the rest is the KMS key ARN. */
export const BUCKET_KEY_KEYRING_PREFIX: string = 'aws-kms-bucket-key:';

const WRAPPED_VERSION = 1;
const NONCE_LENGTH = 32;
const INFO_LABEL = new TextEncoder().encode('strongbox/s3/bucket-key/v1\u0000');
/** Expired entries are swept at most this often (a sweep walks the cache). */
const SWEEP_INTERVAL_MS = 1000;

/** A bucket-level key as KMS gave it. */
export interface BucketKeyMaterial {
  /** The 32-byte plaintext bucket key (handed over to the cache, which wipes it). */
  readonly key: Uint8Array;
  /** The KMS key's ARN. */
  readonly keyArn: string;
  /** The KMS ciphertext blob of the bucket key. */
  readonly blob: Uint8Array;
}

interface Entry extends BucketKeyMaterial {
  readonly expiresAt: number;
  wiped: boolean;
}

/** Options of a `BucketKeyCache`. */
export interface BucketKeyCacheOptions {
  readonly clock: Clock;
  /** Default `DEFAULT_BUCKET_KEY_PERIOD_MS`. */
  readonly periodMs?: number;
  /** Default `DEFAULT_BUCKET_KEY_CACHE_ENTRIES`. */
  readonly maxEntries?: number;
}

/**
 * The bucket keys in use, for sealing (made by GenerateDataKey) and for opening (recovered by
 * Decrypt), each keyed by an opaque scope string the caller builds.
 *
 * @example
 * ```ts
 * import { BucketKeyCache, ManualClock } from '@strongbox/s3';
 * const cache = new BucketKeyCache({ clock: new ManualClock(0) });
 * const derived = await cache.sealing('scope', async () => ({ key, keyArn, blob }), (entry) => deriveObjectKey(entry.key, nonce, context));
 * cache.close();
 * ```
 */
export class BucketKeyCache {
  readonly #clock: Clock;
  readonly #periodMs: number;
  readonly #maxEntries: number;
  readonly #sealing = new Map<string, Entry>();
  readonly #opening = new Map<string, Entry>();
  readonly #pending = new Map<string, Promise<Entry | undefined>>();
  #lastSweep = Number.NEGATIVE_INFINITY;
  #closed = false;

  /** @throws RangeError for a period or size that is not a positive integer. */
  constructor(options: BucketKeyCacheOptions) {
    const { clock, periodMs = DEFAULT_BUCKET_KEY_PERIOD_MS, maxEntries = DEFAULT_BUCKET_KEY_CACHE_ENTRIES } = options;
    if (!Number.isSafeInteger(periodMs) || periodMs <= 0) throw new RangeError(`"bucketKeyPeriodMs" expected a positive integer, got ${periodMs}`);
    if (!Number.isSafeInteger(maxEntries) || maxEntries <= 0) throw new RangeError(`"maxEntries" expected a positive integer, got ${maxEntries}`);
    this.#clock = clock;
    this.#periodMs = periodMs;
    this.#maxEntries = maxEntries;
  }

  /** How long a bucket key is used, ms. */
  get periodMs(): number {
    return this.#periodMs;
  }

  /** How many bucket keys are held (sealing + opening), for tests and diagnostics. */
  get size(): number {
    return this.#sealing.size + this.#opening.size;
  }

  /**
   * Runs `use` on the live sealing bucket key of `scope`, making one with `make` (one call for
   * any number of concurrent requests) when there is none or it expired. `use` runs synchronously
   * while the key is live; it must not keep the key.
   * @throws whatever `make` throws (nothing is cached then).
   */
  sealing<T>(scope: string, make: () => Promise<BucketKeyMaterial>, use: (entry: BucketKeyMaterial) => T): Promise<T> {
    return this.#with(this.#sealing, `s:${scope}`, scope, make, use);
  }

  /** As `sealing`, for the bucket keys recovered to open objects (`make` calls KMS Decrypt). */
  opening<T>(scope: string, make: () => Promise<BucketKeyMaterial>, use: (entry: BucketKeyMaterial) => T): Promise<T> {
    return this.#with(this.#opening, `o:${scope}`, scope, make, use);
  }

  /** Wipes and forgets every bucket key; later calls fail. */
  close(): void {
    this.#closed = true;
    for (const map of [this.#sealing, this.#opening]) {
      for (const entry of map.values()) wipe(entry);
      map.clear();
    }
  }

  async #with<T>(
    map: Map<string, Entry>,
    pendingName: string,
    scope: string,
    make: () => Promise<BucketKeyMaterial>,
    use: (entry: BucketKeyMaterial) => T,
  ): Promise<T> {
    for (;;) {
      if (this.#closed) throw new Error('the bucket key cache is closed');
      this.#sweep();
      const entry = map.get(scope);
      if (entry !== undefined && !entry.wiped && this.#clock.now() < entry.expiresAt) return use(entry);
      if (entry !== undefined) {
        wipe(entry);
        map.delete(scope);
      }
      let pending = this.#pending.get(pendingName);
      const mine = pending === undefined;
      if (pending === undefined) {
        // The period runs from the request for the key, so no key outlives it however slow KMS is.
        const requested = this.#clock.now();
        pending = make().then(
          (material) => {
            this.#pending.delete(pendingName);
            if (this.#closed) {
              material.key.fill(0);
              return undefined;
            }
            const made: Entry = { ...material, expiresAt: requested + this.#periodMs, wiped: false };
            map.set(scope, made);
            this.#bound(map);
            return made;
          },
          (error: unknown) => {
            this.#pending.delete(pendingName);
            throw error;
          },
        );
        this.#pending.set(pendingName, pending);
      }
      const made = await pending;
      // The request that asked KMS uses what KMS gave (unless wiped meanwhile) even if a period
      // shorter than KMS's answer already ran out, so every request makes progress; the others
      // loop and check the key as any cached one, synchronously before using it.
      if (mine && made !== undefined && !made.wiped) return use(made);
    }
  }

  #bound(map: Map<string, Entry>): void {
    for (const [scope, entry] of map) {
      if (map.size <= this.#maxEntries) break;
      wipe(entry);
      map.delete(scope);
    }
  }

  #sweep(): void {
    const now = this.#clock.now();
    if (now - this.#lastSweep < SWEEP_INTERVAL_MS) return;
    this.#lastSweep = now;
    for (const map of [this.#sealing, this.#opening]) {
      for (const [scope, entry] of map) {
        if (now >= entry.expiresAt) {
          wipe(entry);
          map.delete(scope);
        }
      }
    }
  }
}

function wipe(entry: Entry): void {
  entry.wiped = true;
  entry.key.fill(0);
}

/**
 * An object's data key, derived from a bucket key (see the module documentation).
 * @throws RangeError unless the bucket key is 32 bytes and the nonce 32 bytes.
 * @example
 * ```ts
 * import { deriveObjectKey } from '@strongbox/s3';
 * deriveObjectKey(bucketKey, nonce, { 'aws:s3:arn': 'arn:aws:s3:::b/k' }); // 32 bytes
 * ```
 */
export function deriveObjectKey(bucketKey: Uint8Array, nonce: Uint8Array, context: EncryptionContext): Uint8Array {
  if (bucketKey.length !== 32) throw new RangeError('a bucket key is 32 bytes');
  if (nonce.length !== NONCE_LENGTH) throw new RangeError(`a bucket-key nonce is ${NONCE_LENGTH} bytes`);
  const contextDigest = createHash('sha256').update(canonicalContext(context)).digest();
  const info = new Uint8Array(INFO_LABEL.length + contextDigest.length);
  info.set(INFO_LABEL);
  info.set(contextDigest, INFO_LABEL.length);
  return new Uint8Array(hkdfSync('sha256', bucketKey, nonce, info, 32));
}

/** The bucket-key nonce length, bytes. */
export const BUCKET_KEY_NONCE_LENGTH: number = NONCE_LENGTH;

/** The wrapped form of a derived key: `0x01 ‖ u16 blob length ‖ blob ‖ nonce`. */
export function encodeBucketKeyWrapped(blob: Uint8Array, nonce: Uint8Array): Uint8Array {
  if (blob.length === 0 || blob.length > 0xffff) throw new RangeError('a KMS ciphertext blob is 1..65535 bytes');
  const out = new Uint8Array(3 + blob.length + nonce.length);
  out[0] = WRAPPED_VERSION;
  out[1] = blob.length >>> 8;
  out[2] = blob.length & 0xff;
  out.set(blob, 3);
  out.set(nonce, 3 + blob.length);
  return out;
}

/**
 * Reads a derived key's wrapped form back.
 * @throws Error for bytes that are not one (a damaged record).
 */
export function decodeBucketKeyWrapped(wrapped: Uint8Array): { readonly blob: Uint8Array; readonly nonce: Uint8Array } {
  const length = ((wrapped[1] ?? 0) << 8) | (wrapped[2] ?? 0);
  if (wrapped[0] !== WRAPPED_VERSION || length === 0 || wrapped.length !== 3 + length + NONCE_LENGTH) throw new Error('not a bucket-key wrapped data key');
  return { blob: wrapped.slice(3, 3 + length), nonce: wrapped.slice(3 + length) };
}
