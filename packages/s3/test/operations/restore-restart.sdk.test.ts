/**
 * A restore lives in the object's record in the data directory: a store opened again (the clock
 * carried over, as `strongbox serve` keeps its offset) answers a restore in progress as in
 * progress, completes it at its time, and keeps a restored copy's expiry, and an upgraded
 * restore's completion, tier and `Days` (what a later upgrade is weighed against). Through
 * `@aws-sdk/client-s3` by the in-process handler.
 */

import { CreateBucketCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand, RestoreObjectCommand } from '@aws-sdk/client-s3';
import { ControlledClock, ManualClock } from '@strongbox/service-kernel';
import { describe, expect, it } from 'vitest';
import { tempDirectory } from '../helpers/temp.ts';
import { inProcessClient, sdkError, wireEngine } from '../helpers/wire.ts';

const HOUR = 3_600_000;

function open(directory: string, clock: ControlledClock) {
  const engine = wireEngine({ engine: { clock, storage: { directory } } });
  const client = inProcessClient(engine.handler);
  return {
    client,
    head: async (key: string) => (await client.send(new HeadObjectCommand({ Bucket: 'data', Key: key }))).Restore,
    close: async () => {
      client.destroy();
      await engine.close();
    },
  };
}

describe('a data directory opened again', () => {
  it('keeps a restore in progress and a restored copy, each with its times', async () => {
    const directory = tempDirectory('restore');
    const clock = new ControlledClock(new ManualClock(Date.UTC(2026, 11, 7, 10, 30)));
    const first = open(directory, clock);
    await first.client.send(new CreateBucketCommand({ Bucket: 'data' }));
    await first.client.send(new PutObjectCommand({ Bucket: 'data', Key: 'running', Body: 'r', StorageClass: 'DEEP_ARCHIVE' }));
    await first.client.send(new PutObjectCommand({ Bucket: 'data', Key: 'done', Body: 'd', StorageClass: 'GLACIER' }));
    await first.client.send(
      new RestoreObjectCommand({ Bucket: 'data', Key: 'done', RestoreRequest: { Days: 2, GlacierJobParameters: { Tier: 'Expedited' } } }),
    );
    clock.advance(HOUR);
    await first.client.send(new RestoreObjectCommand({ Bucket: 'data', Key: 'running', RestoreRequest: { Days: 1, GlacierJobParameters: { Tier: 'Bulk' } } }));
    await first.close();

    const second = open(directory, clock);
    try {
      expect(await second.head('running')).toBe('ongoing-request="true"');
      // Restored at 10:35 on Dec 7, for 2 days: Dec 9 10:35, rounded up to Dec 10 00:00 UTC.
      expect(await second.head('done')).toBe('ongoing-request="false", expiry-date="Thu, 10 Dec 2026 00:00:00 GMT"');
      expect(await (await second.client.send(new GetObjectCommand({ Bucket: 'data', Key: 'done' }))).Body?.transformToString()).toBe('d');
      const again = await sdkError(
        second.client.send(new RestoreObjectCommand({ Bucket: 'data', Key: 'running', RestoreRequest: { Days: 1, GlacierJobParameters: { Tier: 'Bulk' } } })),
      );
      expect(again.name).toBe('RestoreAlreadyInProgress');
      // Bulk from DEEP_ARCHIVE: 48 hours after 11:30 on Dec 7, then 1 day: Dec 10 11:30, rounded up.
      clock.advance(48 * HOUR);
      expect(await second.head('running')).toBe('ongoing-request="false", expiry-date="Fri, 11 Dec 2026 00:00:00 GMT"');
      expect(await (await second.client.send(new GetObjectCommand({ Bucket: 'data', Key: 'running' }))).Body?.transformToString()).toBe('r');
    } finally {
      await second.close();
    }
  });

  it('keeps an upgraded restore: its completion, its tier and its Days', async () => {
    const directory = tempDirectory('restore-upgrade');
    const start = Date.UTC(2026, 11, 7, 10, 30);
    const clock = new ControlledClock(new ManualClock(start));
    const restore = (client: ReturnType<typeof open>['client'], Key: string, Days: number, Tier: 'Bulk' | 'Standard' | 'Expedited') =>
      client.send(new RestoreObjectCommand({ Bucket: 'data', Key, RestoreRequest: { Days, GlacierJobParameters: { Tier } } }));
    const first = open(directory, clock);
    await first.client.send(new CreateBucketCommand({ Bucket: 'data' }));
    await first.client.send(new PutObjectCommand({ Bucket: 'data', Key: 'glacier', Body: 'g', StorageClass: 'GLACIER' }));
    await first.client.send(new PutObjectCommand({ Bucket: 'data', Key: 'deep', Body: 'd', StorageClass: 'DEEP_ARCHIVE' }));
    await restore(first.client, 'glacier', 1, 'Bulk');
    await restore(first.client, 'deep', 3, 'Bulk');
    clock.advance(HOUR);
    // Bulk to Standard at 11:30: done at 16:30.
    expect((await restore(first.client, 'glacier', 1, 'Standard')).$metadata.httpStatusCode).toBe(202);
    await first.close();

    const second = open(directory, clock);
    try {
      // The record says Standard now: Standard again is no upgrade.
      expect((await sdkError(restore(second.client, 'glacier', 1, 'Standard'))).name).toBe('RestoreAlreadyInProgress');
      // The record kept Days 3: an upgrade with them is taken (12 hours from 11:30: 23:30 on Dec 7).
      expect((await restore(second.client, 'deep', 3, 'Standard')).$metadata.httpStatusCode).toBe(202);
      clock.set(start + 6 * HOUR - 1);
      expect(await second.head('glacier')).toBe('ongoing-request="true"');
      // Expedited with Days 1 is an upgrade: taken only if both the tier and the Days were kept.
      // It still completes at 16:30, five minutes from now being later.
      expect((await restore(second.client, 'glacier', 1, 'Expedited')).$metadata.httpStatusCode).toBe(202);
      clock.set(start + 6 * HOUR);
      expect(await second.head('glacier')).toBe('ongoing-request="false", expiry-date="Wed, 09 Dec 2026 00:00:00 GMT"');
      clock.set(start + 13 * HOUR);
      // 23:30 on Dec 7 + 3 days, rounded up to Dec 11 00:00 UTC.
      expect(await second.head('deep')).toBe('ongoing-request="false", expiry-date="Fri, 11 Dec 2026 00:00:00 GMT"');
    } finally {
      await second.close();
    }
  });
});
