/**
 * @module
 * GenerateMac and VerifyMac: "the standard, raw HMAC defined in RFC 2104" (GenerateMac doc) with
 * SHA-224/256/384/512, on node:crypto. Verification compares in constant time.
 */

import { createHmac, createSecretKey, type KeyObject, timingSafeEqual } from 'node:crypto';
import type { MacAlgorithm } from './spec-table.ts';

const HASHES: Readonly<Record<MacAlgorithm, string>> = Object.freeze({
  HMAC_SHA_224: 'sha224',
  HMAC_SHA_256: 'sha256',
  HMAC_SHA_384: 'sha384',
  HMAC_SHA_512: 'sha512',
});

/**
 * The HMAC of `message` under `key`.
 *
 * @example
 * ```ts
 * generateMac('HMAC_SHA_256', key, new TextEncoder().encode('hello')); // 32 bytes
 * ```
 */
export function generateMac(algorithm: MacAlgorithm, key: Uint8Array, message: Uint8Array): Uint8Array {
  // A Buffer is a Uint8Array: returned as is, not copied.
  return createHmac(HASHES[algorithm], secretKeyObject(key)).update(message).digest();
}

const SECRET_KEYS = new WeakMap<Uint8Array, KeyObject>();

/** The node:crypto KeyObject of an HMAC key, made once per key array (key records are immutable). */
function secretKeyObject(key: Uint8Array): KeyObject {
  let object = SECRET_KEYS.get(key);
  if (object === undefined) {
    object = createSecretKey(key);
    SECRET_KEYS.set(key, object);
  }
  return object;
}

/** Whether `mac` is the HMAC of `message` under `key` (constant time in the MAC's bytes). */
export function verifyMac(algorithm: MacAlgorithm, key: Uint8Array, message: Uint8Array, mac: Uint8Array): boolean {
  const expected = generateMac(algorithm, key, message);
  return mac.length === expected.length && timingSafeEqual(expected, mac);
}
