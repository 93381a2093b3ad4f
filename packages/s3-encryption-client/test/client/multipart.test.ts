/**
 * Encrypted multipart upload: one GCM stream across parts, giving an object any reader decrypts
 * like a single PUT; the block-size, order and last-part rules of the Java client.
 */

import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { AesKeyring, type CommitmentPolicy, S3EncryptionClient } from '../../src/index.ts';
import { memoryS3 } from '../helpers/memory-s3.ts';

const keyring = new AesKeyring({ wrappingKey: new Uint8Array(32).fill(13) });

describe('encrypted multipart upload', () => {
  for (const [format, policy] of [
    ['V2', 'FORBID_ENCRYPT_ALLOW_DECRYPT'],
    ['V3', 'REQUIRE_ENCRYPT_REQUIRE_DECRYPT'],
  ] as const satisfies readonly [string, CommitmentPolicy][]) {
    for (const writeInstructionFile of [false, true]) {
      it(`${format}${writeInstructionFile ? ' with an instruction file' : ''}: parts in order make one GCM object`, async () => {
        const s3 = memoryS3();
        const client = new S3EncryptionClient({ s3: s3.client, keyring, commitmentPolicy: policy, writeInstructionFile });
        const parts = [randomBytes(4096), randomBytes(1024), randomBytes(333)];
        const upload = await client.createMultipartUpload({ Bucket: 'b', Key: 'k', Metadata: { owner: 'me' } });
        await upload.uploadPart({ Body: parts[0] ?? new Uint8Array() });
        await upload.uploadPart({ Body: parts[1] ?? new Uint8Array(), PartNumber: 2 });
        await upload.uploadPart({ Body: parts[2] ?? new Uint8Array(), isLastPart: true });
        await upload.complete();
        const stored = s3.get('b', 'k');
        expect(stored?.body.length).toBe(4096 + 1024 + 333 + 16);
        expect(stored?.metadata['owner']).toBe('me');
        expect(s3.get('b', 'k.instruction') !== undefined).toBe(writeInstructionFile);
        // A fresh client reads it like any single-PUT object.
        const reader = new S3EncryptionClient({ s3: s3.client, keyring, commitmentPolicy: 'REQUIRE_ENCRYPT_ALLOW_DECRYPT' });
        const output = await reader.getObject({ Bucket: 'b', Key: 'k' });
        expect(Buffer.from((await output.Body?.transformToByteArray()) ?? [])).toEqual(Buffer.concat(parts));
      });
    }
  }

  it('refuses a non-last part that is not a multiple of 16, parts out of order, and parts after the last', async () => {
    const s3 = memoryS3();
    const client = new S3EncryptionClient({ s3: s3.client, keyring });
    const upload = await client.createMultipartUpload({ Bucket: 'b', Key: 'k' });
    await expect(upload.uploadPart({ Body: new Uint8Array(17) })).rejects.toMatchObject({
      code: 'InvalidPart',
      message: expect.stringContaining('multiples of the cipher block size (16)'),
    });
    await expect(upload.uploadPart({ Body: new Uint8Array(16), PartNumber: 2 })).rejects.toMatchObject({ code: 'InvalidPart' });
    await expect(upload.uploadPart({ Body: new Uint8Array(16), ChecksumCRC32: 'AAAAAA==' })).rejects.toMatchObject({ code: 'InvalidPart' });
    await upload.uploadPart({ Body: new Uint8Array(16), PartNumber: 1 });
    await upload.uploadPart({ Body: new Uint8Array(5), isLastPart: true });
    await expect(upload.uploadPart({ Body: new Uint8Array(16) })).rejects.toMatchObject({ code: 'InvalidPart' });
  });

  it('refuses to complete before the last part (java#268), and aborts cleanly', async () => {
    const s3 = memoryS3();
    const client = new S3EncryptionClient({ s3: s3.client, keyring });
    const upload = await client.createMultipartUpload({ Bucket: 'b', Key: 'k' });
    await upload.uploadPart({ Body: new Uint8Array(32) });
    await expect(upload.complete()).rejects.toMatchObject({ code: 'InvalidPart' });
    await upload.abort();
    expect(s3.get('b', 'k')).toBeUndefined();
    await expect(upload.uploadPart({ Body: new Uint8Array(16), isLastPart: true })).rejects.toMatchObject({ code: 'InvalidPart' });
  });
});

describe('managed upload (client.upload)', () => {
  const chunked = (body: Buffer, size: number): Readable =>
    Readable.from(Array.from({ length: Math.ceil(body.length / size) }, (_, i) => body.subarray(i * size, (i + 1) * size)));

  for (const length of [0, 100, 1024, 2048, 2500]) {
    it(`a ${length}-byte stream of unknown length, in 1024-byte parts, reads back whole`, async () => {
      const s3 = memoryS3();
      const client = new S3EncryptionClient({ s3: s3.client, keyring });
      const body = randomBytes(length);
      await client.upload({ Bucket: 'b', Key: 'k', Body: chunked(body, 300), Metadata: { owner: 'me' } }, { partSize: 1024 });
      const partsSent = s3.requests.filter((request) => request.method === 'PUT' && typeof request.query['uploadId'] === 'string').length;
      expect(partsSent).toBe(length <= 1024 ? 0 : Math.ceil(length / 1024));
      expect(s3.get('b', 'k')?.metadata['owner']).toBe('me');
      const output = await client.getObject({ Bucket: 'b', Key: 'k' });
      expect(Buffer.from((await output.Body?.transformToByteArray()) ?? [])).toEqual(body);
    });
  }

  it('aborts the multipart upload when the source fails', async () => {
    const s3 = memoryS3();
    const client = new S3EncryptionClient({ s3: s3.client, keyring });
    async function* failing(): AsyncGenerator<Buffer> {
      yield Buffer.alloc(2048);
      throw new Error('source broke');
    }
    await expect(client.upload({ Bucket: 'b', Key: 'k', Body: Readable.from(failing()) }, { partSize: 1024 })).rejects.toThrow('source broke');
    expect(s3.requests.at(-1)?.method).toBe('DELETE');
    expect(s3.get('b', 'k')).toBeUndefined();
  });

  it('refuses a part size that is not a multiple of 16', async () => {
    const client = new S3EncryptionClient({ s3: memoryS3().client, keyring });
    await expect(client.upload({ Bucket: 'b', Key: 'k', Body: 'x' }, { partSize: 1000 })).rejects.toThrow(RangeError);
  });
});
