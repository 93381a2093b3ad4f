/**
 * The S3 engine on the upstream store (`storage: { directory, upstream }`) against s3rver over a
 * real socket: SSE-S3 and SSE-C objects, whole and ranged, across a restart; the upstream holds
 * only sealed bytes under opaque names, and neither it nor the data directory holds a plaintext
 * or an SSE-C key; an upstream failure is the S3 error S3 answers, with nothing stored.
 */

import { randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3 } from '../../src/index.ts';
import { ALLOW_SSE_C } from '../helpers/backends.ts';
import { members, sseC } from '../helpers/engine.ts';
import { catchS3Async } from '../helpers/errors.ts';
import { assertNoSecretsOnDisk } from '../helpers/scan.ts';
import { tempDirectory } from '../helpers/temp.ts';
import { type FaultProxy, type RunningS3rver, S3RVER_CREDENTIALS, startFaultProxy, startS3rver, upstreamKeys } from '../helpers/upstream.ts';

const BUCKET = 'sealed-objects';

let s3rver: RunningS3rver;
let proxy: FaultProxy;

beforeAll(async () => {
  s3rver = await startS3rver([BUCKET]);
  proxy = await startFaultProxy(s3rver.endpoint);
});

afterAll(async () => {
  await proxy.close();
  await s3rver.close();
});

describe('the engine on an upstream store (s3rver)', () => {
  it('keeps SSE-S3 and SSE-C objects across a restart; upstream and directory hold no plaintext and no key', async () => {
    const directory = tempDirectory('s3-upstream');
    const storage = { directory, upstream: { endpoint: s3rver.endpoint, bucket: BUCKET, credentials: S3RVER_CREDENTIALS, prefix: 'restart/' } };
    const key = sseC();
    const plain = new Uint8Array(randomBytes(150_000));
    const secret = new Uint8Array(randomBytes(90_000));
    let s3 = new S3({ storage });
    await s3.createBucket({ Bucket: 'kept' });
    await s3.putBucketEncryption({ Bucket: 'kept', ...ALLOW_SSE_C });
    const put = await s3.putObject({ Bucket: 'kept', Key: 'reports/plain.bin', Body: plain });
    await s3.putObject({ Bucket: 'kept', Key: 'reports/secret.bin', Body: secret, ...members(key) });
    await s3.close();
    s3 = new S3({ storage });
    try {
      const got = await s3.getObject({ Bucket: 'kept', Key: 'reports/plain.bin' });
      expect([got.ETag, got.ServerSideEncryption]).toEqual([put.ETag, 'AES256']);
      expect(Buffer.from(await got.Body.transformToByteArray()).equals(Buffer.from(plain))).toBe(true);
      const ranged = await s3.getObject({ Bucket: 'kept', Key: 'reports/secret.bin', Range: 'bytes=70000-70099', ...members(key) });
      expect(ranged.ContentRange).toBe('bytes 70000-70099/90000');
      expect(Buffer.from(await ranged.Body.transformToByteArray()).equals(Buffer.from(secret.subarray(70_000, 70_100)))).toBe(true);
      expect((await catchS3Async(() => s3.getObject({ Bucket: 'kept', Key: 'reports/secret.bin', ...members(sseC()) }))).status).toBe(403);
    } finally {
      await s3.close();
    }
    // Upstream: two opaque names, no bucket or key in them.
    const names = await upstreamKeys(s3rver.client, BUCKET, 'restart/');
    expect(names).toHaveLength(2);
    for (const name of names) expect(name).toMatch(/^restart\/[0-9a-f]{64}$/);
    // s3rver keeps what it stores in files: neither they nor the data directory hold a secret.
    await assertNoSecretsOnDisk(s3rver.directory, { plaintexts: [plain, secret], customerKeys: [key.raw] });
    await assertNoSecretsOnDisk(directory, { plaintexts: [plain, secret], customerKeys: [key.raw] });
    expect(readdirSync(directory)).toContain('sse-s3-root-keys');
  });

  it('property: any body, mode and range comes back exactly through the upstream', async () => {
    const directory = tempDirectory('s3-upstream-property');
    const s3 = new S3({ storage: { directory, upstream: { endpoint: s3rver.endpoint, bucket: BUCKET, credentials: S3RVER_CREDENTIALS, prefix: 'prop/' } } });
    await s3.createBucket({ Bucket: 'prop' });
    await s3.putBucketEncryption({ Bucket: 'prop', ...ALLOW_SSE_C });
    let counter = 0;
    try {
      await fc.assert(
        fc.asyncProperty(
          fc.nat({ max: 300_000 }).map((length) => new Uint8Array(randomBytes(length))),
          fc.boolean(),
          fc.tuple(fc.nat(), fc.nat()),
          async (body, customer, [x, y]) => {
            const name = `k-${counter++}`;
            const trio = sseC();
            const sse = customer ? members(trio) : {};
            await s3.putObject({ Bucket: 'prop', Key: name, Body: body, ...sse });
            if (body.length === 0) return;
            const first = x % body.length;
            const last = first + (y % (body.length - first));
            const got = await s3.getObject({ Bucket: 'prop', Key: name, Range: `bytes=${first}-${last}`, ...sse });
            expect(Buffer.from(await got.Body.transformToByteArray()).equals(Buffer.from(body.subarray(first, last + 1)))).toBe(true);
          },
        ),
        { numRuns: 12 },
      );
    } finally {
      await s3.close();
    }
  });

  it('an upstream that is down answers PutObject and GetObject with 503 ServiceUnavailable, storing nothing', async () => {
    const directory = tempDirectory('s3-upstream-down');
    const s3 = new S3({ storage: { directory, upstream: { endpoint: proxy.endpoint, bucket: BUCKET, credentials: S3RVER_CREDENTIALS, prefix: 'down/' } } });
    try {
      await s3.createBucket({ Bucket: 'outage' });
      await s3.putObject({ Bucket: 'outage', Key: 'there', Body: 'stored before the outage' });
      proxy.fault = (request) => (request.method === 'HEAD' ? undefined : { status: 503, code: 'ServiceUnavailable' });
      try {
        const put = await catchS3Async(() => s3.putObject({ Bucket: 'outage', Key: 'new', Body: 'not stored' }));
        expect([put.code, put.status, put.message]).toEqual(['ServiceUnavailable', 503, 'Service is unable to handle request.']);
        const get = await catchS3Async(async () => (await s3.getObject({ Bucket: 'outage', Key: 'there' })).Body.transformToString());
        expect([get.code, get.status]).toEqual(['ServiceUnavailable', 503]);
      } finally {
        proxy.fault = undefined;
      }
      expect((await catchS3Async(() => s3.headObject({ Bucket: 'outage', Key: 'new' }))).code).toBe('NoSuchKey');
      expect(await (await s3.getObject({ Bucket: 'outage', Key: 'there' })).Body.transformToString()).toBe('stored before the outage');
    } finally {
      await s3.close();
    }
  });
});
