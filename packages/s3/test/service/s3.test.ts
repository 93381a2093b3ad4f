/**
 * The S3 engine as a whole: the audit trail (management events recorded, data events only when
 * enabled), a data directory that survives a restart, and a property that any body, mode and
 * range round-trips exactly while the data directory never holds the plaintext or the SSE-C key.
 */

import { randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { AuditTrail, ManualClock } from '@strongbox/service-kernel';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { S3 } from '../../src/index.ts';
import { ALLOW_SSE_C } from '../helpers/backends.ts';
import { members, sseC } from '../helpers/engine.ts';
import { catchS3Async } from '../helpers/errors.ts';
import { pickRange, RANGE_FORMS } from '../helpers/ranges.ts';
import { assertNoSecretsOnDisk } from '../helpers/scan.ts';
import { withScannedEngine } from '../helpers/scanned-engine.ts';
import { tempDirectory } from '../helpers/temp.ts';
import { WRITE_MODES, writeMembers } from '../helpers/write-modes.ts';

describe('the audit trail', () => {
  it('records S3 management events (source s3.amazonaws.com, the bucket as resource, errors too), and no data events', async () => {
    const trail = new AuditTrail();
    const clock = new ManualClock(Date.UTC(2026, 11, 6));
    const s3 = new S3({ auditTrail: trail, clock });
    try {
      await s3.createBucket({ Bucket: 'audited' });
      await s3.putBucketEncryption({ Bucket: 'audited', ...ALLOW_SSE_C });
      await s3.putObject({ Bucket: 'audited', Key: 'k', Body: 'x' });
      await (await s3.getObject({ Bucket: 'audited', Key: 'k' })).Body.transformToByteArray();
      await s3.deleteObject({ Bucket: 'audited', Key: 'k' });
      await s3.deleteBucketEncryption({ Bucket: 'audited' });
      await catchS3Async(() => s3.createBucket({ Bucket: 'Bad_Name' }));
      await s3.deleteBucket({ Bucket: 'audited' });
      const events = trail.events();
      expect(events.map((event) => [event.eventName, event.eventSource, event.errorCode])).toEqual([
        ['CreateBucket', 's3.amazonaws.com', undefined],
        ['PutBucketEncryption', 's3.amazonaws.com', undefined],
        ['DeleteBucketEncryption', 's3.amazonaws.com', undefined],
        ['CreateBucket', 's3.amazonaws.com', 'InvalidBucketName'],
        ['DeleteBucket', 's3.amazonaws.com', undefined],
      ]);
      const [created, encrypted] = events;
      expect(created?.requestParameters).toEqual({ bucketName: 'audited' });
      expect(created?.resources).toEqual(['arn:aws:s3:::audited']);
      expect(created?.resourceType).toBe('AWS::S3::Bucket');
      expect(created?.eventTime).toBe(Date.UTC(2026, 11, 6));
      expect(encrypted?.requestParameters).toEqual({ bucketName: 'audited', ...ALLOW_SSE_C });
    } finally {
      await s3.close();
    }
  });

  it('records data events too when they are enabled', async () => {
    const s3 = new S3({ dataEvents: true });
    try {
      await s3.createBucket({ Bucket: 'audited' });
      await s3.putObject({ Bucket: 'audited', Key: 'k', Body: 'x' });
      await s3.getObject({ Bucket: 'audited', Key: 'k' }).then((got) => got.Body.transformToByteArray());
      expect(s3.auditTrail.events().map((event) => event.eventName)).toEqual(['CreateBucket', 'PutObject', 'GetObject']);
    } finally {
      await s3.close();
    }
  });
});

describe('quotas', () => {
  it('are off by default; a gate that refuses makes 503 SlowDown', async () => {
    const s3 = new S3({ quotas: { tryAcquire: (_account, _region, quotaClass) => quotaClass !== 'write' } });
    try {
      const error = await catchS3Async(() => s3.createBucket({ Bucket: 'slow' }));
      expect([error.code, error.status, error.message]).toEqual(['SlowDown', 503, 'Please reduce your request rate.']);
      expect(await s3.listBuckets({})).toMatchObject({ Buckets: [] });
    } finally {
      await s3.close();
    }
  });
});

describe('a data directory', () => {
  it('keeps buckets, configurations and SSE-S3 and SSE-C objects across a restart', async () => {
    const directory = tempDirectory('s3-engine');
    const key = sseC();
    const plain = new Uint8Array(randomBytes(150_000));
    const secret = new Uint8Array(randomBytes(90_000));
    let s3 = new S3({ storage: { directory } });
    await s3.createBucket({ Bucket: 'kept' });
    await s3.putBucketEncryption({ Bucket: 'kept', ...ALLOW_SSE_C });
    const put = await s3.putObject({ Bucket: 'kept', Key: 'plain', Body: plain });
    await s3.putObject({ Bucket: 'kept', Key: 'secret', Body: secret, ...members(key) });
    await s3.close();
    // A second engine on a closed directory is the restart.
    s3 = new S3({ storage: { directory } });
    try {
      expect((await s3.listBuckets({})).Buckets.map((bucket) => bucket.Name)).toEqual(['kept']);
      expect(await s3.getBucketEncryption({ Bucket: 'kept' })).toEqual({
        ServerSideEncryptionConfiguration: {
          Rules: [
            { ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' }, BucketKeyEnabled: false, BlockedEncryptionTypes: { EncryptionType: ['NONE'] } },
          ],
        },
      });
      const got = await s3.getObject({ Bucket: 'kept', Key: 'plain' });
      expect(got.ETag).toBe(put.ETag);
      expect(Buffer.from(await got.Body.transformToByteArray()).equals(Buffer.from(plain))).toBe(true);
      const ranged = await s3.getObject({ Bucket: 'kept', Key: 'secret', Range: 'bytes=70000-', ...members(key) });
      expect(Buffer.from(await ranged.Body.transformToByteArray()).equals(Buffer.from(secret.subarray(70_000)))).toBe(true);
      expect((await catchS3Async(() => s3.getObject({ Bucket: 'kept', Key: 'secret', ...members(sseC()) }))).status).toBe(403);
    } finally {
      await s3.close();
    }
    expect(readdirSync(directory)).toContain('sse-s3-root-keys');
    await assertNoSecretsOnDisk(directory, { plaintexts: [plain, secret], customerKeys: [key.raw] });
  });

  it("a directory held by a running engine rejects a second engine's calls", async () => {
    const directory = tempDirectory('s3-engine-lock');
    const first = new S3({ storage: { directory } });
    await first.listBuckets({});
    const second = new S3({ storage: { directory } });
    try {
      await expect(second.listBuckets({})).rejects.toThrow();
    } finally {
      await second.close();
      await first.close();
    }
  });
});

describe('round trips (property)', () => {
  it('any body, mode and range comes back exactly, and the data directory holds no plaintext and no SSE-C key', async () => {
    await withScannedEngine('s3-engine-property', async ({ s3, plaintexts, customerKeys }) => {
      let counter = 0;
      await fc.assert(
        fc.asyncProperty(
          fc.nat({ max: 200_000 }).map((length) => new Uint8Array(randomBytes(length))),
          fc.constantFrom(...WRITE_MODES),
          fc.option(fc.tuple(fc.nat(), fc.nat()), { nil: undefined }),
          fc.constantFrom(...RANGE_FORMS),
          async (body, mode, picks, form) => {
            const key = `k-${counter++}`;
            const trio = sseC();
            // SSE-KMS under the AWS managed key aws/s3 of the engine's own KMS (kept in <directory>/kms).
            const sse = writeMembers(mode, trio);
            // Bodies are random bytes, so a scan finding one is a leak, not a coincidence.
            if (body.length >= 47) plaintexts.push(body);
            if (mode === 'SSE-C') customerKeys.push(trio.raw);
            await s3.putObject({ Bucket: 'prop', Key: key, Body: body, ...sse });
            const read = mode === 'SSE-C' ? members(trio) : {};
            if (picks === undefined || body.length === 0) {
              const got = await s3.getObject({ Bucket: 'prop', Key: key, ...read });
              expect(Buffer.from(await got.Body.transformToByteArray()).equals(Buffer.from(body))).toBe(true);
              return;
            }
            const { header: range, first, last } = pickRange(body.length, picks[0], picks[1], form);
            const got = await s3.getObject({ Bucket: 'prop', Key: key, Range: range, ...read });
            expect(got.ContentRange).toBe(`bytes ${first}-${last}/${body.length}`);
            expect(Buffer.from(await got.Body.transformToByteArray()).equals(Buffer.from(body.subarray(first, last + 1)))).toBe(true);
          },
        ),
        { numRuns: 40 },
      );
    });
    // 40 durable writes of up to 200 KB in six modes (DSSE-KMS's outer layer on pure-JS AES) outlast
    // the package's 30 s guard on a loaded 2-core machine; this bounds a hang, not the speed.
  }, 180_000);
});
