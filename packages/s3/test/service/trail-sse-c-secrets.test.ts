/**
 * A customer-provided key (SSE-C) and its MD5 never reach the trail, whatever the key and whichever
 * object call carried them: a read of a range, a HEAD, a conditional read S3 refuses, and the calls of
 * a multipart upload (UploadPart takes the key again for each part). DEVELOPERS.md: secrets (SSE-C
 * keys) never reach disk, logs or messages; the trail's records are what LookupEvents serves.
 */

import {
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { members, sseC } from '../helpers/engine.ts';
import { inProcessClient, type WireEngine, wireEngine } from '../helpers/wire.ts';

const engines: WireEngine[] = [];
afterEach(async () => {
  for (const engine of engines.splice(0)) await engine.close();
});

describe('SSE-C keys in the trail', () => {
  it('never records the key or its MD5 for ranged, HEAD, refused and multipart calls, whatever the key', async () => {
    const engine = wireEngine({ engine: { dataEvents: true } });
    engines.push(engine);
    const client = inProcessClient(engine.handler);
    try {
      await client.send(new CreateBucketCommand({ Bucket: 'keys' }));
      // New buckets refuse SSE-C writes by default; this one allows them.
      await engine.s3.putBucketEncryption({
        Bucket: 'keys',
        ServerSideEncryptionConfiguration: {
          Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' }, BlockedEncryptionTypes: { EncryptionType: [] } }],
        },
      });
      let round = 0;
      await fc.assert(
        fc.asyncProperty(fc.uint8Array({ minLength: 32, maxLength: 32 }), async (raw) => {
          round += 1;
          const customer = sseC(raw);
          const key = members(customer);
          const name = `k${round}`;
          await client.send(new PutObjectCommand({ Bucket: 'keys', Key: name, Body: 'hello world', ...key }));
          await (await client.send(new GetObjectCommand({ Bucket: 'keys', Key: name, Range: 'bytes=0-3', ...key }))).Body?.transformToByteArray();
          await client.send(new HeadObjectCommand({ Bucket: 'keys', Key: name, ...key }));
          await expect(client.send(new GetObjectCommand({ Bucket: 'keys', Key: name, IfMatch: '"0"', ...key }))).rejects.toMatchObject({
            $metadata: { httpStatusCode: 412 },
          });
          const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket: 'keys', Key: `${name}-parts`, ...key }));
          const { ETag } = await client.send(new UploadPartCommand({ Bucket: 'keys', Key: `${name}-parts`, UploadId, PartNumber: 1, Body: 'part', ...key }));
          await client.send(
            new CompleteMultipartUploadCommand({
              Bucket: 'keys',
              Key: `${name}-parts`,
              UploadId,
              MultipartUpload: { Parts: [{ PartNumber: 1, ETag }] },
              ...key,
            }),
          );
          const records = engine.s3.auditTrail.lookup({ maxResults: 7 }).records;
          expect(records.map((record) => record.eventName)).toEqual([
            'CompleteMultipartUpload',
            'UploadPart',
            'CreateMultipartUpload',
            'GetObject',
            'HeadObject',
            'GetObject',
            'PutObject',
          ]);
          const text = JSON.stringify(records);
          expect(text).not.toContain(customer.SSECustomerKey);
          expect(text).not.toContain(customer.SSECustomerKeyMD5);
        }),
        { numRuns: 8 },
      );
    } finally {
      client.destroy();
    }
  });
});
