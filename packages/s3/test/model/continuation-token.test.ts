import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeContinuationToken, encodeContinuationToken } from '../../src/index.ts';
import { catchS3 } from '../helpers/errors.ts';

describe('ListObjectsV2 continuation tokens', () => {
  it('property: any key round-trips through a token', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 300 }), (key) => {
        expect(decodeContinuationToken(encodeContinuationToken(key))).toBe(key);
      }),
    );
  });

  it.each(['', 'not a token', 'AA==', btoa('\x02abc'), btoa('\x01\xff\xfe')])('%j is 400 "The continuation token provided is incorrect"', (token) => {
    const error = catchS3(() => decodeContinuationToken(token));
    expect([error.status, error.code, error.message]).toEqual([400, 'InvalidArgument', 'The continuation token provided is incorrect']);
  });
});
