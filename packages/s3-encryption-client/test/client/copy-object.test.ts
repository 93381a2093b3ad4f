/**
 * CopyObject within the same format: the copy decrypts with the same keys (metadata envelopes and
 * instruction files, V2 and V3), S3's parameters pass through, and copies that would leave the
 * object undecryptable are refused before anything is written.
 */

import { randomBytes } from 'node:crypto';
import { Kms } from '@strongbox/kms';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCopySource } from '../../src/client/copy-object.ts';
import { AesKeyring, type CommitmentPolicy, KmsKeyring, S3EncryptionClient } from '../../src/index.ts';
import { memoryS3 } from '../helpers/memory-s3.ts';

let kms: Kms;
let keyId: string;
beforeAll(async () => {
  kms = new Kms({ quotas: false });
  keyId = (await kms.createKey({})).KeyMetadata.KeyId;
});
afterAll(async () => {
  await kms.close();
});

const text = async (output: { Body?: { transformToString(): Promise<string> } | undefined }): Promise<string | undefined> => output.Body?.transformToString();

describe('copyObject', () => {
  for (const policy of ['REQUIRE_ENCRYPT_REQUIRE_DECRYPT', 'FORBID_ENCRYPT_ALLOW_DECRYPT'] as CommitmentPolicy[]) {
    for (const writeInstructionFile of [false, true]) {
      it(`copies a ${policy === 'FORBID_ENCRYPT_ALLOW_DECRYPT' ? 'V2' : 'V3'} object (${writeInstructionFile ? 'instruction file' : 'metadata'}) to another bucket and key, still decryptable`, async () => {
        const s3 = memoryS3();
        const client = new S3EncryptionClient({
          s3: s3.client,
          keyring: new KmsKeyring({ kms, kmsKeyId: keyId }),
          commitmentPolicy: policy,
          writeInstructionFile,
        });
        const body = randomBytes(300);
        await client.putObject({ Bucket: 'src', Key: 'dir/a b.txt', Body: body, Metadata: { owner: 'me' } }, { encryptionContext: { tenant: 'acme' } });
        await client.copyObject({ Bucket: 'dst', Key: 'copy/c.txt', CopySource: 'src/dir/a%20b.txt' });
        expect(s3.get('dst', 'copy/c.txt')?.body).toEqual(s3.get('src', 'dir/a b.txt')?.body);
        expect(s3.get('dst', 'copy/c.txt')?.metadata).toEqual(s3.get('src', 'dir/a b.txt')?.metadata);
        expect(s3.get('dst', 'copy/c.txt.instruction')?.body).toEqual(writeInstructionFile ? s3.get('src', 'dir/a b.txt.instruction')?.body : undefined);
        const output = await client.getObject({ Bucket: 'dst', Key: 'copy/c.txt' }, { encryptionContext: { tenant: 'acme' } });
        expect(Buffer.from(await output.Body!.transformToByteArray())).toEqual(body);
        expect(output.Metadata?.['owner']).toBe('me');
      });
    }
  }

  it('passes S3 parameters through and makes the copy conditional on the source it read', async () => {
    const s3 = memoryS3();
    const client = new S3EncryptionClient({ s3: s3.client, keyring: new AesKeyring({ wrappingKey: randomBytes(32) }) });
    await client.putObject({ Bucket: 'b', Key: 'k', Body: 'hello' });
    await client.copyObject({
      Bucket: 'b',
      Key: 'k2',
      CopySource: '/b/k',
      StorageClass: 'STANDARD_IA',
      TaggingDirective: 'COPY',
      ExpectedBucketOwner: '111122223333',
    });
    const copy = s3.requests.find((request) => request.method === 'PUT' && request.key === 'k2');
    expect(copy?.headers['x-amz-storage-class']).toBe('STANDARD_IA');
    expect(copy?.headers['x-amz-tagging-directive']).toBe('COPY');
    expect(copy?.headers['x-amz-expected-bucket-owner']).toBe('111122223333');
    expect(copy?.headers['x-amz-copy-source-if-match']).toMatch(/^"[0-9a-f]{32}"$/);
    expect(await text(await client.getObject({ Bucket: 'b', Key: 'k2' }))).toBe('hello');
  });

  it('refuses MetadataDirective REPLACE over a metadata envelope (V2 or V3) before copying anything', async () => {
    for (const policy of ['REQUIRE_ENCRYPT_REQUIRE_DECRYPT', 'FORBID_ENCRYPT_ALLOW_DECRYPT'] as CommitmentPolicy[]) {
      for (const writeInstructionFile of policy === 'FORBID_ENCRYPT_ALLOW_DECRYPT' ? [false] : [false, true]) {
        const s3 = memoryS3();
        const client = new S3EncryptionClient({
          s3: s3.client,
          keyring: new AesKeyring({ wrappingKey: randomBytes(32) }),
          commitmentPolicy: policy,
          writeInstructionFile,
        });
        await client.putObject({ Bucket: 'b', Key: 'k', Body: 'hello' });
        await expect(
          client.copyObject({ Bucket: 'b', Key: 'k2', CopySource: 'b/k', MetadataDirective: 'REPLACE', Metadata: { new: 'value' } }),
        ).rejects.toMatchObject({ code: 'InvalidConfiguration', message: expect.stringContaining('MetadataDirective REPLACE would drop') });
        expect(s3.get('b', 'k2')).toBeUndefined();
        expect(s3.get('b', 'k2.instruction')).toBeUndefined();
      }
    }
  });

  it('allows MetadataDirective REPLACE when the whole V2 envelope is in the instruction file', async () => {
    const s3 = memoryS3();
    const client = new S3EncryptionClient({
      s3: s3.client,
      keyring: new AesKeyring({ wrappingKey: randomBytes(32) }),
      commitmentPolicy: 'FORBID_ENCRYPT_ALLOW_DECRYPT',
      writeInstructionFile: true,
    });
    await client.putObject({ Bucket: 'b', Key: 'k', Body: 'hello', Metadata: { old: 'value' } });
    await client.copyObject({ Bucket: 'b', Key: 'k2', CopySource: 'b/k', MetadataDirective: 'REPLACE', Metadata: { new: 'value' } });
    const output = await client.getObject({ Bucket: 'b', Key: 'k2' });
    expect(await text(output)).toBe('hello');
    expect(output.Metadata).toEqual({ new: 'value' });
  });

  it('refuses a versioned source whose envelope is in an instruction file', async () => {
    const s3 = memoryS3();
    const client = new S3EncryptionClient({ s3: s3.client, keyring: new AesKeyring({ wrappingKey: randomBytes(32) }), writeInstructionFile: true });
    await client.putObject({ Bucket: 'b', Key: 'k', Body: 'hello' });
    await expect(client.copyObject({ Bucket: 'b', Key: 'k2', CopySource: 'b/k?versionId=v1' })).rejects.toMatchObject({ code: 'InvalidConfiguration' });
    expect(s3.get('b', 'k2')).toBeUndefined();
  });

  it('copies nothing when the source has no envelope and no instruction file (S3 NotFound), or a mixed envelope', async () => {
    const s3 = memoryS3();
    const client = new S3EncryptionClient({ s3: s3.client, keyring: new AesKeyring({ wrappingKey: randomBytes(32) }) });
    s3.put('b', 'plain', Buffer.from('not encrypted'));
    await expect(client.copyObject({ Bucket: 'b', Key: 'k2', CopySource: 'b/plain' })).rejects.toMatchObject({ name: 'NotFound' });
    s3.put('b', 'mixed', Buffer.from('x'), { 'x-amz-key-v2': 'AAAA', 'x-amz-c': '115' });
    await expect(client.copyObject({ Bucket: 'b', Key: 'k2', CopySource: 'b/mixed' })).rejects.toMatchObject({ code: 'MixedFormatVersions' });
    expect(s3.get('b', 'k2')).toBeUndefined();
  });

  it('a source overwritten between the read and the copy fails with S3 PreconditionFailed', async () => {
    const s3 = memoryS3();
    const client = new S3EncryptionClient({ s3: s3.client, keyring: new AesKeyring({ wrappingKey: randomBytes(32) }) });
    await client.putObject({ Bucket: 'b', Key: 'k', Body: 'hello' });
    await expect(
      client.copyObject({ Bucket: 'b', Key: 'k2', CopySource: 'b/k', CopySourceIfMatch: '"0123456789abcdef0123456789abcdef"' }),
    ).rejects.toMatchObject({ name: 'PreconditionFailed' });
  });

  it('parses CopySource forms', () => {
    expect(parseCopySource('b/a%20b/c.txt')).toEqual({ bucket: 'b', key: 'a b/c.txt' });
    expect(parseCopySource('/b/k?versionId=3')).toEqual({ bucket: 'b', key: 'k', versionId: '3' });
    expect(parseCopySource('arn:aws:s3:us-west-2:111122223333:accesspoint/ap/object/x/y')).toEqual({
      bucket: 'arn:aws:s3:us-west-2:111122223333:accesspoint/ap',
      key: 'x/y',
    });
    for (const bad of ['', 'b', 'b/', '/k', '%E0%A4%A']) expect(() => parseCopySource(bad)).toThrow(expect.objectContaining({ code: 'InvalidConfiguration' }));
  });
});
