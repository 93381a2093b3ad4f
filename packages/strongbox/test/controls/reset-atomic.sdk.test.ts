/**
 * A reset is atomic relative to the calls around it: a call in flight when it starts finishes on
 * the old engines (answered, its write acknowledged) before any store closes or the data directory
 * is emptied, and a call arriving during the reset is served by the new engines. The data
 * directory is emptied only under its lock: when another process holds it, nothing is removed.
 */

import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CreateKeyCommand, KMSClient, ListKeysCommand } from '@aws-sdk/client-kms';
import { CreateBucketCommand, ListBucketsCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { KmsError, readNumberFloor } from '@strongbox/kms';
import { afterEach, describe, expect, it } from 'vitest';
import { resetDataDirectory } from '../../src/controls/data-reset.ts';
import { createStrongbox, type Strongbox } from '../../src/index.ts';
import { tempDir } from '../helpers/cli.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Resolves once the fault `id` has struck (its one call is in flight, waiting out the latency). */
async function struck(sb: Strongbox, id: string): Promise<void> {
  while (sb.controls.faults.list().some((fault) => fault.id === id)) await new Promise((resolve) => setImmediate(resolve));
}

describe('reset while calls are in flight (data directory)', () => {
  it('lets the KMS and S3 writes in flight finish and be acknowledged, then empties; calls during it reach the new engines', async () => {
    const directory = await tempDir();
    cleanups.push(() => directory.cleanup());
    const sb = await createStrongbox({ dataDirectory: directory.path });
    cleanups.push(() => sb.close());
    const kms = new KMSClient({ ...sb.clientConfig, maxAttempts: 1 });
    const s3 = new S3Client({ ...sb.clientConfig, maxAttempts: 1 });
    await s3.send(new CreateBucketCommand({ Bucket: 'reports' }));
    const slowKey = sb.controls.faults.add({ service: 'kms', operation: 'CreateKey', fault: 'latency', latencyMs: 300, count: 1 });
    const slowPut = sb.controls.faults.add({ service: 's3', operation: 'PutObject', fault: 'latency', latencyMs: 300, count: 1 });
    const creating = kms.send(new CreateKeyCommand({}));
    const putting = s3.send(new PutObjectCommand({ Bucket: 'reports', Key: 'q1.csv', Body: 'a,b\n1,2\n' }));
    await struck(sb, slowKey.id);
    await struck(sb, slowPut.id);
    const resetting = sb.controls.reset();
    // Arrives while the reset waits for the two calls: served afterwards, by the fresh engines.
    const during = s3.send(new ListBucketsCommand({}));
    const [created, put] = await Promise.all([creating, putting]);
    expect(created.KeyMetadata?.KeyState).toBe('Enabled');
    expect(put.$metadata.httpStatusCode).toBe(200);
    await resetting;
    expect((await during).Buckets ?? []).toEqual([]);
    expect((await kms.send(new ListKeysCommand({}))).Keys).toEqual([]);
    expect((await s3.send(new ListBucketsCommand({}))).Buckets ?? []).toEqual([]);
    // The fresh engines write to the emptied directory as at a first start.
    await kms.send(new CreateKeyCommand({}));
    expect((await kms.send(new ListKeysCommand({}))).Keys).toHaveLength(1);
  });
});

describe('resetDataDirectory', () => {
  it('removes nothing while another live process holds the directory’s lock (KmsError LOCKED)', async () => {
    const directory = await tempDir();
    cleanups.push(() => directory.cleanup());
    // Another process "holding" the directory: a live pid in its lock file, as a second server's.
    const holder: ChildProcess = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)'], { stdio: 'ignore' });
    cleanups.push(() => void holder.kill());
    await writeFile(join(directory.path, 'lock'), `${holder.pid}\n`);
    await writeFile(join(directory.path, 'journal-00000001.sbx'), 'live state of the other process');
    await mkdir(join(directory.path, 's3'));
    await writeFile(join(directory.path, 'clock.json'), '{"offsetMs":0}');
    const before = (await readdir(directory.path)).sort();
    const refused = await resetDataDirectory(directory.path).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(KmsError);
    expect((refused as KmsError).code).toBe('LOCKED');
    expect((await readdir(directory.path)).sort()).toEqual(before);
  });

  it('empties the directory under its lock, and leaves no lock behind', async () => {
    const directory = await tempDir();
    cleanups.push(() => directory.cleanup());
    await writeFile(join(directory.path, 'journal-00000001.sbx'), 'state');
    await mkdir(join(directory.path, 's3'));
    await writeFile(join(directory.path, 'notes.txt'), 'not Strongbox’s');
    await resetDataDirectory(directory.path);
    expect((await readdir(directory.path)).sort()).toEqual(['notes.txt', 'number-floor-00000001']);
  });

  it('keeps the KMS numbering floor and the S3 generation, emptied, so the next stores number past what it removed', async () => {
    const directory = await tempDir();
    cleanups.push(() => directory.cleanup());
    const sb = await createStrongbox({ dataDirectory: directory.path });
    const kms = new KMSClient({ ...sb.clientConfig, maxAttempts: 1 });
    await kms.send(new CreateKeyCommand({}));
    await new S3Client({ ...sb.clientConfig, maxAttempts: 1 }).send(new CreateBucketCommand({ Bucket: 'reports' }));
    await sb.close();
    const s3 = join(directory.path, 's3');
    const generation = (await readdir(s3)).find((name) => name.startsWith('gen-'))!;
    const numbered = (await readdir(directory.path)).flatMap((name) => /^(?:snapshot|journal|audit)-(\d+)\.sbx$/.exec(name)?.[1] ?? []).map(Number);
    const highest = Math.max(...numbered);
    await resetDataDirectory(directory.path);
    const floors = async (): Promise<string[]> => (await readdir(directory.path)).filter((name) => name.startsWith('number-floor'));
    expect(await floors()).toEqual([`number-floor-${String(highest).padStart(8, '0')}`]);
    expect(await readNumberFloor(directory.path)).toBe(highest);
    // A second reset of a directory whose files are numbered lower never lowers it.
    await writeFile(join(directory.path, 'journal-00000001.sbx'), 'state copied in');
    await resetDataDirectory(directory.path);
    expect(await floors()).toEqual([`number-floor-${String(highest).padStart(8, '0')}`]);
    expect(await readNumberFloor(directory.path)).toBe(highest);
    expect(await readdir(s3)).toEqual([generation]);
    expect(await readdir(join(s3, generation))).toEqual([]);
    const reopened = await createStrongbox({ dataDirectory: directory.path });
    cleanups.push(() => reopened.close());
    const snapshots = (await readdir(directory.path)).filter((name) => name.startsWith('snapshot-'));
    expect(snapshots).toEqual([`snapshot-${String(highest + 2).padStart(8, '0')}.sbx`]);
    // The S3 store opens at the first S3 call.
    expect((await new S3Client({ ...reopened.clientConfig, maxAttempts: 1 }).send(new ListBucketsCommand({}))).Buckets ?? []).toEqual([]);
    const next = `gen-${String(Number(generation.slice(4)) + 1).padStart(8, '0')}`;
    expect((await readdir(s3)).filter((name) => name.startsWith('gen-'))).toEqual([next]);
  });
});
