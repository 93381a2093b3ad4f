/**
 * V1 objects and the legacy wraps `AESWrap`, `AES` and `RSA`: read only behind the explicit legacy
 * options, as Java's keyrings do (`isLegacy()` + `enableLegacyWrappingAlgorithms`, CBC content behind
 * `enableLegacyUnauthenticatedModes`), refused otherwise with Java's meaning. The legacy objects are
 * built here byte by byte from the formats' definitions (Java `ContentMetadataDecodingStrategy`,
 * `AesKeyring`, `RsaKeyring`), independently of the client; the AESWrap primitive is pinned by
 * RFC 3394's own known answer. Objects written by the official Ruby V1 client are in the Ruby interop test.
 */

import { constants, createCipheriv, generateKeyPairSync, publicEncrypt, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AesKeyring, type CommitmentPolicy, type Keyring, RsaKeyring, S3EncryptionClient } from '../../src/index.ts';
import { memoryS3 } from '../helpers/memory-s3.ts';

const hex = (text: string): Buffer => Buffer.from(text, 'hex');
const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });

/** AES-256-CBC with PKCS#7 padding: V1 content. */
function cbc(key: Uint8Array, iv: Uint8Array, plaintext: Uint8Array): Buffer {
  const cipher = createCipheriv('aes-256-cbc', key, iv);
  return Buffer.concat([cipher.update(plaintext), cipher.final()]);
}

function gcm(key: Uint8Array, iv: Uint8Array, plaintext: Uint8Array): Buffer {
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  return Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
}

function aesWrap(kek: Uint8Array, key: Uint8Array): Buffer {
  const cipher = createCipheriv('id-aes256-wrap', kek, hex('a6a6a6a6a6a6a6a6'));
  return Buffer.concat([cipher.update(key), cipher.final()]);
}

function aesEcb(kek: Uint8Array, key: Uint8Array): Buffer {
  const cipher = createCipheriv('aes-256-ecb', kek, null);
  return Buffer.concat([cipher.update(key), cipher.final()]);
}

const LEGACY = { commitmentPolicy: 'REQUIRE_ENCRYPT_ALLOW_DECRYPT' as CommitmentPolicy, enableLegacyUnauthenticatedModes: true };

async function read(
  keyring: Keyring,
  store: ReturnType<typeof memoryS3>,
  options: Partial<{ commitmentPolicy: CommitmentPolicy; enableLegacyUnauthenticatedModes: boolean }> = LEGACY,
): Promise<Buffer> {
  const client = new S3EncryptionClient({ s3: store.client, keyring, ...options });
  return Buffer.from(await (await client.getObject({ Bucket: 'b', Key: 'k' })).Body!.transformToByteArray());
}

describe('AESWrap (RFC 3394)', () => {
  it('matches RFC 3394 section 4.6 (256-bit key data, 256-bit KEK), and the keyring unwraps it', async () => {
    const kek = hex('000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f');
    const keyData = hex('00112233445566778899aabbccddeeff000102030405060708090a0b0c0d0e0f');
    const wrapped = hex('28c9f404c4b810f4cbccb35cfb87f8263f5786e2d80ed326cbc7f0e71a99f43bfb988b9b7a02dd21');
    expect(aesWrap(kek, keyData)).toEqual(wrapped);
    // A Java SDK v1 AuthenticatedEncryption object: V2 keys, AESWrap wrap, GCM content.
    const iv = randomBytes(12);
    const store = memoryS3();
    store.put('b', 'k', gcm(keyData, iv, Buffer.from('legacy hello')), {
      'x-amz-key-v2': wrapped.toString('base64'),
      'x-amz-iv': iv.toString('base64'),
      'x-amz-cek-alg': 'AES/GCM/NoPadding',
      'x-amz-tag-len': '128',
      'x-amz-wrap-alg': 'AESWrap',
      'x-amz-matdesc': '{}',
    });
    expect(
      (
        await read(new AesKeyring({ wrappingKey: kek, enableLegacyWrappingAlgorithms: true }), store, { commitmentPolicy: 'REQUIRE_ENCRYPT_ALLOW_DECRYPT' })
      ).toString(),
    ).toBe('legacy hello');
    await expect(read(new AesKeyring({ wrappingKey: kek }), store, { commitmentPolicy: 'REQUIRE_ENCRYPT_ALLOW_DECRYPT' })).rejects.toMatchObject({
      code: 'LegacyModeDisabled',
      message: expect.stringContaining('legacy key wrapping algorithm: AESWrap'),
    });
    // A corrupted wrap fails RFC 3394's integrity check.
    const bad = Buffer.from(wrapped);
    bad[5]! ^= 1;
    store.put('b', 'k', store.get('b', 'k')!.body, { ...store.get('b', 'k')!.metadata, 'x-amz-key-v2': bad.toString('base64') });
    await expect(
      read(new AesKeyring({ wrappingKey: kek, enableLegacyWrappingAlgorithms: true }), store, { commitmentPolicy: 'REQUIRE_ENCRYPT_ALLOW_DECRYPT' }),
    ).rejects.toMatchObject({ code: 'DecryptionFailed' });
  });
});

describe('V1 objects (x-amz-key, AES-CBC content)', () => {
  const dataKey = randomBytes(32);
  const iv = randomBytes(16);
  const plaintext = Buffer.from('a V1 EncryptionOnly object, CBC-encrypted');

  for (const [name, wrapAlg, stated] of [
    ['AES (AES/ECB/PKCS5Padding), wrap inferred from its 48-byte length', 'AES', false],
    ['AES, x-amz-wrap-alg stated', 'AES', true],
    ['AESWrap', 'AESWrap', true],
    ['RSA (PKCS#1 v1.5), wrap inferred from its 256-byte length', 'RSA', false],
    ['RSA, x-amz-wrap-alg stated', 'RSA', true],
  ] as const) {
    it(`${name}: read with both legacy options, refused without either`, async () => {
      const kek = randomBytes(32);
      const wrapped =
        wrapAlg === 'AES'
          ? aesEcb(kek, dataKey)
          : wrapAlg === 'AESWrap'
            ? aesWrap(kek, dataKey)
            : publicEncrypt({ key: publicKey, padding: constants.RSA_PKCS1_PADDING }, dataKey);
      const legacyKeyring = (): Keyring =>
        wrapAlg === 'RSA'
          ? new RsaKeyring({ privateKey, enableLegacyWrappingAlgorithms: true })
          : new AesKeyring({ wrappingKey: kek, enableLegacyWrappingAlgorithms: true });
      const modernKeyring = (): Keyring => (wrapAlg === 'RSA' ? new RsaKeyring({ privateKey }) : new AesKeyring({ wrappingKey: kek }));
      const store = memoryS3();
      store.put('b', 'k', cbc(dataKey, iv, plaintext), {
        'x-amz-key': wrapped.toString('base64'),
        'x-amz-iv': iv.toString('base64'),
        'x-amz-matdesc': '{}',
        'x-amz-unencrypted-content-length': String(plaintext.length),
        ...(stated ? { 'x-amz-wrap-alg': wrapAlg } : {}),
      });
      expect(await read(legacyKeyring(), store)).toEqual(plaintext);
      // Java: "Enable legacy wrapping algorithms to use legacy key wrapping algorithm: <wrap>".
      await expect(read(modernKeyring(), store)).rejects.toMatchObject({
        code: 'LegacyModeDisabled',
        message: expect.stringContaining(`legacy key wrapping algorithm: ${wrapAlg}`),
      });
      // CBC content is unauthenticated: refused before the keyring without enableLegacyUnauthenticatedModes.
      await expect(read(legacyKeyring(), store, { commitmentPolicy: 'REQUIRE_ENCRYPT_ALLOW_DECRYPT' })).rejects.toMatchObject({
        code: 'LegacyModeDisabled',
        message: expect.stringContaining('AES/CBC/PKCS5Padding'),
      });
      // Non-committing: the default policy refuses it before any key is touched.
      await expect(read(legacyKeyring(), store, { enableLegacyUnauthenticatedModes: true })).rejects.toMatchObject({ code: 'CommitmentPolicyViolation' });
    });
  }

  it('a V1 envelope in an instruction file is read the same way', async () => {
    const kek = randomBytes(32);
    const store = memoryS3();
    store.put('b', 'k', cbc(dataKey, iv, plaintext), { 'x-amz-unencrypted-content-length': String(plaintext.length) });
    store.put(
      'b',
      'k.instruction',
      Buffer.from(JSON.stringify({ 'x-amz-key': aesEcb(kek, dataKey).toString('base64'), 'x-amz-iv': iv.toString('base64'), 'x-amz-matdesc': '{}' })),
    );
    expect(await read(new AesKeyring({ wrappingKey: kek, enableLegacyWrappingAlgorithms: true }), store)).toEqual(plaintext);
  });

  it('a wrong RSA key, a bad PKCS#1 block or a wrong-length payload all fail alike', async () => {
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const store = memoryS3();
    const put = (wrapped: Uint8Array): void =>
      store.put('b', 'k', cbc(dataKey, iv, plaintext), {
        'x-amz-key': Buffer.from(wrapped).toString('base64'),
        'x-amz-iv': iv.toString('base64'),
        'x-amz-wrap-alg': 'RSA',
      });
    const keyring = new RsaKeyring({ privateKey, enableLegacyWrappingAlgorithms: true });
    const failures: unknown[] = [];
    put(publicEncrypt({ key: other.publicKey, padding: constants.RSA_PKCS1_PADDING }, dataKey));
    failures.push(await read(keyring, store).catch((error: unknown) => error));
    put(publicEncrypt({ key: publicKey, padding: constants.RSA_PKCS1_PADDING }, dataKey.subarray(0, 16)));
    failures.push(await read(keyring, store).catch((error: unknown) => error));
    put(publicEncrypt({ key: publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' }, dataKey));
    failures.push(await read(keyring, store).catch((error: unknown) => error));
    expect(failures.map((error) => [(error as { code?: string }).code, (error as Error).message])).toEqual(
      Array(3).fill(['DecryptionFailed', 'Unable to decrypt the object: authentication failed: Unable to RSA unwrap']),
    );
  });

  it('a V1 object is never mistaken for V2 when V2 keys are mixed in', async () => {
    const store = memoryS3();
    store.put('b', 'k', Buffer.alloc(32), {
      'x-amz-key': randomBytes(48).toString('base64'),
      'x-amz-key-v2': randomBytes(60).toString('base64'),
      'x-amz-iv': randomBytes(16).toString('base64'),
    });
    await expect(read(new AesKeyring({ wrappingKey: randomBytes(32), enableLegacyWrappingAlgorithms: true }), store)).rejects.toMatchObject({
      code: 'MixedFormatVersions',
    });
  });
});
