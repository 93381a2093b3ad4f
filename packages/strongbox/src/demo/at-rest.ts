/**
 * @module
 * What S3 keeps at rest for an object, read from the engine's object store (in process only: the
 * wire never shows it): how many sealed bytes it stored for how many plaintext bytes, the first
 * of them in hex, and the stored metadata fields (the encryption mode, the wrapped data key, the
 * KMS key and bucket key, the SSE-C key's HMAC verifier, ...). The engine never stores a secret in
 * them (no SSE-C key, no plaintext data key), so they are shown as they are, long values
 * shortened.
 */

import type { ObjectStore } from '@strongbox/s3';

/** An object as stored. */
export interface StoredObject {
  /** Stored (sealed) bytes. */
  readonly storedBytes: number;
  /** Plaintext bytes, from the stored segment sizes (undefined if the record does not say). */
  readonly plaintextBytes: number | undefined;
  /** The first stored bytes, in hex. */
  readonly head: string;
  /** The stored metadata fields, by name. */
  readonly fields: readonly (readonly [string, string])[];
  /** Whether the plaintext appears anywhere in the stored bytes. */
  readonly plaintextVisible: boolean;
}

/** Reads the at-rest view of objects. */
export interface AtRestView {
  /**
   * The object `key` of `bucket` as stored, or undefined when there is none; `plaintext` is looked
   * for in the whole stored body (the demo's objects are small).
   */
  read(bucket: string, key: string, plaintext: Uint8Array): Promise<StoredObject | undefined>;
}

/** Bytes of the sealed body shown in hex. */
const HEAD_BYTES = 16;
/** Longest field value shown whole. */
const LONGEST_VALUE = 96;

/**
 * The at-rest view over the engine's store (`createStrongbox({ s3Store })`).
 * @example
 * ```ts
 * const store = await createMemoryObjectStore();
 * const sb = await createStrongbox({ s3Store: store });
 * const view = atRestView(store);
 * ```
 */
export function atRestView(store: ObjectStore): AtRestView {
  return {
    async read(bucket, key, plaintext) {
      const reader = await store.openObject(bucket, key);
      if (reader === undefined) return undefined;
      try {
        const { info } = reader;
        const body = info.size === 0 ? new Uint8Array(0) : await reader.read(0, info.size);
        return {
          storedBytes: info.size,
          plaintextBytes: plaintextSizeOf(info.metadata['segments']),
          head: Buffer.from(body.subarray(0, HEAD_BYTES)).toString('hex'),
          plaintextVisible: plaintext.length > 0 && Buffer.from(body).includes(Buffer.from(plaintext)),
          fields: Object.entries(info.metadata)
            .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
            .map(([name, value]) => [name, shorten(value)] as const),
        };
      } finally {
        await reader.close();
      }
    },
  };
}

/** The plaintext size recorded in the `segments` field (`[{ plaintextSize, layerSizes }]`). */
function plaintextSizeOf(segments: string | undefined): number | undefined {
  if (segments === undefined) return undefined;
  try {
    const parsed = JSON.parse(segments) as { plaintextSize?: unknown }[];
    return parsed.reduce((sum, segment) => sum + (typeof segment.plaintextSize === 'number' ? segment.plaintextSize : Number.NaN), 0);
  } catch {
    return undefined;
  }
}

function shorten(value: string): string {
  return value.length <= LONGEST_VALUE ? value : `${value.slice(0, LONGEST_VALUE - 20)}... (${value.length} characters)`;
}
