/**
 * Upgrading the tier of a restore in progress (User Guide, "Upgrading the speed of an in-progress
 * restore"): another RestoreObject with a faster `Tier` and the same `Days` is taken (202) and the
 * restore then completes as the faster tier would from that request, never later than it was to;
 * the same or a slower tier, or other `Days`, is 409 RestoreAlreadyInProgress and changes nothing.
 * Through `@aws-sdk/client-s3` by the in-process handler, the engine on a `ControlledClock` that
 * each test advances instead of waiting.
 */

import { HeadObjectCommand, PutObjectCommand, RestoreObjectCommand, type StorageClass, type Tier } from '@aws-sdk/client-s3';
import { afterEach, describe, expect, it } from 'vitest';
import { type ClockedEngine, type ClockedOptions, clockedEngine, HOUR, MINUTE } from '../helpers/clocked.ts';
import { sdkError } from '../helpers/wire.ts';

/** 2026-12-07 10:30 UTC, a Monday: the times below are worked out by hand from it. */
const START = Date.UTC(2026, 11, 7, 10, 30);

let sandbox: ClockedEngine | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

async function archived(storageClass: StorageClass, options: ClockedOptions = {}): Promise<ClockedEngine> {
  sandbox = await clockedEngine('data', START, options);
  await sandbox.client.send(new PutObjectCommand({ Bucket: 'data', Key: 'cold', Body: 'bytes', StorageClass: storageClass }));
  return sandbox;
}

function restore({ client }: ClockedEngine, days: number, tier?: Tier) {
  return client.send(
    new RestoreObjectCommand({
      Bucket: 'data',
      Key: 'cold',
      RestoreRequest: { Days: days, ...(tier === undefined ? {} : { GlacierJobParameters: { Tier: tier } }) },
    }),
  );
}

async function head({ client }: ClockedEngine): Promise<string | undefined> {
  return (await client.send(new HeadObjectCommand({ Bucket: 'data', Key: 'cold' }))).Restore;
}

/** Asserts the restore is in progress until `ready` (exclusive) and done from it, with `expiry`. */
async function completesAt(sandbox: ClockedEngine, ready: number, expiry: string): Promise<void> {
  sandbox.clock.set(ready - 1);
  expect(await head(sandbox)).toBe('ongoing-request="true"');
  sandbox.clock.set(ready);
  expect(await head(sandbox)).toBe(`ongoing-request="false", expiry-date="${expiry}"`);
}

describe('a faster tier while a GLACIER restore runs', () => {
  it('Bulk then Standard an hour later: 202, done five hours after the upgrade, the copy kept Days from then', async () => {
    const s = await archived('GLACIER');
    expect((await restore(s, 2, 'Bulk')).$metadata.httpStatusCode).toBe(202);
    s.clock.advance(HOUR);
    expect((await restore(s, 2, 'Standard')).$metadata.httpStatusCode).toBe(202);
    expect(await head(s)).toBe('ongoing-request="true"');
    // 11:30 + 5 hours = 16:30 on Dec 7; + 2 days = Dec 9 16:30, rounded up to Dec 10 00:00 UTC.
    await completesAt(s, START + 6 * HOUR, 'Thu, 10 Dec 2026 00:00:00 GMT');
  });

  it('Bulk, then Standard, then Expedited: each upgrade taken, done five minutes after the last', async () => {
    const s = await archived('GLACIER');
    await restore(s, 1, 'Bulk');
    s.clock.advance(HOUR);
    expect((await restore(s, 1, 'Standard')).$metadata.httpStatusCode).toBe(202);
    s.clock.advance(HOUR);
    expect((await restore(s, 1, 'Expedited')).$metadata.httpStatusCode).toBe(202);
    // 12:30 + 5 minutes = 12:35 on Dec 7; + 1 day, rounded up to Dec 9 00:00 UTC.
    await completesAt(s, START + 2 * HOUR + 5 * MINUTE, 'Wed, 09 Dec 2026 00:00:00 GMT');
  });

  it('a request without a tier asks for Standard, the default: it upgrades a Bulk restore', async () => {
    const s = await archived('GLACIER');
    await restore(s, 1, 'Bulk');
    expect((await restore(s, 1)).$metadata.httpStatusCode).toBe(202);
    await completesAt(s, START + 5 * HOUR, 'Wed, 09 Dec 2026 00:00:00 GMT');
  });

  it('an upgrade late in a restore never makes it later: Standard 10 hours into a 12-hour Bulk restore', async () => {
    const s = await archived('GLACIER');
    await restore(s, 1, 'Bulk');
    s.clock.advance(10 * HOUR);
    expect((await restore(s, 1, 'Standard')).$metadata.httpStatusCode).toBe(202);
    // Still done at 22:30 on Dec 7 (not 01:30 on Dec 8); + 1 day, rounded up to Dec 9 00:00 UTC.
    await completesAt(s, START + 12 * HOUR, 'Wed, 09 Dec 2026 00:00:00 GMT');
    // Restored: a request now extends the copy (200), as for any restored object.
    expect((await restore(s, 3, 'Bulk')).$metadata.httpStatusCode).toBe(200);
    // Extended from 22:30 on Dec 7 by 3 days, rounded up to Dec 11 00:00 UTC.
    expect(await head(s)).toBe('ongoing-request="false", expiry-date="Fri, 11 Dec 2026 00:00:00 GMT"');
  });
});

describe('a clock moved back into a restore whose copy was extended', () => {
  it("the extension's Days are the restore's now: they upgrade it, the first request's are other Days", async () => {
    const s = await archived('GLACIER');
    await restore(s, 1, 'Standard');
    s.clock.advance(6 * HOUR);
    expect((await restore(s, 10, 'Standard')).$metadata.httpStatusCode).toBe(200);
    // Back to 11:30 on Dec 7: the Standard restore (done at 15:30) is in progress again.
    s.clock.set(START + HOUR, { allowBackwards: true });
    expect(await head(s)).toBe('ongoing-request="true"');
    expect((await sdkError(restore(s, 1, 'Expedited'))).name).toBe('RestoreAlreadyInProgress');
    expect((await restore(s, 10, 'Expedited')).$metadata.httpStatusCode).toBe(202);
    // 11:30 + 5 minutes = 11:35 on Dec 7; + 10 days, rounded up to Dec 18 00:00 UTC.
    await completesAt(s, START + HOUR + 5 * MINUTE, 'Fri, 18 Dec 2026 00:00:00 GMT');
  });
});

describe('a request that is no upgrade: 409 RestoreAlreadyInProgress, the restore as it was', () => {
  it.each([
    ['the same tier', 1, 'Standard'],
    ['a slower tier', 1, 'Bulk'],
    ['a faster tier with other Days', 2, 'Expedited'],
  ] as const)('%s', async (_name, days, tier) => {
    const s = await archived('GLACIER');
    await restore(s, 1, 'Standard');
    s.clock.advance(MINUTE);
    const refused = await sdkError(restore(s, days, tier));
    expect([refused.name, refused.message, refused.$metadata.httpStatusCode]).toEqual([
      'RestoreAlreadyInProgress',
      'Object restore is already in progress.',
      409,
    ]);
    // Standard from 10:30: done at 15:30 on Dec 7, for 1 day: Dec 9 00:00 UTC.
    await completesAt(s, START + 5 * HOUR, 'Wed, 09 Dec 2026 00:00:00 GMT');
  });
});

describe('a DEEP_ARCHIVE restore in progress', () => {
  it('Expedited is refused as for a new restore (400) and changes nothing; Standard then upgrades it', async () => {
    const s = await archived('DEEP_ARCHIVE');
    await restore(s, 1, 'Bulk');
    s.clock.advance(HOUR);
    const refused = await sdkError(restore(s, 1, 'Expedited'));
    expect([refused.name, refused.$metadata.httpStatusCode]).toEqual(['InvalidArgument', 400]);
    expect((await restore(s, 1, 'Standard')).$metadata.httpStatusCode).toBe(202);
    // 11:30 + 12 hours = 23:30 on Dec 7; + 1 day, rounded up to Dec 9 00:00 UTC.
    await completesAt(s, START + 13 * HOUR, 'Wed, 09 Dec 2026 00:00:00 GMT');
  });

  it('Expedited with other Days is refused as for a new restore too (400, not 409) and changes nothing', async () => {
    const s = await archived('DEEP_ARCHIVE');
    await restore(s, 1, 'Bulk');
    s.clock.advance(HOUR);
    const refused = await sdkError(restore(s, 2, 'Expedited'));
    expect([refused.name, refused.$metadata.httpStatusCode]).toEqual(['InvalidArgument', 400]);
    // Bulk from 10:30: 48 hours, done at 10:30 on Dec 9; + 1 day, rounded up to Dec 11 00:00 UTC.
    await completesAt(s, START + 48 * HOUR, 'Fri, 11 Dec 2026 00:00:00 GMT');
  });
});

describe('the trail, with data events', () => {
  it('records an upgrade and a refused request each as a RestoreObject data event', async () => {
    const s = await archived('GLACIER', { dataEvents: true });
    await restore(s, 1, 'Standard');
    await restore(s, 1, 'Expedited');
    await sdkError(restore(s, 1, 'Bulk'));
    const records = s.engine.s3.auditTrail.lookup({ eventName: 'RestoreObject' }).records;
    // Newest first.
    expect(records.map((record) => [record.eventCategory, record.errorCode])).toEqual([
      ['Data', 'RestoreAlreadyInProgress'],
      ['Data', undefined],
      ['Data', undefined],
    ]);
    expect(records[1]?.requestParameters).toMatchObject({ bucketName: 'data', key: 'cold', restore: '' });
  });
});
