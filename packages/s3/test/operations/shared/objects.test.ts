/** Reading an object's stored fields back: the same record every time, each caller's metadata its own. */

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checksumFields, rememberStoredChecksum, storedChecksum } from '../../../src/operations/shared/checksums.ts';
import { OBJECT_FIELDS, objectFields, objectRecord, rememberWrittenRecord } from '../../../src/operations/shared/objects.ts';
import type { ObjectInfo } from '../../../src/storage/types.ts';

function info(frozen: boolean): ObjectInfo {
  const fields = objectFields(
    'SSE-S3',
    '"e"',
    { plaintextSize: 5, layerSizes: [90] },
    'text/plain',
    { Colour: 'blue' },
    {},
    {
      checksum: JSON.stringify({ algorithm: 'CRC32', value: 'AAAAAA==', type: 'FULL_OBJECT' }),
    },
  );
  return { key: 'k', size: 90, segments: [90], lastModified: 0, metadata: frozen ? Object.freeze({ ...fields }) : fields };
}

describe.each([true, false])('objectRecord over stored fields (frozen: %s)', (frozen) => {
  it('reads the same record on every call, and gives each caller user metadata of its own', () => {
    const stored = info(frozen);
    const first = objectRecord(stored);
    expect(first).toMatchObject({ mode: 'SSE-S3', etag: '"e"', size: 5, contentType: 'text/plain', segments: [{ plaintextSize: 5, layerSizes: [90] }] });
    expect({ ...first.userMetadata }).toEqual({ colour: 'blue' });
    first.userMetadata['colour'] = 'red';
    const second = objectRecord(stored);
    expect({ ...second.userMetadata }).toEqual({ colour: 'blue' });
    expect(second.info).toBe(stored);
    expect(storedChecksum(stored.metadata)).toEqual({ algorithm: 'CRC32', value: 'AAAAAA==', type: 'FULL_OBJECT' });
    expect(storedChecksum(stored.metadata)).toEqual(storedChecksum(stored.metadata));
  });

  it('refuses a record missing its segments, every time', () => {
    const stored = info(frozen);
    const { [OBJECT_FIELDS.segments]: _, ...rest } = stored.metadata;
    const broken = { ...stored, metadata: frozen ? Object.freeze(rest) : rest };
    expect(() => objectRecord(broken)).toThrow(/incomplete record/);
    expect(() => objectRecord(broken)).toThrow(/incomplete record/);
  });
});

describe('a record remembered at write time', () => {
  const segmentArbitrary = fc.record({
    plaintextSize: fc.nat({ max: 1 << 30 }),
    layerSizes: fc.array(fc.nat({ max: 1 << 30 }), { minLength: 0, maxLength: 2 }),
  });
  const metadataArbitrary = fc.option(fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), fc.string({ maxLength: 8 }), { maxKeys: 4 }), {
    nil: undefined,
  });
  const checksumArbitrary = fc.record({
    algorithm: fc.constantFrom<'CRC32' | 'CRC64NVME' | 'SHA256'>('CRC32', 'CRC64NVME', 'SHA256'),
    value: fc.base64String({ minLength: 4, maxLength: 12 }),
    type: fc.constant<'FULL_OBJECT'>('FULL_OBJECT'),
  });

  it('is the record and checksum the stored fields parse to', () => {
    fc.assert(
      fc.property(
        segmentArbitrary,
        fc.option(fc.string({ maxLength: 12 }), { nil: undefined }),
        metadataArbitrary,
        checksumArbitrary,
        (segment, contentType, metadata, checksum) => {
          const fields = objectFields('SSE-S3', '"e"', segment, contentType, metadata, {}, checksumFields(checksum));
          const stored: ObjectInfo = { key: 'k', size: 1, segments: [1], lastModified: 0, metadata: Object.freeze({ ...fields }) };
          rememberWrittenRecord(stored, segment);
          rememberStoredChecksum(stored.metadata, checksum);
          // The same fields in another frozen object: parsed, not remembered.
          const parsed: ObjectInfo = { ...stored, metadata: Object.freeze({ ...fields }) };
          const { info: _remembered, ...remembered } = objectRecord(stored);
          const { info: _parsed, ...fromFields } = objectRecord(parsed);
          expect(remembered).toEqual(fromFields);
          expect({ ...remembered.userMetadata }).toEqual({ ...fromFields.userMetadata });
          expect(storedChecksum(stored.metadata)).toEqual(storedChecksum(parsed.metadata));
          // Nothing the writer still holds is shared with the remembered record.
          segment.layerSizes.push(1);
          expect(objectRecord(stored).segments).toEqual(fromFields.segments);
        },
      ),
    );
  });

  it('is not remembered for fields a store did not freeze', () => {
    const fields = objectFields('SSE-S3', '"e"', { plaintextSize: 5, layerSizes: [90] }, undefined, undefined, {});
    const stored: ObjectInfo = { key: 'k', size: 90, segments: [90], lastModified: 0, metadata: fields };
    rememberWrittenRecord(stored, { plaintextSize: 6, layerSizes: [91] });
    expect(objectRecord(stored).segments).toEqual([{ plaintextSize: 5, layerSizes: [90] }]);
  });
});
