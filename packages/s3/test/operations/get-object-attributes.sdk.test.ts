/**
 * GetObjectAttributes (`GET /{Bucket}/{Key}?attributes`), through the official SDK on the
 * in-process handler. Before it was served the engine answered 501 NotImplemented. Pinned here:
 * - an SSE-C object's attributes need its key, as HeadObject does (API reference: "you must use
 *   the following headers"): 400 without it, 403 AccessDenied with another, 400 on an object that
 *   is not SSE-C, 400 over plain HTTP;
 * - only the attributes named in `x-amz-object-attributes` are answered, the ETag without its
 *   quotes (S3 answers it so, unlike HeadObject: floci-io/floci#3093, with boto3 against S3);
 * - the header missing: 400 InvalidRequest, an unknown attribute: 400 InvalidArgument (both texts
 *   captured from S3 in versity/versitygw#915 and #1000);
 * - ObjectParts only for a multipart object; its `Part` list only for a COMPOSITE checksum
 *   upload (boto3/boto3#3509, AWS support; localstack/localstack#12764), paged like ListParts;
 * - both s3:GetObject and s3:GetObjectAttributes are needed (API reference, "Permissions").
 */

import { createHash, randomBytes } from 'node:crypto';
import {
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  GetObjectAttributesCommand,
  HeadObjectCommand,
  PutObjectCommand,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import type { HttpRequest as SdkHttpRequest } from '@smithy/types';
import { principalFromArn } from '@strongbox/service-kernel';
import { describe, expect, it } from 'vitest';
import { MIN_PART_SIZE } from '../../src/index.ts';
import { ALLOW_SSE_C } from '../helpers/backends.ts';
import { catchS3Async } from '../helpers/errors.ts';
import { useInProcessS3 } from '../helpers/sdk-fixture.ts';
import { ACCOUNT, inProcessClient, sdkError } from '../helpers/wire.ts';

const sdk = useInProcessS3({ buckets: ['data'], encryption: ALLOW_SSE_C });

const key = randomBytes(32);
const customer = { SSECustomerAlgorithm: 'AES256', SSECustomerKey: key.toString('base64') };
const ALL = ['ETag', 'Checksum', 'ObjectParts', 'StorageClass', 'ObjectSize'] as const;

/** An SDK output without `$metadata`. */
function members(output: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(output).filter(([name]) => name !== '$metadata'));
}

describe('GetObjectAttributes of an SSE-C object', () => {
  it('needs the key: 400 without it, 403 with another, 400 over plain HTTP; with it, the attributes', async () => {
    const put = await sdk.client.send(new PutObjectCommand({ Bucket: 'data', Key: 'secret', Body: 'test_data', ...customer }));
    const attributes = (extra: object = {}) => new GetObjectAttributesCommand({ Bucket: 'data', Key: 'secret', ObjectAttributes: [...ALL], ...extra });
    const without = await sdkError(sdk.client.send(attributes()));
    expect([without.name, without.$metadata.httpStatusCode, without.message]).toEqual([
      'InvalidRequest',
      400,
      'The object was stored using a form of Server Side Encryption. The correct parameters must be provided to retrieve the object.',
    ]);
    const wrong = await sdkError(sdk.client.send(attributes({ SSECustomerAlgorithm: 'AES256', SSECustomerKey: randomBytes(32).toString('base64') })));
    expect([wrong.name, wrong.$metadata.httpStatusCode]).toEqual(['AccessDenied', 403]);
    const plain = inProcessClient(sdk.engine.handler, { endpoint: 'http://strongbox.localhost' });
    const insecure = await sdkError(plain.send(attributes(customer)));
    plain.destroy();
    expect([insecure.name, insecure.$metadata.httpStatusCode]).toEqual(['InvalidRequest', 400]);

    const answer = await sdk.client.send(attributes(customer));
    expect(members(answer)).toEqual({
      LastModified: expect.any(Date),
      ETag: put.ETag?.replaceAll('"', ''),
      Checksum: { ChecksumCRC32: put.ChecksumCRC32, ChecksumType: 'FULL_OBJECT' },
      StorageClass: 'STANDARD',
      ObjectSize: 9,
    });
  });

  it('SSE-C members on an object that is not SSE-C are 400 InvalidRequest', async () => {
    await sdk.client.send(new PutObjectCommand({ Bucket: 'data', Key: 'plain', Body: 'plain' }));
    const error = await sdkError(sdk.client.send(new GetObjectAttributesCommand({ Bucket: 'data', Key: 'plain', ObjectAttributes: ['ETag'], ...customer })));
    expect([error.name, error.$metadata.httpStatusCode, error.message]).toEqual([
      'InvalidRequest',
      400,
      'The encryption parameters are not applicable to this object.',
    ]);
  });
});

describe('the attributes asked for', () => {
  it('only those named, the ETag without quotes (HeadObject keeps them)', async () => {
    const body = 'hello attributes';
    await sdk.client.send(new PutObjectCommand({ Bucket: 'data', Key: 'k', Body: body }));
    const answer = await sdk.client.send(new GetObjectAttributesCommand({ Bucket: 'data', Key: 'k', ObjectAttributes: ['ETag', 'ObjectSize'] }));
    const md5 = createHash('md5').update(body).digest('hex');
    expect(members(answer)).toEqual({ LastModified: expect.any(Date), ETag: md5, ObjectSize: body.length });
    expect((await sdk.client.send(new HeadObjectCommand({ Bucket: 'data', Key: 'k' }))).ETag).toBe(`"${md5}"`);
  });

  it('no x-amz-object-attributes: 400 InvalidRequest; an unknown attribute: 400 InvalidArgument naming it', async () => {
    await sdk.client.send(new PutObjectCommand({ Bucket: 'data', Key: 'k', Body: 'x' }));
    const stripping = inProcessClient(sdk.engine.handler);
    stripping.middlewareStack.add(
      (next) => async (args) => {
        delete (args.request as SdkHttpRequest).headers['x-amz-object-attributes'];
        return next(args);
      },
      { step: 'build', name: 'dropAttributes', priority: 'low' },
    );
    const missing = await sdkError(stripping.send(new GetObjectAttributesCommand({ Bucket: 'data', Key: 'k', ObjectAttributes: ['ETag'] })));
    stripping.destroy();
    expect([missing.name, missing.$metadata.httpStatusCode, missing.message]).toEqual([
      'InvalidRequest',
      400,
      'The x-amz-object-attributes header specifying the attributes to be retrieved is either missing or empty',
    ]);
    const unknown = await sdkError(
      sdk.client.send(new GetObjectAttributesCommand({ Bucket: 'data', Key: 'k', ObjectAttributes: ['ETag', 'ETags' as 'ETag'] })),
    );
    expect([unknown.name, unknown.$metadata.httpStatusCode, unknown.message]).toEqual(['InvalidArgument', 400, 'Invalid attribute name specified.']);
    expect(unknown).toMatchObject({ ArgumentName: 'x-amz-object-attributes', ArgumentValue: 'ETags' });
  });

  it('a missing key is 404 NoSuchKey', async () => {
    const error = await sdkError(sdk.client.send(new GetObjectAttributesCommand({ Bucket: 'data', Key: 'none', ObjectAttributes: ['ETag'] })));
    expect([error.name, error.$metadata.httpStatusCode]).toEqual(['NoSuchKey', 404]);
  });
});

describe('ObjectParts', () => {
  const first = new Uint8Array(randomBytes(MIN_PART_SIZE));
  const second = new Uint8Array(randomBytes(1000));

  async function multipart(name: string, checksum: { ChecksumAlgorithm?: 'CRC32' } = {}) {
    const { UploadId } = await sdk.client.send(new CreateMultipartUploadCommand({ Bucket: 'data', Key: name, ...checksum }));
    const a = await sdk.client.send(new UploadPartCommand({ Bucket: 'data', Key: name, UploadId, PartNumber: 1, Body: first, ...checksum }));
    const b = await sdk.client.send(new UploadPartCommand({ Bucket: 'data', Key: name, UploadId, PartNumber: 2, Body: second, ...checksum }));
    // An upload that named no algorithm takes no part checksums in its completion.
    const listed = (part: typeof a) => (checksum.ChecksumAlgorithm === undefined ? {} : { ChecksumCRC32: part.ChecksumCRC32 });
    const parts = [
      { PartNumber: 1, ETag: a.ETag, ...listed(a) },
      { PartNumber: 2, ETag: b.ETag, ...listed(b) },
    ];
    await sdk.client.send(new CompleteMultipartUploadCommand({ Bucket: 'data', Key: name, UploadId, MultipartUpload: { Parts: parts } }));
    return parts;
  }

  it('a single PUT has none; a multipart object without a COMPOSITE checksum has its part count only', async () => {
    await sdk.client.send(new PutObjectCommand({ Bucket: 'data', Key: 'single', Body: 'x' }));
    const single = await sdk.client.send(new GetObjectAttributesCommand({ Bucket: 'data', Key: 'single', ObjectAttributes: ['ObjectParts'] }));
    expect(single.ObjectParts).toBeUndefined();
    await multipart('plain-mpu');
    const answer = await sdk.client.send(new GetObjectAttributesCommand({ Bucket: 'data', Key: 'plain-mpu', ObjectAttributes: ['ObjectParts', 'ObjectSize'] }));
    expect(members(answer)).toEqual({ LastModified: expect.any(Date), ObjectParts: { TotalPartsCount: 2 }, ObjectSize: first.length + second.length });
  });

  it('a COMPOSITE upload lists its parts with their checksums, a page at a time', async () => {
    const parts = await multipart('composite', { ChecksumAlgorithm: 'CRC32' });
    const all = await sdk.client.send(new GetObjectAttributesCommand({ Bucket: 'data', Key: 'composite', ObjectAttributes: ['ObjectParts', 'Checksum'] }));
    expect(all.Checksum).toEqual({ ChecksumCRC32: expect.stringMatching(/^[A-Za-z0-9+/]{6}==-2$/), ChecksumType: 'COMPOSITE' });
    expect(all.ObjectParts).toEqual({
      TotalPartsCount: 2,
      PartNumberMarker: '0',
      NextPartNumberMarker: '2',
      MaxParts: 1000,
      IsTruncated: false,
      Parts: [
        { PartNumber: 1, Size: first.length, ChecksumCRC32: parts[0]?.ChecksumCRC32 },
        { PartNumber: 2, Size: second.length, ChecksumCRC32: parts[1]?.ChecksumCRC32 },
      ],
    });
    const page = await sdk.client.send(
      new GetObjectAttributesCommand({ Bucket: 'data', Key: 'composite', ObjectAttributes: ['ObjectParts'], MaxParts: 1, PartNumberMarker: '1' }),
    );
    expect(page.ObjectParts).toEqual({
      TotalPartsCount: 2,
      PartNumberMarker: '1',
      NextPartNumberMarker: '2',
      MaxParts: 1,
      IsTruncated: false,
      Parts: [{ PartNumber: 2, Size: second.length, ChecksumCRC32: parts[1]?.ChecksumCRC32 }],
    });
  });
});

describe('permissions', () => {
  it('s3:GetObject and s3:GetObjectAttributes are both needed', async () => {
    const { s3 } = sdk.engine;
    await s3.putObject({ Bucket: 'data', Key: 'k', Body: 'x' });
    const user = (name: string, ...actions: string[]) => ({
      caller: principalFromArn(`arn:aws:iam::${ACCOUNT}:user/${name}`, {
        identityPolicy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: actions, Resource: 'arn:aws:s3:::data/*' }] }),
      }),
    });
    const input = { Bucket: 'data', Key: 'k', ObjectAttributes: ['ObjectSize'] };
    const refusals = await Promise.all([
      catchS3Async(() => s3.getObjectAttributes(input, user('reader', 's3:GetObject'))),
      catchS3Async(() => s3.getObjectAttributes(input, user('lister', 's3:GetObjectAttributes'))),
    ]);
    expect(refusals.map((error) => error.message.match(/perform: (\S+) on resource/)?.[1])).toEqual(['s3:GetObjectAttributes', 's3:GetObject']);
    expect((await s3.getObjectAttributes(input, user('both', 's3:GetObject', 's3:GetObjectAttributes'))).ObjectSize).toBe(1);
  });
});
