/**
 * The body types `PutObjectCommand` takes, in process as over the SDK's node:http handler: with no
 * checksum to compute (`requestChecksumCalculation: 'WHEN_REQUIRED'`) the SDK hands the body to its
 * request handler as given, and the node:http one sends any view of bytes but fails a web
 * ReadableStream or a Blob with `Buffer.from`'s TypeError. A test that passes in process must not
 * rest on a body that never reaches S3.
 */

import { GetObjectCommand, HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
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
