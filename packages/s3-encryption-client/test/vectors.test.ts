/**
 * Every object of `s3ec-v2/vectors.json` (written by the official Ruby client, aws-sdk-s3 1.117.2
 * `Aws::S3::EncryptionV2::Client`) decrypts to its plaintext through a real `S3Client`. The
 * kms+context vectors run against a KMS double that answers the recorded data key, which proves
 * both the content decryption and the exact context the client sends to KMS.
 */

import { describe, expect, it } from 'vitest';
import { AesKeyring, KmsKeyring, S3EncryptionClient, S3EncryptionClientError } from '../src/index.ts';
import { kmsReturning } from './helpers/kms-double.ts';
import { memoryS3 } from './helpers/memory-s3.ts';
import { loadS3ecVectors, type S3ecVector, VECTORS_MISSING } from './helpers/vectors.ts';

const vectors: S3ecVector[] = VECTORS_MISSING === undefined ? loadS3ecVectors().vectors : [];
const b64 = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'base64'));

describe.skipIf(VECTORS_MISSING !== undefined)('official Ruby S3EC V2 vectors', () => {
  it('covers both wraps, every size and the instruction file', () => {
    expect(vectors.filter((v) => v.wrap === 'AES/GCM').length).toBeGreaterThanOrEqual(8);
    expect(vectors.filter((v) => v.wrap === 'kms+context').length).toBeGreaterThanOrEqual(8);
    expect(vectors.some((v) => v.instructionFile !== undefined)).toBe(true);
  });

  for (const vector of vectors) {
    it(`${vector.name} decrypts to its plaintext`, async () => {
      const s3 = memoryS3();
      s3.put('vectors', vector.name, b64(vector.ciphertext), vector.metadata);
      if (vector.instructionFile !== undefined) s3.put('vectors', `${vector.name}.instruction`, Buffer.from(vector.instructionFile), {});
      const kms = kmsReturning(b64(vector.dataKey ?? ''));
      const keyring = vector.wrap === 'AES/GCM' ? new AesKeyring({ wrappingKey: b64(vector.wrappingKey ?? '') }) : new KmsKeyring({ kms });
      const client = new S3EncryptionClient({ s3: s3.client, keyring, commitmentPolicy: 'REQUIRE_ENCRYPT_ALLOW_DECRYPT' });
      const options = vector.kmsEncryptionContext === undefined ? {} : { encryptionContext: vector.kmsEncryptionContext };
      const output = await client.getObject({ Bucket: 'vectors', Key: vector.name }, options);
      const plaintext = await output.Body?.transformToByteArray();
      expect(Buffer.from(plaintext ?? []).toString('base64')).toBe(vector.plaintext);
      expect(output.ContentLength).toBe(b64(vector.plaintext).length);
      if (vector.wrap === 'kms+context') {
        expect(kms.decryptRequests).toHaveLength(1);
        // The stored context, reserved key included, goes to KMS verbatim, as a map.
        expect(kms.decryptRequests[0]?.EncryptionContext).toEqual({ ...vector.kmsEncryptionContext, 'aws:x-amz-cek-alg': 'AES/GCM/NoPadding' });
        expect(Buffer.from(kms.decryptRequests[0]?.CiphertextBlob ?? []).toString('base64')).toBe(vector.metadata['x-amz-key-v2']);
      }
    });
  }

  it('the default policy (REQUIRE_ENCRYPT_REQUIRE_DECRYPT) refuses every one of them before touching KMS', async () => {
    for (const vector of vectors.filter((v) => v.wrap === 'kms+context').slice(0, 2)) {
      const s3 = memoryS3();
      s3.put('vectors', vector.name, b64(vector.ciphertext), vector.metadata);
      const kms = kmsReturning(b64(vector.dataKey ?? ''));
      const client = new S3EncryptionClient({ s3: s3.client, keyring: new KmsKeyring({ kms }) });
      await expect(client.getObject({ Bucket: 'vectors', Key: vector.name }, { encryptionContext: vector.kmsEncryptionContext ?? {} })).rejects.toMatchObject({
        code: 'CommitmentPolicyViolation',
      });
      expect(kms.decryptRequests).toHaveLength(0);
    }
  });

  it('a kms+context vector read without its context fails before KMS is asked', async () => {
    const vector = vectors.find((v) => v.wrap === 'kms+context');
    if (vector === undefined) throw new Error('no kms+context vector');
    const s3 = memoryS3();
    s3.put('vectors', vector.name, b64(vector.ciphertext), vector.metadata);
    const kms = kmsReturning(b64(vector.dataKey ?? ''));
    const client = new S3EncryptionClient({ s3: s3.client, keyring: new KmsKeyring({ kms }), commitmentPolicy: 'FORBID_ENCRYPT_ALLOW_DECRYPT' });
    const failure = await client.getObject({ Bucket: 'vectors', Key: vector.name }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(S3EncryptionClientError);
    expect(failure).toMatchObject({ code: 'EncryptionContextMismatch' });
    expect(kms.decryptRequests).toHaveLength(0);
  });
});
