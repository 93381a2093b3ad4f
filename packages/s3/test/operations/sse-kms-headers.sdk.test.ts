/**
 * What SSE-KMS, S3 Bucket Keys and DSSE-KMS echo on every object operation, as the official
 * `@aws-sdk/client-s3` parses it from the wire (the kernel's in-process handler, an engine on a
 * real in-process Kms): the algorithm and the **full key ARN** on every response, the bucket-key
 * flag only when true and never for DSSE-KMS, the caller's context only on PutObject, CopyObject
 * and CreateMultipartUpload (model `httpHeader` traits; LS-snapshot captures of real S3;
 * ../shared/reference/s3-sse.md §1.2, §1.5, §3.1). The engine-level suites pin the same rules on
 * the in-process API; these pin the headers the SDK reads them from.
 */

import { randomBytes } from 'node:crypto';
import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutBucketEncryptionCommand,
  PutObjectCommand,
  type S3Client,
  UploadPartCommand,
  UploadPartCopyCommand,
} from '@aws-sdk/client-s3';
import { Kms } from '@strongbox/kms';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { inProcessClient, sdkError, type WireEngine, wireEngine } from '../helpers/wire.ts';

let kms: Kms;
let engine: WireEngine;
let client: S3Client;
let keyId: string;
let keyArn: string;

beforeEach(async () => {
  kms = new Kms({});
  engine = wireEngine({ engine: { kms, auditTrail: kms.auditTrail } });
  client = inProcessClient(engine.handler);
  const { KeyMetadata } = await kms.createKey({});
  keyId = KeyMetadata?.KeyId ?? '';
  keyArn = KeyMetadata?.Arn ?? '';
  await client.send(new CreateBucketCommand({ Bucket: 'data' }));
});
afterEach(async () => {
  client.destroy();
  await engine.close();
  await kms.close();
});

const context = (pairs: Record<string, string>): string => Buffer.from(JSON.stringify(pairs)).toString('base64');
const body = new Uint8Array(randomBytes(70_000));

/** The SSE members of an SDK output (what its headers carried), without the rest. */
function sse(output: object): Record<string, unknown> {
  const members = ['ServerSideEncryption', 'SSEKMSKeyId', 'SSEKMSEncryptionContext', 'BucketKeyEnabled', 'SSECustomerAlgorithm', 'SSECustomerKeyMD5'];
  return Object.fromEntries(Object.entries(output).filter(([name]) => members.includes(name)));
}

describe('SSE-KMS with a bucket key, named by the request', () => {
  it('PutObject echoes the ARN, the context and BucketKeyEnabled; GetObject (whole, ranged, by part) and HeadObject the same without the context', async () => {
    const sent = context({ team: 'a' });
    const put = await client.send(
      new PutObjectCommand({
        Bucket: 'data',
        Key: 'k',
        Body: body,
        ServerSideEncryption: 'aws:kms',
        SSEKMSKeyId: keyId,
        BucketKeyEnabled: true,
        SSEKMSEncryptionContext: sent,
      }),
    );
    expect(sse(put)).toEqual({ ServerSideEncryption: 'aws:kms', SSEKMSKeyId: keyArn, SSEKMSEncryptionContext: sent, BucketKeyEnabled: true });
    const read = { ServerSideEncryption: 'aws:kms', SSEKMSKeyId: keyArn, BucketKeyEnabled: true };
    const whole = await client.send(new GetObjectCommand({ Bucket: 'data', Key: 'k' }));
    expect(Buffer.from(await whole.Body!.transformToByteArray()).equals(Buffer.from(body))).toBe(true);
    expect(sse(whole)).toEqual(read);
    const ranged = await client.send(new GetObjectCommand({ Bucket: 'data', Key: 'k', Range: 'bytes=-16' }));
    expect([ranged.$metadata.httpStatusCode, ranged.ContentRange, sse(ranged)]).toEqual([206, 'bytes 69984-69999/70000', read]);
    await ranged.Body!.transformToByteArray();
    const part = await client.send(new GetObjectCommand({ Bucket: 'data', Key: 'k', PartNumber: 1 }));
    expect([part.$metadata.httpStatusCode, sse(part)]).toEqual([206, read]);
    await part.Body!.transformToByteArray();
    expect(sse(await client.send(new HeadObjectCommand({ Bucket: 'data', Key: 'k' })))).toEqual(read);
  });

  it('a multipart upload: Create echoes the context, UploadPart, UploadPartCopy and Complete the ARN and BucketKeyEnabled only', async () => {
    await client.send(new PutObjectCommand({ Bucket: 'data', Key: 'source', Body: 'copied into a part' }));
    const sent = context({ team: 'm' });
    const created = await client.send(
      new CreateMultipartUploadCommand({
        Bucket: 'data',
        Key: 'm',
        ServerSideEncryption: 'aws:kms',
        SSEKMSKeyId: keyId,
        BucketKeyEnabled: true,
        SSEKMSEncryptionContext: sent,
      }),
    );
    expect(sse(created)).toEqual({ ServerSideEncryption: 'aws:kms', SSEKMSKeyId: keyArn, SSEKMSEncryptionContext: sent, BucketKeyEnabled: true });
    const echoed = { ServerSideEncryption: 'aws:kms', SSEKMSKeyId: keyArn, BucketKeyEnabled: true };
    const { UploadId } = created;
    const first = await client.send(new UploadPartCommand({ Bucket: 'data', Key: 'm', UploadId, PartNumber: 1, Body: new Uint8Array(5 * 1024 * 1024) }));
    expect(sse(first)).toEqual(echoed);
    const second = await client.send(new UploadPartCopyCommand({ Bucket: 'data', Key: 'm', UploadId, PartNumber: 2, CopySource: 'data/source' }));
    expect(sse(second)).toEqual(echoed);
    const done = await client.send(
      new CompleteMultipartUploadCommand({
        Bucket: 'data',
        Key: 'm',
        UploadId,
        MultipartUpload: {
          Parts: [
            { PartNumber: 1, ETag: first.ETag },
            { PartNumber: 2, ETag: second.CopyPartResult?.ETag },
          ],
        },
      }),
    );
    expect(sse(done)).toEqual(echoed);
    expect(done.ETag).toMatch(/^"[0-9a-f]{32}-2"$/);
    const head = await client.send(new HeadObjectCommand({ Bucket: 'data', Key: 'm', PartNumber: 2 }));
    expect([head.PartsCount, head.ContentLength, sse(head)]).toEqual([2, 18, echoed]);
  });
});

describe('the bucket default, and requests overriding it', () => {
  it('a default named by bare key id answers the full ARN; a request’s bucket-key false overrides the default’s true and is omitted', async () => {
    await client.send(
      new PutBucketEncryptionCommand({
        Bucket: 'data',
        ServerSideEncryptionConfiguration: {
          Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: keyId }, BucketKeyEnabled: true }],
        },
      }),
    );
    const byDefault = await client.send(new PutObjectCommand({ Bucket: 'data', Key: 'a', Body: body }));
    expect(sse(byDefault)).toEqual({ ServerSideEncryption: 'aws:kms', SSEKMSKeyId: keyArn, BucketKeyEnabled: true });
    const overridden = await client.send(
      new PutObjectCommand({ Bucket: 'data', Key: 'b', Body: body, ServerSideEncryption: 'aws:kms', SSEKMSKeyId: keyId, BucketKeyEnabled: false }),
    );
    expect(sse(overridden)).toEqual({ ServerSideEncryption: 'aws:kms', SSEKMSKeyId: keyArn });
    expect(sse(await client.send(new HeadObjectCommand({ Bucket: 'data', Key: 'b' })))).toEqual({ ServerSideEncryption: 'aws:kms', SSEKMSKeyId: keyArn });
    // An explicit AES256 wins over the default.
    expect(sse(await client.send(new PutObjectCommand({ Bucket: 'data', Key: 'c', Body: body, ServerSideEncryption: 'AES256' })))).toEqual({
      ServerSideEncryption: 'AES256',
    });
    // A copy without encryption headers takes the destination's default, never the source's encryption.
    const copied = await client.send(new CopyObjectCommand({ Bucket: 'data', Key: 'd', CopySource: 'data/c' }));
    expect(sse(copied)).toEqual({ ServerSideEncryption: 'aws:kms', SSEKMSKeyId: keyArn, BucketKeyEnabled: true });
  });

  it('DSSE-KMS, by default or request: aws:kms:dsse and the ARN everywhere, never BucketKeyEnabled even when the bucket or request asks for it', async () => {
    await client.send(
      new PutBucketEncryptionCommand({
        Bucket: 'data',
        ServerSideEncryptionConfiguration: {
          Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms:dsse', KMSMasterKeyID: keyArn }, BucketKeyEnabled: true }],
        },
      }),
    );
    const dsse = { ServerSideEncryption: 'aws:kms:dsse', SSEKMSKeyId: keyArn };
    expect(sse(await client.send(new PutObjectCommand({ Bucket: 'data', Key: 'a', Body: body })))).toEqual(dsse);
    const got = await client.send(new GetObjectCommand({ Bucket: 'data', Key: 'a', Range: 'bytes=10-19' }));
    expect(sse(got)).toEqual(dsse);
    expect(Buffer.from(await got.Body!.transformToByteArray()).equals(Buffer.from(body.subarray(10, 20)))).toBe(true);
    const created = await client.send(
      new CreateMultipartUploadCommand({ Bucket: 'data', Key: 'm', ServerSideEncryption: 'aws:kms:dsse', BucketKeyEnabled: true }),
    );
    // No key named: the AWS managed key aws/s3, whose ARN is another key's.
    expect(created.ServerSideEncryption).toBe('aws:kms:dsse');
    expect(created.SSEKMSKeyId).toMatch(/^arn:aws:kms:us-east-1:000000000000:key\/[0-9a-f-]{36}$/);
    expect(created.SSEKMSKeyId).not.toBe(keyArn);
    expect(created.BucketKeyEnabled).toBeUndefined();
    const part = await client.send(new UploadPartCommand({ Bucket: 'data', Key: 'm', UploadId: created.UploadId, PartNumber: 1, Body: 'only part' }));
    expect(sse(part)).toEqual({ ServerSideEncryption: 'aws:kms:dsse', SSEKMSKeyId: created.SSEKMSKeyId });
  });
});

describe('CopyObject changing an object’s encryption in place', () => {
  it('SSE-S3 → SSE-KMS with a context → DSSE-KMS: each copy echoes its own encryption and context, the bytes stay', async () => {
    await client.send(new PutObjectCommand({ Bucket: 'data', Key: 'k', Body: body }));
    const sent = context({ step: 'kms' });
    const toKms = await client.send(
      new CopyObjectCommand({
        Bucket: 'data',
        Key: 'k',
        CopySource: 'data/k',
        ServerSideEncryption: 'aws:kms',
        SSEKMSKeyId: keyId,
        SSEKMSEncryptionContext: sent,
      }),
    );
    expect(sse(toKms)).toEqual({ ServerSideEncryption: 'aws:kms', SSEKMSKeyId: keyArn, SSEKMSEncryptionContext: sent });
    // The source's context is not carried over: this copy sends none, and none is echoed.
    const toDsse = await client.send(
      new CopyObjectCommand({ Bucket: 'data', Key: 'k', CopySource: 'data/k', ServerSideEncryption: 'aws:kms:dsse', SSEKMSKeyId: keyArn }),
    );
    expect(sse(toDsse)).toEqual({ ServerSideEncryption: 'aws:kms:dsse', SSEKMSKeyId: keyArn });
    const got = await client.send(new GetObjectCommand({ Bucket: 'data', Key: 'k' }));
    expect(sse(got)).toEqual({ ServerSideEncryption: 'aws:kms:dsse', SSEKMSKeyId: keyArn });
    expect(Buffer.from(await got.Body!.transformToByteArray()).equals(Buffer.from(body))).toBe(true);
  });

  it('KMS key errors on the destination, as LS-snapshot records them, and nothing is stored', async () => {
    await client.send(new PutObjectCommand({ Bucket: 'data', Key: 'k', Body: body }));
    const copy = (SSEKMSKeyId: string) =>
      sdkError(client.send(new CopyObjectCommand({ Bucket: 'data', Key: 'other', CopySource: 'data/k', ServerSideEncryption: 'aws:kms', SSEKMSKeyId })));
    const missing = 'arn:aws:kms:us-east-1:000000000000:key/11111111-2222-3333-4444-555555555555';
    const answers = await Promise.all([
      copy('fake-key-id'),
      copy(missing),
      copy('arn:aws:kms:eu-west-1:000000000000:key/11111111-2222-3333-4444-555555555555'),
    ]);
    expect(answers.map((error) => [error.name, error.$metadata.httpStatusCode, error.message])).toEqual([
      ['KMS.NotFoundException', 400, "Invalid keyId 'fake-key-id'"],
      ['KMS.NotFoundException', 400, `Key '${missing}' does not exist`],
      ['KMS.NotFoundException', 400, 'Invalid arn eu-west-1'],
    ]);
    expect((await sdkError(client.send(new HeadObjectCommand({ Bucket: 'data', Key: 'other' })))).$metadata.httpStatusCode).toBe(404);
  });
});
