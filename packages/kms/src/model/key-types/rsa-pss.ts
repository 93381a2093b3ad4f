/**
 * @module
 * RSASSA-PSS over a precomputed digest (KMS Sign/Verify with `MessageType: DIGEST`), which
 * node:crypto does not offer: `crypto.sign` always hashes its input. EMSA-PSS encoding and
 * verification follow RFC 8017 §9.1.1 and §9.1.2 with MGF1 over the same hash and a salt as long
 * as the digest, the parameters KMS uses (its PSS signatures verify with `saltLength = hLen`;
 * LocalStack's AWS-validated `test_verify_salt_length`); the RSA primitive itself is
 * node:crypto's, without padding. RAW messages go through `crypto.sign`, whose signatures these
 * verify and vice versa (tests cross-check both ways).
 */

import { constants, createHash, type KeyObject, privateEncrypt, publicDecrypt, randomBytes, timingSafeEqual } from 'node:crypto';

/** A SHA-2 hash PSS is used with in KMS. */
export type PssHash = 'sha256' | 'sha384' | 'sha512';

const HASH_LENGTHS: Readonly<Record<PssHash, number>> = { sha256: 32, sha384: 48, sha512: 64 };

function mgf1(hash: PssHash, seed: Uint8Array, length: number): Uint8Array {
  const out = new Uint8Array(length);
  const hLen = HASH_LENGTHS[hash];
  const counter = new Uint8Array(4);
  for (let offset = 0, i = 0; offset < length; offset += hLen, i++) {
    new DataView(counter.buffer).setUint32(0, i);
    const block = createHash(hash).update(seed).update(counter).digest();
    out.set(block.subarray(0, Math.min(hLen, length - offset)), offset);
  }
  return out;
}

function mPrimeHash(hash: PssHash, digest: Uint8Array, salt: Uint8Array): Buffer {
  return createHash(hash).update(new Uint8Array(8)).update(digest).update(salt).digest();
}

/** EMSA-PSS-ENCODE (RFC 8017 §9.1.1) of `digest` for a modulus of `modulusBits` bits, sLen = hLen. */
export function emsaPssEncode(hash: PssHash, digest: Uint8Array, modulusBits: number, salt: Uint8Array): Uint8Array {
  const hLen = HASH_LENGTHS[hash];
  const emBits = modulusBits - 1;
  const emLen = Math.ceil(emBits / 8);
  const h = mPrimeHash(hash, digest, salt);
  const db = new Uint8Array(emLen - hLen - 1);
  db[emLen - salt.length - hLen - 2] = 0x01;
  db.set(salt, db.length - salt.length);
  const mask = mgf1(hash, h, db.length);
  for (let i = 0; i < db.length; i++) db[i] = (db[i] ?? 0) ^ (mask[i] ?? 0);
  db[0] = (db[0] ?? 0) & (0xff >> (8 * emLen - emBits));
  const em = new Uint8Array(emLen);
  em.set(db, 0);
  em.set(h, db.length);
  em[emLen - 1] = 0xbc;
  return em;
}

/** EMSA-PSS-VERIFY (RFC 8017 §9.1.2), sLen = hLen. */
export function emsaPssVerify(hash: PssHash, digest: Uint8Array, em: Uint8Array, modulusBits: number): boolean {
  const hLen = HASH_LENGTHS[hash];
  const emBits = modulusBits - 1;
  const emLen = Math.ceil(emBits / 8);
  if (em.length !== emLen || emLen < 2 * hLen + 2 || em[emLen - 1] !== 0xbc) return false;
  const topMask = 0xff >> (8 * emLen - emBits);
  const maskedDb = em.subarray(0, emLen - hLen - 1);
  const h = em.subarray(emLen - hLen - 1, emLen - 1);
  if (((maskedDb[0] ?? 0) & ~topMask) !== 0) return false;
  const db = mgf1(hash, h, maskedDb.length);
  for (let i = 0; i < db.length; i++) db[i] = (db[i] ?? 0) ^ (maskedDb[i] ?? 0);
  db[0] = (db[0] ?? 0) & topMask;
  const separator = emLen - 2 * hLen - 2;
  for (let i = 0; i < separator; i++) if (db[i] !== 0) return false;
  if (db[separator] !== 0x01) return false;
  const expected = mPrimeHash(hash, digest, db.subarray(db.length - hLen));
  return timingSafeEqual(expected, h);
}

/**
 * An RSASSA-PSS signature of a precomputed digest (salt = hLen random bytes).
 *
 * @example
 * ```ts
 * const signature = signPssDigest(privateKey, 2048, 'sha256', createHash('sha256').update(m).digest());
 * crypto.verify('sha256', m, { key: publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }, signature); // true
 * ```
 */
export function signPssDigest(privateKey: KeyObject, modulusBits: number, hash: PssHash, digest: Uint8Array): Uint8Array {
  const em = emsaPssEncode(hash, digest, modulusBits, randomBytes(HASH_LENGTHS[hash]));
  // emLen = k for the 2048/3072/4096-bit moduli KMS uses, so EM is a full-length RSA input.
  return new Uint8Array(privateEncrypt({ key: privateKey, padding: constants.RSA_NO_PADDING }, em));
}

/** Whether `signature` is an RSASSA-PSS signature of `digest` under `publicKey`. */
export function verifyPssDigest(publicKey: KeyObject, modulusBits: number, hash: PssHash, digest: Uint8Array, signature: Uint8Array): boolean {
  if (signature.length !== modulusBits / 8) return false;
  let em: Buffer;
  try {
    em = publicDecrypt({ key: publicKey, padding: constants.RSA_NO_PADDING }, signature);
  } catch {
    return false; // the signature is ≥ n
  }
  return emsaPssVerify(hash, digest, em, modulusBits);
}
