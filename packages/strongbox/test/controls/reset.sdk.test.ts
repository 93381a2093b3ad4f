/**
 * Reset: back to a fresh state without restarting, in process and over a real socket, and
 * durably with a data directory (a reset then a crash brings nothing back).
 */

import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { CreateAliasCommand, CreateGrantCommand, CreateKeyCommand, ListAliasesCommand, ListKeysCommand } from '@aws-sdk/client-kms';
import { CreateBucketCommand, CreateMultipartUploadCommand, ListBucketsCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { createMemoryObjectStore } from '@strongbox/s3';
import { afterEach, describe, expect, it } from 'vitest';
import { createStrongbox, type Strongbox } from '../../src/index.ts';
import { kmsClient, serve, tempDir } from '../helpers/cli.ts';
import { DAY_MS, type Harness, MODES, openHarness } from './harness.ts';

let harness: Harness | undefined;
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await harness?.close();
  harness = undefined;
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

/** Fills every kind of state: keys, aliases, grants, buckets, objects, uploads, trail, counters, faults, clock. */
async function fill(target: Harness): Promise<void> {
  const kms = target.kms();
  const s3 = target.s3();
  const KeyId = (await kms.send(new CreateKeyCommand({}))).KeyMetadata?.KeyId ?? '';
  await kms.send(new CreateAliasCommand({ AliasName: 'alias/orders', TargetKeyId: KeyId }));
  await kms.send(new CreateGrantCommand({ KeyId, GranteePrincipal: 'arn:aws:iam::000000000000:role/app', Operations: ['Decrypt'] }));
  await s3.send(new CreateBucketCommand({ Bucket: 'reports' }));
  await s3.send(new PutObjectCommand({ Bucket: 'reports', Key: 'q1.csv', Body: '1,2' }));
  await s3.send(new CreateMultipartUploadCommand({ Bucket: 'reports', Key: 'big' }));
  await target.advance(30 * DAY_MS);
  await target.addFault({ service: 's3', operation: 'DeleteBucket', fault: 'SlowDown', count: 5 });
}

async function expectFresh(target: Harness, aliasesWhenFresh: readonly string[]): Promise<void> {
  const kms = target.kms();
  expect((await kms.send(new ListKeysCommand({}))).Keys).toEqual([]);
  expect(((await kms.send(new ListAliasesCommand({}))).Aliases ?? []).map((alias) => alias.AliasName)).toEqual(aliasesWhenFresh);
  expect((await target.s3().send(new ListBucketsCommand({}))).Buckets ?? []).toEqual([]);
  // What the checks above recorded, nothing from before.
  const events = (await target.cloudtrail().send(new LookupEventsCommand({}))).Events ?? [];
  expect(events.map((event) => event.EventName).sort()).toEqual(['ListAliases', 'ListBuckets', 'ListKeys']);
  expect((await target.faults()).faults).toEqual([]);
  expect(Math.abs(target.sb.controls.clock.now() - Date.now())).toBeLessThan(60_000);
  expect(target.sb.controls.quotas.usage().every((usage) => usage.admitted <= 3)).toBe(true);
}

describe.each(MODES)('reset, %s', (mode) => {
  it('empties keys, aliases, grants, buckets, objects, uploads, the trail, counters, faults and the clock', async () => {
    harness = await openHarness(mode);
    const aliases = ((await harness.kms().send(new ListAliasesCommand({}))).Aliases ?? []).map((alias) => alias.AliasName ?? '');
    await harness.reset();
    await fill(harness);
    expect((await harness.faults()).faults).toHaveLength(1);
    await harness.reset();
    await expectFresh(harness, aliases);
    // Clients made before the reset keep working against the fresh engines.
    await harness.s3().send(new CreateBucketCommand({ Bucket: 'reports' }));
  });
});

describe("reset with the caller's S3 store (createStrongbox({ s3Store }))", () => {
  it('empties the store: buckets, objects and uploads are gone, and the store serves afresh', async () => {
    const store = await createMemoryObjectStore();
    const sb = await createStrongbox({ s3Store: store });
    cleanups.push(() => sb.close());
    await sb.s3.createBucket({ Bucket: 'before-reset' });
    await sb.s3.putObject({ Bucket: 'before-reset', Key: 'a.txt', Body: new TextEncoder().encode('hello') });
    await sb.s3.createMultipartUpload({ Bucket: 'before-reset', Key: 'big' });
    await sb.s3.createBucket({ Bucket: 'empty-before-reset' });
    await sb.reset();
    expect((await sb.s3.listBuckets({})).Buckets ?? []).toEqual([]);
    expect(await store.listBuckets()).toEqual([]);
    await sb.s3.createBucket({ Bucket: 'before-reset' });
    expect((await sb.s3.listObjectsV2({ Bucket: 'before-reset' })).Contents ?? []).toEqual([]);
    expect((await sb.s3.listMultipartUploads({ Bucket: 'before-reset' })).Uploads ?? []).toEqual([]);
  });
});

describe('reset with a data directory', () => {
  async function opened(directory: string): Promise<Strongbox> {
    return createStrongbox({ dataDirectory: directory });
  }

  it('survives a close and reopen as an empty state, keeping the TLS certificate', async () => {
    const dir = await tempDir();
    cleanups.push(dir.cleanup);
    const sb = await opened(dir.path);
    const listener = await sb.listen({ https: { port: 0 } });
    await listener.close();
    await sb.kms.send('CreateKey', {});
    await sb.s3.createBucket({ Bucket: 'kept-until-reset' });
    await sb.reset();
    expect(existsSync(join(dir.path, 'tls'))).toBe(true);
    expect(existsSync(join(dir.path, 'reset-pending'))).toBe(false);
    await sb.close();
    const again = await opened(dir.path);
    expect((await again.kms.send('ListKeys', {})).Keys).toEqual([]);
    expect((await again.s3.listBuckets({})).Buckets ?? []).toEqual([]);
    await again.close();
  });

  it('removes only what Strongbox wrote: a foreign file in the directory survives', async () => {
    const dir = await tempDir();
    cleanups.push(dir.cleanup);
    const sb = await opened(dir.path);
    await dir.file('my-project-notes.txt', 'mine');
    await mkdir(join(dir.path, 'src'));
    await sb.kms.send('CreateKey', {});
    await sb.s3.createBucket({ Bucket: 'gone-after-reset' });
    await sb.reset();
    await sb.close();
    const entries = await readdir(dir.path);
    expect(entries).toEqual(expect.arrayContaining(['my-project-notes.txt', 'src', 'strongbox.json']));
    expect(await readFile(join(dir.path, 'my-project-notes.txt'), 'utf8')).toBe('mine');
    const again = await opened(dir.path);
    expect((await again.kms.send('ListKeys', {})).Keys).toEqual([]);
    expect((await again.s3.listBuckets({})).Buckets ?? []).toEqual([]);
    await again.close();
  });

  it('keeps the moved clock across a restart, and a reset brings it back for good', async () => {
    const dir = await tempDir();
    cleanups.push(dir.cleanup);
    const sb = await opened(dir.path);
    sb.controls.clock.advance(30 * DAY_MS);
    await sb.controls.clockSaved();
    const key = await sb.kms.send('CreateKey', {});
    await sb.close();
    const again = await opened(dir.path);
    expect(again.controls.clock.offsetMs).toBe(30 * DAY_MS);
    // The key was created at the moved time: it is not in the future after the restart.
    const described = await again.kms.send('DescribeKey', { KeyId: key.KeyMetadata?.KeyId ?? '' });
    expect(described.KeyMetadata?.CreationDate?.getTime()).toBeLessThanOrEqual(again.controls.clock.now());
    await again.reset();
    await again.close();
    const third = await opened(dir.path);
    expect(third.controls.clock.offsetMs).toBe(0);
    await third.close();
  });

  it('finishes a reset a crash interrupted before anything is opened', async () => {
    const dir = await tempDir();
    cleanups.push(dir.cleanup);
    const sb = await opened(dir.path);
    await sb.kms.send('CreateKey', {});
    await sb.s3.createBucket({ Bucket: 'doomed' });
    await sb.close();
    // What a crash between the marker and the last removal leaves.
    await writeFile(join(dir.path, 'reset-pending'), 'a reset of this directory is in progress\n');
    await mkdir(join(dir.path, 'tls'), { recursive: true });
    const again = await opened(dir.path);
    expect((await again.kms.send('ListKeys', {})).Keys).toEqual([]);
    expect((await again.s3.listBuckets({})).Buckets ?? []).toEqual([]);
    expect(existsSync(join(dir.path, 'reset-pending'))).toBe(false);
    await again.close();
  });

  it('brings nothing back after POST /_strongbox/reset and a SIGKILL of strongbox serve --data', async () => {
    const dir = await tempDir();
    cleanups.push(dir.cleanup);
    const server = await serve(['--data', dir.path]);
    const kms = kmsClient(server.url);
    await kms.send(new CreateKeyCommand({}));
    const reset = await fetch(`${server.url}/_strongbox/reset`, { method: 'POST' });
    expect(reset.status).toBe(200);
    await kms.send(new CreateKeyCommand({ Description: 'after the reset' }));
    kms.destroy();
    const exit = await server.stop('SIGKILL');
    expect(exit.signal).toBe('SIGKILL');
    const again = await opened(dir.path);
    const keys = (await again.kms.send('ListKeys', {})).Keys ?? [];
    expect(keys).toHaveLength(1);
    const described = await again.kms.send('DescribeKey', { KeyId: keys[0]?.KeyId ?? '' });
    expect(described.KeyMetadata?.Description).toBe('after the reset');
    await again.close();
  });
});
