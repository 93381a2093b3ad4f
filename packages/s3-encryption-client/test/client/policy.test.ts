/**
 * V2 against V3 under each commitment policy (spec `key-commitment.md` L26-44): what each policy
 * writes, and which objects it reads; and the metadata-mixing refusal that closes dotnet#174.
 */

import { describe, expect, it } from 'vitest';
import { AesKeyring, type CommitmentPolicy, S3EncryptionClient } from '../../src/index.ts';
import { memoryS3 } from '../helpers/memory-s3.ts';

const POLICIES: readonly CommitmentPolicy[] = ['FORBID_ENCRYPT_ALLOW_DECRYPT', 'REQUIRE_ENCRYPT_ALLOW_DECRYPT', 'REQUIRE_ENCRYPT_REQUIRE_DECRYPT'];
const keyring = new AesKeyring({ wrappingKey: new Uint8Array(32).fill(5) });

describe('commitment policies', () => {
  for (const writer of POLICIES) {
    for (const reader of POLICIES) {
      const writes = writer === 'FORBID_ENCRYPT_ALLOW_DECRYPT' ? 'V2' : 'V3';
      const readable = writes === 'V3' || reader !== 'REQUIRE_ENCRYPT_REQUIRE_DECRYPT';
      it(`${writer} writes ${writes}; ${reader} ${readable ? 'reads it' : 'refuses it'}`, async () => {
        const s3 = memoryS3();
        await new S3EncryptionClient({ s3: s3.client, keyring, commitmentPolicy: writer }).putObject({ Bucket: 'b', Key: 'k', Body: 'payload' });
        expect('x-amz-c' in (s3.get('b', 'k')?.metadata ?? {})).toBe(writes === 'V3');
        const read = new S3EncryptionClient({ s3: s3.client, keyring, commitmentPolicy: reader }).getObject({ Bucket: 'b', Key: 'k' });
        if (readable) expect(await (await read).Body?.transformToString()).toBe('payload');
        else
          await expect(read).rejects.toMatchObject({
            code: 'CommitmentPolicyViolation',
            message: expect.stringContaining('cannot decrypt non-key-committing object when commitment policy is REQUIRE_ENCRYPT_REQUIRE_DECRYPT'),
          });
      });
    }
  }

  it('defaults to REQUIRE_ENCRYPT_REQUIRE_DECRYPT', async () => {
    const s3 = memoryS3();
    await new S3EncryptionClient({ s3: s3.client, keyring, commitmentPolicy: 'FORBID_ENCRYPT_ALLOW_DECRYPT' }).putObject({ Bucket: 'b', Key: 'k', Body: 'v2' });
    await expect(new S3EncryptionClient({ s3: s3.client, keyring }).getObject({ Bucket: 'b', Key: 'k' })).rejects.toMatchObject({
      code: 'CommitmentPolicyViolation',
    });
  });

  it('refuses V3 keys injected into a V2 object, under every policy (V3HeaderSpoofingTests, dotnet#174)', async () => {
    const s3 = memoryS3();
    await new S3EncryptionClient({ s3: s3.client, keyring, commitmentPolicy: 'FORBID_ENCRYPT_ALLOW_DECRYPT' }).putObject({ Bucket: 'b', Key: 'k', Body: 'v2' });
    const metadata = s3.get('b', 'k')?.metadata ?? {};
    for (const injected of ['x-amz-c', 'x-amz-d', 'x-amz-i', 'x-amz-3', 'x-amz-w', 'x-amz-t', 'x-amz-m']) {
      metadata[injected] = injected === 'x-amz-c' ? '115' : 'AAAA';
      for (const policy of POLICIES) {
        await expect(new S3EncryptionClient({ s3: s3.client, keyring, commitmentPolicy: policy }).getObject({ Bucket: 'b', Key: 'k' })).rejects.toMatchObject({
          code: 'MixedFormatVersions',
        });
      }
      delete metadata[injected];
    }
  });

  it('refuses V2 keys added to a V3 object', async () => {
    const s3 = memoryS3();
    await new S3EncryptionClient({ s3: s3.client, keyring }).putObject({ Bucket: 'b', Key: 'k', Body: 'v3' });
    const metadata = s3.get('b', 'k')?.metadata ?? {};
    metadata['x-amz-key-v2'] = metadata['x-amz-3'] ?? '';
    await expect(new S3EncryptionClient({ s3: s3.client, keyring }).getObject({ Bucket: 'b', Key: 'k' })).rejects.toMatchObject({
      code: 'MixedFormatVersions',
    });
  });
});
