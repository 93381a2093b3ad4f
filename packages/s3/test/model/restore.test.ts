/**
 * The restore model: the User Guide's expiry example, the fixed tier times, and the invariant
 * that an archived object is readable exactly while a restored copy exists at the clock's time
 * (from completion until the expiry, a midnight UTC at least `Days` after completion); a tier
 * upgrade taken only to a faster tier with the same `Days`, never completing later.
 */

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  checkedRestoreExpiry,
  checkRestoreDays,
  extendedRestore,
  isReadable,
  parseRestore,
  RESTORE_TIERS,
  type RestoreTier,
  restorableDays,
  restoreDuration,
  restoreExpiry,
  restoreHeader,
  restoreJson,
  restoreStateAt,
  upgradedRestore,
} from '../../src/index.ts';
import { catchS3 } from '../helpers/errors.ts';

const DAY = 86_400_000;

describe('restoreExpiry', () => {
  it("is the User Guide's example: October 15, 2012 10:30 AM UTC for 3 days expires October 19, 2012 00:00 UTC", () => {
    expect(new Date(restoreExpiry(Date.UTC(2012, 9, 15, 10, 30), 3)).toISOString()).toBe('2012-10-19T00:00:00.000Z');
  });

  it('is the next midnight UTC at least Days later', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: Date.UTC(9000, 0, 1) }), fc.integer({ min: 1, max: 3650 }), (from, days) => {
        const expiry = restoreExpiry(from, days);
        expect(expiry % DAY).toBe(0);
        expect(expiry).toBeGreaterThanOrEqual(from + days * DAY);
        expect(expiry - (from + days * DAY)).toBeLessThan(DAY);
      }),
    );
  });
});

describe('restoreDuration', () => {
  it('refuses Expedited on DEEP_ARCHIVE and any class that is not archived', () => {
    expect(catchS3(() => restoreDuration('DEEP_ARCHIVE', 'Expedited')).reason).toBe('InvalidRestoreTier');
    expect(catchS3(() => restoreDuration('STANDARD', 'Standard')).reason).toBe('RestoreNotAllowedForClass');
    expect(catchS3(() => restoreDuration('GLACIER_IR', 'Bulk')).reason).toBe('RestoreNotAllowedForClass');
  });
});

describe('checkRestoreDays and restorableDays', () => {
  it('takes 1 or more or none, refuses less', () => {
    expect(checkRestoreDays(1)).toBe(1);
    expect(checkRestoreDays(undefined)).toBeUndefined();
    expect(catchS3(() => checkRestoreDays(0)).reason).toBe('InvalidRestoreDays');
  });

  it('requires Days of an archived class, refuses them for INTELLIGENT_TIERING, refuses other classes', () => {
    expect(restorableDays('DEEP_ARCHIVE', 2)).toBe(2);
    expect(catchS3(() => restorableDays('GLACIER', undefined)).reason).toBe('MalformedXML');
    expect(catchS3(() => restorableDays('INTELLIGENT_TIERING', 1)).reason).toBe('RestoreDaysForIntelligentTiering');
    expect(catchS3(() => restorableDays('INTELLIGENT_TIERING', undefined)).reason).toBe('ObjectAlreadyInActiveTier');
    expect(catchS3(() => restorableDays('STANDARD', 1)).reason).toBe('RestoreNotAllowedForClass');
  });

  it('bounds the expiry a record keeps at 9999-12-31', () => {
    expect(checkedRestoreExpiry(Date.UTC(9999, 11, 29, 12), 1)).toBe(Date.UTC(9999, 11, 31));
    expect(catchS3(() => checkedRestoreExpiry(Date.UTC(9999, 11, 30, 12), 1)).reason).toBe('RestoreExpiryTooLate');
  });
});

describe('an archived object restored at a time', () => {
  const request = fc.record({
    storageClass: fc.constantFrom('GLACIER', 'DEEP_ARCHIVE'),
    tier: fc.constantFrom(...(RESTORE_TIERS as RestoreTier[])),
    requested: fc.integer({ min: 0, max: Date.UTC(2100, 0, 1) }),
    days: fc.integer({ min: 1, max: 400 }),
    later: fc.integer({ min: 0, max: 500 * DAY }),
  });

  it('is readable iff restored and not expired at the clock’s time, and the header says so', () => {
    fc.assert(
      fc.property(request, ({ storageClass, tier, requested, days, later }) => {
        fc.pre(!(storageClass === 'DEEP_ARCHIVE' && tier === 'Expedited'));
        const ready = requested + restoreDuration(storageClass, tier);
        // Stored and read back, as the record keeps it.
        const restore = parseRestore(restoreJson({ requested, ready, expiry: restoreExpiry(ready, days) }));
        const now = requested + later;
        const readable = isReadable({ storageClass, restore }, now);
        expect(readable).toBe(now >= ready && now < (restore?.expiry ?? 0));
        const state = restoreStateAt(restore, now);
        expect(state.kind === 'restored').toBe(readable);
        const header = restoreHeader(state);
        if (now < ready) expect(header).toBe('ongoing-request="true"');
        else if (readable) expect(header).toMatch(/^ongoing-request="false", expiry-date="\w{3}, \d{2} \w{3} \d{4} 00:00:00 GMT"$/);
        else expect(header).toBeUndefined();
      }),
    );
  });

  it('is never readable without a restore, and always readable in any other class', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: Date.UTC(2100, 0, 1) }), (now) => {
        expect(isReadable({ storageClass: 'GLACIER', restore: undefined }, now)).toBe(false);
        expect(isReadable({ storageClass: 'STANDARD', restore: undefined }, now)).toBe(true);
      }),
    );
  });
});

describe('a clock moved back', () => {
  it('before the request: no restore; after it: the state the clock says, never a restored copy before it is ready', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: Date.UTC(2100, 0, 1) }), fc.integer({ min: -400 * DAY, max: 400 * DAY }), (requested, shift) => {
        const ready = requested + 5 * 3_600_000;
        const record = { requested, ready, expiry: restoreExpiry(ready, 1) };
        const state = restoreStateAt(record, requested + shift);
        if (shift < 0) expect(state.kind).toBe('none');
        else if (requested + shift < ready) expect(state.kind).toBe('ongoing');
      }),
    );
  });
});

describe('extendedRestore', () => {
  it('moves the expiry to Days from now and keeps those Days, as the copy now lives for them', () => {
    const record = { requested: 0, ready: 5 * 3_600_000, expiry: 2 * DAY, tier: 'Standard', days: 1 } as const;
    const extended = extendedRestore(record, 10, DAY);
    expect(extended).toEqual({ requested: 0, ready: 5 * 3_600_000, expiry: restoreExpiry(DAY, 10), tier: 'Standard', days: 10 });
    expect(parseRestore(restoreJson(extended))).toEqual(extended);
  });

  it('keeps a record kept before tiers were without Days, so it still reads back', () => {
    const legacy = { requested: 0, ready: 5 * 3_600_000, expiry: 2 * DAY };
    const extended = extendedRestore(legacy, 10, DAY);
    expect(parseRestore(restoreJson(extended))).toEqual({ ...legacy, expiry: restoreExpiry(DAY, 10) });
  });
});

describe('upgradedRestore', () => {
  const tiers = RESTORE_TIERS as RestoreTier[];
  const rank = (tier: RestoreTier) => ['Expedited', 'Standard', 'Bulk'].indexOf(tier);

  it('takes only a faster tier with the same Days; completes when the faster tier would, or sooner as before', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('GLACIER', 'DEEP_ARCHIVE'),
        fc.constantFrom(...tiers),
        fc.constantFrom(...tiers),
        fc.integer({ min: 0, max: Date.UTC(2100, 0, 1) }),
        fc.integer({ min: 1, max: 400 }),
        fc.boolean(),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (storageClass, from, to, requested, days, sameDays, progress) => {
          const otherDays = sameDays ? days : days + 1;
          fc.pre(!(storageClass === 'DEEP_ARCHIVE' && from === 'Expedited'));
          const ready = requested + restoreDuration(storageClass, from);
          const record = parseRestore(restoreJson({ requested, ready, expiry: restoreExpiry(ready, days), tier: from, days }));
          if (record === undefined) throw new Error('no record read back');
          const now = requested + Math.floor((ready - requested) * progress * 0.999);
          const faster = rank(to) < rank(from);
          if (storageClass === 'DEEP_ARCHIVE' && to === 'Expedited') {
            expect(catchS3(() => upgradedRestore(record, storageClass, to, otherDays, now)).reason).toBe('InvalidRestoreTier');
            return;
          }
          if (!faster || otherDays !== days) {
            expect(catchS3(() => upgradedRestore(record, storageClass, to, otherDays, now)).reason).toBe('RestoreAlreadyInProgress');
            return;
          }
          const upgraded = upgradedRestore(record, storageClass, to, days, now);
          expect(upgraded.ready).toBe(Math.min(ready, now + restoreDuration(storageClass, to)));
          expect(upgraded.ready).toBeLessThanOrEqual(ready);
          expect([upgraded.requested, upgraded.expiry, upgraded.tier, upgraded.days]).toEqual([requested, restoreExpiry(upgraded.ready, days), to, days]);
        },
      ),
    );
  });

  it('refuses to upgrade a record kept before tiers were (three times only), which reads back without them', () => {
    const legacy = parseRestore('{"requested":0,"ready":43200000,"expiry":172800000}');
    expect(legacy).toEqual({ requested: 0, ready: 43_200_000, expiry: 172_800_000 });
    if (legacy === undefined) throw new Error('no record read back');
    expect(catchS3(() => upgradedRestore(legacy, 'GLACIER', 'Expedited', 1, 1)).reason).toBe('RestoreAlreadyInProgress');
  });

  it('refuses Expedited on DEEP_ARCHIVE as for a new restore, whatever the record kept', () => {
    const legacy = parseRestore('{"requested":0,"ready":172800000,"expiry":259200000}');
    if (legacy === undefined) throw new Error('no record read back');
    expect(catchS3(() => upgradedRestore(legacy, 'DEEP_ARCHIVE', 'Expedited', 1, 1)).reason).toBe('InvalidRestoreTier');
    const bulk = { requested: 0, ready: 172_800_000, expiry: 259_200_000, tier: 'Bulk', days: 1 } as const;
    expect(catchS3(() => upgradedRestore(bulk, 'DEEP_ARCHIVE', 'Expedited', 2, 1)).reason).toBe('InvalidRestoreTier');
  });

  it('reads a damaged tier or days as an error, not as a restore', () => {
    expect(() => parseRestore('{"requested":0,"ready":1,"expiry":2,"tier":"Fast","days":1}')).toThrow(/tier and days/);
    expect(() => parseRestore('{"requested":0,"ready":1,"expiry":2,"tier":"Bulk"}')).toThrow(/tier and days/);
    for (const days of ['0', '-3', '1.5', '"1"'])
      expect(() => parseRestore(`{"requested":0,"ready":1,"expiry":2,"tier":"Bulk","days":${days}}`)).toThrow(/tier and days/);
  });
});
