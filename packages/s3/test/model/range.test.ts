import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assertRangeOrPart, parsePartNumber, parseRangeHeader, resolvePartRange, resolveRange, type S3Error } from '../../src/index.ts';
import { catchS3 } from '../helpers/errors.ts';

/** GET with a Range header on an object of `size` bytes, as S3 answers it. */
function get(header: string, size = 10): ReturnType<typeof resolveRange> {
  return resolveRange(parseRangeHeader(header), size, header);
}

describe('Range on a 10-byte object, as recorded against real S3', () => {
  it.each([
    ['bytes=0-8', 0, 8],
    ['bytes=1-', 1, 9],
    ['bytes=-2', 8, 9],
    ['bytes=-15', 0, 9],
    ['bytes=0-100', 0, 9],
    ['bytes=9-9', 9, 9],
  ])('%s is 206 bytes %i-%i/10', (header, start, end) => {
    expect(get(header)).toEqual({ kind: 'partial', start, end, size: 10 });
  });

  it.each([
    'bytes=1-0',
    'bytes=-1-',
    'bytes=0--1',
    'bytes=--',
    'bytes=0-1,3-4',
    'bytes=0-1, 3-4',
    'garbage',
    'items=0-1',
    'bytes=',
    'bytes=-',
    'bytes= 0-1',
    'bytes=+1-2',
    '',
  ])('%j is ignored: 200 with the whole object', (header) => {
    expect(get(header)).toEqual({ kind: 'full', size: 10 });
  });

  it.each(['bytes=-0', 'bytes=100-200', 'bytes=10-', 'bytes=10-10'])('%s is 416 InvalidRange with the size and the range echoed', (header) => {
    const error = catchS3(() => get(header));
    expect(error.status).toBe(416);
    expect(error.code).toBe('InvalidRange');
    expect(error.message).toBe('The requested range is not satisfiable');
    expect(error.fields).toEqual([
      ['RangeRequested', header],
      ['ActualObjectSize', '10'],
    ]);
  });

  it('an absent header is the whole object', () => {
    expect(resolveRange(parseRangeHeader(undefined), 10, '')).toEqual({ kind: 'full', size: 10 });
  });

  it('every satisfiable range of an empty object is none: any range there is 416', () => {
    for (const header of ['bytes=0-', 'bytes=0-0', 'bytes=-1']) expect(catchS3(() => get(header, 0)).code).toBe('InvalidRange');
  });

  it('numbers past 2^53 saturate instead of wrapping', () => {
    expect(get('bytes=0-99999999999999999999999')).toEqual({ kind: 'partial', start: 0, end: 9, size: 10 });
    expect(catchS3(() => get('bytes=99999999999999999999999-')).code).toBe('InvalidRange');
  });

  it('property: a resolved partial range always lies inside the object and is non-empty', () => {
    fc.assert(
      fc.property(fc.nat(1000), fc.option(fc.nat(2000), { nil: undefined }), fc.option(fc.nat(2000), { nil: undefined }), (size, a, b) => {
        const header = `bytes=${a ?? ''}-${b ?? ''}`;
        let result: ReturnType<typeof get>;
        try {
          result = get(header, size);
        } catch (error) {
          expect((error as S3Error).code).toBe('InvalidRange');
          return;
        }
        if (result.kind === 'partial') {
          expect(result.start).toBeGreaterThanOrEqual(0);
          expect(result.end).toBeLessThan(size);
          expect(result.start).toBeLessThanOrEqual(result.end);
        }
      }),
    );
  });
});

describe('partNumber', () => {
  it('accepts 1..10000', () => {
    expect(parsePartNumber('1')).toBe(1);
    expect(parsePartNumber('10000')).toBe(10000);
  });

  it.each(['0', '10001', '-1', 'abc', '1.5', '', '99999', ' 1'])('%j is 400 InvalidArgument', (value) => {
    const error = catchS3(() => parsePartNumber(value));
    expect([error.status, error.code, error.message]).toEqual([400, 'InvalidArgument', 'Part number must be an integer between 1 and 10000, inclusive']);
    expect(error.fields).toEqual([
      ['ArgumentName', 'partNumber'],
      ['ArgumentValue', value],
    ]);
  });

  it('part 1 of a single-PUT object is the whole object as 206, without a parts count', () => {
    expect(resolvePartRange(1, undefined, 8)).toEqual({ range: { kind: 'partial', start: 0, end: 7, size: 8 }, partsCount: undefined });
  });

  it('part N of a multipart object starts after the parts before it', () => {
    expect(resolvePartRange(3, [5, 6, 7], 18)).toEqual({ range: { kind: 'partial', start: 11, end: 17, size: 18 }, partsCount: 3 });
  });

  it('a part the object does not have is 416 InvalidPartNumber with the counts', () => {
    const error = catchS3(() => resolvePartRange(2, undefined, 8));
    expect([error.status, error.code, error.message]).toEqual([416, 'InvalidPartNumber', 'The requested partnumber is not satisfiable']);
    expect(error.fields).toEqual([
      ['ActualPartCount', '1'],
      ['PartNumberRequested', '2'],
    ]);
    expect(catchS3(() => resolvePartRange(4, [5, 6, 7], 18)).fields).toEqual([
      ['ActualPartCount', '3'],
      ['PartNumberRequested', '4'],
    ]);
  });

  it('Range and partNumber together are 400 InvalidRequest', () => {
    const error = catchS3(() => assertRangeOrPart('bytes=0-1', '1'));
    expect([error.status, error.code, error.message]).toEqual([400, 'InvalidRequest', 'Cannot specify both Range header and partNumber query parameter']);
    expect(() => assertRangeOrPart(undefined, '1')).not.toThrow();
    expect(() => assertRangeOrPart('bytes=0-1', undefined)).not.toThrow();
  });
});
