/** The multipart model: part numbers, part lists, completion checks, copy ranges, listing arguments. */

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  bareEtag,
  checkCompletedParts,
  checkPartList,
  checkPartNumber,
  listInteger,
  listPageSize,
  MIN_PART_SIZE,
  parseCopySourceRange,
} from '../../src/index.ts';
import { catchS3 } from '../helpers/errors.ts';

describe('part numbers and part lists', () => {
  it('accepts 1..10000 and refuses anything else with UploadPart’s InvalidArgument', () => {
    expect(checkPartNumber(1)).toBe(1);
    expect(checkPartNumber(10_000)).toBe(10_000);
    for (const value of [0, 10_001, 2.5, Number.NaN, '3', undefined]) {
      const error = catchS3(() => checkPartNumber(value));
      expect([error.code, error.status, error.fields]).toEqual([
        'InvalidArgument',
        400,
        [
          ['ArgumentName', 'partNumber'],
          ['ArgumentValue', String(value)],
        ],
      ]);
    }
  });

  it('property: a part list passes exactly when it is non-empty and strictly ascending', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 10_000 }), { maxLength: 8 }), (numbers) => {
        const parts = numbers.map((partNumber) => ({ partNumber, etag: 'e' }));
        const ascending = numbers.length > 0 && numbers.every((number, index) => index === 0 || number > (numbers[index - 1] ?? 0));
        if (ascending) expect(() => checkPartList(parts)).not.toThrow();
        else expect(catchS3(() => checkPartList(parts)).code).toBe(numbers.length === 0 ? 'MalformedXML' : 'InvalidPartOrder');
      }),
    );
  });

  it('checks ETags (quoted or bare) before sizes, and sizes on every part but the last', () => {
    const uploaded = [
      { partNumber: 1, etag: 'aa', size: MIN_PART_SIZE },
      { partNumber: 2, etag: 'bb', size: MIN_PART_SIZE - 1 },
      { partNumber: 3, etag: 'cc', size: 0 },
    ];
    const requested = [
      { partNumber: 1, etag: '"aa"' },
      { partNumber: 2, etag: 'bb' },
      { partNumber: 3, etag: '"cc"' },
    ];
    expect(catchS3(() => checkCompletedParts('u', requested, uploaded)).fields).toEqual([
      ['ProposedSize', String(MIN_PART_SIZE - 1)],
      ['MinSizeAllowed', String(MIN_PART_SIZE)],
      ['PartNumber', '2'],
      ['ETag', 'bb'],
    ]);
    expect(catchS3(() => checkCompletedParts('u', [requested[0]!, { partNumber: 2, etag: 'zz' }], uploaded.slice(0, 2))).code).toBe('InvalidPart');
    expect(() => checkCompletedParts('u', [requested[0]!, requested[1]!], [uploaded[0]!, uploaded[1]!])).not.toThrow();
    expect(() => checkCompletedParts('u', [requested[2]!], [uploaded[2]!])).not.toThrow();
  });

  it('strips one pair of quotes from an ETag', () => {
    expect([bareEtag('"abc"'), bareEtag('abc'), bareEtag('"'), bareEtag('""')]).toEqual(['abc', 'abc', '"', '']);
  });
});

describe('copy source ranges', () => {
  it('takes only bytes=first-last inside the source', () => {
    expect(parseCopySourceRange(undefined, 10)).toBeUndefined();
    expect(parseCopySourceRange('bytes=0-9', 10)).toEqual({ first: 0, last: 9 });
    expect(parseCopySourceRange('bytes=4-4', 10)).toEqual({ first: 4, last: 4 });
    for (const value of ['bytes=3-', 'bytes=-3', 'bytes=5-4', 'bytes=0-1,2-3', 'bytes= 0-1', 'items=0-1']) {
      expect(catchS3(() => parseCopySourceRange(value, 10)).fields).toEqual([
        ['ArgumentName', 'x-amz-copy-source-range'],
        ['ArgumentValue', value],
      ]);
    }
    expect(catchS3(() => parseCopySourceRange('bytes=0-10', 10)).message).toBe('Range specified is not valid for source object of size: 10');
    expect(catchS3(() => parseCopySourceRange('bytes=0-0', 0)).code).toBe('InvalidArgument');
  });
});

describe('listing arguments', () => {
  it('page sizes default to 1000 and are capped there; negatives and fractions are refused', () => {
    expect([listPageSize(undefined, 'max-parts'), listPageSize(0, 'max-parts'), listPageSize(7, 'max-uploads'), listPageSize(1e6, 'max-uploads')]).toEqual([
      1000, 0, 7, 1000,
    ]);
    expect(catchS3(() => listPageSize(-1, 'max-uploads')).message).toBe('Argument max-uploads must be an integer between 0 and 2147483647');
    // A fraction is no integer: the argument's own refusal, the value as sent (moto#4624's text).
    const fraction = catchS3(() => listInteger(1.5, 'part-number-marker'));
    expect([fraction.reason, fraction.message, fraction.fields]).toEqual([
      'InvalidPartNumberMarker',
      'Provided part-number-marker not an integer or within integer range',
      [
        ['ArgumentName', 'part-number-marker'],
        ['ArgumentValue', '1.5'],
      ],
    ]);
    expect([listInteger('0005', 'part-number-marker'), listPageSize('', 'max-parts')]).toEqual([5, 1000]);
  });
});
