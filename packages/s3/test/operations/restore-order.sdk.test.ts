/**
 * RestoreObject dates a restore by the clock read under the key's lock, so two requests on one
 * object are judged in the order they hold it: one that opened earlier but reached the key after
 * another is judged at the later time, and finds the other's restore in progress. The same time
 * dates an upgrade of a restore in progress and an extension of a restored copy. Through
 * `@aws-sdk/client-s3` by the in-process handler, the engine on a `ControlledClock` over a gated
 * store (`helpers/gated-store.ts`) that holds the first request back without timers.
 */

import { HeadObjectCommand, PutObjectCommand, RestoreObjectCommand, type Tier } from '@aws-sdk/client-s3';
import { afterEach, expect, it } from 'vitest';
import { createMemoryObjectStore, type ObjectStore } from '../../src/index.ts';
import { type ClockedEngine, clockedEngine, HOUR, MINUTE } from '../helpers/clocked.ts';
import { gatedStore } from '../helpers/gated-store.ts';
import { sdkError } from '../helpers/wire.ts';

/** 2026-12-07 10:30 UTC. */
const START = Date.UTC(2026, 11, 7, 10, 30);

let sandbox: ClockedEngine | undefined;
let inner: ObjectStore | undefined;
afterEach(async () => {
  await sandbox?.close();
  await inner?.close();
  sandbox = undefined;
  inner = undefined;
});

function restore({ client }: ClockedEngine, tier: Tier, days = 1) {
  return client.send(new RestoreObjectCommand({ Bucket: 'data', Key: 'cold', RestoreRequest: { Days: days, GlacierJobParameters: { Tier: tier } } }));
}

/** The object's `x-amz-restore` at `at`. */
async function restoreAt(s: ClockedEngine, at: number): Promise<string | undefined> {
  s.clock.set(at);
  return (await s.client.send(new HeadObjectCommand({ Bucket: 'data', Key: 'cold' }))).Restore;
}

/** An engine over a gated store with a GLACIER object `data/cold`, the clock at `START`. */
async function withColdObject(): Promise<{ s: ClockedEngine; gated: ReturnType<typeof gatedStore> }> {
  inner = await createMemoryObjectStore();
  const gated = gatedStore(inner);
  const s = await clockedEngine('data', START, { storage: gated.store });
  sandbox = s;
  await s.client.send(new PutObjectCommand({ Bucket: 'data', Key: 'cold', Body: 'bytes', StorageClass: 'GLACIER' }));
  return { s, gated };
}

it('a request held before the key while another restores is judged at the time it holds the key: 409, the other restore kept', async () => {
  const { s, gated } = await withColdObject();

  // A Bulk restore opens at 10:30 and is held before it reaches the object's record.
  const gate = gated.gate('updateObjectMetadata');
  const held = restore(s, 'Bulk');
  await gate.reached;
  // An hour later a Standard restore runs to its end: 202, ready at 16:30.
  s.clock.advance(HOUR);
  expect((await restore(s, 'Standard')).$metadata.httpStatusCode).toBe(202);

  // The Bulk request, judged at 11:30 under the key's lock, finds the Standard restore in progress
  // and is slower: 409, as any such request is. Judged at 10:30 it would find no restore yet (the
  // Standard one was requested later) and replace it with a Bulk one from 10:30.
  gate.release();
  const refused = await sdkError(held);
  expect([refused.$metadata.httpStatusCode, refused.name]).toEqual([409, 'RestoreAlreadyInProgress']);

  expect(await restoreAt(s, START + 6 * HOUR - 1)).toBe('ongoing-request="true"');
  expect(await restoreAt(s, START + 6 * HOUR)).toBe('ongoing-request="false", expiry-date="Wed, 09 Dec 2026 00:00:00 GMT"');
});

it('an upgrade held before the key completes from the time it holds the key, not from when it was sent', async () => {
  const { s, gated } = await withColdObject();
  // A Bulk restore at 10:30: ready at 22:30.
  expect((await restore(s, 'Bulk')).$metadata.httpStatusCode).toBe(202);
  // An Expedited upgrade (5 minutes) sent at 10:30 is held before the record until 12:30.
  const gate = gated.gate('updateObjectMetadata');
  const held = restore(s, 'Expedited');
  await gate.reached;
  s.clock.set(START + 2 * HOUR);
  gate.release();
  expect((await held).$metadata.httpStatusCode).toBe(202);

  // An upgrade completes when its tier would from the time it is judged (`upgradedRestore`; the
  // rule for a late upgrade is UNCONFIRMED against S3): ready at 12:35. Dated 10:30 it would have been ready at 10:35, so restored already at 12:34.
  expect(await restoreAt(s, START + 2 * HOUR + 4 * MINUTE)).toBe('ongoing-request="true"');
  expect(await restoreAt(s, START + 2 * HOUR + 5 * MINUTE)).toBe('ongoing-request="false", expiry-date="Wed, 09 Dec 2026 00:00:00 GMT"');
});

it('an extension held before the key finds the copy restored and counts its days from the time it holds the key', async () => {
  const { s, gated } = await withColdObject();
  // A Standard restore at 10:30 for 1 day: ready at 15:30, expiring Wed 9 Dec 00:00.
  expect((await restore(s, 'Standard')).$metadata.httpStatusCode).toBe(202);
  // A 2-day request sent at 15:00, while the restore runs, is held before the record until Tue 8 Dec 01:00.
  s.clock.set(START + 4.5 * HOUR);
  const gate = gated.gate('updateObjectMetadata');
  const held = restore(s, 'Standard', 2);
  await gate.reached;
  s.clock.set(Date.UTC(2026, 11, 8, 1, 0));
  gate.release();

  // Judged at 01:00 the copy is restored: extended (200), 2 days from 01:00, rounded up to midnight.
  // Judged at 15:00 it would find the restore in progress, with other Days: 409.
  expect((await held).$metadata.httpStatusCode).toBe(200);
  expect(await restoreAt(s, Date.UTC(2026, 11, 8, 1, 0))).toBe('ongoing-request="false", expiry-date="Fri, 11 Dec 2026 00:00:00 GMT"');
});
