/**
 * @module
 * The keyring contract: wrap a data key under an encryption context, and unwrap it again. The raw
 * AES keyring and the KMS keyring in this package implement it. It is kept minimal on purpose.
 */

import type { EncryptionContext } from './context.ts';

/** A data key encrypted by one keyring, stored in the sealed-message header. */
export interface WrappedDataKey {
  /** Names the keyring (and wrapping key) that can unwrap this; at most 1024 UTF-8 bytes. */
  readonly keyringId: string;
  /** The wrapped data key, opaque to the core; 1..8192 bytes. */
  readonly ciphertext: Uint8Array;
}

/** A data key a keyring generated itself, with its wrapped form (as KMS GenerateDataKey returns). */
export interface GeneratedDataKey {
  /** The plaintext data key; the core copies it, then wipes this buffer unless the keyring sets `sharesDataKeys`. */
  readonly dataKey: Uint8Array;
  /** The same key, wrapped. */
  readonly wrapped: WrappedDataKey;
}

/**
 * Wraps and unwraps data keys. Implementations must bind the encryption context to the wrapped key
 * (as AAD), so a wrapped key never unwraps under a different context.
 *
 * Contract for `unwrapDataKey`: return `undefined` when the wrapped key is not this keyring's or
 * does not authenticate (wrong key, wrong context, tampering); throw only for operational failures
 * (a KMS that is unreachable or throttling), which the core passes through unchanged.
 *
 * @example
 * ```ts
 * import { RawAesKeyring, seal, open } from '@strongbox/envelope';
 * const keyring = new RawAesKeyring({ name: 'backups', key: crypto.getRandomValues(new Uint8Array(32)) });
 * const sealed = await seal(new TextEncoder().encode('hi'), { keyring, context: { app: 'demo' } });
 * const plaintext = await open(sealed, { keyring });
 * ```
 */
export interface Keyring {
  /**
   * Wraps `dataKey` (borrowed: the keyring must not keep it) bound to `context`.
   * @throws on operational failure.
   */
  wrapDataKey(dataKey: Uint8Array, context: EncryptionContext): Promise<WrappedDataKey>;
  /**
   * Unwraps a data key, or returns `undefined` if this keyring cannot (see the contract above).
   * The core copies the returned key, refuses one that is not 32 bytes or is all zeros, and then
   * wipes the returned buffer (the keyring hands it over) unless `sharesDataKeys` is true.
   */
  unwrapDataKey(wrapped: WrappedDataKey, context: EncryptionContext): Promise<Uint8Array | undefined>;
  /**
   * Optional: generates a data key and its wrapped form in one step (a KMS keyring calls
   * GenerateDataKey here, as S3 does for SSE-KMS). Without it, the core draws the key from the
   * backend's CSPRNG and calls `wrapDataKey`.
   */
  generateDataKey?(length: number, context: EncryptionContext): Promise<GeneratedDataKey>;
  /**
   * Optional, default false: the buffers this keyring returns from `unwrapDataKey` and
   * `generateDataKey` are shared (a cache hands out the same buffer again), so the core must only
   * copy them, never wipe them. Without it the core takes ownership and wipes them after copying.
   */
  readonly sharesDataKeys?: boolean;
}

/** One keyring, or several: seal wraps the data key under each, open tries each. */
export type Keyrings = Keyring | readonly Keyring[];

/** Normalises `Keyrings` to a non-empty array, checking the shape of each. */
export function keyringList(keyrings: unknown): readonly Keyring[] {
  const list: unknown[] = Array.isArray(keyrings) ? keyrings : [keyrings];
  if (list.length === 0) throw new TypeError('"keyring" expected a keyring or a non-empty array of keyrings');
  for (const keyring of list) {
    if (
      typeof keyring !== 'object' ||
      keyring === null ||
      typeof (keyring as Keyring).wrapDataKey !== 'function' ||
      typeof (keyring as Keyring).unwrapDataKey !== 'function'
    ) {
      throw new TypeError('"keyring" expected an object with wrapDataKey and unwrapDataKey methods');
    }
  }
  return list as Keyring[];
}
