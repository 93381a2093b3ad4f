/** Reading an object's stored fields back: the same record every time, each caller's metadata its own. */

import { describe, expect, it } from 'vitest';
import { storedChecksum } from '../../../src/operations/shared/checksums.ts';
import { OBJECT_FIELDS, objectFields, objectRecord } from '../../../src/operations/shared/objects.ts';
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
