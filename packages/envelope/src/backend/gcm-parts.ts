/**
 * @module
 * The pieces of AES-GCM (NIST SP 800-38D) that the portable backend's two compositions over
 * noble's GCTR (`unsafe.ctr32`) and `GHASH` share: the incremental one (`gcm-stream.ts`) and the
 * prepared one (`noble-prepared.ts`). Internal to the backends.
 */

import { unsafe } from '@noble/ciphers/aes.js';
import { assertBytes } from '../bytes.ts';

/** The AES block size, in bytes. */
export const BLOCK = 16;
/** An all-zero block: GCTR over it yields raw keystream (E_K(counter)). */
export const ZERO_BLOCK: Uint8Array = new Uint8Array(BLOCK);

/**
 * Validates an AES key length (128, 192 or 256 bits), a non-empty nonce and an optional AAD.
 * @throws TypeError for a key, nonce or AAD that is not a Uint8Array.
 * @throws RangeError for a key of another length or an empty nonce.
 */
export function assertGcmParameters(key: Uint8Array, nonce: Uint8Array, aad?: Uint8Array): void {
  if (!(key instanceof Uint8Array) || !(nonce instanceof Uint8Array)) {
    throw new TypeError('"key" and "nonce" expected Uint8Array');
  }
  if (key.length !== 16 && key.length !== 24 && key.length !== 32) {
    throw new RangeError(`"key" expected Uint8Array of length 16, 24 or 32, got length=${key.length}`);
  }
  // SP 800-38D §5.2.1.1: 1 <= len(IV) <= 2^64 - 1 bits; an empty IV is invalid.
  if (nonce.length === 0) throw new RangeError('"nonce" expected a non-empty Uint8Array');
  if (aad !== undefined) assertBytes(aad, 'aad');
}

/** §6.4: the hash subkey H = E_K(0^128), in a new buffer the caller wipes. */
export function hashSubkey(xk: Uint32Array): Uint8Array {
  const hashKey = new Uint8Array(BLOCK);
  unsafe.ctr32(xk, false, new Uint8Array(BLOCK), ZERO_BLOCK, hashKey);
  return hashKey;
}

/**
 * §7.1 step 2: J0 = IV ‖ 0^31 ‖ 1 for a 96-bit IV, written into `j0` (a zeroed block: the caller's
 * counter, which GCTR then advances).
 */
export function setJ0From96BitNonce(j0: Uint8Array, nonce: Uint8Array): Uint8Array {
  j0.set(nonce);
  j0[15] = 1;
  return j0;
}

/** §7.1 step 5 (and step 2's IV padding): the block `[a bytes in bits]_64 ‖ [b bytes in bits]_64`. */
export function lengthsBlock(a: number, b: number): Uint8Array {
  const lengths = new Uint8Array(BLOCK);
  const view = new DataView(lengths.buffer);
  view.setBigUint64(0, BigInt(a) * 8n, false);
  view.setBigUint64(8, BigInt(b) * 8n, false);
  return lengths;
}

/** Returns `bytes` if it is 4-byte aligned, otherwise an aligned copy (ctr32 works on 32-bit words). */
export function aligned(bytes: Uint8Array): Uint8Array {
  return bytes.byteOffset % 4 === 0 ? bytes : bytes.slice();
}
