/**
 * What S3 data events list and log: the bucket's owner account in `resources`, the size of what an
 * object's ARN adds to the trail, what a presigned request logs, and their category after a restart.
 */

import { CreateBucketCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { AuditTrail, MAX_FIELD_BYTES, rootPrincipal } from '@strongbox/service-kernel';
import { afterEach, describe, expect, it } from 'vitest';
import { S3 } from '../../src/index.ts';
import { catchS3Async } from '../helpers/errors.ts';
import { inProcessClient, listen, type WireEngine, wireEngine } from '../helpers/wire.ts';

const OWNER = '111122223333';
const OTHER = '444455556666';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

describe('S3 data event resources', () => {
  it('lists the bucket under its owner account when another account writes to it', async () => {
    const s3 = new S3({ account: OWNER, dataEvents: true });
    closers.push(() => s3.close());
    await s3.createBucket({ Bucket: 'shared' });
    await s3.putBucketPolicy({
      Bucket: 'shared',
      Policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { AWS: OTHER }, Action: 's3:PutObject', Resource: 'arn:aws:s3:::shared/*' }],
      }),
    });
    await s3.putObject({ Bucket: 'shared', Key: 'k', Body: 'x' }, { caller: rootPrincipal('us-east-1', OTHER) });
    const [record] = s3.auditTrail.lookup({ eventName: 'PutObject' }).records;
    expect(record?.resources).toEqual([
      { type: 'AWS::S3::Object', ARN: 'arn:aws:s3:::shared/k' },
      { accountId: OWNER, type: 'AWS::S3::Bucket', ARN: 'arn:aws:s3:::shared' },
    ]);
  });

  it('bounds what a refused over-long key adds to a retained event, as it bounds requestParameters', async () => {
    const trail = new AuditTrail();
    const s3 = new S3({ dataEvents: true, auditTrail: trail });
    closers.push(() => s3.close());
    await s3.createBucket({ Bucket: 'bucket-b' });
    const key = 'k'.repeat(4 * MAX_FIELD_BYTES);
    expect((await catchS3Async(() => s3.putObject({ Bucket: 'bucket-b', Key: key, Body: 'x' }))).code).toBe('KeyTooLongError');
    const [record] = trail.lookup({ eventName: 'PutObject' }).records;
    // requestParameters (which hold the same key) are omitted past MAX_FIELD_BYTES; the refused
    // key must not come back whole through the object's ARN in `resources` either.
    expect(JSON.stringify(record).length).toBeLessThan(3 * MAX_FIELD_BYTES);
  });
});

describe('the object a refused key names', () => {
  it.each([
    ['1025 ASCII bytes', 'k'.repeat(1025)],
    ['1026 UTF-8 bytes in 342 characters', '€'.repeat(342)],
  ])('is not listed in resources when the key is too long (%s)', async (_, key) => {
    const s3 = new S3({ dataEvents: true });
    closers.push(() => s3.close());
    await s3.createBucket({ Bucket: 'bucket-c' });
    expect((await catchS3Async(() => s3.putObject({ Bucket: 'bucket-c', Key: key, Body: 'x' }))).code).toBe('KeyTooLongError');
    const [record] = s3.auditTrail.lookup({ eventName: 'PutObject' }).records;
    expect(record?.resources).toEqual([{ accountId: s3.account, type: 'AWS::S3::Bucket', ARN: 'arn:aws:s3:::bucket-c' }]);
  });

  it('is listed when the key is 1024 bytes, the longest S3 takes', async () => {
    const s3 = new S3({ dataEvents: true });
    closers.push(() => s3.close());
    await s3.createBucket({ Bucket: 'bucket-d' });
    const key = `${'€'.repeat(341)}k`;
    await s3.putObject({ Bucket: 'bucket-d', Key: key, Body: 'x' });
    const [record] = s3.auditTrail.lookup({ eventName: 'PutObject' }).records;
    expect(record?.resources?.map((resource) => resource.ARN)).toEqual([`arn:aws:s3:::bucket-d/${key}`, 'arn:aws:s3:::bucket-d']);
  });
});

// Captured: a ListObjects data event with `"prefix": ""` lists `[{"type": "AWS::S3::Object",
// "ARNPrefix": "arn:aws:s3:::aoc-cloudtrail-wareville/"}, {"accountId": …, "type": "AWS::S3::Bucket",
// "ARN": "arn:aws:s3:::aoc-cloudtrail-wareville"}]` (TryHackMe AoC 2024 day 7 log); a DeleteObjects
// one the same (DataDog stratus-red-team). A non-empty prefix appended is UNCONFIRMED.
describe('the objects a call on many objects names', () => {
  async function recorded(call: (s3: S3) => Promise<unknown>, eventName: string, lookup: { readonly resourceName?: string } = {}) {
    const s3 = new S3({ account: OWNER, dataEvents: true });
    closers.push(() => s3.close());
    await s3.createBucket({ Bucket: 'many' });
    await s3.putObject({ Bucket: 'many', Key: 'logs/a', Body: 'x' });
    await call(s3);
    return s3.auditTrail.lookup({ eventName, ...lookup }).records;
  }

  it.each([
    ['ListObjectsV2', 'ListObjects', (s3: S3) => s3.listObjectsV2({ Bucket: 'many', Prefix: 'logs/' }), 'arn:aws:s3:::many/logs/'],
    ['ListObjects', 'ListObjects', (s3: S3) => s3.listObjects({ Bucket: 'many' }), 'arn:aws:s3:::many/'],
    ['ListObjectVersions', 'ListObjectVersions', (s3: S3) => s3.listObjectVersions({ Bucket: 'many', Prefix: 'lo' }), 'arn:aws:s3:::many/lo'],
    ['DeleteObjects', 'DeleteObjects', (s3: S3) => s3.deleteObjects({ Bucket: 'many', Delete: { Objects: [{ Key: 'logs/a' }] } }), 'arn:aws:s3:::many/'],
  ] as const)('%s lists the ARN prefix of its objects, then its bucket', async (_, eventName, call, prefix) => {
    const [record] = await recorded(call, eventName);
    expect(record?.resources).toEqual([
      { type: 'AWS::S3::Object', ARNPrefix: prefix },
      { accountId: OWNER, type: 'AWS::S3::Bucket', ARN: 'arn:aws:s3:::many' },
    ]);
  });

  it('is found by LookupEvents by its ARN prefix and by the resource type of objects', async () => {
    const s3 = new S3({ account: OWNER, dataEvents: true });
    closers.push(() => s3.close());
    await s3.createBucket({ Bucket: 'many' });
    await s3.listObjectsV2({ Bucket: 'many', Prefix: 'p/' });
    const names = (query: { readonly resourceName?: string; readonly resourceType?: string }) =>
      s3.auditTrail.lookup({ eventSource: 's3.amazonaws.com', ...query }).records.map((record) => record.eventName);
    expect(names({ resourceName: 'arn:aws:s3:::many/p/' })).toEqual(['ListObjects']);
    expect(names({ resourceName: 'arn:aws:s3:::many' })).toEqual(['ListObjects', 'CreateBucket']);
    expect(names({ resourceType: 'AWS::S3::Object' })).toEqual(['ListObjects']);
  });

  it('is not listed when the bucket does not exist', async () => {
    const s3 = new S3({ account: OWNER, dataEvents: true });
    closers.push(() => s3.close());
    expect((await catchS3Async(() => s3.listObjectsV2({ Bucket: 'absent', Prefix: 'p/' }))).code).toBe('NoSuchBucket');
    const [record] = s3.auditTrail.lookup({ eventName: 'ListObjects' }).records;
    expect(record?.resources).toEqual([]);
  });
});

describe('what a presigned GET logs', () => {
  it('never logs X-Amz-Signature, X-Amz-Credential or X-Amz-Security-Token', async () => {
    const engine: WireEngine = wireEngine({ engine: { dataEvents: true } });
    closers.push(() => engine.close());
    const client = inProcessClient(engine.handler);
    closers.push(async () => client.destroy());
    await client.send(new CreateBucketCommand({ Bucket: 'presigned' }));
    await client.send(new PutObjectCommand({ Bucket: 'presigned', Key: 'k', Body: 'x' }));
    const server = await listen(engine.handler);
    closers.push(() => server.close());
    const plain = inProcessClient(engine.handler, {
      endpoint: server.url,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test', sessionToken: 'SESSIONTOKENSECRET' },
    });
    closers.push(async () => plain.destroy());
    const url = new URL(await getSignedUrl(plain, new GetObjectCommand({ Bucket: 'presigned', Key: 'k' }), { expiresIn: 60 }));
    const response = await fetch(url);
    expect([response.status, await response.text()]).toEqual([200, 'x']);
    const text = JSON.stringify(engine.s3.auditTrail.lookup({ eventName: 'GetObject' }).records);
    for (const secret of [url.searchParams.get('X-Amz-Signature'), 'SESSIONTOKENSECRET', 'X-Amz-Credential']) expect(text).not.toContain(secret);
  });
});

describe('data events on the data directory', () => {
  it('are data events still after a restart, typed resources and parameters included', async () => {
    const { mkdtemp, rm } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { Kms, ManualClock, openDirectoryStore } = await import('@strongbox/kms');
    const directory = await mkdtemp(join(tmpdir(), 'trail-data-events-'));
    closers.push(() => rm(directory, { recursive: true, force: true }));
    const rootKey = new Uint8Array(32).map((_, i) => i + 1);
    const clock = new ManualClock(Date.UTC(2026, 0, 1));
    const open = async () => {
      const kms = new Kms({ store: await openDirectoryStore({ directory, rootKey }), clock, quotas: false });
      return { kms, s3: new S3({ kms, auditTrail: kms.auditTrail, dataEvents: true, clock }) };
    };
    const first = await open();
    await first.s3.createBucket({ Bucket: 'restart' });
    await first.s3.putObject({ Bucket: 'restart', Key: 'a b/ü%2F', Body: 'x' });
    await first.s3.listObjectsV2({ Bucket: 'restart', Prefix: 'a b/' });
    const before = first.kms.auditTrail.lookup({ eventSource: 's3.amazonaws.com' }).records;
    await first.s3.close();
    await first.kms.close();
    const second = await open();
    try {
      const after = second.kms.auditTrail.lookup({ eventSource: 's3.amazonaws.com' }).records;
      expect(after).toEqual(before);
      expect(after[0]?.resources?.[0]).toEqual({ type: 'AWS::S3::Object', ARNPrefix: 'arn:aws:s3:::restart/a b/' });
      expect(after.map((record) => [record.eventName, record.eventCategory, record.managementEvent])).toEqual([
        ['ListObjects', 'Data', false],
        ['PutObject', 'Data', false],
        ['CreateBucket', 'Management', true],
      ]);
    } finally {
      await second.s3.close();
      await second.kms.close();
    }
  });
});
