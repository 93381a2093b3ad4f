/**
 * The signing time of a SigV4 request: `X-Amz-Date` in ISO 8601 basic format, naming a real day
 * and time of day, within the service's window (±5 minutes, S3's ±15), with AWS's texts.
 */

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ServiceError } from '../../src/errors.ts';
import { checkTime, MAX_SKEW_MS, parseIsoBasic, S3_MAX_SKEW_MS } from '../../src/sigv4/signing-time.ts';

const isoBasic = (ms: number): string =>
  new Date(ms)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');

describe('parseIsoBasic', () => {
  it('reads a basic-format UTC time to the second', () => {
    expect(parseIsoBasic('20260101T000000Z')).toBe(Date.UTC(2026, 0, 1));
    expect(parseIsoBasic('20281231T235959Z')).toBe(Date.UTC(2028, 11, 31, 23, 59, 59));
  });

  it('refuses what is not basic format', () => {
    for (const text of ['', '2026-01-01T00:00:00Z', '20260101T000000', '20260101T000000+0000', '20260101 000000Z', 'Thu, 01 Jan 2026 00:00:00 GMT']) {
      expect(parseIsoBasic(text), text).toBeUndefined();
    }
  });

  it('refuses a day or a time of day that does not exist, which Date.UTC would roll over into one that does', () => {
    for (const text of ['20260230T000000Z', '20261301T000000Z', '20260001T000000Z', '20260101T240000Z', '20260101T006000Z', '20260101T000060Z']) {
      expect(parseIsoBasic(text), text).toBeUndefined();
    }
  });

  it('reads back any time it is given in basic format (to the second)', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(1970, 0, 1), max: Date.UTC(9999, 11, 31, 23, 59, 59) }), (ms) => {
        expect(parseIsoBasic(isoBasic(ms))).toBe(ms - (ms % 1000));
      }),
    );
  });
});

describe('checkTime', () => {
  const now = Date.UTC(2026, 5, 1, 12, 0, 0);

  it('answers the signing time inside the window, edges included', () => {
    expect(checkTime(isoBasic(now - MAX_SKEW_MS), now, MAX_SKEW_MS)).toBe(now - MAX_SKEW_MS);
    expect(checkTime(isoBasic(now + S3_MAX_SKEW_MS), now, S3_MAX_SKEW_MS)).toBe(now + S3_MAX_SKEW_MS);
  });

  it('refuses a date that is not one with IncompleteSignatureException and AWS text', () => {
    const refusal = ((): unknown => {
      try {
        checkTime('20260601T126000Z', now, MAX_SKEW_MS);
        return undefined;
      } catch (error) {
        return error;
      }
    })();
    expect(refusal).toBeInstanceOf(ServiceError);
    expect(refusal).toMatchObject({
      code: 'IncompleteSignatureException',
      message: "Date must be in ISO-8601 'basic format'. Got '20260601T126000Z'. See http://en.wikipedia.org/wiki/ISO_8601",
    });
  });

  it('refuses a time outside the window with InvalidSignatureException, naming S3 its RequestTimeTooSkewed fields', () => {
    expect(() => checkTime(isoBasic(now - MAX_SKEW_MS - 1000), now, MAX_SKEW_MS)).toThrow(
      'Signature expired: 20260601T115459Z is now earlier than 20260601T115500Z (20260601T120000Z - 5 min.)',
    );
    try {
      checkTime(isoBasic(now + S3_MAX_SKEW_MS + 1000), now, S3_MAX_SKEW_MS);
      expect.unreachable();
    } catch (error) {
      expect(error).toMatchObject({ code: 'InvalidSignatureException' });
      expect((error as ServiceError).fields).toEqual([
        ['RequestTime', '20260601T121501Z'],
        ['ServerTime', '2026-06-01T12:00:00Z'],
        ['MaxAllowedSkewMilliseconds', String(S3_MAX_SKEW_MS)],
      ]);
    }
  });
});
