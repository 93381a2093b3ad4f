/**
 * S3 events as CloudTrail records, read back through the trail's LookupEvents query (what users
 * read in process, and what `LookupEvents` serves): data events marked as such, their typed
 * resources, and the request parameters S3 logs. The reference record is a captured PutObject data
 * event (aws-cdk, `packages/aws-cdk-lib/aws-cloudtrail/SAMPLE-EVENTS.md`): `"requestParameters":
 * {"bucketName": "BUCKETNAME", "Host": "BUCKETNAME.s3.eu-west-1.amazonaws.com", "key": "OBJECTKEY"}`,
 * `"responseElements": null`, `"resources": [{"ARN": "arn:aws:s3:::BUCKETNAME/OBJECTKEY", "type":
 * "AWS::S3::Object"}, {"accountId": "123456789012", "ARN": "arn:aws:s3:::BUCKETNAME", "type":
 * "AWS::S3::Bucket"}]`.
 */

import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  ListObjectVersionsCommand,
  PutObjectCommand,
  type S3Client,
  UploadPartCommand,
  UploadPartCopyCommand,
} from '@aws-sdk/client-s3';
import type { CloudTrailRecord } from '@strongbox/service-kernel';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { S3 } from '../../src/index.ts';
import { sseC } from '../helpers/engine.ts';
import { ACCOUNT, inProcessClient, type WireEngine, wireEngine } from '../helpers/wire.ts';

const HOST = 'strongbox.localhost';
const engines: WireEngine[] = [];
afterEach(async () => {
  for (const engine of engines.splice(0)) await engine.close();
});

function dataEngine(): WireEngine {
  const engine = wireEngine({ engine: { dataEvents: true } });
  engines.push(engine);
  return engine;
}

/**
 * Creates the bucket `audited`, which takes SSE-C: a fresh bucket blocks it, so its configuration
 * keeps SSE-S3 as the default and blocks no encryption type.
 */
async function createSseCBucket(engine: WireEngine, client: S3Client): Promise<void> {
  await client.send(new CreateBucketCommand({ Bucket: 'audited' }));
  await engine.s3.putBucketEncryption({
    Bucket: 'audited',
    ServerSideEncryptionConfiguration: {
      Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' }, BlockedEncryptionTypes: { EncryptionType: [] } }],
    },
  });
}

/** The one record the trail's lookup finds for `eventName`, newest first. */
function recordOf(s3: S3, eventName: string): CloudTrailRecord {
  const [record, ...more] = s3.auditTrail.lookup({ eventName }).records;
  if (record === undefined || more.length > 0) throw new Error(`expected one ${eventName} record, found ${1 + more.length}`);
  return record;
}

describe('S3 data events in the trail', () => {
  it('are marked as data events, list the object then its bucket, and log bucketName, Host and key', async () => {
    const engine = dataEngine();
    const client = inProcessClient(engine.handler);
    try {
      await client.send(new CreateBucketCommand({ Bucket: 'audited' }));
      await client.send(new PutObjectCommand({ Bucket: 'audited', Key: 'dir/k.txt', Body: 'x' }));
      await (await client.send(new GetObjectCommand({ Bucket: 'audited', Key: 'dir/k.txt' }))).Body?.transformToByteArray();
      for (const name of ['PutObject', 'GetObject']) {
        const record = recordOf(engine.s3, name);
        expect([record.eventCategory, record.managementEvent, record.readOnly]).toEqual(['Data', false, name === 'GetObject']);
        expect(record.requestParameters).toEqual({ bucketName: 'audited', key: 'dir/k.txt', Host: HOST, 'x-id': name });
        expect(record.responseElements).toEqual(name === 'PutObject' ? { 'x-amz-server-side-encryption': 'AES256' } : null);
        expect(record.resources).toEqual([
          { type: 'AWS::S3::Object', ARN: 'arn:aws:s3:::audited/dir/k.txt' },
          { accountId: ACCOUNT, type: 'AWS::S3::Bucket', ARN: 'arn:aws:s3:::audited' },
        ]);
      }
    } finally {
      client.destroy();
    }
  });

  // The SDK for JavaScript names the operation in an `x-id` query parameter; CloudTrail logs it as
  // sent, last (a captured CopyObject data event, DataDog stratus-red-team
  // `aws.impact.s3-ransomware-client-side-encryption`: `{…, "key": "target file.txt", "x-id":
  // "CopyObject"}`). A request without one (the AWS CLI's, an in-process call) logs none.
  it("logs the SDK's x-id query parameter as sent, after the other parameters", async () => {
    const engine = dataEngine();
    const client = inProcessClient(engine.handler);
    try {
      await client.send(new CreateBucketCommand({ Bucket: 'audited' }));
      await client.send(new PutObjectCommand({ Bucket: 'audited', Key: 'k', Body: 'x' }));
      await (await client.send(new GetObjectCommand({ Bucket: 'audited', Key: 'k' }))).Body?.transformToByteArray();
      await client.send(new CopyObjectCommand({ Bucket: 'audited', Key: 'copy', CopySource: 'audited/k' }));
      for (const name of ['PutObject', 'GetObject', 'CopyObject']) {
        const parameters = Object.entries(recordOf(engine.s3, name).requestParameters ?? {});
        expect(parameters.at(-1)).toEqual(['x-id', name]);
      }
      await engine.s3.headObject({ Bucket: 'audited', Key: 'k' });
      expect(recordOf(engine.s3, 'HeadObject').requestParameters).not.toHaveProperty('x-id');
    } finally {
      client.destroy();
    }
  });

  it('a management event stays one, its bucket listed with the owner account', async () => {
    const engine = dataEngine();
    const client = inProcessClient(engine.handler);
    try {
      await client.send(new CreateBucketCommand({ Bucket: 'audited' }));
      const record = recordOf(engine.s3, 'CreateBucket');
      expect([record.eventCategory, record.managementEvent]).toEqual(['Management', true]);
      expect(record.resources).toEqual([{ accountId: ACCOUNT, type: 'AWS::S3::Bucket', ARN: 'arn:aws:s3:::audited' }]);
    } finally {
      client.destroy();
    }
  });

  it('a lookup by resource type AWS::S3::Object or by the object ARN finds the object calls only', async () => {
    const s3 = new S3({ dataEvents: true });
    try {
      await s3.createBucket({ Bucket: 'audited' });
      await s3.putObject({ Bucket: 'audited', Key: 'k', Body: 'x' });
      const byType = s3.auditTrail.lookup({ resourceType: 'AWS::S3::Object' }).records.map((record) => record.eventName);
      const byName = s3.auditTrail.lookup({ resourceName: 'arn:aws:s3:::audited/k' }).records.map((record) => record.eventName);
      const buckets = s3.auditTrail.lookup({ resourceType: 'AWS::S3::Bucket' }).records.map((record) => record.eventName);
      expect([byType, byName, buckets]).toEqual([['PutObject'], ['PutObject'], ['PutObject', 'CreateBucket']]);
    } finally {
      await s3.close();
    }
  });

  it('a multipart upload logs its query by name: uploads, partNumber, uploadId', async () => {
    const engine = dataEngine();
    const client = inProcessClient(engine.handler);
    try {
      await client.send(new CreateBucketCommand({ Bucket: 'audited' }));
      const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket: 'audited', Key: 'big' }));
      const { ETag } = await client.send(new UploadPartCommand({ Bucket: 'audited', Key: 'big', UploadId, PartNumber: 1, Body: 'part' }));
      await client.send(new CompleteMultipartUploadCommand({ Bucket: 'audited', Key: 'big', UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag }] } }));
      expect(recordOf(engine.s3, 'CreateMultipartUpload').requestParameters).toEqual({ uploads: '', bucketName: 'audited', key: 'big', Host: HOST });
      expect(recordOf(engine.s3, 'UploadPart').requestParameters).toEqual({
        bucketName: 'audited',
        key: 'big',
        partNumber: '1',
        uploadId: UploadId,
        Host: HOST,
        'x-id': 'UploadPart',
      });
      expect(recordOf(engine.s3, 'CompleteMultipartUpload').requestParameters).toEqual({ bucketName: 'audited', key: 'big', uploadId: UploadId, Host: HOST });
    } finally {
      client.destroy();
    }
  });

  it('ListObjectVersions logs its query like the other listings', async () => {
    const engine = dataEngine();
    const client = inProcessClient(engine.handler);
    try {
      await client.send(new CreateBucketCommand({ Bucket: 'audited' }));
      await client.send(new ListObjectVersionsCommand({ Bucket: 'audited', Prefix: 'p/', MaxKeys: 3, KeyMarker: 'a' }));
      const record = recordOf(engine.s3, 'ListObjectVersions');
      expect(record.requestParameters).toEqual({ versions: '', bucketName: 'audited', prefix: 'p/', 'max-keys': '3', 'key-marker': 'a', Host: HOST });
      expect([record.eventCategory, record.resources]).toEqual([
        'Data',
        [
          { type: 'AWS::S3::Object', ARNPrefix: 'arn:aws:s3:::audited/p/' },
          { accountId: ACCOUNT, type: 'AWS::S3::Bucket', ARN: 'arn:aws:s3:::audited' },
        ],
      ]);
    } finally {
      client.destroy();
    }
  });

  // A captured CopyObject data event (DataDog stratus-red-team
  // `aws.impact.s3-ransomware-client-side-encryption`) logs, in this order, `bucketName`, `Host`,
  // the destination's `x-amz-server-side-encryption-customer-algorithm` (`"AES256"`),
  // `"x-amz-copy-source": "target bucket/target file.txt"` and `key`, and lists the destination
  // object then its bucket.
  it('a copy logs its source as x-amz-copy-source and lists the destination object, then its bucket', async () => {
    const engine = dataEngine();
    const client = inProcessClient(engine.handler);
    try {
      await client.send(new CreateBucketCommand({ Bucket: 'audited' }));
      await client.send(new PutObjectCommand({ Bucket: 'audited', Key: 'src', Body: 'x'.repeat(5) }));
      await client.send(new CopyObjectCommand({ Bucket: 'audited', Key: 'dst', CopySource: 'audited/src' }));
      const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket: 'audited', Key: 'big' }));
      await client.send(new UploadPartCopyCommand({ Bucket: 'audited', Key: 'big', UploadId, PartNumber: 1, CopySource: 'audited/src' }));
      const copy = recordOf(engine.s3, 'CopyObject');
      expect(Object.entries(copy.requestParameters ?? {})).toEqual([
        ['bucketName', 'audited'],
        ['Host', HOST],
        ['x-amz-copy-source', 'audited/src'],
        ['key', 'dst'],
        ['x-id', 'CopyObject'],
      ]);
      expect(copy.resources).toEqual([
        { type: 'AWS::S3::Object', ARN: 'arn:aws:s3:::audited/dst' },
        { accountId: ACCOUNT, type: 'AWS::S3::Bucket', ARN: 'arn:aws:s3:::audited' },
      ]);
      expect(Object.entries(recordOf(engine.s3, 'UploadPartCopy').requestParameters ?? {})).toEqual([
        ['bucketName', 'audited'],
        ['Host', HOST],
        ['x-amz-copy-source', 'audited/src'],
        ['key', 'big'],
        ['partNumber', '1'],
        ['uploadId', UploadId],
        ['x-id', 'UploadPartCopy'],
      ]);
    } finally {
      client.destroy();
    }
  });

  it("a copy to an SSE-C destination logs the algorithm's name before its source, and neither key", async () => {
    const engine = dataEngine();
    const client = inProcessClient(engine.handler);
    try {
      await createSseCBucket(engine, client);
      await client.send(new PutObjectCommand({ Bucket: 'audited', Key: 'src', Body: 'x'.repeat(5) }));
      const target = sseC(new Uint8Array(32).fill(7));
      const { SSECustomerAlgorithm, SSECustomerKey, SSECustomerKeyMD5 } = target;
      await client.send(
        new CopyObjectCommand({ Bucket: 'audited', Key: 'src', CopySource: 'audited/src', SSECustomerAlgorithm, SSECustomerKey, SSECustomerKeyMD5 }),
      );
      expect(Object.entries(recordOf(engine.s3, 'CopyObject').requestParameters ?? {})).toEqual([
        ['bucketName', 'audited'],
        ['Host', HOST],
        ['x-amz-server-side-encryption-customer-algorithm', 'AES256'],
        ['x-amz-copy-source', 'audited/src'],
        ['key', 'src'],
        ['x-id', 'CopyObject'],
      ]);
      const text = JSON.stringify(recordOf(engine.s3, 'CopyObject'));
      expect([text.includes(target.SSECustomerKey), text.includes(target.SSECustomerKeyMD5)]).toEqual([false, false]);
    } finally {
      client.destroy();
    }
  });

  it('never logs an SSE-C key or its MD5, whatever the key', async () => {
    const engine = dataEngine();
    const client = inProcessClient(engine.handler);
    try {
      await createSseCBucket(engine, client);
      await fc.assert(
        fc.asyncProperty(fc.uint8Array({ minLength: 32, maxLength: 32 }), async (raw) => {
          const customer = sseC(raw);
          const members = {
            SSECustomerAlgorithm: customer.SSECustomerAlgorithm,
            SSECustomerKey: customer.SSECustomerKey,
            SSECustomerKeyMD5: customer.SSECustomerKeyMD5,
          };
          await client.send(new PutObjectCommand({ Bucket: 'audited', Key: 'secret', Body: 'x', ...members }));
          await (await client.send(new GetObjectCommand({ Bucket: 'audited', Key: 'secret', ...members }))).Body?.transformToByteArray();
          const text = JSON.stringify(engine.s3.auditTrail.lookup({ maxResults: 2 }).records);
          expect(text).not.toContain(customer.SSECustomerKey);
          expect(text).not.toContain(customer.SSECustomerKeyMD5);
        }),
        { numRuns: 10 },
      );
    } finally {
      client.destroy();
    }
  });

  // A copy logs its source (x-amz-copy-source) and its destination's SSE-C algorithm by name: the
  // source's and the destination's SSE-C keys and their MD5s travel in other headers and stay out of
  // every field, additionalEventData included (which records SSEApplied SSE_C for the destination's
  // key).
  it("never logs a copy's SSE-C keys or their MD5s, whatever the keys", async () => {
    const engine = dataEngine();
    const client = inProcessClient(engine.handler);
    try {
      await createSseCBucket(engine, client);
      await fc.assert(
        fc.asyncProperty(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.uint8Array({ minLength: 32, maxLength: 32 }), async (sourceRaw, targetRaw) => {
          const source = sseC(sourceRaw);
          const target = sseC(targetRaw);
          const sourceKey = {
            SSECustomerAlgorithm: source.SSECustomerAlgorithm,
            SSECustomerKey: source.SSECustomerKey,
            SSECustomerKeyMD5: source.SSECustomerKeyMD5,
          };
          const copySourceKey = {
            CopySourceSSECustomerAlgorithm: source.SSECustomerAlgorithm,
            CopySourceSSECustomerKey: source.SSECustomerKey,
            CopySourceSSECustomerKeyMD5: source.SSECustomerKeyMD5,
          };
          const targetKey = {
            SSECustomerAlgorithm: target.SSECustomerAlgorithm,
            SSECustomerKey: target.SSECustomerKey,
            SSECustomerKeyMD5: target.SSECustomerKeyMD5,
          };
          await client.send(new PutObjectCommand({ Bucket: 'audited', Key: 'source', Body: 'x'.repeat(5), ...sourceKey }));
          await client.send(new CopyObjectCommand({ Bucket: 'audited', Key: 'copy', CopySource: 'audited/source', ...copySourceKey, ...targetKey }));
          const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket: 'audited', Key: 'parts', ...targetKey }));
          await client.send(
            new UploadPartCopyCommand({
              Bucket: 'audited',
              Key: 'parts',
              UploadId,
              PartNumber: 1,
              CopySource: 'audited/source',
              ...copySourceKey,
              ...targetKey,
            }),
          );
          const records = engine.s3.auditTrail.lookup({ maxResults: 4 }).records;
          expect(records.map((record) => record.eventName)).toEqual(['UploadPartCopy', 'CreateMultipartUpload', 'CopyObject', 'PutObject']);
          expect(records[2]?.additionalEventData?.['SSEApplied']).toBe('SSE_C');
          const text = JSON.stringify(records);
          for (const secret of [source.SSECustomerKey, source.SSECustomerKeyMD5, target.SSECustomerKey, target.SSECustomerKeyMD5])
            expect(text).not.toContain(secret);
        }),
        { numRuns: 10 },
      );
    } finally {
      client.destroy();
    }
  });
});

// What a write answers in its encryption headers, by their wire names: a captured PutObject data
// event to a bucket whose default is SSE-KMS (delivered through EventBridge, 2021, in a WhyLabs Druid
// extension's notes): `"responseElements": {"x-amz-server-side-encryption": "aws:kms",
// "x-amz-server-side-encryption-aws-kms-key-id": "arn:aws:kms:…:key/…"}`; a captured CopyObject to
// an SSE-C destination (DataDog stratus-red-team, `aws.impact.s3-ransomware-client-side-encryption`):
// `"responseElements": {"x-amz-server-side-encryption-customer-algorithm": "AES256"}`.
describe('responseElements of an object write', () => {
  const opened: S3[] = [];
  afterEach(async () => {
    for (const s3 of opened.splice(0)) await s3.close();
  });

  async function engineWithBucket(): Promise<S3> {
    const s3 = new S3({ dataEvents: true });
    opened.push(s3);
    await s3.createBucket({ Bucket: 'written' });
    await s3.putBucketEncryption({
      Bucket: 'written',
      ServerSideEncryptionConfiguration: {
        Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' }, BlockedEncryptionTypes: { EncryptionType: [] } }],
      },
    });
    return s3;
  }

  it('PutObject with SSE-S3 records the x-amz-server-side-encryption it answered', async () => {
    const s3 = await engineWithBucket();
    await s3.putObject({ Bucket: 'written', Key: 'k', Body: 'x', ServerSideEncryption: 'AES256' });
    expect(recordOf(s3, 'PutObject').responseElements).toEqual({ 'x-amz-server-side-encryption': 'AES256' });
  });

  it('PutObject with SSE-KMS records the algorithm, then the key ARN it answered', async () => {
    const s3 = await engineWithBucket();
    const put = await s3.putObject({ Bucket: 'written', Key: 'k', Body: 'x', ServerSideEncryption: 'aws:kms' });
    const elements = recordOf(s3, 'PutObject').responseElements;
    expect(Object.entries(elements ?? {})).toEqual([
      ['x-amz-server-side-encryption', 'aws:kms'],
      ['x-amz-server-side-encryption-aws-kms-key-id', put.SSEKMSKeyId],
    ]);
    expect(put.SSEKMSKeyId).toMatch(/^arn:aws:kms:/);
  });

  it("PutObject and CopyObject with a customer key record the algorithm's name only: never the key or its MD5", async () => {
    const s3 = await engineWithBucket();
    const customer = sseC(new Uint8Array(32).fill(9));
    const { raw: _, ...members } = customer;
    await s3.putObject({ Bucket: 'written', Key: 'k', Body: 'x', ...members });
    await s3.copyObject({
      Bucket: 'written',
      Key: 'copy',
      CopySource: 'written/k',
      CopySourceSSECustomerAlgorithm: customer.SSECustomerAlgorithm,
      CopySourceSSECustomerKey: customer.SSECustomerKey,
      CopySourceSSECustomerKeyMD5: customer.SSECustomerKeyMD5,
      ...members,
    });
    for (const name of ['PutObject', 'CopyObject']) {
      expect(recordOf(s3, name).responseElements).toEqual({ 'x-amz-server-side-encryption-customer-algorithm': 'AES256' });
    }
    const text = JSON.stringify(s3.auditTrail.records());
    expect([text.includes(customer.SSECustomerKey), text.includes(customer.SSECustomerKeyMD5)]).toEqual([false, false]);
  });

  it('a refused PutObject and a read record null', async () => {
    const s3 = await engineWithBucket();
    await expect(s3.putObject({ Bucket: 'written', Key: 'k', Body: 'x', ServerSideEncryption: 'aws:kms', SSEKMSKeyId: 'alias/absent' })).rejects.toThrow();
    expect(recordOf(s3, 'PutObject').responseElements).toBeNull();
    await s3.putObject({ Bucket: 'written', Key: 'k2', Body: 'x' });
    await s3.headObject({ Bucket: 'written', Key: 'k2' });
    expect(recordOf(s3, 'HeadObject').responseElements).toBeNull();
  });
});
