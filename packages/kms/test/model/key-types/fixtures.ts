/**
 * Shared helpers for the key-type tests: a `Random` that hands out chosen bytes first (so a known
 * answer test can pin a private key), key pairs generated once per spec, and node:crypto views of
 * the serialized keys.
 */

import { createPrivateKey, createPublicKey, type KeyObject, randomBytes } from 'node:crypto';
import type { Random } from '@strongbox/service-kernel';
import { generateKeyPairMaterial, type KeyPairMaterial } from '../../../src/model/key-types/key-material.ts';
import type { KeySpec } from '../../../src/model/key-types/spec-table.ts';

/** A Random that returns `queued` byte strings first (each must match the requested length), then fresh random bytes. */
export function scriptedRandom(...queued: Uint8Array[]): Random {
  return {
    bytes(length: number): Uint8Array {
      const next = queued.shift();
      if (next === undefined) return new Uint8Array(randomBytes(length));
      if (next.length !== length) throw new Error(`scripted random: asked for ${length} bytes, queued ${next.length}`);
      return next;
    },
  };
}

/** Fresh system randomness. */
export const systemRandom: Random = { bytes: (length) => new Uint8Array(randomBytes(length)) };

const PAIRS = new Map<KeySpec, Promise<KeyPairMaterial>>();

/** One key pair per spec for the whole test file (RSA generation is slow on shared cores). */
export function keyPair(spec: KeySpec): Promise<KeyPairMaterial> {
  let pair = PAIRS.get(spec);
  if (pair === undefined) {
    pair = generateKeyPairMaterial(spec, systemRandom);
    PAIRS.set(spec, pair);
  }
  return pair;
}

/** node:crypto's view of a serialized public key. */
export function nodePublicKey(pair: KeyPairMaterial): KeyObject {
  return createPublicKey({ key: Buffer.from(pair.publicKey), format: 'der', type: 'spki' });
}

/** node:crypto's view of a serialized private key. */
export function nodePrivateKey(pair: KeyPairMaterial): KeyObject {
  return createPrivateKey({ key: Buffer.from(pair.privateKey), format: 'der', type: 'pkcs8' });
}

/** Decodes hexadecimal. */
export function hex(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text.replace(/\s+/g, ''), 'hex'));
}

/** Encodes text as UTF-8. */
export function utf8(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}
