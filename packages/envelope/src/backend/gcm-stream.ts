/**
 * @module
 * Incremental AES-GCM for the portable backend, composed from noble's GCTR (`unsafe.ctr32`, the
 * inc32 counter of NIST SP 800-38D §6.5) and GHASH (§6.4), because noble's `gcm` is one-shot and
 * requires nonces of at least 8 bytes. It handles any nonce length >= 1 byte (§7.1 step 2: J0 from
 * GHASH for nonces other than 96 bits) and arbitrary chunk boundaries: keystream left over from a
 * partial block is kept for the next chunk, and ciphertext is fed to GHASH in whole blocks
 * (noble's GHASH pads every `update` call to a block boundary, so partial blocks are held back).
 * The `node` backend also uses it for nonces longer than OpenSSL accepts (more than 128 bytes).
 */

import { GHASH } from '@noble/ciphers/_polyval.js';
import { unsafe } from '@noble/ciphers/aes.js';
import { assertBytes, byteAt, equalBytes, wipe } from '../bytes.ts';
import { aligned, assertGcmParameters, BLOCK, hashSubkey, lengthsBlock, setJ0From96BitNonce, ZERO_BLOCK } from './gcm-parts.ts';
import { GCM_MAX_PLAINTEXT_BYTES, GCM_TAG_LENGTH, type GcmEncryptor, type GcmUnverifiedDecryptor } from './types.ts';

/**
 * One direction of an incremental GCM computation. Encryption and decryption differ only in which
 * side of the XOR (input or output) is the ciphertext fed to GHASH.
 */
class GcmState {
  readonly #xk: Uint32Array;
  readonly #ghash: GHASH;
  readonly #counter = new Uint8Array(BLOCK);
  readonly #tagMask = new Uint8Array(BLOCK);
  readonly #keystream = new Uint8Array(BLOCK);
  #keystreamOffset = BLOCK;
  readonly #pending = new Uint8Array(BLOCK);
  #pendingLength = 0;
  readonly #aadLength: number;
  #dataLength = 0;
  #finished = false;

  constructor(key: Uint8Array, nonce: Uint8Array, aad: Uint8Array | undefined) {
    assertGcmParameters(key, nonce, aad);
    this.#xk = unsafe.expandKeyLE(key);
    const hashKey = hashSubkey(this.#xk);
    const j0 = this.#counter;
    if (nonce.length === 12) {
      setJ0From96BitNonce(j0, nonce);
    } else {
      // §7.1 step 2: J0 = GHASH_H(IV ‖ 0^(s+64) ‖ [len(IV)]_64) otherwise (GHASH pads IV to a block).
      const g = new GHASH(hashKey);
      g.update(nonce).update(lengthsBlock(0, nonce.length));
      g.digestInto(j0);
      g.destroy();
    }
    // E_K(J0) masks the tag (§7.1 step 6); ctr32 leaves the counter at inc32(J0), where GCTR starts.
    unsafe.ctr32(this.#xk, false, j0, ZERO_BLOCK, this.#tagMask);
    this.#ghash = new GHASH(hashKey);
    wipe(hashKey);
    this.#aadLength = aad?.length ?? 0;
    if (aad !== undefined && aad.length > 0) this.#ghash.update(aad);
  }

  /** XORs the keystream over `input`; `encrypting` says whether the output is the ciphertext. */
  process(input: Uint8Array, encrypting: boolean): Uint8Array {
    if (this.#finished) throw new Error('aes-gcm: stream already finished');
    assertBytes(input, encrypting ? 'plaintext' : 'ciphertext');
    if (this.#dataLength + input.length > GCM_MAX_PLAINTEXT_BYTES) {
      throw new RangeError(`aes-gcm: at most ${GCM_MAX_PLAINTEXT_BYTES} bytes per nonce`);
    }
    this.#dataLength += input.length;
    const out = new Uint8Array(input.length);
    let i = 0;
    // Finish the keystream block a previous chunk started.
    while (this.#keystreamOffset < BLOCK && i < input.length) {
      out[i] = byteAt(input, i) ^ byteAt(this.#keystream, this.#keystreamOffset++);
      i++;
    }
    const wholeBlocks = Math.floor((input.length - i) / BLOCK) * BLOCK;
    if (wholeBlocks > 0) {
      // ctr32 reads and writes through Uint32Array views, so both sides must be 4-byte aligned.
      const source = aligned(input.subarray(i, i + wholeBlocks));
      const target = new Uint8Array(wholeBlocks);
      unsafe.ctr32(this.#xk, false, this.#counter, source, target);
      out.set(target, i);
      i += wholeBlocks;
    }
    if (i < input.length) {
      unsafe.ctr32(this.#xk, false, this.#counter, ZERO_BLOCK, this.#keystream);
      this.#keystreamOffset = 0;
      while (i < input.length) {
        out[i] = byteAt(input, i) ^ byteAt(this.#keystream, this.#keystreamOffset++);
        i++;
      }
    }
    this.#absorb(encrypting ? out : input);
    return out;
  }

  /** Completes GHASH over the lengths block and returns the tag (§7.1 steps 5-6). */
  tag(): Uint8Array {
    if (this.#finished) throw new Error('aes-gcm: stream already finished');
    this.#finished = true;
    if (this.#pendingLength > 0) this.#ghash.update(this.#pending.subarray(0, this.#pendingLength));
    this.#ghash.update(lengthsBlock(this.#aadLength, this.#dataLength));
    const tag = this.#ghash.digest();
    for (let j = 0; j < BLOCK; j++) tag[j] = byteAt(tag, j) ^ byteAt(this.#tagMask, j);
    wipe(this.#counter, this.#tagMask, this.#keystream, this.#pending);
    this.#xk.fill(0);
    return tag;
  }

  /** Feeds ciphertext to GHASH in whole blocks, keeping a partial block for later. */
  #absorb(ciphertext: Uint8Array): void {
    let i = 0;
    if (this.#pendingLength > 0) {
      const take = Math.min(BLOCK - this.#pendingLength, ciphertext.length);
      this.#pending.set(ciphertext.subarray(0, take), this.#pendingLength);
      this.#pendingLength += take;
      i = take;
      if (this.#pendingLength < BLOCK) return;
      this.#ghash.update(this.#pending);
      this.#pendingLength = 0;
    }
    const whole = Math.floor((ciphertext.length - i) / BLOCK) * BLOCK;
    if (whole > 0) this.#ghash.update(ciphertext.subarray(i, i + whole));
    i += whole;
    if (i < ciphertext.length) {
      this.#pending.set(ciphertext.subarray(i));
      this.#pendingLength = ciphertext.length - i;
    }
  }
}

/** Starts an incremental AES-GCM encryption (any key size, any non-empty nonce). */
export function createGcmEncryptor(key: Uint8Array, nonce: Uint8Array, aad?: Uint8Array): GcmEncryptor {
  const state = new GcmState(key, nonce, aad);
  return {
    update: (plaintext) => state.process(plaintext, true),
    final: () => state.tag(),
  };
}

/** Starts an incremental AES-GCM decryption; output is unauthenticated until `verify` is true. */
export function createGcmUnverifiedDecryptor(key: Uint8Array, nonce: Uint8Array, aad?: Uint8Array): GcmUnverifiedDecryptor {
  const state = new GcmState(key, nonce, aad);
  return {
    updateUnverified: (ciphertext) => state.process(ciphertext, false),
    verify: (tag) => {
      // Always finish the state, so a rejected tag of any shape also ends the decryptor.
      const expected = state.tag();
      return tag instanceof Uint8Array && tag.length === GCM_TAG_LENGTH && equalBytes(expected, tag);
    },
  };
}
