import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assertBucketName, assertObjectKey, isValidBucketName } from '../../src/index.ts';
import { catchS3 } from '../helpers/errors.ts';

describe('bucket names (general purpose bucket naming rules)', () => {
  it.each(['abc', 'my-bucket', 'logs.example.com', 'a1b2c3', '0bucket9', 'a'.repeat(63)])('%s is valid', (name) => {
    expect(isValidBucketName(name)).toBe(true);
  });

  it.each([
    'ab',
    'a'.repeat(64),
    'My-Bucket',
    'my_bucket',
    '-bucket',
    'bucket-',
    '.bucket',
    'bucket.',
    'my..bucket',
    '192.168.5.4',
    'xn--bucket',
    'sthree-bucket',
    'amzn-s3-demo-bucket',
    'bucket-s3alias',
    'bucket--ol-s3',
    'bucket.mrap',
    'bucket--x-s3',
    'bucket--table-s3',
    'bücket',
    'bucket/x',
  ])('%s is 400 InvalidBucketName', (name) => {
    const error = catchS3(() => assertBucketName(name));
    expect([error.status, error.code, error.message]).toEqual([400, 'InvalidBucketName', 'The specified bucket is not valid.']);
    expect(error.fields).toEqual([['BucketName', name]]);
  });
});

describe('object keys', () => {
  it('any 1..1024 bytes of UTF-8 are a key, path-like or not', () => {
    for (const key of ['a', '../../etc/passwd', '%2e%2e/x', 'nul\0byte', '/', ' ', 'é'.repeat(512), '😀'.repeat(256), 'x'.repeat(1024)]) {
      expect(() => assertObjectKey(key)).not.toThrow();
    }
  });

  it('more than 1024 UTF-8 bytes is 400 KeyTooLongError with the sizes', () => {
    const error = catchS3(() => assertObjectKey('é'.repeat(513)));
    expect([error.status, error.code, error.message]).toEqual([400, 'KeyTooLongError', 'Your key is too long']);
    expect(error.fields).toEqual([
      ['Size', '1026'],
      ['MaxSizeAllowed', '1024'],
    ]);
  });

  it('property: the byte limit is measured in UTF-8, as Buffer counts it', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 600 }), (key) => {
        const bytes = Buffer.byteLength(key, 'utf8');
        if (bytes <= 1024) expect(() => assertObjectKey(key)).not.toThrow();
        else expect(catchS3(() => assertObjectKey(key)).fields).toContainEqual(['Size', String(bytes)]);
      }),
    );
  });

  it('an empty key or a lone surrogate is a TypeError (no request can carry one)', () => {
    expect(() => assertObjectKey('')).toThrow(TypeError);
    expect(() => assertObjectKey('a\ud800')).toThrow(TypeError);
  });
});
