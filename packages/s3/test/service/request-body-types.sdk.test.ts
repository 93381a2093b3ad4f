/**
 * The body types `PutObjectCommand` takes, in process as over the SDK's node:http handler: with no
 * checksum to compute (`requestChecksumCalculation: 'WHEN_REQUIRED'`) the SDK hands the body to its
 * request handler as given, and the node:http one sends any view of bytes but fails a web
 * ReadableStream or a Blob with `Buffer.from`'s TypeError. A test that passes in process must not
 * rest on a body that never reaches S3.
 */

import { CreateMultipartUploadCommand, GetObjectCommand, HeadObjectCommand, ListPartsCommand, PutObjectCommand, UploadPartCommand } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { useInProcessS3 } from '../helpers/sdk-fixture.ts';

const sdk = useInProcessS3({ buckets: ['body-bucket'], client: { requestChecksumCalculation: 'WHEN_REQUIRED' } });

describe('PutObject bodies the SDK passes on unconverted', () => {
  it('stores the bytes of a typed array other than Uint8Array', async () => {
    await sdk.client.send(new PutObjectCommand({ Bucket: 'body-bucket', Key: 'u16', Body: new Uint16Array(new Uint8Array([0x68, 0x69]).buffer) as never }));
    const { Body } = await sdk.client.send(new GetObjectCommand({ Bucket: 'body-bucket', Key: 'u16' }));
    expect(await Body?.transformToString()).toBe('hi');
  });

  it.each([
    ['a web ReadableStream', () => new Blob(['hi']).stream()],
    ['a Blob', () => new Blob(['hi'])],
  ])('fails %s with the TypeError the node:http handler throws, and stores nothing', async (_, body) => {
    const put = sdk.client.send(new PutObjectCommand({ Bucket: 'body-bucket', Key: 'web', Body: body(), ContentLength: 2 }));
    await expect(put).rejects.toMatchObject({ name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' });
    const head = await sdk.client.send(new HeadObjectCommand({ Bucket: 'body-bucket', Key: 'web' })).catch((error: Error) => error.name);
    expect(head).toBe('NotFound');
  });
});

// The SDK sets no Content-Length for an empty string or a missing Body (its content-length
// middleware skips a falsy body), and its node:http handler ends such a request with no data:
// node then writes `Content-Length: 0` for a method with a body (PUT, POST), as
// `OutgoingMessage#end` sets `_contentLength = 0` (node lib/_http_outgoing.js). Over a socket
// the upload stores an empty object; in process it must too.
describe('PutObject and UploadPart with no body', () => {
  it.each([
    ['an empty string', { Body: '' }],
    ['no Body', {}],
  ])('PutObject stores an empty object for %s', async (_, body) => {
    await sdk.client.send(new PutObjectCommand({ Bucket: 'body-bucket', Key: 'empty', ...body }));
    const head = await sdk.client.send(new HeadObjectCommand({ Bucket: 'body-bucket', Key: 'empty' }));
    expect(head.ContentLength).toBe(0);
  });

  it('UploadPart stores an empty part for an empty string', async () => {
    const { UploadId } = await sdk.client.send(new CreateMultipartUploadCommand({ Bucket: 'body-bucket', Key: 'parts' }));
    await sdk.client.send(new UploadPartCommand({ Bucket: 'body-bucket', Key: 'parts', UploadId, PartNumber: 1, Body: '' }));
    const { Parts } = await sdk.client.send(new ListPartsCommand({ Bucket: 'body-bucket', Key: 'parts', UploadId }));
    expect(Parts?.map((part) => part.Size)).toEqual([0]);
  });
});
