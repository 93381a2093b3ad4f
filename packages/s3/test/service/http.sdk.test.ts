/**
 * The official `@aws-sdk/client-s3` (default settings: CRC32 request checksums, response
 * checksum validation on) against the S3 REST handler through the kernel's in-process SDK
 * handler: every operation the engine serves, as the SDK serializes and parses it.
 */

import { randomBytes } from 'node:crypto';
import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteBucketEncryptionCommand,
  DeleteObjectCommand,
  GetBucketEncryptionCommand,
  GetBucketLocationCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListBucketsCommand,
  PutBucketEncryptionCommand,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { ALLOW_SSE_C } from '../helpers/backends.ts';
import { md5Etag, sseC } from '../helpers/engine.ts';
import { useInProcessS3 } from '../helpers/sdk-fixture.ts';
import { inProcessClient, sdkError, wireEngine } from '../helpers/wire.ts';

const sdk = useInProcessS3();

describe('S3 REST through the in-process SDK handler', () => {
  it('creates, heads, lists, locates and deletes buckets', async () => {
    const created = await sdk.client.send(new CreateBucketCommand({ Bucket: 'reports' }));
    expect(created.Location).toBe('/reports');
    const head = await sdk.client.send(new HeadBucketCommand({ Bucket: 'reports' }));
    expect(head.BucketRegion).toBe('us-east-1');
    // brekkylab/backlot `head_bucket` (measured 2026-09-29): the 200 carries `x-amz-bucket-arn`.
    expect(head.BucketArn).toBe('arn:aws:s3:::reports');
    expect(head.$metadata.httpStatusCode).toBe(200);
    const listed = await sdk.client.send(new ListBucketsCommand({}));
    expect(listed.Buckets?.map((bucket) => bucket.Name)).toEqual(['reports']);
    expect(listed.Buckets?.[0]?.CreationDate).toBeInstanceOf(Date);
    expect(listed.Owner?.ID).toMatch(/^[0-9a-f]{64}$/);
    const location = await sdk.client.send(new GetBucketLocationCommand({ Bucket: 'reports' }));
    expect(location.LocationConstraint).toBeUndefined();
    const deleted = await sdk.client.send(new DeleteBucketCommand({ Bucket: 'reports' }));
    expect(deleted.$metadata.httpStatusCode).toBe(204);
    const missing = await sdkError(sdk.client.send(new HeadBucketCommand({ Bucket: 'reports' })));
    expect(missing.name).toBe('NotFound');
    expect(missing.$metadata.httpStatusCode).toBe(404);
  });

  it('puts and gets an SSE-S3 object with metadata, its MD5 ETag and AES256 echoed', async () => {
    await sdk.client.send(new CreateBucketCommand({ Bucket: 'bucket-1' }));
    const body = new Uint8Array(randomBytes(100_000));
    const put = await sdk.client.send(
      new PutObjectCommand({ Bucket: 'bucket-1', Key: 'dir/a b+c.bin', Body: body, ContentType: 'application/x-test', Metadata: { Owner: 'ana' } }),
    );
    expect(put.ETag).toBe(md5Etag(body));
    expect(put.ServerSideEncryption).toBe('AES256');
    const got = await sdk.client.send(new GetObjectCommand({ Bucket: 'bucket-1', Key: 'dir/a b+c.bin' }));
    expect(got.$metadata.httpStatusCode).toBe(200);
    expect(got.ContentLength).toBe(body.length);
    expect(got.ContentType).toBe('application/x-test');
    expect(got.Metadata).toEqual({ owner: 'ana' });
    expect(got.ServerSideEncryption).toBe('AES256');
    expect(got.ETag).toBe(put.ETag);
    expect(got.LastModified).toBeInstanceOf(Date);
    expect(Buffer.from(await got.Body!.transformToByteArray()).equals(body)).toBe(true);
  });

  it('answers ranges as 206 with Content-Range, and an unsatisfiable one as 416 InvalidRange', async () => {
    await sdk.client.send(new CreateBucketCommand({ Bucket: 'bucket-2' }));
    await sdk.client.send(new PutObjectCommand({ Bucket: 'bucket-2', Key: 'k', Body: '0123456789' }));
    const suffix = await sdk.client.send(new GetObjectCommand({ Bucket: 'bucket-2', Key: 'k', Range: 'bytes=-2' }));
    expect(suffix.$metadata.httpStatusCode).toBe(206);
    expect(suffix.ContentRange).toBe('bytes 8-9/10');
    expect(await suffix.Body!.transformToString()).toBe('89');
    const ignored = await sdk.client.send(new GetObjectCommand({ Bucket: 'bucket-2', Key: 'k', Range: 'bytes=1-0' }));
    expect(ignored.$metadata.httpStatusCode).toBe(200);
    expect(await ignored.Body!.transformToString()).toBe('0123456789');
    const error = await sdkError(sdk.client.send(new GetObjectCommand({ Bucket: 'bucket-2', Key: 'k', Range: 'bytes=100-200' })));
    expect(error.name).toBe('InvalidRange');
    expect(error.$metadata.httpStatusCode).toBe(416);
    expect(error.message).toBe('The requested range is not satisfiable');
    const head = await sdk.client.send(new HeadObjectCommand({ Bucket: 'bucket-2', Key: 'k', Range: 'bytes=0-3' }));
    expect(head.$metadata.httpStatusCode).toBe(206);
    expect(head.ContentLength).toBe(4);
  });

  it('stores SSE-C objects over TLS and answers the key errors as S3 does', async () => {
    await sdk.client.send(new CreateBucketCommand({ Bucket: 'bucket-3' }));
    await sdk.client.send(new PutBucketEncryptionCommand({ Bucket: 'bucket-3', ...ALLOW_SSE_C }));
    const key = sseC();
    const customer = { SSECustomerAlgorithm: 'AES256', SSECustomerKey: key.SSECustomerKey };
    const put = await sdk.client.send(new PutObjectCommand({ Bucket: 'bucket-3', Key: 'secret', Body: 'hello', ...customer }));
    expect(put.SSECustomerAlgorithm).toBe('AES256');
    expect(put.SSECustomerKeyMD5).toBe(key.SSECustomerKeyMD5);
    expect(put.ServerSideEncryption).toBeUndefined();
    const got = await sdk.client.send(new GetObjectCommand({ Bucket: 'bucket-3', Key: 'secret', ...customer }));
    expect(await got.Body!.transformToString()).toBe('hello');
    const without = await sdkError(sdk.client.send(new GetObjectCommand({ Bucket: 'bucket-3', Key: 'secret' })));
    expect([without.name, without.$metadata.httpStatusCode]).toEqual(['InvalidRequest', 400]);
    const wrong = await sdkError(
      sdk.client.send(new GetObjectCommand({ Bucket: 'bucket-3', Key: 'secret', SSECustomerAlgorithm: 'AES256', SSECustomerKey: sseC().SSECustomerKey })),
    );
    expect([wrong.name, wrong.$metadata.httpStatusCode]).toEqual(['AccessDenied', 403]);
    const headWrong = await sdkError(
      sdk.client.send(new HeadObjectCommand({ Bucket: 'bucket-3', Key: 'secret', SSECustomerAlgorithm: 'AES256', SSECustomerKey: sseC().SSECustomerKey })),
    );
    expect(headWrong.$metadata.httpStatusCode).toBe(403);
  });

  it('refuses SSE-C over plain HTTP (the endpoint scheme is the transport)', async () => {
    await sdk.client.send(new CreateBucketCommand({ Bucket: 'bucket-4' }));
    const plain = inProcessClient(sdk.engine.handler, { endpoint: 'http://strongbox.localhost' });
    const error = await sdkError(
      plain.send(new PutObjectCommand({ Bucket: 'bucket-4', Key: 'k', Body: 'x', SSECustomerAlgorithm: 'AES256', SSECustomerKey: sseC().SSECustomerKey })),
    );
    expect([error.name, error.$metadata.httpStatusCode]).toEqual(['InvalidRequest', 400]);
    expect(error.message).toBe('Requests specifying Server Side Encryption with Customer provided keys must be made over a secure connection.');
  });

  it('reads, replaces and deletes the bucket default encryption', async () => {
    await sdk.client.send(new CreateBucketCommand({ Bucket: 'bucket-5' }));
    const fresh = await sdk.client.send(new GetBucketEncryptionCommand({ Bucket: 'bucket-5' }));
    expect(fresh.ServerSideEncryptionConfiguration?.Rules).toEqual([
      { ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' }, BucketKeyEnabled: false, BlockedEncryptionTypes: { EncryptionType: ['SSE-C'] } },
    ]);
    const bad = await sdkError(
      sdk.client.send(
        new PutBucketEncryptionCommand({
          Bucket: 'bucket-5',
          ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256', KMSMasterKeyID: 'k' } }] },
        }),
      ),
    );
    expect([bad.name, bad.$metadata.httpStatusCode]).toEqual(['InvalidArgument', 400]);
    const deleted = await sdk.client.send(new DeleteBucketEncryptionCommand({ Bucket: 'bucket-5' }));
    expect(deleted.$metadata.httpStatusCode).toBe(204);
  });

  it('answers errors with S3 codes, statuses and the request id', async () => {
    const noBucket = await sdkError(sdk.client.send(new GetObjectCommand({ Bucket: 'nope', Key: 'k' })));
    expect([noBucket.name, noBucket.$metadata.httpStatusCode, noBucket.message]).toEqual(['NoSuchBucket', 404, 'The specified bucket does not exist']);
    await sdk.client.send(new CreateBucketCommand({ Bucket: 'bucket-6' }));
    const noKey = await sdkError(sdk.client.send(new GetObjectCommand({ Bucket: 'bucket-6', Key: 'missing' })));
    expect([noKey.name, noKey.$metadata.httpStatusCode]).toEqual(['NoSuchKey', 404]);
    expect((noKey.$metadata as { requestId?: string }).requestId).toMatch(/^[0-9A-F]{16}$/);
    const deleted = await sdk.client.send(new DeleteObjectCommand({ Bucket: 'bucket-6', Key: 'missing' }));
    expect(deleted.$metadata.httpStatusCode).toBe(204);
  });
});

describe('S3 REST with the SDK default checksums on stream bodies', () => {
  it('decodes an aws-chunked upload with its CRC32 trailer (STREAMING-UNSIGNED-PAYLOAD-TRAILER)', async () => {
    const { Readable } = await import('node:stream');
    await sdk.client.send(new CreateBucketCommand({ Bucket: 'streamed' }));
    const parts = [randomBytes(70_000), randomBytes(3), randomBytes(100_000)].map((part) => new Uint8Array(part));
    const whole = Buffer.concat(parts);
    const seen: Record<string, string | undefined>[] = [];
    const recording = inProcessClient(async (request) => {
      seen.push({ ...request.headers });
      return sdk.engine.handler(request);
    });
    const put = await recording.send(new PutObjectCommand({ Bucket: 'streamed', Key: 'k', Body: Readable.from(parts), ContentLength: whole.length }));
    expect(put.ETag).toBe(md5Etag(whole));
    // What the SDK sent: its default for a stream body.
    expect(seen[0]).toMatchObject({
      'content-encoding': 'aws-chunked',
      'x-amz-content-sha256': 'STREAMING-UNSIGNED-PAYLOAD-TRAILER',
      'x-amz-trailer': 'x-amz-checksum-crc32',
    });
    const got = await sdk.client.send(new GetObjectCommand({ Bucket: 'streamed', Key: 'k' }));
    expect(Buffer.from(await got.Body!.transformToByteArray()).equals(whole)).toBe(true);
  });
});

describe('S3 REST outside us-east-1', () => {
  it('creates a bucket with its LocationConstraint document and reads the location back', async () => {
    const west = wireEngine({ engine: { region: 'eu-west-1' } });
    const s3 = inProcessClient(west.handler, { region: 'eu-west-1' });
    const created = await s3.send(new CreateBucketCommand({ Bucket: 'west-bucket', CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' } }));
    expect(created.Location).toBe('http://west-bucket.s3.amazonaws.com/');
    const location = await s3.send(new GetBucketLocationCommand({ Bucket: 'west-bucket' }));
    expect(location.LocationConstraint).toBe('eu-west-1');
    const wrong = await sdkError(s3.send(new CreateBucketCommand({ Bucket: 'other-bucket', CreateBucketConfiguration: { LocationConstraint: 'ap-south-1' } })));
    expect([wrong.name, wrong.$metadata.httpStatusCode]).toEqual(['IllegalLocationConstraintException', 400]);
    s3.destroy();
    await west.close();
  });
});

describe('S3 REST request checks', () => {
  it('answers a Content-MD5 that does not match with 400 BadDigest and stores nothing', async () => {
    await sdk.client.send(new CreateBucketCommand({ Bucket: 'digest-bucket' }));
    const wrongMd5 = Buffer.alloc(16, 7).toString('base64');
    const error = await sdkError(sdk.client.send(new PutObjectCommand({ Bucket: 'digest-bucket', Key: 'k', Body: 'payload', ContentMD5: wrongMd5 })));
    expect([error.name, error.$metadata.httpStatusCode]).toEqual(['BadDigest', 400]);
    const missing = await sdkError(sdk.client.send(new HeadObjectCommand({ Bucket: 'digest-bucket', Key: 'k' })));
    expect(missing.$metadata.httpStatusCode).toBe(404);
  });

  it('refuses x-amz-server-side-encryption on a read with 400', async () => {
    await sdk.client.send(new CreateBucketCommand({ Bucket: 'read-sse-bucket' }));
    await sdk.client.send(new PutObjectCommand({ Bucket: 'read-sse-bucket', Key: 'k', Body: 'x' }));
    const recording = inProcessClient(async (request) =>
      sdk.engine.handler({ ...request, headers: { ...request.headers, 'x-amz-server-side-encryption': 'AES256' } }),
    );
    const error = await sdkError(recording.send(new GetObjectCommand({ Bucket: 'read-sse-bucket', Key: 'k' })));
    expect([error.name, error.$metadata.httpStatusCode]).toEqual(['InvalidArgument', 400]);
  });
});

describe('S3 REST checksums (the SDK defaults since January 2025)', () => {
  it('stores the CRC32 the SDK sends, returns it on full GETs (the SDK validates it) and never on ranges', async () => {
    await sdk.client.send(new CreateBucketCommand({ Bucket: 'crc-bucket' }));
    const put = await sdk.client.send(new PutObjectCommand({ Bucket: 'crc-bucket', Key: 'k', Body: 'test-sse' }));
    // crc32("test-sse"), as real S3 answered it (s3-sse.md §1.2).
    expect(put.ChecksumCRC32).toBe('KHcEKQ==');
    const got = await sdk.client.send(new GetObjectCommand({ Bucket: 'crc-bucket', Key: 'k', ChecksumMode: 'ENABLED' }));
    expect([got.ChecksumCRC32, got.ChecksumType]).toEqual(['KHcEKQ==', 'FULL_OBJECT']);
    expect(await got.Body!.transformToString()).toBe('test-sse');
    const ranged = await sdk.client.send(new GetObjectCommand({ Bucket: 'crc-bucket', Key: 'k', Range: 'bytes=0-3', ChecksumMode: 'ENABLED' }));
    expect(ranged.ChecksumCRC32).toBeUndefined();
    expect(await ranged.Body!.transformToString()).toBe('test');
  });

  it('answers a checksum header that does not match the body with 400 BadDigest, nothing stored', async () => {
    await sdk.client.send(new CreateBucketCommand({ Bucket: 'crc-bad-bucket' }));
    const error = await sdkError(sdk.client.send(new PutObjectCommand({ Bucket: 'crc-bad-bucket', Key: 'k', Body: 'test-sse', ChecksumCRC32: 'AAAAAA==' })));
    expect([error.name, error.$metadata.httpStatusCode, error.message]).toEqual([
      'BadDigest',
      400,
      'The CRC32 you specified did not match the calculated checksum.',
    ]);
    const missing = await sdkError(sdk.client.send(new HeadObjectCommand({ Bucket: 'crc-bad-bucket', Key: 'k' })));
    expect(missing.$metadata.httpStatusCode).toBe(404);
  });

  it('checks the CRC32 trailer of an aws-chunked upload against the body', async () => {
    const { Readable } = await import('node:stream');
    await sdk.client.send(new CreateBucketCommand({ Bucket: 'trailer-bucket' }));
    const body = Buffer.from('test-sse');
    const put = await sdk.client.send(new PutObjectCommand({ Bucket: 'trailer-bucket', Key: 'k', Body: Readable.from([body]), ContentLength: body.length }));
    expect(put.ChecksumCRC32).toBe('KHcEKQ==');
  });
});

describe('S3 REST with SSE-KMS and DSSE-KMS', () => {
  it('encrypts under the AWS managed key, echoes the key ARN and bucket key, and decrypts on GET', async () => {
    await sdk.client.send(new CreateBucketCommand({ Bucket: 'kms-bucket' }));
    const put = await sdk.client.send(
      new PutObjectCommand({ Bucket: 'kms-bucket', Key: 'k', Body: 'under kms', ServerSideEncryption: 'aws:kms', BucketKeyEnabled: true }),
    );
    expect(put.ServerSideEncryption).toBe('aws:kms');
    expect(put.SSEKMSKeyId).toMatch(/^arn:aws:kms:us-east-1:000000000000:key\//);
    expect(put.BucketKeyEnabled).toBe(true);
    expect(put.ETag).not.toBe(md5Etag(new TextEncoder().encode('under kms')));
    const got = await sdk.client.send(new GetObjectCommand({ Bucket: 'kms-bucket', Key: 'k' }));
    expect([got.ServerSideEncryption, got.SSEKMSKeyId, got.BucketKeyEnabled]).toEqual(['aws:kms', put.SSEKMSKeyId, true]);
    expect(await got.Body!.transformToString()).toBe('under kms');
    const dsse = await sdk.client.send(new PutObjectCommand({ Bucket: 'kms-bucket', Key: 'd', Body: 'two layers', ServerSideEncryption: 'aws:kms:dsse' }));
    expect(dsse.ServerSideEncryption).toBe('aws:kms:dsse');
    expect(await (await sdk.client.send(new GetObjectCommand({ Bucket: 'kms-bucket', Key: 'd' }))).Body!.transformToString()).toBe('two layers');
  });

  it('answers KMS errors as S3 reports them (the SDK names them KMS.*)', async () => {
    await sdk.client.send(new CreateBucketCommand({ Bucket: 'kms-error-bucket' }));
    const error = await sdkError(
      sdk.client.send(new PutObjectCommand({ Bucket: 'kms-error-bucket', Key: 'k', Body: 'x', ServerSideEncryption: 'aws:kms', SSEKMSKeyId: 'fake-key-id' })),
    );
    expect([error.name, error.$metadata.httpStatusCode, error.message]).toEqual(['KMS.NotFoundException', 400, "Invalid keyId 'fake-key-id'"]);
  });

  it('refuses SSE-KMS over plain HTTP', async () => {
    await sdk.client.send(new CreateBucketCommand({ Bucket: 'kms-plain-bucket' }));
    const plain = inProcessClient(sdk.engine.handler, { endpoint: 'http://strongbox.localhost' });
    const error = await sdkError(plain.send(new PutObjectCommand({ Bucket: 'kms-plain-bucket', Key: 'k', Body: 'x', ServerSideEncryption: 'aws:kms' })));
    expect([error.name, error.$metadata.httpStatusCode]).toEqual(['InvalidArgument', 400]);
  });
});

describe('S3 REST listings, batch deletes, copies and conditional reads', () => {
  it('lists with prefixes, delimiters and pages (the SDK paginator follows the tokens)', async () => {
    const { ListObjectsV2Command, paginateListObjectsV2 } = await import('@aws-sdk/client-s3');
    await sdk.client.send(new CreateBucketCommand({ Bucket: 'list-bucket' }));
    const keys = ['a/1', 'a/2', 'a/sub/3', 'b & c <d>', 'z\nnewline'];
    for (const Key of keys) await sdk.client.send(new PutObjectCommand({ Bucket: 'list-bucket', Key, Body: Key }));
    const rolled = await sdk.client.send(new ListObjectsV2Command({ Bucket: 'list-bucket', Prefix: 'a/', Delimiter: '/' }));
    expect(rolled.Contents?.map((object) => object.Key)).toEqual(['a/1', 'a/2']);
    expect(rolled.CommonPrefixes).toEqual([{ Prefix: 'a/sub/' }]);
    expect(rolled.KeyCount).toBe(3);
    expect(rolled.Contents?.[0]).toMatchObject({ Size: 3, StorageClass: 'STANDARD', ETag: md5Etag(new TextEncoder().encode('a/1')) });
    expect(rolled.Contents?.[0]?.LastModified).toBeInstanceOf(Date);
    const pages: string[][] = [];
    for await (const page of paginateListObjectsV2({ client: sdk.client, pageSize: 2 }, { Bucket: 'list-bucket' }))
      pages.push((page.Contents ?? []).map((o) => o.Key ?? ''));
    expect(pages).toEqual([['a/1', 'a/2'], ['a/sub/3', 'b & c <d>'], ['z\nnewline']]);
    const bad = await sdkError(sdk.client.send(new ListObjectsV2Command({ Bucket: 'list-bucket', ContinuationToken: 'not-a-token' })));
    expect([bad.name, bad.$metadata.httpStatusCode]).toEqual(['InvalidArgument', 400]);
  });

  it('deletes a batch of keys with DeleteObjects, reporting each', async () => {
    const { DeleteObjectsCommand, ListObjectsV2Command } = await import('@aws-sdk/client-s3');
    await sdk.client.send(new CreateBucketCommand({ Bucket: 'batch-bucket' }));
    for (const Key of ['one', 'two & three', 'keep']) await sdk.client.send(new PutObjectCommand({ Bucket: 'batch-bucket', Key, Body: 'x' }));
    const result = await sdk.client.send(
      new DeleteObjectsCommand({ Bucket: 'batch-bucket', Delete: { Objects: [{ Key: 'one' }, { Key: 'two & three' }, { Key: 'never-there' }] } }),
    );
    expect(result.Deleted?.map((deleted) => deleted.Key).sort()).toEqual(['never-there', 'one', 'two & three']);
    expect(result.Errors ?? []).toEqual([]);
    const left = await sdk.client.send(new ListObjectsV2Command({ Bucket: 'batch-bucket' }));
    expect(left.Contents?.map((object) => object.Key)).toEqual(['keep']);
  });

  it('copies an object into another encryption mode, the source SSE-C key given as copy-source headers', async () => {
    const { CopyObjectCommand } = await import('@aws-sdk/client-s3');
    await sdk.client.send(new CreateBucketCommand({ Bucket: 'copy-bucket' }));
    await sdk.client.send(new PutBucketEncryptionCommand({ Bucket: 'copy-bucket', ...ALLOW_SSE_C }));
    const key = sseC();
    await sdk.client.send(
      new PutObjectCommand({
        Bucket: 'copy-bucket',
        Key: 'src key+1',
        Body: 'copied bytes',
        SSECustomerAlgorithm: 'AES256',
        SSECustomerKey: key.SSECustomerKey,
      }),
    );
    const copied = await sdk.client.send(
      new CopyObjectCommand({
        Bucket: 'copy-bucket',
        Key: 'dst',
        CopySource: `copy-bucket/${encodeURIComponent('src key+1')}`,
        CopySourceSSECustomerAlgorithm: 'AES256',
        CopySourceSSECustomerKey: key.SSECustomerKey,
      }),
    );
    expect(copied.CopyObjectResult?.ETag).toBe(md5Etag(new TextEncoder().encode('copied bytes')));
    expect(copied.CopyObjectResult?.LastModified).toBeInstanceOf(Date);
    expect(copied.ServerSideEncryption).toBe('AES256');
    expect(await (await sdk.client.send(new GetObjectCommand({ Bucket: 'copy-bucket', Key: 'dst' }))).Body!.transformToString()).toBe('copied bytes');
    const noKey = await sdkError(
      sdk.client.send(new CopyObjectCommand({ Bucket: 'copy-bucket', Key: 'dst2', CopySource: `copy-bucket/${encodeURIComponent('src key+1')}` })),
    );
    expect([noKey.name, noKey.$metadata.httpStatusCode]).toEqual(['InvalidRequest', 400]);
  });

  it('answers conditional reads: 304 without a body, 412 PreconditionFailed', async () => {
    await sdk.client.send(new CreateBucketCommand({ Bucket: 'cond-bucket' }));
    const { ETag } = await sdk.client.send(new PutObjectCommand({ Bucket: 'cond-bucket', Key: 'k', Body: 'v1' }));
    const notModified = await sdkError(sdk.client.send(new GetObjectCommand({ Bucket: 'cond-bucket', Key: 'k', IfNoneMatch: ETag })));
    expect(notModified.$metadata.httpStatusCode).toBe(304);
    const failed = await sdkError(sdk.client.send(new GetObjectCommand({ Bucket: 'cond-bucket', Key: 'k', IfMatch: '"0000"' })));
    expect([failed.name, failed.$metadata.httpStatusCode]).toEqual(['PreconditionFailed', 412]);
    const matched = await sdk.client.send(new GetObjectCommand({ Bucket: 'cond-bucket', Key: 'k', IfMatch: ETag }));
    expect(await matched.Body!.transformToString()).toBe('v1');
    const headFailed = await sdkError(sdk.client.send(new HeadObjectCommand({ Bucket: 'cond-bucket', Key: 'k', IfMatch: '"0000"' })));
    expect(headFailed.$metadata.httpStatusCode).toBe(412);
  });
});

describe('S3 REST bucket policies', () => {
  it('puts, reads and deletes a bucket policy; aws:SecureTransport follows the transport', async () => {
    const { PutBucketPolicyCommand, GetBucketPolicyCommand, DeleteBucketPolicyCommand } = await import('@aws-sdk/client-s3');
    await sdk.client.send(new CreateBucketCommand({ Bucket: 'policy-bucket' }));
    await sdk.client.send(new PutObjectCommand({ Bucket: 'policy-bucket', Key: 'k', Body: 'guarded' }));
    const policy = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'DenyInsecureTransport',
          Effect: 'Deny',
          Principal: '*',
          Action: 's3:*',
          Resource: ['arn:aws:s3:::policy-bucket', 'arn:aws:s3:::policy-bucket/*'],
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        },
      ],
    });
    const put = await sdk.client.send(new PutBucketPolicyCommand({ Bucket: 'policy-bucket', Policy: policy }));
    expect(put.$metadata.httpStatusCode).toBe(204);
    const read = await sdk.client.send(new GetBucketPolicyCommand({ Bucket: 'policy-bucket' }));
    expect(JSON.parse(read.Policy ?? '{}')).toEqual(JSON.parse(policy));
    expect(await (await sdk.client.send(new GetObjectCommand({ Bucket: 'policy-bucket', Key: 'k' }))).Body!.transformToString()).toBe('guarded');
    const plain = inProcessClient(sdk.engine.handler, { endpoint: 'http://strongbox.localhost' });
    const denied = await sdkError(plain.send(new GetObjectCommand({ Bucket: 'policy-bucket', Key: 'k' })));
    expect([denied.name, denied.$metadata.httpStatusCode]).toEqual(['AccessDenied', 403]);
    const malformed = await sdkError(sdk.client.send(new PutBucketPolicyCommand({ Bucket: 'policy-bucket', Policy: 'not json' })));
    expect([malformed.name, malformed.$metadata.httpStatusCode]).toEqual(['MalformedPolicy', 400]);
    const deleted = await sdk.client.send(new DeleteBucketPolicyCommand({ Bucket: 'policy-bucket' }));
    expect(deleted.$metadata.httpStatusCode).toBe(204);
    const gone = await sdkError(sdk.client.send(new GetBucketPolicyCommand({ Bucket: 'policy-bucket' })));
    expect([gone.name, gone.$metadata.httpStatusCode]).toEqual(['NoSuchBucketPolicy', 404]);
  });
});

describe('S3 REST multipart uploads', () => {
  it('uploads with @aws-sdk/lib-storage (parts in parallel), then reads a part and the whole', async () => {
    const { Upload } = await import('@aws-sdk/lib-storage');
    await sdk.client.send(new CreateBucketCommand({ Bucket: 'upload-bucket' }));
    const body = new Uint8Array(randomBytes(11 * 1024 * 1024 + 7));
    const upload = new Upload({ client: sdk.client, params: { Bucket: 'upload-bucket', Key: 'big', Body: body }, partSize: 5 * 1024 * 1024, queueSize: 2 });
    const done = await upload.done();
    expect(done.ETag).toMatch(/^"[0-9a-f]{32}-3"$/);
    const head = await sdk.client.send(new HeadObjectCommand({ Bucket: 'upload-bucket', Key: 'big' }));
    expect([head.ContentLength, head.ETag, head.ServerSideEncryption]).toEqual([body.length, done.ETag, 'AES256']);
    const part = await sdk.client.send(new GetObjectCommand({ Bucket: 'upload-bucket', Key: 'big', PartNumber: 3 }));
    expect([part.$metadata.httpStatusCode, part.PartsCount, part.ContentRange]).toEqual([
      206,
      3,
      `bytes ${10 * 1024 * 1024}-${body.length - 1}/${body.length}`,
    ]);
    expect(Buffer.from(await part.Body!.transformToByteArray()).equals(Buffer.from(body.subarray(10 * 1024 * 1024)))).toBe(true);
    const whole = await sdk.client.send(new GetObjectCommand({ Bucket: 'upload-bucket', Key: 'big' }));
    expect(Buffer.from(await whole.Body!.transformToByteArray()).equals(Buffer.from(body))).toBe(true);
  });

  it('drives each multipart operation: create, parts, list, copy a part, complete, abort', async () => {
    const {
      AbortMultipartUploadCommand,
      CompleteMultipartUploadCommand,
      CreateMultipartUploadCommand,
      ListMultipartUploadsCommand,
      ListPartsCommand,
      UploadPartCommand,
      UploadPartCopyCommand,
    } = await import('@aws-sdk/client-s3');
    await sdk.client.send(new CreateBucketCommand({ Bucket: 'mpu-bucket' }));
    await sdk.client.send(new PutObjectCommand({ Bucket: 'mpu-bucket', Key: 'source', Body: 'tail from a copy' }));
    const key = sseC();
    const customer = { SSECustomerAlgorithm: 'AES256', SSECustomerKey: key.SSECustomerKey };
    await sdk.client.send(new PutBucketEncryptionCommand({ Bucket: 'mpu-bucket', ...ALLOW_SSE_C }));
    const created = await sdk.client.send(new CreateMultipartUploadCommand({ Bucket: 'mpu-bucket', Key: 'assembled', ...customer }));
    expect(created.UploadId).toBeTruthy();
    expect([created.Bucket, created.Key, created.SSECustomerKeyMD5]).toEqual(['mpu-bucket', 'assembled', key.SSECustomerKeyMD5]);
    const uploadId = created.UploadId!;
    const first = new Uint8Array(randomBytes(5 * 1024 * 1024));
    const one = await sdk.client.send(
      new UploadPartCommand({ Bucket: 'mpu-bucket', Key: 'assembled', UploadId: uploadId, PartNumber: 1, Body: first, ...customer }),
    );
    const wrongKey = await sdkError(
      sdk.client.send(
        new UploadPartCommand({
          Bucket: 'mpu-bucket',
          Key: 'assembled',
          UploadId: uploadId,
          PartNumber: 2,
          Body: 'x',
          SSECustomerAlgorithm: 'AES256',
          SSECustomerKey: sseC().SSECustomerKey,
        }),
      ),
    );
    expect([wrongKey.name, wrongKey.$metadata.httpStatusCode]).toEqual(['InvalidRequest', 400]);
    const two = await sdk.client.send(
      new UploadPartCopyCommand({ Bucket: 'mpu-bucket', Key: 'assembled', UploadId: uploadId, PartNumber: 2, CopySource: 'mpu-bucket/source', ...customer }),
    );
    expect(two.CopyPartResult?.ETag).toMatch(/^"[0-9a-f]{32}"$/);
    const parts = await sdk.client.send(new ListPartsCommand({ Bucket: 'mpu-bucket', Key: 'assembled', UploadId: uploadId }));
    expect(parts.Parts?.map((part) => [part.PartNumber, part.Size])).toEqual([
      [1, first.length],
      [2, 16],
    ]);
    const uploads = await sdk.client.send(new ListMultipartUploadsCommand({ Bucket: 'mpu-bucket' }));
    expect(uploads.Uploads?.map((upload) => [upload.Key, upload.UploadId])).toEqual([['assembled', uploadId]]);
    const completed = await sdk.client.send(
      new CompleteMultipartUploadCommand({
        Bucket: 'mpu-bucket',
        Key: 'assembled',
        UploadId: uploadId,
        MultipartUpload: {
          Parts: [
            { PartNumber: 1, ETag: one.ETag },
            { PartNumber: 2, ETag: two.CopyPartResult?.ETag },
          ],
        },
      }),
    );
    expect(completed.ETag).toMatch(/-2"$/);
    const got = await sdk.client.send(new GetObjectCommand({ Bucket: 'mpu-bucket', Key: 'assembled', Range: 'bytes=-16', ...customer }));
    expect(await got.Body!.transformToString()).toBe('tail from a copy');
    const other = await sdk.client.send(new CreateMultipartUploadCommand({ Bucket: 'mpu-bucket', Key: 'dropped' }));
    const aborted = await sdk.client.send(new AbortMultipartUploadCommand({ Bucket: 'mpu-bucket', Key: 'dropped', UploadId: other.UploadId }));
    expect(aborted.$metadata.httpStatusCode).toBe(204);
    const gone = await sdkError(sdk.client.send(new ListPartsCommand({ Bucket: 'mpu-bucket', Key: 'dropped', UploadId: other.UploadId })));
    expect([gone.name, gone.$metadata.httpStatusCode]).toEqual(['NoSuchUpload', 404]);
  });
});
