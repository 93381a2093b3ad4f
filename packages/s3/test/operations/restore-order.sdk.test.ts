/**
 * RestoreObject dates a restore by the clock read under the key's lock, so two requests on one
 * object are judged in the order they hold it: one that opened earlier but reached the key after
 * another is judged at the later time, and finds the other's restore in progress. Through
 * `@aws-sdk/client-s3` by the in-process handler, the engine on a `ControlledClock` over a gated
 * store (`helpers/gated-store.ts`) that holds the first request back without timers.
 */

import { HeadObjectCommand, PutObjectCommand, RestoreObjectCommand, type Tier } from '@aws-sdk/client-s3';
import { afterEach, expect, it } from 'vitest';
import { createMemoryObjectStore, type ObjectStore } from '../../src/index.ts';
import { type ClockedEngine, clockedEngine, HOUR } from '../helpers/clocked.ts';
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

function restore({ client }: ClockedEngine, tier: Tier) {
  return client.send(new RestoreObjectCommand({ Bucket: 'data', Key: 'cold', RestoreRequest: { Days: 1, GlacierJobParameters: { Tier: tier } } }));
}

it('a request held before the key while another restores is judged at the time it holds the key: 409, the other restore kept', async () => {
  inner = await createMemoryObjectStore();
  const gated = gatedStore(inner);
  const s = await clockedEngine('data', START, { storage: gated.store });
  sandbox = s;
  await s.client.send(new PutObjectCommand({ Bucket: 'data', Key: 'cold', Body: 'bytes', StorageClass: 'GLACIER' }));

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

  s.clock.set(START + 6 * HOUR - 1);
  expect((await s.client.send(new HeadObjectCommand({ Bucket: 'data', Key: 'cold' }))).Restore).toBe('ongoing-request="true"');
  s.clock.set(START + 6 * HOUR);
  expect((await s.client.send(new HeadObjectCommand({ Bucket: 'data', Key: 'cold' }))).Restore).toBe(
    'ongoing-request="false", expiry-date="Wed, 09 Dec 2026 00:00:00 GMT"',
  );
});
