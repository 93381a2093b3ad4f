/**
 * SSE-KMS, bucket-key and DSSE-KMS objects at rest in a data directory: read back whole and by
 * range after a restart, while the directory holds neither a plaintext body nor any plaintext key
 * KMS handed out (data keys, bucket keys), raw, base64 or hex, byte by byte. Also: the engine's
 * own KMS (no `kms` option) keeps its keys in the data directory, so its objects survive a restart.
 */

import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { S3 } from '../../src/index.ts';
import { kmsEngine, newKey } from '../helpers/kms.ts';
import { assertNoSecretsOnDisk } from '../helpers/scan.ts';
import { tempDirectory } from '../helpers/temp.ts';

describe('KMS-encrypted objects at rest', () => {
  it('hold no plaintext and no KMS data key or bucket key, and read back after a restart', async () => {
    const directory = tempDirectory('s3-kms');
    const bodies = { kms: randomBytes(150_000), bucketKey: randomBytes(70_000), dsse: randomBytes(100_000) };
    const modes = {
      kms: { ServerSideEncryption: 'aws:kms' },
      bucketKey: { ServerSideEncryption: 'aws:kms', BucketKeyEnabled: true },
      dsse: { ServerSideEncryption: 'aws:kms:dsse' },
    } as const;
    const first = kmsEngine({ storage: { directory } });
    const { arn } = await newKey(first.kms);
    await first.s3.createBucket({ Bucket: 'vault' });
    for (const name of ['kms', 'bucketKey', 'dsse'] as const) {
      await first.s3.putObject({ Bucket: 'vault', Key: name, Body: bodies[name], SSEKMSKeyId: arn, ...modes[name] });
    }
    await first.s3.close();
    // A second engine on the same directory and the same KMS.
    const second = new S3({ kms: first.kms, clock: first.clock, storage: { directory } });
    try {
      for (const name of ['kms', 'bucketKey', 'dsse'] as const) {
        expect(Buffer.from(await (await second.getObject({ Bucket: 'vault', Key: name })).Body.transformToByteArray())).toEqual(bodies[name]);
        const ranged = await second.getObject({ Bucket: 'vault', Key: name, Range: 'bytes=65000-66000' });
        expect(Buffer.from(await ranged.Body.transformToByteArray())).toEqual(bodies[name].subarray(65000, 66001));
      }
    } finally {
      await second.close();
      await first.kms.close();
    }
    // 4 GenerateDataKey (one, one bucket key, two for DSSE) and their Decrypts.
    expect(first.keysSeen.length).toBeGreaterThanOrEqual(4);
    await assertNoSecretsOnDisk(directory, { plaintexts: Object.values(bodies), customerKeys: first.keysSeen });
  });

  it('with no kms option, the engine’s own KMS keeps its keys in <directory>/kms: aws/s3 objects survive a restart', async () => {
    const directory = tempDirectory('s3-own-kms');
    const body = randomBytes(5000);
    const first = new S3({ storage: { directory } });
    await first.createBucket({ Bucket: 'vault' });
    const put = await first.putObject({ Bucket: 'vault', Key: 'k', Body: body, ServerSideEncryption: 'aws:kms' });
    await first.close();
    const second = new S3({ storage: { directory } });
    try {
      const get = await second.getObject({ Bucket: 'vault', Key: 'k' });
      expect(Buffer.from(await get.Body.transformToByteArray())).toEqual(body);
      expect(get.SSEKMSKeyId).toBe(put.SSEKMSKeyId);
    } finally {
      await second.close();
    }
    await assertNoSecretsOnDisk(directory, { plaintexts: [body] });
  });

  it('a start that fails (the data directory held by another engine) releases the own KMS’s <directory>/kms again', async () => {
    const directory = tempDirectory('s3-own-kms-lock');
    const { kms, close } = kmsEngine();
    const holder = new S3({ kms, storage: { directory } });
    await holder.listBuckets({});
    const blocked = new S3({ storage: { directory } });
    await expect(blocked.listBuckets({})).rejects.toThrow();
    await blocked.close();
    await holder.close();
    await close();
    const next = new S3({ storage: { directory } });
    try {
      await next.createBucket({ Bucket: 'vault' });
      expect((await next.putObject({ Bucket: 'vault', Key: 'k', Body: 'x', ServerSideEncryption: 'aws:kms' })).ServerSideEncryption).toBe('aws:kms');
    } finally {
      await next.close();
    }
  });
});
