/**
 * What this client writes, read back by a from-scratch reader written here from the spec
 * (`s3-encryption/key-derivation.md`, `encryption.md`, the keyring pages) with none of src/'s code:
 * proves the writer's bytes, not just that the client agrees with itself.
 */

import { constants, createDecipheriv, generateKeyPairSync, hkdfSync, privateDecrypt } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AesKeyring, RsaKeyring, S3EncryptionClient } from '../src/index.ts';
import { memoryS3 } from './helpers/memory-s3.ts';

const WRAPPING_KEY = Buffer.alloc(32, 0x42);
const PLAINTEXT = Buffer.from('The quick brown fox jumps over the lazy dog, twice over: the quick brown fox.');

function gcmOpen(key: Uint8Array, iv: Uint8Array, aad: Uint8Array | undefined, sealed: Uint8Array): Buffer {
  const decipher = createDecipheriv('aes-256-gcm', key, iv);
  if (aad !== undefined) decipher.setAAD(aad);
  decipher.setAuthTag(sealed.subarray(sealed.length - 16));
  return Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - 16)), decipher.final()]);
}

/** Spec reader for V3: unwrap, HKDF-SHA512 (salt = message ID), commitment check, GCM with IV 0x01*12 and AAD 0x0073. */
function readV3(metadata: Record<string, string>, body: Uint8Array, unwrap: (edk: Buffer) => Buffer): Buffer {
  expect(metadata['x-amz-c']).toBe('115');
  const dataKey = unwrap(Buffer.from(metadata['x-amz-3'] ?? '', 'base64'));
  const messageId = Buffer.from(metadata['x-amz-i'] ?? '', 'base64');
  const commitKey = Buffer.from(hkdfSync('sha512', dataKey, messageId, Buffer.concat([Buffer.from([0x00, 0x73]), Buffer.from('COMMITKEY')]), 28));
  expect(commitKey.toString('base64')).toBe(metadata['x-amz-d']);
  const dek = Buffer.from(hkdfSync('sha512', dataKey, messageId, Buffer.concat([Buffer.from([0x00, 0x73]), Buffer.from('DERIVEKEY')]), 32));
  return gcmOpen(dek, Buffer.alloc(12, 0x01), Buffer.from([0x00, 0x73]), body);
}

async function write(keyring: AesKeyring | RsaKeyring, policy: 'FORBID_ENCRYPT_ALLOW_DECRYPT' | 'REQUIRE_ENCRYPT_REQUIRE_DECRYPT') {
  const s3 = memoryS3();
  await new S3EncryptionClient({ s3: s3.client, keyring, commitmentPolicy: policy }).putObject({ Bucket: 'b', Key: 'k', Body: PLAINTEXT });
  const object = s3.get('b', 'k');
  if (object === undefined) throw new Error('not stored');
  return object;
}

describe('objects written by this client, read by a spec reader', () => {
  it('V3 + AES/GCM: wrap = IV ‖ GCM(dataKey, AAD "115") ‖ tag; x-amz-w 02', async () => {
    const { metadata, body } = await write(new AesKeyring({ wrappingKey: WRAPPING_KEY }), 'REQUIRE_ENCRYPT_REQUIRE_DECRYPT');
    expect(metadata['x-amz-w']).toBe('02');
    const plaintext = readV3(metadata, body, (edk) => gcmOpen(WRAPPING_KEY, edk.subarray(0, 12), Buffer.from('115'), edk.subarray(12)));
    expect(plaintext).toEqual(PLAINTEXT);
  });

  it('V3 + RSA-OAEP-SHA1: the pseudo key is 0x20 ‖ dataKey ‖ "115"; x-amz-w 22', async () => {
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const { metadata, body } = await write(new RsaKeyring({ publicKey }), 'REQUIRE_ENCRYPT_REQUIRE_DECRYPT');
    expect(metadata['x-amz-w']).toBe('22');
    const plaintext = readV3(metadata, body, (edk) => {
      const pseudo = privateDecrypt({ key: privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' }, edk);
      expect(pseudo[0]).toBe(32);
      expect(pseudo.subarray(33).toString()).toBe('115');
      return pseudo.subarray(1, 33);
    });
    expect(plaintext).toEqual(PLAINTEXT);
  });

  it('V2 + AES/GCM: content under the data key with the stored IV and no AAD; wrap AAD "AES/GCM/NoPadding"', async () => {
    const { metadata, body } = await write(new AesKeyring({ wrappingKey: WRAPPING_KEY }), 'FORBID_ENCRYPT_ALLOW_DECRYPT');
    const edk = Buffer.from(metadata['x-amz-key-v2'] ?? '', 'base64');
    const dataKey = gcmOpen(WRAPPING_KEY, edk.subarray(0, 12), Buffer.from('AES/GCM/NoPadding'), edk.subarray(12));
    expect(gcmOpen(dataKey, Buffer.from(metadata['x-amz-iv'] ?? '', 'base64'), undefined, body)).toEqual(PLAINTEXT);
  });
});
