/**
 * Strict format detection and the envelope codec: parse(encode(x)) == x for both formats and both
 * locations, the key sets each location holds, and the refusals (mixed versions, partial key sets,
 * unknown algorithms, bad lengths), and V1 detection (read only, legacy).
 */

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { detectFormat, type Envelope, encodeEnvelope, parseEnvelope, parseInstructionFile } from '../../src/index.ts';

const m = (record: Record<string, string>): Map<string, string> => new Map(Object.entries(record));
const b64 = (length: number, fill = 1): string => Buffer.alloc(length, fill).toString('base64');

const V3_FULL = { 'x-amz-c': '115', 'x-amz-3': b64(60), 'x-amz-w': '02', 'x-amz-d': b64(28), 'x-amz-i': b64(28) };
const V2_FULL = {
  'x-amz-key-v2': b64(60),
  'x-amz-iv': b64(12),
  'x-amz-cek-alg': 'AES/GCM/NoPadding',
  'x-amz-tag-len': '128',
  'x-amz-wrap-alg': 'AES/GCM',
  'x-amz-matdesc': '{}',
};

describe('format detection', () => {
  it('tells V2, V3, V3 with an instruction file, and an instruction file apart', () => {
    expect(detectFormat(m(V2_FULL))).toBe('V2');
    expect(detectFormat(m(V3_FULL))).toBe('V3');
    expect(detectFormat(m({ 'x-amz-c': '115', 'x-amz-d': b64(28), 'x-amz-i': b64(28) }))).toBe('V3-instruction-file');
    expect(detectFormat(m({ 'x-amz-unencrypted-content-length': '5' }))).toBe('instruction-file');
  });

  it("tolerates Go v4's x-amz-tag-len and x-amz-unencrypted-content-length next to V3 keys", () => {
    expect(detectFormat(m({ ...V3_FULL, 'x-amz-tag-len': '128', 'x-amz-unencrypted-content-length': '3' }))).toBe('V3');
  });

  it('refuses any V1/V2 key next to any V3 key', () => {
    for (const v2Key of ['x-amz-key', 'x-amz-key-v2', 'x-amz-iv', 'x-amz-cek-alg', 'x-amz-wrap-alg', 'x-amz-matdesc']) {
      for (const v3Key of Object.keys(V3_FULL)) {
        expect(() => detectFormat(m({ [v2Key]: 'x', [v3Key]: 'y' })), `${v2Key} + ${v3Key}`).toThrow(expect.objectContaining({ code: 'MixedFormatVersions' }));
      }
    }
    expect(() => detectFormat(m({ 'x-amz-key': 'a', 'x-amz-key-v2': 'b' }))).toThrow(expect.objectContaining({ code: 'MixedFormatVersions' }));
  });

  it('refuses partial V3 key sets (the dotnet#174 bypass) and V1 keys without x-amz-iv', () => {
    expect(() => detectFormat(m({ 'x-amz-c': '115' }))).toThrow(expect.objectContaining({ code: 'MalformedMetadata' }));
    expect(() => detectFormat(m({ 'x-amz-3': b64(60), 'x-amz-w': '02' }))).toThrow(expect.objectContaining({ code: 'MalformedMetadata' }));
    expect(() => detectFormat(m({ 'x-amz-c': '115', 'x-amz-d': b64(28), 'x-amz-i': b64(28), 'x-amz-w': '02' }))).toThrow(
      expect.objectContaining({ code: 'MalformedMetadata' }),
    );
    expect(() => detectFormat(m({ 'x-amz-cek-alg': 'AES/GCM/NoPadding' }))).toThrow(expect.objectContaining({ code: 'MalformedMetadata' }));
    expect(() => detectFormat(m({ 'x-amz-key': b64(48), 'x-amz-matdesc': '{}' }))).toThrow(expect.objectContaining({ code: 'MalformedMetadata' }));
  });

  it('detects V1 (x-amz-key + x-amz-iv) and infers its wrap from the wrapped key length as Java does', () => {
    expect(detectFormat(m({ 'x-amz-key': b64(48), 'x-amz-iv': b64(16), 'x-amz-matdesc': '{}' }))).toBe('V1');
    expect(parseEnvelope(m({ 'x-amz-key': b64(48), 'x-amz-iv': b64(16), 'x-amz-matdesc': '{}' }))).toMatchObject({
      format: 'V1',
      wrapAlgorithm: 'AES',
      contentAlgorithm: 'AES/CBC/PKCS5Padding',
    });
    expect(parseEnvelope(m({ 'x-amz-key': b64(256), 'x-amz-iv': b64(16), 'x-amz-matdesc': '{}' }))).toMatchObject({ format: 'V1', wrapAlgorithm: 'RSA' });
    expect(parseEnvelope(m({ 'x-amz-key': b64(40), 'x-amz-iv': b64(16), 'x-amz-wrap-alg': 'AESWrap' }))).toMatchObject({
      format: 'V1',
      wrapAlgorithm: 'AESWrap',
    });
    expect(parseEnvelope(new Map(), m({ 'x-amz-key': b64(48), 'x-amz-iv': b64(16), 'x-amz-matdesc': '{}' }))).toMatchObject({
      format: 'V1',
      location: 'instruction-file',
    });
    // V1 content is CBC: GCM needs x-amz-key-v2 (Java), and V1 envelopes are never written.
    expect(() => parseEnvelope(m({ 'x-amz-key': b64(48), 'x-amz-iv': b64(16), 'x-amz-cek-alg': 'AES/GCM/NoPadding' }))).toThrow(
      expect.objectContaining({ code: 'UnsupportedAlgorithm' }),
    );
    expect(() => encodeEnvelope(parseEnvelope(m({ 'x-amz-key': b64(48), 'x-amz-iv': b64(16) })))).toThrow(
      expect.objectContaining({ code: 'UnsupportedAlgorithm' }),
    );
  });
});

describe('envelope parsing', () => {
  it('refuses unknown algorithms and wrong lengths', () => {
    const cases: [Record<string, string>, string][] = [
      [{ ...V2_FULL, 'x-amz-cek-alg': 'AES/CTR/NoPadding' }, 'UnsupportedAlgorithm'],
      [{ ...V2_FULL, 'x-amz-wrap-alg': 'RSA/ECB/OAEPWithSHA-256AndMGF1Padding' }, 'UnsupportedAlgorithm'],
      [{ ...V2_FULL, 'x-amz-wrap-alg': 'AES/ECB' }, 'UnsupportedAlgorithm'],
      [{ ...V2_FULL, 'x-amz-tag-len': '96' }, 'UnsupportedAlgorithm'],
      [{ ...V2_FULL, 'x-amz-iv': b64(16) }, 'MalformedMetadata'],
      [{ ...V3_FULL, 'x-amz-c': '114' }, 'UnsupportedAlgorithm'],
      [{ ...V3_FULL, 'x-amz-w': '01' }, 'UnsupportedAlgorithm'],
      [{ ...V3_FULL, 'x-amz-i': b64(12) }, 'MalformedMetadata'],
      [{ ...V3_FULL, 'x-amz-t': '{"a":"b"}' }, 'MalformedMetadata'],
      [{ ...V3_FULL, 'x-amz-m': '["a"]' }, 'MalformedMetadata'],
      [{ ...V3_FULL, 'x-amz-3': 'not base64!' }, 'MalformedMetadata'],
      [{ ...V2_FULL, 'x-amz-unencrypted-content-length': '-1' }, 'MalformedMetadata'],
    ];
    for (const [metadata, code] of cases) expect(() => parseEnvelope(m(metadata)), JSON.stringify(metadata)).toThrow(expect.objectContaining({ code }));
  });

  it("accepts Go v4's empty x-amz-m / x-amz-t, matdesc in any key order and whitespace, and the PKCS7 spelling", () => {
    expect(parseEnvelope(m({ ...V3_FULL, 'x-amz-t': '', 'x-amz-m': '' })).description.size).toBe(0);
    const spaced = parseEnvelope(m({ ...V2_FULL, 'x-amz-matdesc': '{ "b": "2",  "a": "1" }' }));
    expect([...spaced.description]).toEqual([
      ['b', '2'],
      ['a', '1'],
    ]);
    expect(parseEnvelope(m({ ...V2_FULL, 'x-amz-cek-alg': 'AES/CBC/PKCS7Padding', 'x-amz-iv': b64(16) })).contentAlgorithm).toBe('AES/CBC/PKCS5Padding');
  });

  it('keeps a "__proto__" context key as plain data', () => {
    const envelope = parseEnvelope(m({ ...V3_FULL, 'x-amz-w': '12', 'x-amz-t': '{"__proto__":"x","aws:x-amz-cek-alg":"115"}' }));
    expect(envelope.description.get('__proto__')).toBe('x');
    expect(({} as Record<string, unknown>)['x']).toBeUndefined();
  });

  it('parse(encode(envelope)) returns the envelope, in metadata or with an instruction file (property)', () => {
    const bytes = (length: number) => fc.uint8Array({ minLength: length, maxLength: length });
    const description = fc
      .dictionary(fc.string({ minLength: 1, maxLength: 8 }), fc.string({ maxLength: 8 }), { maxKeys: 3 })
      .map((record) => new Map(Object.entries(record)));
    const location = fc.constantFrom('metadata' as const, 'instruction-file' as const);
    const v2 = fc.record({
      format: fc.constant('V2' as const),
      contentAlgorithm: fc.constant('AES/GCM/NoPadding' as const),
      iv: bytes(12),
      wrapAlgorithm: fc.constantFrom('AES/GCM' as const, 'kms+context' as const, 'RSA-OAEP-SHA1' as const),
      encryptedDataKey: bytes(60),
      description,
      location,
    });
    const v3 = fc.record({
      format: fc.constant('V3' as const),
      contentAlgorithm: fc.constant('115' as const),
      messageId: bytes(28).filter((id) => id.some((byte) => byte !== 0)),
      commitment: bytes(28),
      wrapAlgorithm: fc.constantFrom('AES/GCM' as const, 'kms+context' as const, 'RSA-OAEP-SHA1' as const),
      encryptedDataKey: bytes(60),
      description,
      location,
    });
    fc.assert(
      fc.property(fc.oneof(v2, v3), (envelope: Envelope) => {
        const encoded = encodeEnvelope(envelope);
        for (const value of encoded.metadata.values()) expect(value).toMatch(/^[\x20-\x7e]*$/);
        const file = encoded.instructionFile === undefined ? undefined : parseInstructionFile(encoded.instructionFile);
        if (envelope.location === 'instruction-file' && envelope.format === 'V3')
          for (const key of ['x-amz-c', 'x-amz-d', 'x-amz-i']) expect(file?.has(key)).toBe(false);
        expect(parseEnvelope(encoded.metadata, file)).toEqual(envelope);
      }),
      { numRuns: 200 },
    );
  });
});
