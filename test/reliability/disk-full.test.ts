/**
 * A full disk under `strongbox serve --data`: the data directory is a small tmpfs mounted in a
 * mount namespace of its own (`unshare -m`, held by a sleeping process so the server can be
 * restarted on it; the server enters it with `nsenter -m`). The test fills it through the API
 * until writes fail, then checks: S3 writes answer InternalError 500 and KMS writes
 * KMSInternalException 500 (what each service answers for a failure of its own; nothing was
 * changed), every stored object and key still reads, nothing half-written is listed, and writes
 * succeed again without a restart once space returns: first by deleting objects through the API,
 * then, filled again, by remounting the tmpfs larger. A graceful restart on the same tmpfs then
 * finds exactly the acknowledged state.
 *
 * Needs root (or a user namespace) for `unshare -m` and `mount`: where they are not available the
 * test is skipped and says why. CI runs as root on these machines.
 */

import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateKeyCommand, DecryptCommand, DescribeKeyCommand, EncryptCommand, type KMSClient } from '@aws-sdk/client-kms';
import { CreateBucketCommand, DeleteObjectCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, describe, expect, it } from 'vitest';
import { type CallFailure, failureOf, kmsClient, type ServedChild, s3Client, serveChild } from './helpers/serve.ts';
import { recordReliability } from './summary.ts';

const TMPFS_SIZE = '3m';
const BUCKET = 'full-disk';
const OBJECT_SIZE = 200 * 1024;

/** Why the test cannot run here, or undefined when `unshare -m` and a tmpfs mount work. */
function unavailable(): string | undefined {
  const probe = mkdtempSync(join(tmpdir(), 'strongbox-unshare-probe-'));
  try {
    const run = spawnSync('unshare', ['-m', 'sh', '-c', `mount -t tmpfs -o size=1m tmpfs '${probe}'`], { encoding: 'utf8' });
    if (run.error !== undefined) return `unshare cannot run: ${run.error.message}`;
    if (run.status !== 0) return `unshare -m with a tmpfs mount failed (needs root): ${run.stderr.trim()}`;
    return undefined;
  } finally {
    rmSync(probe, { recursive: true, force: true });
  }
}

const WHY_NOT = unavailable();
const mountPoint = mkdtempSync(join(tmpdir(), 'strongbox-full-disk-'));
let holder: ChildProcess | undefined;
const servers: ServedChild[] = [];
afterAll(async () => {
  for (const served of servers) {
    const how = await served.stop('SIGKILL');
    // A server that died on its own says why.
    if (how !== 'SIGKILL' && how !== 0) process.stderr.write(`strongbox serve on the tmpfs ended with ${how}:\n${served.stderr()}\n`);
  }
  holder?.kill('SIGKILL');
  rmSync(mountPoint, { recursive: true, force: true });
});

/** A mount namespace holding a tmpfs on `mountPoint`; resolves with the holder's pid. */
async function holdTmpfs(): Promise<number> {
  holder = spawn('unshare', ['-m', 'sh', '-c', `mount -t tmpfs -o size=${TMPFS_SIZE} tmpfs '${mountPoint}' && echo mounted && exec sleep 3600`], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const child = holder;
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('mounted') && resolve());
    child.on('exit', (code) => reject(new Error(`the tmpfs holder exited (${code})`)));
  });
  return child.pid!;
}

/** `strongbox serve --data <tmpfs>/data` inside the holder's mount namespace. */
async function serveOnTmpfs(pid: number): Promise<ServedChild> {
  const served = await serveChild({
    args: ['--data', join(mountPoint, 'data'), '--no-quotas', '--quiet'],
    wrap: (command) => ['nsenter', '-t', String(pid), '-m', '--', 'sh', '-c', command],
    // The certificate is on the tmpfs, seen only inside the namespace.
    readFile: (path) => spawnSync('nsenter', ['-t', String(pid), '-m', 'cat', path], { encoding: 'utf8' }).stdout,
  });
  servers.push(served);
  return served;
}

/** The state the test acknowledged: objects (key → bytes) and KMS keys. */
interface Stored {
  readonly objects: Map<string, Uint8Array>;
  readonly keys: string[];
  ciphertext?: Uint8Array;
}

/** PUTs objects until one fails (at most `limit`): returns that failure. */
async function fillWithObjects(s3: S3Client, stored: Stored, prefix: string, limit = 200): Promise<CallFailure> {
  for (let i = 0; i < limit; i++) {
    const key = `${prefix}-${i}`;
    const body = new Uint8Array(randomBytes(OBJECT_SIZE));
    const failure = await failureOf(s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body })));
    if (failure !== undefined) return failure;
    stored.objects.set(key, body);
  }
  throw new Error(`${limit} objects of ${OBJECT_SIZE} bytes fitted on a ${TMPFS_SIZE} tmpfs`);
}

/** Creates keys until one fails (at most `limit`): returns that failure. */
async function fillWithKeys(kms: KMSClient, stored: Stored, limit = 20_000): Promise<CallFailure> {
  for (let i = 0; i < limit; i++) {
    try {
      stored.keys.push((await kms.send(new CreateKeyCommand({ Description: `fill ${i} ${'x'.repeat(4000)}` }))).KeyMetadata!.KeyId!);
    } catch (error) {
      const e = error as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
      return { name: e.name, message: e.message, status: e.$metadata?.httpStatusCode };
    }
  }
  throw new Error(`${limit} keys fitted on a ${TMPFS_SIZE} tmpfs`);
}

/** Everything acknowledged reads back; the bucket lists exactly the acknowledged objects. */
async function checkStored(s3: S3Client, kms: KMSClient, stored: Stored): Promise<number> {
  let checks = 0;
  for (const [key, body] of stored.objects) {
    const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
    expect(Buffer.from(await got.Body!.transformToByteArray()).equals(body), key).toBe(true);
    checks++;
  }
  const listed: string[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, ...(token === undefined ? {} : { ContinuationToken: token }) }));
    listed.push(...(page.Contents ?? []).map((object) => object.Key!));
    token = page.NextContinuationToken;
  } while (token !== undefined);
  expect(listed.sort()).toEqual([...stored.objects.keys()].sort());
  for (const keyId of stored.keys) {
    expect((await kms.send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata!.KeyState).toBe('Enabled');
    checks++;
  }
  const opened = await kms.send(new DecryptCommand({ CiphertextBlob: stored.ciphertext! }));
  expect(Buffer.from(opened.Plaintext!).toString()).toBe('written before the disk filled');
  return checks + 1;
}

describe.skipIf(WHY_NOT !== undefined)(`strongbox serve --data on a full disk${WHY_NOT === undefined ? '' : ` (skipped: ${WHY_NOT})`}`, () => {
  it("refuses writes with each service's internal error, keeps serving reads, loses nothing, and recovers without a restart", async () => {
    const pid = await holdTmpfs();
    let served = await serveOnTmpfs(pid);
    let s3 = s3Client(served);
    let kms = kmsClient(served);
    const stored: Stored = { objects: new Map(), keys: [] };
    let refused = 0;
    let checks = 0;
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
    const first = (await kms.send(new CreateKeyCommand({ Description: 'before' }))).KeyMetadata!.KeyId!;
    stored.keys.push(first);
    stored.ciphertext = (await kms.send(new EncryptCommand({ KeyId: first, Plaintext: Buffer.from('written before the disk filled') }))).CiphertextBlob!;

    // Fill: S3 objects first, then KMS keys take the last bytes; each refusal is the service's own
    // internal error, with AWS's generic message (no path, no errno).
    const s3Full = await fillWithObjects(s3, stored, 'a');
    expect(s3Full).toMatchObject({ name: 'InternalError', status: 500, message: 'We encountered an internal error. Please try again.' });
    const kmsFull = await fillWithKeys(kms, stored);
    expect(kmsFull).toMatchObject({ name: 'KMSInternalException', status: 500 });
    const again = await failureOf(s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'refused', Body: new Uint8Array(randomBytes(OBJECT_SIZE)) })));
    expect(again).toMatchObject({ name: 'InternalError', status: 500 });
    refused += 3;

    // Reads go on, and the refused writes left nothing behind.
    checks += await checkStored(s3, kms, stored);
    const health = await fetch(`${served.http}/_strongbox/health`);
    expect(health.status).toBe(200);

    // Space back through the API: deleting objects on a full disk works, then writes do again.
    for (const key of [...stored.objects.keys()].slice(0, 4)) {
      await s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: key }));
      stored.objects.delete(key);
    }
    const afterDelete = new Uint8Array(randomBytes(OBJECT_SIZE));
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'after-delete', Body: afterDelete }));
    stored.objects.set('after-delete', afterDelete);
    stored.keys.push((await kms.send(new CreateKeyCommand({ Description: 'after delete' }))).KeyMetadata!.KeyId!);
    checks += await checkStored(s3, kms, stored);

    // Full again; this time the disk grows (the tmpfs remounted larger) and writes resume.
    expect(await fillWithObjects(s3, stored, 'b')).toMatchObject({ name: 'InternalError', status: 500 });
    refused++;
    const remount = spawnSync('nsenter', ['-t', String(pid), '-m', 'mount', '-o', 'remount,size=16m', mountPoint], { encoding: 'utf8' });
    expect(remount.status, remount.stderr).toBe(0);
    const afterGrow = new Uint8Array(randomBytes(OBJECT_SIZE));
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'after-grow', Body: afterGrow }));
    stored.objects.set('after-grow', afterGrow);
    stored.keys.push((await kms.send(new CreateKeyCommand({ Description: 'after grow' }))).KeyMetadata!.KeyId!);
    checks += await checkStored(s3, kms, stored);
    // The one line the server prints about it (no path beyond the data directory it was given).
    expect(served.stderr().trim().split('\n')).toEqual([
      `strongbox: ${join(mountPoint, 'data')} is out of space; changes are refused (reads go on) until there is room again`,
    ]);

    // A graceful restart on the same tmpfs finds exactly what was acknowledged.
    s3.destroy();
    kms.destroy();
    expect(await served.stop('SIGTERM')).toBe(0);
    served = await serveOnTmpfs(pid);
    s3 = s3Client(served);
    kms = kmsClient(served);
    checks += await checkStored(s3, kms, stored);
    s3.destroy();
    kms.destroy();
    expect(await served.stop('SIGTERM')).toBe(0);

    recordReliability('full-disk writes refused cleanly (S3 InternalError, KMS KMSInternalException)', refused);
    recordReliability(
      'objects and keys checked after a full disk',
      checks,
      `${stored.objects.size} objects, ${stored.keys.length} keys on a ${TMPFS_SIZE} tmpfs`,
    );
  }, 180_000);
});
