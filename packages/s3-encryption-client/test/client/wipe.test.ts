/**
 * Plaintext data keys are wiped after use: every buffer a keyring hands the client (and every
 * Plaintext a KMS answers with) is all zeros once put, get, multipart or a failed get returns, and
 * no error message or cause carries key bytes.
 */

import { createCipheriv, generateKeyPairSync, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { Kms } from '@strongbox/kms';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AesKeyring, type CommitmentPolicy, type Keyring, type KmsClientLike, KmsKeyring, RsaKeyring, S3EncryptionClient } from '../../src/index.ts';
import { memoryS3 } from '../helpers/memory-s3.ts';

const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
let kms: Kms;
let keyId: string;

beforeAll(async () => {
  kms = new Kms({ quotas: false });
  keyId = (await kms.createKey({})).KeyMetadata.KeyId;
});
afterAll(async () => {
  await kms.close();
});

/** A keyring wrapper that remembers every data key buffer the inner keyring returned. */
function recording(inner: Keyring): { keyring: Keyring; handedOut: Uint8Array[]; copies: Uint8Array[] } {
  const handedOut: Uint8Array[] = [];
  const copies: Uint8Array[] = [];
  const keep = (key: Uint8Array): Uint8Array => {
    handedOut.push(key);
    copies.push(new Uint8Array(key));
    return key;
  };
  return {
    handedOut,
    copies,
    keyring: {
      onEncrypt: async (request) => {
        const result = await inner.onEncrypt(request);
        keep(result.dataKey);
        return result;
      },
      onDecrypt: async (request) => keep(await inner.onDecrypt(request)),
    },
  };
}

/** A KMS wrapper that remembers every Plaintext KMS answered with. */
function recordingKms(inner: KmsClientLike): { kms: KmsClientLike; plaintexts: Uint8Array[] } {
  const plaintexts: Uint8Array[] = [];
  return {
    plaintexts,
    kms: {
      generateDataKey: async (input) => {
        const output = await inner.generateDataKey(input);
        if (output.Plaintext !== undefined) plaintexts.push(output.Plaintext);
        return output;
      },
      decrypt: async (input) => {
        const output = await inner.decrypt(input);
        if (output.Plaintext !== undefined) plaintexts.push(output.Plaintext);
        return output;
      },
    },
  };
}

const allZero = (bytes: Uint8Array): boolean => bytes.length > 0 && bytes.every((byte) => byte === 0);

const KEYRINGS: Record<string, () => Keyring> = {
  'AES/GCM': () => new AesKeyring({ wrappingKey: randomBytes(32) }),
  'RSA-OAEP-SHA1': () => new RsaKeyring({ publicKey, privateKey }),
  'kms+context': () => new KmsKeyring({ kms, kmsKeyId: keyId }),
};

describe('data keys are wiped after use', () => {
  for (const [name, make] of Object.entries(KEYRINGS)) {
    for (const policy of ['REQUIRE_ENCRYPT_REQUIRE_DECRYPT', 'FORBID_ENCRYPT_ALLOW_DECRYPT'] as CommitmentPolicy[]) {
      it(`${name}, ${policy === 'FORBID_ENCRYPT_ALLOW_DECRYPT' ? 'V2' : 'V3'}: put, get, stream put, delayed-auth get, ranged get, multipart`, async () => {
        const s3 = memoryS3();
        const { keyring, handedOut, copies } = recording(make());
        const client = new S3EncryptionClient({
          s3: s3.client,
          keyring,
          commitmentPolicy: policy,
          enableLegacyUnauthenticatedModes: true,
          enableDelayedAuthenticationMode: true,
          bufferSize: 64,
        });
        const body = randomBytes(100);
        await client.putObject({ Bucket: 'b', Key: 'k', Body: body });
        await client.putObject({ Bucket: 'b', Key: 's', Body: Readable.from([body]), ContentLength: body.length });
        // 116 ciphertext bytes exceed the 64-byte buffer: the delayed-authentication stream path.
        expect(Buffer.from(await (await client.getObject({ Bucket: 'b', Key: 'k' })).Body!.transformToByteArray())).toEqual(body);
        expect(Buffer.from(await (await client.getObject({ Bucket: 'b', Key: 's', Range: 'bytes=10-40' })).Body!.transformToByteArray())).toEqual(
          body.subarray(10, 41),
        );
        const upload = await client.createMultipartUpload({ Bucket: 'b', Key: 'm' });
        await upload.uploadPart({ Body: body.subarray(0, 64) });
        await upload.uploadPart({ Body: body.subarray(64), isLastPart: true });
        await upload.complete();
        const small = new S3EncryptionClient({ s3: s3.client, keyring, commitmentPolicy: policy });
        expect(Buffer.from(await (await small.getObject({ Bucket: 'b', Key: 'm' })).Body!.transformToByteArray())).toEqual(body);
        // Three PUTs and three GETs, each key real before use and zero after.
        expect(handedOut).toHaveLength(6);
        expect(copies.every((copy) => !allZero(copy))).toBe(true);
        expect(handedOut.every(allZero)).toBe(true);
      });
    }
  }

  it('the KMS keyring zeroes the Plaintext KMS answered with, on GenerateDataKey and Decrypt', async () => {
    const s3 = memoryS3();
    const spy = recordingKms(kms);
    const client = new S3EncryptionClient({ s3: s3.client, keyring: new KmsKeyring({ kms: spy.kms, kmsKeyId: keyId }) });
    await client.putObject({ Bucket: 'b', Key: 'k', Body: 'hello' }, { encryptionContext: { tenant: 'acme' } });
    expect(await (await client.getObject({ Bucket: 'b', Key: 'k' }, { encryptionContext: { tenant: 'acme' } })).Body?.transformToString()).toBe('hello');
    expect(spy.plaintexts).toHaveLength(2);
    expect(spy.plaintexts.every(allZero)).toBe(true);
  });

  it('a failed get (bad commitment, bad tag) still wipes the data key, and its error names no key bytes', async () => {
    const s3 = memoryS3();
    const { keyring, handedOut, copies } = recording(new AesKeyring({ wrappingKey: randomBytes(32) }));
    const client = new S3EncryptionClient({ s3: s3.client, keyring });
    await client.putObject({ Bucket: 'b', Key: 'k', Body: 'hello world' });
    const stored = s3.get('b', 'k')!;
    const failures: unknown[] = [];
    // A commitment of another key: KeyCommitmentMismatch after the unwrap.
    s3.put('b', 'c', stored.body, { ...stored.metadata, 'x-amz-d': randomBytes(28).toString('base64') });
    // A flipped ciphertext byte: DecryptionFailed from the content cipher.
    const flipped = new Uint8Array(stored.body);
    flipped[0]! ^= 1;
    s3.put('b', 't', flipped, stored.metadata);
    for (const key of ['c', 't'])
      failures.push(
        await client.getObject({ Bucket: 'b', Key: key }).then(
          () => undefined,
          (error: unknown) => error,
        ),
      );
    expect(failures.map((error) => (error as { code?: string }).code)).toEqual(['KeyCommitmentMismatch', 'DecryptionFailed']);
    expect(handedOut.slice(1).every(allZero)).toBe(true);
    for (const error of failures) {
      const text = describeError(error);
      for (const key of copies) {
        const hex = Buffer.from(key).toString('hex');
        expect(text.toLowerCase()).not.toContain(hex);
        expect(text).not.toContain(Buffer.from(key).toString('base64'));
      }
    }
  });

  it('legacy unwraps (AESWrap, AES) hand over buffers the client wipes too', async () => {
    const kek = randomBytes(32);
    const dataKey = randomBytes(32);
    const iv = randomBytes(16);
    const content = createCipheriv('aes-256-cbc', dataKey, iv);
    const body = Buffer.concat([content.update('legacy'), content.final()]);
    for (const [wrap, cipher] of [
      ['AESWrap', createCipheriv('id-aes256-wrap', kek, Buffer.from('a6a6a6a6a6a6a6a6', 'hex'))],
      ['AES', createCipheriv('aes-256-ecb', kek, null)],
    ] as const) {
      const s3 = memoryS3();
      s3.put('b', 'k', body, {
        'x-amz-key': Buffer.concat([cipher.update(dataKey), cipher.final()]).toString('base64'),
        'x-amz-iv': iv.toString('base64'),
        'x-amz-wrap-alg': wrap,
      });
      const { keyring, handedOut } = recording(new AesKeyring({ wrappingKey: kek, enableLegacyWrappingAlgorithms: true }));
      const client = new S3EncryptionClient({
        s3: s3.client,
        keyring,
        commitmentPolicy: 'REQUIRE_ENCRYPT_ALLOW_DECRYPT',
        enableLegacyUnauthenticatedModes: true,
      });
      expect(await (await client.getObject({ Bucket: 'b', Key: 'k' })).Body?.transformToString()).toBe('legacy');
      expect(handedOut).toHaveLength(1);
      expect(handedOut.every(allZero), wrap).toBe(true);
    }
  });

  it('a wrong wrapping key fails without key bytes in the error', async () => {
    const s3 = memoryS3();
    const wrappingKey = randomBytes(32);
    await new S3EncryptionClient({ s3: s3.client, keyring: new AesKeyring({ wrappingKey }) }).putObject({ Bucket: 'b', Key: 'k', Body: 'x' });
    const error = await new S3EncryptionClient({ s3: s3.client, keyring: new AesKeyring({ wrappingKey: randomBytes(32) }) })
      .getObject({ Bucket: 'b', Key: 'k' })
      .catch((caught: unknown) => caught);
    expect((error as { code?: string }).code).toBe('DecryptionFailed');
    expect(describeError(error).toLowerCase()).not.toContain(wrappingKey.toString('hex'));
  });
});

/** Message, stack and causes, recursively, plus every own enumerable property. */
function describeError(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && depth < 5; depth++) {
    if (current instanceof Error) {
      parts.push(current.message, current.stack ?? '', JSON.stringify(Object.entries(current)));
      current = current.cause;
    } else {
      parts.push(String(current));
      current = undefined;
    }
  }
  return parts.join('\n');
}
