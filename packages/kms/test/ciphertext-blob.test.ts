/**
 * The ciphertext blob format (src/model/ciphertext-blob.ts): its layout, the round trip, and the
 * tamper battery of the style guide: every bit of the header, ciphertext and tag flipped, every
 * truncation, every wrong context, and the preconditions on what is sealed.
 */

import { defaultBackend, encodeEncryptionContext } from '@strongbox/envelope';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BLOB_FORMAT_VERSION, MAX_BLOB_LENGTH, MIN_BLOB_LENGTH, openBlob, readBlobHeader, sealBlob } from '../src/model/ciphertext-blob.ts';
import { flipBit } from './helpers/bytes.ts';

const KEY_ID = '0f1e2d3c-4b5a-4697-8877-665544332211';
const material = new Uint8Array(32).map((_, i) => i * 7 + 1);
const nonce = new Uint8Array(12).map((_, i) => 200 - i);
const context = encodeEncryptionContext({ purpose: 'blob-test' });

const seal = (plaintext: Uint8Array, version = 3, contextEncoding = context): Uint8Array =>
  sealBlob(defaultBackend, { keyId: KEY_ID, version }, material, nonce, plaintext, contextEncoding);

describe('layout', () => {
  it('is format byte ‖ key id ‖ version (big-endian) ‖ nonce ‖ ciphertext ‖ tag', () => {
    const blob = seal(new Uint8Array([1, 2, 3]), 0x01020304);
    expect(blob).toHaveLength(1 + 16 + 4 + 12 + 3 + 16);
    expect(blob[0]).toBe(BLOB_FORMAT_VERSION);
    expect(Buffer.from(blob.subarray(1, 17)).toString('hex')).toBe(KEY_ID.replaceAll('-', ''));
    expect([...blob.subarray(17, 21)]).toEqual([1, 2, 3, 4]);
    expect(blob.subarray(21, 33)).toEqual(nonce);
    expect(readBlobHeader(blob)).toEqual({ keyId: KEY_ID, version: 0x01020304 });
  });

  it('spans 50..4145 bytes, inside the 6144-byte CiphertextBlob limit', () => {
    expect(seal(new Uint8Array(1))).toHaveLength(MIN_BLOB_LENGTH);
    expect(seal(new Uint8Array(4096))).toHaveLength(MAX_BLOB_LENGTH);
    expect(MIN_BLOB_LENGTH).toBe(50);
    expect(MAX_BLOB_LENGTH).toBeLessThanOrEqual(6144);
  });

  it('never contains the plaintext or the key id in text form', () => {
    const plaintext = new TextEncoder().encode('very secret text, long enough to be found');
    const blob = Buffer.from(seal(plaintext));
    expect(blob.includes(Buffer.from(plaintext))).toBe(false);
    expect(blob.includes(Buffer.from(KEY_ID))).toBe(false);
  });
});

describe('round trip', () => {
  it('opens what it sealed, for any plaintext of 1..4096 bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 4096 }), (plaintext) => {
        expect(openBlob(defaultBackend, material, seal(plaintext), context)).toEqual(plaintext);
      }),
      { numRuns: 50 },
    );
  });
});

describe('tampering', () => {
  it('rejects every single bit flip anywhere in the blob', () => {
    const blob = seal(new TextEncoder().encode('flip me'));
    for (let bit = 0; bit < blob.length * 8; bit++) {
      const tampered = flipBit(blob, bit);
      expect(openBlob(defaultBackend, material, tampered, context), `bit ${bit}`).toBeUndefined();
    }
  });

  it('rejects every truncation and every extension', () => {
    const blob = seal(new TextEncoder().encode('truncate me'));
    for (let length = 0; length < blob.length; length++) {
      expect(openBlob(defaultBackend, material, blob.subarray(0, length), context), `length ${length}`).toBeUndefined();
    }
    const extended = new Uint8Array(blob.length + 8);
    extended.set(blob);
    expect(openBlob(defaultBackend, material, extended, context)).toBeUndefined();
  });

  it('rejects another context, including the {"ab":"c"} / {"a":"bc"} collision of naive encodings', () => {
    const blob = seal(new Uint8Array([1]), 1, encodeEncryptionContext({ ab: 'c' }));
    expect(openBlob(defaultBackend, material, blob, encodeEncryptionContext({ ab: 'c' }))).toEqual(new Uint8Array([1]));
    for (const other of [{ a: 'bc' }, { abc: '' }, {}, { ab: 'C' }, { AB: 'c' }, { ab: 'c', x: '' }]) {
      expect(openBlob(defaultBackend, material, blob, encodeEncryptionContext(other)), JSON.stringify(other)).toBeUndefined();
    }
  });

  it('rejects another backing key', () => {
    const blob = seal(new Uint8Array([1]));
    const other = flipBit(material, 0);
    expect(openBlob(defaultBackend, other, blob, context)).toBeUndefined();
  });
});

describe('headers it refuses to read', () => {
  it('refuses another format byte, version 0, and lengths outside 50..4145', () => {
    const blob = seal(new Uint8Array([1]));
    const otherFormat = blob.slice();
    otherFormat[0] = 0x03;
    const versionZero = blob.slice();
    versionZero.fill(0, 17, 21);
    expect(readBlobHeader(otherFormat)).toBeUndefined();
    expect(readBlobHeader(versionZero)).toBeUndefined();
    expect(readBlobHeader(blob.subarray(0, MIN_BLOB_LENGTH - 1))).toBeUndefined();
    expect(readBlobHeader(new Uint8Array(MAX_BLOB_LENGTH + 1).fill(BLOB_FORMAT_VERSION))).toBeUndefined();
  });

  it('reads format 0x02 as a multi-Region key id: mrk- and the 16 bytes in hex', () => {
    const multiRegion = seal(new Uint8Array([1])).slice();
    multiRegion[0] = 0x02;
    const id = Buffer.from(multiRegion.subarray(1, 17)).toString('hex');
    expect(readBlobHeader(multiRegion)?.keyId).toBe(`mrk-${id}`);
  });
});

describe('preconditions', () => {
  it('Precondition: the header fields, nonce and plaintext fit the format; anything else is a bug in the caller.', () => {
    expect(() => seal(new Uint8Array(0))).toThrow(RangeError);
    expect(() => seal(new Uint8Array(4097))).toThrow(RangeError);
    expect(() => seal(new Uint8Array(1), 0)).toThrow(RangeError);
    expect(() => seal(new Uint8Array(1), 2 ** 32)).toThrow(RangeError);
    expect(() => sealBlob(defaultBackend, { keyId: KEY_ID, version: 1 }, material, new Uint8Array(11), new Uint8Array(1), context)).toThrow(RangeError);
    expect(() => sealBlob(defaultBackend, { keyId: KEY_ID.toUpperCase(), version: 1 }, material, nonce, new Uint8Array(1), context)).toThrow(RangeError);
  });
});
