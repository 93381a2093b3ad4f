import { createHmac, randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeContinuationToken, encodeContinuationToken, type TokenMac } from '../../src/index.ts';
import { catchS3 } from '../helpers/errors.ts';

const macWith =
  (secret: Uint8Array): TokenMac =>
  (data) =>
    new Uint8Array(createHmac('sha256', secret).update(data).digest());
const mac = macWith(new Uint8Array(randomBytes(32)));

function expectIncorrect(token: string, bucket = 'photos', tokenMac = mac): void {
  const error = catchS3(() => decodeContinuationToken(token, bucket, tokenMac));
  expect([error.status, error.code, error.message]).toEqual([400, 'InvalidArgument', 'The continuation token provided is incorrect']);
  expect(error.fields).toEqual([['ArgumentName', 'continuation-token']]);
}

describe('ListObjectsV2 continuation tokens', () => {
  it('property: any key round-trips through a token of its bucket', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 300 }), (key) => {
        expect(decodeContinuationToken(encodeContinuationToken('photos', key, mac), 'photos', mac)).toBe(key);
      }),
    );
  });

  it.each(['', 'not a token', 'AA==', btoa('\x02abc'), btoa('\x01\xff\xfe'), btoa(`\x01${'a'.repeat(40)}`)])(
    '%j is 400 "The continuation token provided is incorrect"',
    (token) => {
      expectIncorrect(token);
    },
  );

  it('property: a token with any byte changed is refused', () => {
    const token = encodeContinuationToken('photos', 'album/2026/', mac);
    const bytes = Buffer.from(token, 'base64');
    fc.assert(
      fc.property(fc.nat({ max: bytes.length - 1 }), fc.integer({ min: 1, max: 255 }), (index, flip) => {
        const altered = Buffer.from(bytes);
        altered[index] = (altered[index] ?? 0) ^ flip;
        expectIncorrect(altered.toString('base64'));
      }),
    );
  });

  it('refuses a token of another bucket, or made under another key (another engine)', () => {
    const token = encodeContinuationToken('photos', 'k', mac);
    expectIncorrect(token, 'videos');
    expectIncorrect(token, 'photos', macWith(new Uint8Array(randomBytes(32))));
  });
});
