/**
 * Encrypted multipart upload: one GCM stream across parts, giving an object any reader decrypts
 * like a single PUT; the block-size, order and last-part rules of the Java client.
 */

import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AesKeyring, S3EncryptionClient, type CommitmentPolicy } from '../../src/index.ts';
import { memoryS3 } from '../helpers/memory-s3.ts';

const keyring = new AesKeyring({ wrappingKey: new Uint8Array(32).fill(13) });

describe('encrypted multipart upload', () => {
  for (const [format, policy] of [['V2', 'FORBID_ENCRYPT_ALLOW_DECRYPT'], ['V3', 'REQUIRE_ENCRYPT_REQUIRE_DECRYPT']] as const satisfies readonly [string, CommitmentPolicy][]) {
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
    await expect(upload.uploadPart({ Body: new Uint8Array(17) })).rejects.toMatchObject({ code: 'InvalidPart', message: expect.stringContaining('multiples of the cipher block size (16)') });
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
