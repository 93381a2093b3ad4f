/**
 * @module
 * AES-GCM under one key for many messages (the frames of a sealed message), for the portable
 * backend. noble's one-shot `gcm` expands the AES key and builds a GHASH table on every call, and
 * picks its table size from that call's length (window 4 up to 64 KiB, 8 above), so 64 KiB frames
 * ran about 15% slower than one large call. Here the key schedule, the hash key and a window-8
 * GHASH table are built once per message and reused for every frame: NIST SP 800-38D §7.1/§7.2
 * with noble's GCTR (`unsafe.ctr32`, inc32 counter) and a resettable `GHASH` (a subclass, the way
 * noble's own `Polyval` extends it).
 *
 * Decryption checks the tag before any CTR output exists, so no unauthenticated plaintext is ever
 * materialised. Nonces other than 96 bits take the one-shot path (the format never uses them).
 */

import { GHASH } from '@noble/ciphers/_polyval.js';
import { unsafe } from '@noble/ciphers/aes.js';
import { assertBytes, byteAt, copyBytes, equalBytes, wipe } from '../bytes.ts';
import { aligned, assertGcmParameters, BLOCK, hashSubkey, lengthsBlock, setJ0From96BitNonce, ZERO_BLOCK } from './gcm-parts.ts';
import { assertOutput, type Backend, GCM_TAG_LENGTH, type PreparedAesGcm } from './types.ts';

/** Above this expected length, the larger GHASH table pays for itself (noble's own threshold). */
const LARGE_TABLE_THRESHOLD = 64 * 1024;

/** GHASH whose accumulator can be cleared, so one precomputed table serves many messages. */
class ResettableGhash extends GHASH {
  /** Clears the accumulator (not the table): ready for the next message under the same key. */
  reset(): this {
    this.s0 = 0;
    this.s1 = 0;
    this.s2 = 0;
    this.s3 = 0;
    this.finished = false;
    return this;
  }
}

/**
 * Prepares AES-GCM under `key` for many messages.
 *
 * @param fallback - the one-shot implementation for nonces other than 96 bits.
 * @param expectedLength - the typical message length, which sizes the GHASH table.
 */
export function prepareNobleGcm(key: Uint8Array, expectedLength: number, fallback: Pick<Backend, 'aesGcmEncrypt' | 'aesGcmDecrypt'>): PreparedAesGcm {
  assertGcmParameters(key, new Uint8Array(12));
  const ownKey = copyBytes(key);
  const xk = unsafe.expandKeyLE(ownKey);
  const hashKey = hashSubkey(xk);
  // Postcondition: noble picks window 8 for more than 64 KiB; hint it for large messages only, as
  // building that table costs about as much as hashing 64 KiB with a smaller one.
  const ghash = new ResettableGhash(hashKey, expectedLength >= LARGE_TABLE_THRESHOLD ? LARGE_TABLE_THRESHOLD + 1 : expectedLength);
  wipe(hashKey);
  let destroyed = false;

  /** J0-derived state for one 96-bit nonce: the tag mask E(J0) and the counter at inc32(J0). */
  function start(nonce: Uint8Array): { counter: Uint8Array; tagMask: Uint8Array } {
    const counter = setJ0From96BitNonce(new Uint8Array(BLOCK), nonce);
    const tagMask = new Uint8Array(BLOCK);
    unsafe.ctr32(xk, false, counter, ZERO_BLOCK, tagMask);
    return { counter, tagMask };
  }

  /** The tag over `aad` and `ciphertext` (§7.1 steps 5-6). */
  function tag(tagMask: Uint8Array, aad: Uint8Array | undefined, ciphertext: Uint8Array): Uint8Array {
    ghash.reset();
    if (aad !== undefined && aad.length > 0) ghash.update(aad);
    if (ciphertext.length > 0) ghash.update(ciphertext);
    ghash.update(lengthsBlock(aad?.length ?? 0, ciphertext.length));
    const out = new Uint8Array(BLOCK);
    ghash.digestInto(out);
    for (let i = 0; i < BLOCK; i++) out[i] = byteAt(out, i) ^ byteAt(tagMask, i);
    return out;
  }

  /** GCTR from the counter into `target`, through aligned buffers (ctr32 works on 32-bit words). */
  function gctr(counter: Uint8Array, source: Uint8Array, target: Uint8Array): void {
    const input = aligned(source);
    if (target.byteOffset % 4 === 0) {
      unsafe.ctr32(xk, false, counter, input, target);
    } else {
      target.set(unsafe.ctr32(xk, false, counter, input));
    }
  }

  function assertUsable(): void {
    if (destroyed) throw new Error('aes-gcm: the prepared key has been destroyed');
  }

  return {
    encrypt(nonce, plaintext, aad, output) {
      assertUsable();
      assertGcmParameters(ownKey, nonce, aad);
      assertBytes(plaintext, 'plaintext');
      assertOutput(output, plaintext.length + GCM_TAG_LENGTH);
      if (nonce.length !== 12) return fallback.aesGcmEncrypt(ownKey, nonce, plaintext, aad, output);
      const out = output ?? new Uint8Array(plaintext.length + GCM_TAG_LENGTH);
      const { counter, tagMask } = start(nonce);
      const ciphertext = out.subarray(0, plaintext.length);
      gctr(counter, plaintext, ciphertext);
      out.set(tag(tagMask, aad, ciphertext), plaintext.length);
      wipe(counter, tagMask);
      return out;
    },

    decrypt(nonce, sealed, aad, output) {
      assertUsable();
      assertGcmParameters(ownKey, nonce, aad);
      assertBytes(sealed, 'sealed');
      if (sealed.length < GCM_TAG_LENGTH) return undefined;
      assertOutput(output, sealed.length - GCM_TAG_LENGTH);
      if (nonce.length !== 12) return fallback.aesGcmDecrypt(ownKey, nonce, sealed, aad, output);
      const ciphertext = sealed.subarray(0, sealed.length - GCM_TAG_LENGTH);
      const { counter, tagMask } = start(nonce);
      // §7.2: the tag is checked first; without a match no plaintext is produced at all.
      if (!equalBytes(tag(tagMask, aad, ciphertext), sealed.subarray(ciphertext.length))) {
        wipe(counter, tagMask);
        output?.fill(0);
        return undefined;
      }
      const out = output ?? new Uint8Array(ciphertext.length);
      gctr(counter, ciphertext, out);
      wipe(counter, tagMask);
      return out;
    },

    destroy() {
      if (destroyed) return;
      destroyed = true;
      wipe(ownKey);
      xk.fill(0);
      ghash.destroy();
    },
  };
}
