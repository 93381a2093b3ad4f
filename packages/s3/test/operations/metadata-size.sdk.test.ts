/**
 * User-defined metadata is limited to 2 KB, keys and values in UTF-8 bytes (UG "Working with object
 * metadata"); over it S3 answers 400 MetadataTooLarge. Through the official `@aws-sdk/client-s3`
 * by the kernel's in-process handler, on every write that stores metadata. Strongbox stored any size.
 */

import { CopyObjectCommand, CreateMultipartUploadCommand, HeadObjectCommand, ListMultipartUploadsCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { beforeEach, expect, it } from 'vitest';
import { checkUserMetadataSize } from '../../src/index.ts';
import { catchS3 } from '../helpers/errors.ts';
import { useInProcessS3 } from '../helpers/sdk-fixture.ts';
import { sdkError } from '../helpers/wire.ts';

const sdk = useInProcessS3({ buckets: ['data'] });
beforeEach(async () => {
  await sdk.client.send(new PutObjectCommand({ Bucket: 'data', Key: 'source', Body: 'x', Metadata: { team: 'blue' } }));
});

// 'big' (3 bytes) plus the value: 2048 bytes in all is the most S3 stores.
const atLimit = { big: 'a'.repeat(2045) };
const overLimit = { big: 'a'.repeat(2046) };

async function tooLarge(promise: Promise<unknown>): Promise<unknown[]> {
  const error = (await sdkError(promise)) as Awaited<ReturnType<typeof sdkError>> & { Size?: string; MaxSizeAllowed?: string };
  return [error.name, error.$metadata.httpStatusCode, error.message, error.Size, error.MaxSizeAllowed];
}

const REFUSED = ['MetadataTooLarge', 400, 'Your metadata headers exceed the maximum allowed metadata size', '2049', '2048'];

it('PutObject stores 2 KB of metadata and refuses one byte more, storing nothing', async () => {
  await sdk.client.send(new PutObjectCommand({ Bucket: 'data', Key: 'at-limit', Body: 'x', Metadata: atLimit }));
  expect((await sdk.client.send(new HeadObjectCommand({ Bucket: 'data', Key: 'at-limit' }))).Metadata).toEqual(atLimit);
  expect(await tooLarge(sdk.client.send(new PutObjectCommand({ Bucket: 'data', Key: 'over', Body: 'x', Metadata: overLimit })))).toEqual(REFUSED);
  expect((await sdkError(sdk.client.send(new HeadObjectCommand({ Bucket: 'data', Key: 'over' })))).$metadata.httpStatusCode).toBe(404);
});

it('CreateMultipartUpload refuses it and starts no upload', async () => {
  expect(await tooLarge(sdk.client.send(new CreateMultipartUploadCommand({ Bucket: 'data', Key: 'over', Metadata: overLimit })))).toEqual(REFUSED);
  expect((await sdk.client.send(new ListMultipartUploadsCommand({ Bucket: 'data' }))).Uploads).toBeUndefined();
});

it('CopyObject refuses it with REPLACE, and ignores the request’s metadata under COPY', async () => {
  const replace = sdk.client.send(
    new CopyObjectCommand({ Bucket: 'data', Key: 'copy', CopySource: 'data/source', MetadataDirective: 'REPLACE', Metadata: overLimit }),
  );
  expect(await tooLarge(replace)).toEqual(REFUSED);
  await sdk.client.send(new CopyObjectCommand({ Bucket: 'data', Key: 'copy', CopySource: 'data/source', Metadata: overLimit }));
  expect((await sdk.client.send(new HeadObjectCommand({ Bucket: 'data', Key: 'copy' }))).Metadata).toEqual({ team: 'blue' });
});

it('counts UTF-8 bytes, not characters, each byte sent once', () => {
  // A header value reaches the engine one Latin-1 code point per byte sent: 'é' in UTF-8 is C3 A9.
  const sent = (text: string) => Buffer.from(text, 'utf8').toString('latin1');
  expect(() => checkUserMetadataSize({ k: sent('é'.repeat(1023)) })).not.toThrow(); // 1 + 2046 bytes
  // Text beyond Latin-1 (a direct engine call) counts its UTF-8: 3 bytes a character here.
  expect(() => checkUserMetadataSize({ k: '日'.repeat(682) })).not.toThrow(); // 1 + 2046 bytes
  expect(catchS3(() => checkUserMetadataSize({ k: '日'.repeat(683) })).fields[0]).toEqual(['Size', '2050']);
  expect(catchS3(() => checkUserMetadataSize({ k: sent('é'.repeat(1024)) })).fields).toEqual([
    ['Size', '2049'],
    ['MaxSizeAllowed', '2048'],
  ]);
});
