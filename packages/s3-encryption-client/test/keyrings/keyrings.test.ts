/**
 * The keyrings on their own: the wire forms they produce (60-byte AES wrap bound to the content
 * algorithm; RSA pseudo data key; the KMS request), and what they refuse.
 */

import { constants, createDecipheriv, generateKeyPairSync, privateDecrypt } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AesKeyring, type KmsClientLike, KmsKeyring, RsaKeyring } from '../../src/index.ts';

const NO_CONTEXT = new Map<string, string>();
const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });

describe('AesKeyring', () => {
  it('wraps as IV(12) ‖ AES-GCM(dataKey)(32) ‖ tag(16) with AAD = the content algorithm', async () => {
    const wrappingKey = new Uint8Array(32).fill(2);
    for (const contentAlgorithm of ['AES/GCM/NoPadding', '115'] as const) {
      const result = await new AesKeyring({ wrappingKey }).onEncrypt({ contentAlgorithm, encryptionContext: NO_CONTEXT });
      expect(result.encryptedDataKey).toHaveLength(60);
      const decipher = createDecipheriv('aes-256-gcm', wrappingKey, result.encryptedDataKey.subarray(0, 12));
      decipher.setAAD(Buffer.from(contentAlgorithm));
      decipher.setAuthTag(result.encryptedDataKey.subarray(44));
      expect(Buffer.concat([decipher.update(result.encryptedDataKey.subarray(12, 44)), decipher.final()])).toEqual(Buffer.from(result.dataKey));
    }
  });

  it('refuses another wrapping key, another content algorithm, another wrap', async () => {
    const keyring = new AesKeyring({ wrappingKey: new Uint8Array(32).fill(2) });
    const { encryptedDataKey, description } = await keyring.onEncrypt({ contentAlgorithm: '115', encryptionContext: NO_CONTEXT });
    const request = { contentAlgorithm: '115' as const, wrapAlgorithm: 'AES/GCM' as const, encryptedDataKey, description, encryptionContext: NO_CONTEXT };
    await expect(new AesKeyring({ wrappingKey: new Uint8Array(32).fill(3) }).onDecrypt(request)).rejects.toMatchObject({ code: 'DecryptionFailed' });
    await expect(keyring.onDecrypt({ ...request, contentAlgorithm: 'AES/GCM/NoPadding' })).rejects.toMatchObject({ code: 'DecryptionFailed' });
    await expect(keyring.onDecrypt({ ...request, wrapAlgorithm: 'kms+context' })).rejects.toMatchObject({ code: 'KeyringMismatch' });
    expect(() => new AesKeyring({ wrappingKey: new Uint8Array(16) })).toThrow(RangeError);
  });
});

describe('RsaKeyring', () => {
  it('encrypts the pseudo data key len(32) ‖ dataKey ‖ content algorithm with OAEP-SHA1', async () => {
    const result = await new RsaKeyring({ publicKey }).onEncrypt({ contentAlgorithm: '115', encryptionContext: NO_CONTEXT });
    const pseudo = privateDecrypt({ key: privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' }, result.encryptedDataKey);
    expect(pseudo).toEqual(Buffer.concat([Buffer.from([32]), result.dataKey, Buffer.from('115')]));
    expect(result.wrapAlgorithm).toBe('RSA-OAEP-SHA1');
  });

  it('refuses a pseudo key for another content algorithm, and decrypting without a private key', async () => {
    const { encryptedDataKey } = await new RsaKeyring({ publicKey }).onEncrypt({ contentAlgorithm: 'AES/GCM/NoPadding', encryptionContext: NO_CONTEXT });
    const request = {
      contentAlgorithm: '115' as const,
      wrapAlgorithm: 'RSA-OAEP-SHA1' as const,
      encryptedDataKey,
      description: NO_CONTEXT,
      encryptionContext: NO_CONTEXT,
    };
    await expect(new RsaKeyring({ privateKey }).onDecrypt(request)).rejects.toMatchObject({ code: 'DecryptionFailed' });
    await expect(new RsaKeyring({ publicKey }).onDecrypt(request)).rejects.toMatchObject({ code: 'InvalidConfiguration' });
    expect(await new RsaKeyring({ privateKey }).onDecrypt({ ...request, contentAlgorithm: 'AES/GCM/NoPadding' })).toHaveLength(32);
  });
});

describe('KmsKeyring', () => {
  it('sends GenerateDataKey with the caller context plus aws:x-amz-cek-alg, and keeps it as the description', async () => {
    const calls: unknown[] = [];
    const kms: KmsClientLike = {
      async generateDataKey(input) {
        calls.push(input);
        return { Plaintext: new Uint8Array(32).fill(1), CiphertextBlob: new Uint8Array([1, 2, 3]) };
      },
      async decrypt() {
        throw new Error('not expected');
      },
    };
    const result = await new KmsKeyring({ kms, kmsKeyId: 'alias/k' }).onEncrypt({ contentAlgorithm: '115', encryptionContext: new Map([['tenant', 'acme']]) });
    expect(calls).toEqual([{ KeyId: 'alias/k', KeySpec: 'AES_256', EncryptionContext: { tenant: 'acme', 'aws:x-amz-cek-alg': '115' } }]);
    expect([...result.description]).toEqual([
      ['tenant', 'acme'],
      ['aws:x-amz-cek-alg', '115'],
    ]);
  });

  it('a decrypt-only keyring (no kmsKeyId) cannot write, and sends no KeyId on Decrypt', async () => {
    const calls: { KeyId?: string }[] = [];
    const kms: KmsClientLike = {
      async generateDataKey() {
        throw new Error('not expected');
      },
      async decrypt(input) {
        calls.push(input);
        return { Plaintext: new Uint8Array(32) };
      },
    };
    const keyring = new KmsKeyring({ kms });
    await expect(keyring.onEncrypt({ contentAlgorithm: '115', encryptionContext: NO_CONTEXT })).rejects.toMatchObject({ code: 'InvalidConfiguration' });
    await keyring.onDecrypt({
      contentAlgorithm: '115',
      wrapAlgorithm: 'kms+context',
      encryptedDataKey: new Uint8Array(3),
      description: new Map([['aws:x-amz-cek-alg', '115']]),
      encryptionContext: NO_CONTEXT,
    });
    expect(calls[0]?.KeyId).toBeUndefined();
  });

  it('refuses a KMS answer without a 32-byte data key', async () => {
    const kms: KmsClientLike = {
      generateDataKey: async () => ({ Plaintext: new Uint8Array(16), CiphertextBlob: new Uint8Array(3) }),
      decrypt: async () => ({ Plaintext: new Uint8Array(31) }),
    };
    const keyring = new KmsKeyring({ kms, kmsKeyId: 'k' });
    await expect(keyring.onEncrypt({ contentAlgorithm: '115', encryptionContext: NO_CONTEXT })).rejects.toMatchObject({ code: 'InvalidConfiguration' });
    await expect(
      keyring.onDecrypt({
        contentAlgorithm: '115',
        wrapAlgorithm: 'kms+context',
        encryptedDataKey: new Uint8Array(3),
        description: new Map([['aws:x-amz-cek-alg', '115']]),
        encryptionContext: NO_CONTEXT,
      }),
    ).rejects.toMatchObject({ code: 'DecryptionFailed' });
  });
});
