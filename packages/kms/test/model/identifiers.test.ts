/**
 * Key id recognition (model/identifiers.ts): the one-pass check answers exactly as the key id
 * patterns of the KMS developer guide ("Key identifiers": a lowercase UUID, or `mrk-` and 32
 * lowercase hex digits), for any string.
 */

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isKeyId } from '../../src/model/identifiers.ts';

const PATTERN = /^(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})$/;

/** Near misses: a well-formed id with one character replaced. */
const nearMiss = fc
  .tuple(fc.oneof(fc.uuid({ version: 4 }), fc.stringMatching(/^mrk-[0-9a-f]{32}$/)), fc.nat(35), fc.constantFrom('-', 'A', 'g', '0', ' ', 'é'))
  .map(([id, at, char]) => id.slice(0, at) + char + id.slice(at + 1));

describe('isKeyId', () => {
  it('answers as the key id patterns do, for ids, near misses and any string', () => {
    fc.assert(
      fc.property(fc.oneof(fc.uuid({ version: 4 }), fc.stringMatching(/^mrk-[0-9a-f]{32}$/), nearMiss, fc.string({ maxLength: 40 })), (value) => {
        expect(isKeyId(value)).toBe(PATTERN.test(value));
      }),
      { numRuns: 2000 },
    );
  });

  it('refuses uppercase ids, aliases and ARNs', () => {
    expect(isKeyId('1234ABCD-12ab-34cd-56ef-1234567890ab')).toBe(false);
    expect(isKeyId('alias/1234abcd-12ab-34cd-56ef-123456789')).toBe(false);
    expect(isKeyId('arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab')).toBe(false);
    expect(isKeyId('1234abcd-12ab-34cd-56ef-1234567890ab')).toBe(true);
    expect(isKeyId('mrk-1234abcd12ab34cd56ef1234567890ab')).toBe(true);
  });
});
