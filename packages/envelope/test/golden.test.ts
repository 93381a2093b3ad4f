import { createCipheriv, createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RawAesKeyring } from '../src/raw-aes-keyring.ts';
import { open, readHeader } from '../src/seal.ts';
import { BACKENDS, concat, deterministicStream, fromHex, type GoldenVector, hex, sealGolden, splitFrames, utf8 } from './helpers/messages.ts';

const load = (name: string): GoldenVector[] =>
  (JSON.parse(readFileSync(new URL(`./vectors/${name}`, import.meta.url), 'utf8')) as { vectors: GoldenVector[] }).vectors;
/** Version 1, frozen: sealed before version 2 existed, with the old draw order (see README.md). */
const v1Vectors = load('golden-v1.json');
/** Version 2, the default format: regenerate.ts writes these. */
const v2Vectors = load('golden-v2.json');

// ---------------------------------------------------------------------------------------------
// An independent encoder written from the format documentation only (node:crypto, no src code),
// so the stored bytes are checked against the spec and not just against the implementation.
// ---------------------------------------------------------------------------------------------

const u16 = (n: number) => Uint8Array.of(n >> 8, n & 0xff);
const u32 = (n: number) => Uint8Array.of(n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff);
const field = (bytes: Uint8Array) => concat(u16(bytes.length), bytes);

function gcm(key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array, aad?: Uint8Array): Uint8Array {
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  if (aad) cipher.setAAD(aad);
  const ciphertext = concat(cipher.update(plaintext), cipher.final());
  return concat(ciphertext, cipher.getAuthTag());
}

/** u16 count ‖ (u16 len ‖ key ‖ u16 len ‖ value)*, sorted by the keys' UTF-8 bytes. */
function canonicalContext(context: Readonly<Record<string, string>>): Uint8Array {
  const pairs = Object.entries(context).map(([k, v]) => [utf8(k), utf8(v)] as const);
  pairs.sort((a, b) => Buffer.compare(a[0], b[0]));
  return concat(u16(pairs.length), ...pairs.flatMap(([k, v]) => [field(k), field(v)]));
}

/** Nonce = u32 kind ‖ u64 index; kind 0 regular, 1 final. */
const nonce = (kind: number, index: number) => concat(u32(kind), u32(0), u32(index));

/** HKDF-Expand-SHA-256 (RFC 5869 §2.3), PRK = data key, L = 64: T(1) ‖ T(2), T(i) = HMAC(PRK, T(i-1) ‖ info ‖ i). */
function expand64(dataKey: Uint8Array, info: Uint8Array): Uint8Array {
  const t1 = createHmac('sha256', dataKey).update(info).update(Uint8Array.of(1)).digest();
  const t2 = createHmac('sha256', dataKey).update(t1).update(info).update(Uint8Array.of(2)).digest();
  return concat(t1, t2);
}

/**
 * The format as documented. `legacyDraws`: the order in which seal drew randomness before version 2
 * (data key, wrap nonces, message id); today it draws the data key and message id in one call
 * first, then each keyring its wrap nonce.
 */
function referenceSeal(vector: GoldenVector, version: 1 | 2, legacyDraws = false): Uint8Array {
  const random = deterministicStream(vector.seed);
  const context = canonicalContext(vector.context);
  const dataKey = random(32);
  let messageId = legacyDraws ? undefined : random(32);
  const wrapped = vector.keyrings.map(({ name, keyHex }) => {
    const id = utf8(`raw-aes:${name}`);
    const wrapNonce = random(12);
    const aad = concat(utf8('strongbox/raw-aes-keyring/v1'), field(id), context);
    return concat(field(id), field(concat(wrapNonce, gcm(fromHex(keyHex), wrapNonce, dataKey, aad))));
  });
  messageId ??= random(32);
  const frameLength = vector.frameLength ?? 64 * 1024;
  // Every header byte before the commitment.
  const bound = concat(Uint8Array.of(version), u16(0x0001), messageId, field(context), Uint8Array.of(wrapped.length), ...wrapped, u32(frameLength));
  const okm =
    version === 1
      ? expand64(dataKey, concat(utf8('strongbox/sealed-message/v1 derive key and commitment'), u16(0x0001), messageId))
      : expand64(dataKey, concat(utf8('strongbox/sealed-message/v2'), bound));
  const [frameKey, commitment] = [okm.subarray(0, 32), okm.subarray(32)];
  const header = concat(bound, commitment);
  const plaintext = fromHex(vector.plaintextHex);
  const frameCount = Math.floor(plaintext.length / frameLength) + 1;
  const frames = Array.from({ length: frameCount }, (_, i) => {
    const final = i === frameCount - 1;
    const chunk = plaintext.subarray(i * frameLength, final ? plaintext.length : (i + 1) * frameLength);
    // Version 1: every frame's AAD is the whole header. Version 2: no AAD.
    return gcm(frameKey, nonce(final ? 1 : 0, i), chunk, version === 1 ? header : undefined);
  });
  return concat(header, ...frames);
}

describe.each([
  { version: 1 as const, vectors: v1Vectors },
  { version: 2 as const, vectors: v2Vectors },
])('golden known-answer vectors, format version $version', ({ version, vectors }) => {
  it('the vector file holds the expected cases', () => {
    expect(vectors.map((v) => v.name)).toEqual(['empty', 'hello', 'three-frames', 'exact-multiple', 'unicode-context']);
    for (const vector of vectors) expect(vector.sealedHex).toMatch(new RegExp(`^0${version}0001[0-9a-f]+$`));
  });

  for (const vector of vectors) {
    describe(vector.name, () => {
      const sealed = fromHex(vector.sealedHex);
      const plaintext = fromHex(vector.plaintextHex);

      if (version === 2) {
        it('re-sealing with the deterministic backend reproduces the stored bytes exactly', async () => {
          expect(hex(await sealGolden(vector))).toBe(vector.sealedHex);
        });
      } else {
        it("sealing version 1 on request matches the documented encoder (with today's draw order)", async () => {
          expect(hex(await sealGolden({ ...vector, formatVersion: 1 }))).toBe(hex(referenceSeal(vector, 1)));
        });
      }

      it('an encoder written from the format documentation alone produces the stored bytes', () => {
        expect(hex(referenceSeal(vector, version, version === 1))).toBe(vector.sealedHex);
      });

      it('opens with both real backends (keyring and core) under the stored context', async () => {
        for (const backend of BACKENDS) {
          for (const { name, keyHex } of vector.keyrings) {
            const keyring = new RawAesKeyring({ name, key: fromHex(keyHex), backend });
            expect(hex(await open(sealed, { keyring, context: vector.context, backend }))).toBe(hex(plaintext));
          }
        }
      });

      it('has the header fields and frame layout the spec describes', () => {
        const header = readHeader(sealed);
        const frameLength = vector.frameLength ?? 64 * 1024;
        expect([header.version, header.suite, header.frameLength]).toEqual([version, 1, frameLength]);
        expect({ ...header.context }).toEqual(vector.context);
        expect(header.wrappedKeys.map((k) => [k.keyringId, k.ciphertext.length])).toEqual(vector.keyrings.map((k) => [`raw-aes:${k.name}`, 60]));
        const { frames } = splitFrames(sealed);
        expect(frames.length).toBe(Math.floor(plaintext.length / frameLength) + 1);
        expect(frames.at(-1)?.length).toBe((plaintext.length % frameLength) + 16);
      });
    });
  }

  it('pins the specific layouts promised by the vector names', () => {
    expect(vectors.every((v) => (v.formatVersion ?? 1) === version)).toBe(true);
    const byName = new Map(vectors.map((v) => [v.name, splitFrames(fromHex(v.sealedHex)).frames.map((f) => f.length)]));
    expect(byName.get('empty')).toEqual([16]);
    expect(byName.get('hello')).toEqual([21]);
    expect(byName.get('three-frames')).toEqual([32, 32, 24]);
    expect(byName.get('exact-multiple')).toEqual([32, 32, 16]);
    expect(byName.get('unicode-context')).toEqual([23, 23, 22]);
  });
});
