/**
 * Blob rollback through the AWS SDK, every SSE mode (issue #14): someone who can write the data
 * directory copies an object's older sealed blob over its current one. An older SSE-S3 or SSE-C
 * blob is a valid envelope of the same object (same root or customer key, same context: the bucket
 * and key, not the version), so without the manifest's pin the old body would be served; with it,
 * GetObject answers 500 InternalError before the response starts, in every mode, and serves nothing.
 */

import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutBucketEncryptionCommand,
  PutObjectCommand,
  type PutObjectCommandInput,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { objectFileName } from '../../src/storage/filesystem/layout.ts';
import { ALLOW_SSE_C } from '../helpers/backends.ts';
import { bucketPath } from '../helpers/layout.ts';
import { tempDirectory } from '../helpers/temp.ts';
import { inProcessClient, sdkError, wireEngine } from '../helpers/wire.ts';

const BUCKET = 'vault';
const CUSTOMER_KEY = 'c'.repeat(32);
const SSE_C = { SSECustomerAlgorithm: 'AES256', SSECustomerKey: CUSTOMER_KEY } as const;

const MODES: Record<string, Partial<PutObjectCommandInput>> = {
  'sse-s3': {},
  'sse-c': SSE_C,
  'sse-kms': { ServerSideEncryption: 'aws:kms' },
  'sse-kms-bucket-key': { ServerSideEncryption: 'aws:kms', BucketKeyEnabled: true },
  'dsse-kms': { ServerSideEncryption: 'aws:kms:dsse' },
};
const readHeaders = (mode: string) => (mode === 'sse-c' ? SSE_C : {});

const bodyOf = (version: string, mode: string): string => `${version} of ${mode} `.repeat(1500);

function manifestPath(directory: string, key: string): string {
  return join(bucketPath(directory, BUCKET), 'objects', objectFileName(key));
}

async function blobPathOf(directory: string, key: string, segment = 0): Promise<string> {
  const manifest = JSON.parse(await readFile(manifestPath(directory, key), 'utf8')) as { segments: { blobId: string }[] };
  return join(bucketPath(directory, BUCKET), 'blobs', manifest.segments[segment]!.blobId);
}

async function withEngine<T>(
  directory: string,
  use: (client: ReturnType<typeof inProcessClient>) => Promise<T>,
  config: Parameters<typeof inProcessClient>[1] = {},
): Promise<T> {
  const engine = wireEngine({ engine: { storage: { directory } } });
  const client = inProcessClient(engine.handler, { maxAttempts: 1, ...config });
  try {
    return await use(client);
  } finally {
    client.destroy();
    await engine.close();
  }
}

describe('an object whose sealed blob was rolled back on disk', () => {
  it('answers GetObject with 500 InternalError in every SSE mode (HEAD still answers); without the pin SSE-S3 and SSE-C would serve the old body', async () => {
    const directory = tempDirectory('rollback');
    await withEngine(directory, async (client) => {
      await client.send(new CreateBucketCommand({ Bucket: BUCKET }));
      // New buckets block SSE-C; an explicit NONE allows it.
      await client.send(new PutBucketEncryptionCommand({ Bucket: BUCKET, ...ALLOW_SSE_C }));
      for (const [mode, headers] of Object.entries(MODES)) {
        await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: mode, Body: bodyOf('v1', mode), ...headers }));
        const older = await readFile(await blobPathOf(directory, mode));
        await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: mode, Body: bodyOf('v2', mode), ...headers }));
        // The rollback: v1's sealed bytes where the manifest names v2's blob (the engine reads blobs on each GET).
        await writeFile(await blobPathOf(directory, mode), older);
      }
    });

    await withEngine(directory, async (client) => {
      for (const mode of Object.keys(MODES)) {
        for (const range of [undefined, 'bytes=10000-10100']) {
          const error = await sdkError(client.send(new GetObjectCommand({ Bucket: BUCKET, Key: mode, Range: range, ...readHeaders(mode) })));
          expect({ mode, range, name: error.name, status: error.$metadata.httpStatusCode }).toEqual({ mode, range, name: 'InternalError', status: 500 });
          expect(error.message).toBe('We encountered an internal error. Please try again.');
        }
        expect((await client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: mode, ...readHeaders(mode) }))).$metadata.httpStatusCode).toBe(200);
      }
    });

    // What the pin stops: the same directory with the pins stripped (a version 1 manifest) serves v1.
    for (const mode of Object.keys(MODES)) {
      const manifest = JSON.parse(await readFile(manifestPath(directory, mode), 'utf8')) as { segments: { pin?: string }[] };
      const legacy = { ...manifest, version: 1, segments: manifest.segments.map(({ pin: _pin, ...segment }) => segment) };
      await writeFile(manifestPath(directory, mode), JSON.stringify(legacy));
    }
    // (A client validating the response checksum would notice v2's CRC on v1's bytes; one that
    // does not, or a ranged read, which carries none, takes the old bytes.)
    await withEngine(
      directory,
      async (client) => {
        const served: Record<string, string> = {};
        for (const mode of Object.keys(MODES)) {
          const got = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: mode, ...readHeaders(mode) }));
          served[mode] = await got.Body!.transformToString().then(
            (text) => (text === bodyOf('v1', mode) ? 'v1' : 'other'),
            (error: Error) => error.message,
          );
        }
        // SSE-KMS and DSSE-KMS keep their KMS-wrapped data keys in the manifest's fields, so an
        // older blob does not open under the newer manifest (it fails mid-body, though: the pin
        // makes it a 500 before the response); SSE-S3 and SSE-C blobs carry their wrapped key in
        // their own header and open whatever manifest names them.
        expect(served).toEqual({
          'sse-s3': 'v1',
          'sse-c': 'v1',
          'sse-kms': 'unable to open the sealed message',
          'sse-kms-bucket-key': 'unable to open the sealed message',
          'dsse-kms': 'unable to open the sealed message',
        });
      },
      { responseChecksumValidation: 'WHEN_REQUIRED' },
    );
  });
});

describe('a multipart object whose later part was rolled back on disk', () => {
  const PART = 5 * 1024 * 1024;
  const partBody = (version: string, part: number, size: number): Uint8Array => new Uint8Array(size).fill(version.charCodeAt(1) * 10 + part);

  async function uploadTwoParts(client: ReturnType<typeof inProcessClient>, version: string): Promise<void> {
    const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: 'm' }));
    const parts = [];
    for (const [index, size] of [PART, 1000].entries()) {
      const PartNumber = index + 1;
      const { ETag } = await client.send(new UploadPartCommand({ Bucket: BUCKET, Key: 'm', UploadId, PartNumber, Body: partBody(version, PartNumber, size) }));
      parts.push({ ETag, PartNumber });
    }
    await client.send(new CompleteMultipartUploadCommand({ Bucket: BUCKET, Key: 'm', UploadId, MultipartUpload: { Parts: parts } }));
  }

  it('GetObject starts (only the first part is checked before the head) and cuts the body at the rolled-back part; a range within it is 500', async () => {
    const directory = tempDirectory('rollback-parts');
    await withEngine(directory, async (client) => {
      await client.send(new CreateBucketCommand({ Bucket: BUCKET }));
      await uploadTwoParts(client, 'v1');
      const older = await readFile(await blobPathOf(directory, 'm', 1));
      await uploadTwoParts(client, 'v2');
      await writeFile(await blobPathOf(directory, 'm', 1), older);
    });
    await withEngine(
      directory,
      async (client) => {
        const first = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'm', Range: `bytes=0-${PART - 1}` }));
        expect(Buffer.from(await first.Body!.transformToByteArray()).equals(partBody('v2', 1, PART))).toBe(true);
        const whole = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'm' }));
        expect(whole.$metadata.httpStatusCode).toBe(200);
        await expect(whole.Body!.transformToByteArray()).rejects.toThrow();
        const error = await sdkError(client.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'm', Range: `bytes=${PART}-${PART + 99}` })));
        expect({ name: error.name, status: error.$metadata.httpStatusCode }).toEqual({ name: 'InternalError', status: 500 });
      },
      { responseChecksumValidation: 'WHEN_REQUIRED' },
    );
  });
});
