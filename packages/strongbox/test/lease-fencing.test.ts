/**
 * Fencing across real processes (issue #14): a `strongbox serve --data` stopped with SIGSTOP past
 * its lease, whose directory a second server then takes over, resumes with SIGCONT and finds it
 * lost: it says so once on stderr and exits 1 (its services refuse every call meanwhile, which
 * the packages' own fencing tests check), so clients fail over to the new holder, and nothing of
 * it reaches the directory.
 * The lapse is made, not waited for: while the first server is stopped its lock files' mtimes are
 * set an hour back, as if 15 s had passed unrenewed. Nothing is timed: the test waits for the
 * exit.
 */

import { readFile, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { CreateKeyCommand, DescribeKeyCommand, ListKeysCommand } from '@aws-sdk/client-kms';
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterEach, describe, expect, it } from 'vitest';
import { kmsClient, type ServeProcess, s3Client, serve, useTempDir } from './helpers/cli.ts';

const running: ServeProcess[] = [];
afterEach(async () => {
  for (const server of running.splice(0)) {
    server.child.kill('SIGCONT');
    await server.stop('SIGKILL');
  }
});

const dir = useTempDir();

/** Whether `pid` has stopped (Linux `/proc/<pid>/stat` state `T`; elsewhere assumed once signalled). */
async function stopped(pid: number): Promise<boolean> {
  if (process.platform !== 'linux') return true;
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).startsWith('T');
}

async function start(data: string): Promise<ServeProcess> {
  const server = await serve(['--data', data, '--quiet']);
  running.push(server);
  return server;
}

describe.skipIf(process.platform === 'win32')('a server paused past its lease', () => {
  it('stops once another server took its directory over: one stderr line, exit 1, nothing of it lands', async () => {
    const data = join(dir.path, 'data');
    const a = await start(data);
    const kmsA = kmsClient(a.url);
    const s3A = s3Client(a.url);
    const kept = (await kmsA.send(new CreateKeyCommand({ Description: 'kept' }))).KeyMetadata!.KeyId!;
    await s3A.send(new CreateBucketCommand({ Bucket: 'fenced' }));
    await s3A.send(new PutObjectCommand({ Bucket: 'fenced', Key: 'kept', Body: 'kept body' }));

    a.child.kill('SIGSTOP');
    // Every thread stopped, so no renewal still in flight can refresh the lease set back below.
    while (!(await stopped(a.child.pid!))) await sleep(20);
    const lapsed = new Date(Date.now() - 3_600_000);
    for (const lock of [join(data, 'lock'), join(data, 's3', 'LOCK')]) await utimes(lock, lapsed, lapsed);
    const b = await start(data);
    const kmsB = kmsClient(b.url);
    const s3B = s3Client(b.url);
    await kmsB.send(new CreateKeyCommand({ Description: 'from B' }));
    await s3B.send(new PutObjectCommand({ Bucket: 'fenced', Key: 'from-b', Body: 'b body' }));

    a.child.kill('SIGCONT');
    // The renewal overdue since the stop runs first and finds the takeover, with no request needed;
    // the server then stops by itself.
    const exit = await a.exited;
    running.splice(running.indexOf(a), 1);
    expect(exit.code).toBe(1);
    // One line, though KMS's store and S3's (each with its own lock) both found the loss.
    const lines = exit.stderr.split('\n').filter((line) => line.includes('was taken over'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^strongbox: The data directory .* was taken over by process \d+ \(lease epoch 2\) after this process's lease \(epoch 1\) lapsed/);
    expect(exit.stderr).not.toContain('writing to');
    // Gone: a client fails over to the new holder.
    await expect(kmsA.send(new DescribeKeyCommand({ KeyId: kept }))).rejects.toThrow();
    expect((await kmsB.send(new DescribeKeyCommand({ KeyId: kept }))).KeyMetadata?.Description).toBe('kept');
    expect(await (await s3B.send(new GetObjectCommand({ Bucket: 'fenced', Key: 'kept' }))).Body!.transformToString()).toBe('kept body');

    await b.stop('SIGTERM');
    running.splice(running.indexOf(b), 1);

    const c = await start(data);
    const kmsC = kmsClient(c.url);
    const s3C = s3Client(c.url);
    const keys = (await kmsC.send(new ListKeysCommand({}))).Keys!.map((key) => key.KeyId!);
    const descriptions = await Promise.all(keys.map(async (KeyId) => (await kmsC.send(new DescribeKeyCommand({ KeyId }))).KeyMetadata?.Description));
    expect(descriptions.filter((description) => description !== undefined && description !== '').sort()).toEqual(['from B', 'kept']);
    const listed = await s3C.send(new ListObjectsV2Command({ Bucket: 'fenced' }));
    expect((listed.Contents ?? []).map((object) => object.Key)).toEqual(['from-b', 'kept']);
    expect(await (await s3C.send(new GetObjectCommand({ Bucket: 'fenced', Key: 'kept' }))).Body!.transformToString()).toBe('kept body');
  }, 120_000);
});
