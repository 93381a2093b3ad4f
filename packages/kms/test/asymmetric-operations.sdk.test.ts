/**
 * Sign, Verify, GenerateMac, VerifyMac, DeriveSharedSecret, Encapsulate, Decapsulate, RSA
 * Encrypt/Decrypt/ReEncrypt, GenerateDataKeyPair(+WithoutPlaintext) and GetKeyLastUsage through the
 * official AWS SDK client over HTTP: results that interoperate with node:crypto, and AWS's errors
 * (codes, messages and statuses from LocalStack's AWS-validated snapshots where they exist).
 */

import {
  constants,
  createHash,
  createHmac,
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  type KeyObject,
  sign as nodeSign,
  verify as nodeVerify,
  publicEncrypt,
} from 'node:crypto';
import {
  CreateKeyCommand,
  DecapsulateCommand,
  DecryptCommand,
  DeriveSharedSecretCommand,
  DisableKeyCommand,
  EncapsulateCommand,
  EncryptCommand,
  GenerateDataKeyPairCommand,
  GenerateDataKeyPairWithoutPlaintextCommand,
  GenerateMacCommand,
  GetKeyLastUsageCommand,
  GetPublicKeyCommand,
  type KeySpec,
  type KeyUsageType,
  ReEncryptCommand,
  SignCommand,
  VerifyCommand,
  VerifyMacCommand,
} from '@aws-sdk/client-kms';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CryptoFixture, startCryptoKms } from './helpers/crypto-fixtures.ts';
import { failureOf, startKms } from './helpers/sdk.ts';

let kms: CryptoFixture;
const MESSAGE = new TextEncoder().encode('test message !%$@ 1234567890');

beforeAll(async () => {
  kms = await startCryptoKms();
});
afterAll(() => kms.close());

async function newKey(spec: string, usage: string): Promise<{ id: string; arn: string }> {
  const { KeyMetadata } = await kms.client.send(new CreateKeyCommand({ KeySpec: spec as KeySpec, KeyUsage: usage as KeyUsageType }));
  return { id: KeyMetadata!.KeyId!, arn: KeyMetadata!.Arn! };
}

async function publicKeyOf(keyId: string): Promise<KeyObject> {
  const { PublicKey } = await kms.client.send(new GetPublicKeyCommand({ KeyId: keyId }));
  return createPublicKey({ key: Buffer.from(PublicKey!), format: 'der', type: 'spki' });
}

describe('Sign and Verify', () => {
  it('an RSA_2048 PSS signature verifies with crypto.verify (salt = digest length), RAW and DIGEST', async () => {
    const key = await newKey('RSA_2048', 'SIGN_VERIFY');
    const publicKey = await publicKeyOf(key.id);
    const raw = await kms.client.send(new SignCommand({ KeyId: key.id, Message: MESSAGE, SigningAlgorithm: 'RSASSA_PSS_SHA_256' }));
    expect(raw).toMatchObject({ KeyId: key.arn, SigningAlgorithm: 'RSASSA_PSS_SHA_256' });
    const options = { key: publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 };
    expect(nodeVerify('sha256', MESSAGE, options, raw.Signature!)).toBe(true);
    const digest = createHash('sha256').update(MESSAGE).digest();
    const prehashed = await kms.client.send(new SignCommand({ KeyId: key.id, Message: digest, MessageType: 'DIGEST', SigningAlgorithm: 'RSASSA_PSS_SHA_256' }));
    expect(nodeVerify('sha256', MESSAGE, options, prehashed.Signature!)).toBe(true);
    const verified = await kms.client.send(
      new VerifyCommand({ KeyId: key.id, Message: MESSAGE, Signature: prehashed.Signature, SigningAlgorithm: 'RSASSA_PSS_SHA_256' }),
    );
    expect(verified).toMatchObject({ KeyId: key.arn, SignatureValid: true, SigningAlgorithm: 'RSASSA_PSS_SHA_256' });
  });

  it('an ECC_NIST_P256 signature is DER and verifies with crypto.verify; a node:crypto signature of the digest verifies through Verify', async () => {
    const key = await newKey('ECC_NIST_P256', 'SIGN_VERIFY');
    const publicKey = await publicKeyOf(key.id);
    const { Signature } = await kms.client.send(new SignCommand({ KeyId: key.arn, Message: MESSAGE, SigningAlgorithm: 'ECDSA_SHA_256' }));
    expect(Signature![0]).toBe(0x30); // DER SEQUENCE
    expect(nodeVerify('sha256', MESSAGE, publicKey, Signature!)).toBe(true);
    const digest = createHash('sha256').update(MESSAGE).digest();
    await expect(
      kms.client.send(new VerifyCommand({ KeyId: key.id, Message: digest, MessageType: 'DIGEST', Signature, SigningAlgorithm: 'ECDSA_SHA_256' })),
    ).resolves.toMatchObject({
      SignatureValid: true,
    });
  });

  it('an Ed25519 signature (ED25519_SHA_512, RAW) verifies with crypto.verify', async () => {
    const key = await newKey('ECC_NIST_EDWARDS25519', 'SIGN_VERIFY');
    const { Signature } = await kms.client.send(new SignCommand({ KeyId: key.id, Message: MESSAGE, SigningAlgorithm: 'ED25519_SHA_512' }));
    expect(Signature).toHaveLength(64);
    expect(nodeVerify(null, MESSAGE, await publicKeyOf(key.id), Signature!)).toBe(true);
  });

  it('ML-DSA signs and verifies RAW messages', async () => {
    const key = await newKey('ML_DSA_44', 'SIGN_VERIFY');
    const { Signature } = await kms.client.send(new SignCommand({ KeyId: key.id, Message: MESSAGE, SigningAlgorithm: 'ML_DSA_SHAKE_256' }));
    expect(Signature).toHaveLength(2420);
    await expect(
      kms.client.send(new VerifyCommand({ KeyId: key.id, Message: MESSAGE, Signature, SigningAlgorithm: 'ML_DSA_SHAKE_256' })),
    ).resolves.toMatchObject({ SignatureValid: true });
  });

  it('a signature that does not verify is KMSInvalidSignatureException with an empty message', async () => {
    const key = await newKey('ECC_NIST_P256', 'SIGN_VERIFY');
    const { Signature } = await kms.client.send(
      new SignCommand({ KeyId: key.id, Message: new TextEncoder().encode('bad'), SigningAlgorithm: 'ECDSA_SHA_256' }),
    );
    expect(
      await failureOf(kms.client.send(new VerifyCommand({ KeyId: key.id, Message: MESSAGE, Signature, SigningAlgorithm: 'ECDSA_SHA_256' }))),
    ).toMatchObject({ name: 'KMSInvalidSignatureException', status: 400 }); // AWS sends no message: the SDK shows 'UnknownError'
  });

  it('in process, the failures AWS sends without a message carry an empty one', async () => {
    const key = await newKey('ECC_NIST_P256', 'SIGN_VERIFY');
    await expect(
      kms.kms.send('Verify', { KeyId: key.id, Message: MESSAGE, Signature: new Uint8Array(8), SigningAlgorithm: 'ECDSA_SHA_256' }),
    ).rejects.toMatchObject({
      code: 'KMSInvalidSignatureException',
      message: '',
    });
    const hmac = await newKey('HMAC_256', 'GENERATE_VERIFY_MAC');
    await expect(kms.kms.send('VerifyMac', { KeyId: hmac.id, Message: MESSAGE, Mac: new Uint8Array(32), MacAlgorithm: 'HMAC_SHA_256' })).rejects.toMatchObject({
      code: 'KMSInvalidMacException',
      message: '',
    });
  });

  it('a DIGEST of the wrong length is a ValidationException naming the algorithm', async () => {
    const key = await newKey('RSA_2048', 'SIGN_VERIFY');
    expect(
      await failureOf(
        kms.client.send(new SignCommand({ KeyId: key.id, Message: MESSAGE, MessageType: 'DIGEST', SigningAlgorithm: 'RSASSA_PKCS1_V1_5_SHA_256' })),
      ),
    ).toEqual({
      name: 'ValidationException',
      message: 'Digest is invalid length for algorithm RSASSA_PKCS1_V1_5_SHA_256.',
      status: 400,
    });
  });

  it('an algorithm of another key spec, or a key of another usage, is InvalidKeyUsageException', async () => {
    const key = await newKey('ECC_NIST_P256', 'SIGN_VERIFY');
    expect(await failureOf(kms.client.send(new SignCommand({ KeyId: key.id, Message: MESSAGE, SigningAlgorithm: 'ECDSA_SHA_384' })))).toEqual({
      name: 'InvalidKeyUsageException',
      message: 'Algorithm ECDSA_SHA_384 is incompatible with key spec ECC_NIST_P256.',
      status: 400,
    });
    const hmac = await newKey('HMAC_256', 'GENERATE_VERIFY_MAC');
    expect(await failureOf(kms.client.send(new SignCommand({ KeyId: hmac.id, Message: MESSAGE, SigningAlgorithm: 'ECDSA_SHA_256' })))).toEqual({
      name: 'InvalidKeyUsageException',
      message: `${hmac.arn} key usage is GENERATE_VERIFY_MAC which is not valid for Sign.`,
      status: 400,
    });
    const symmetric = (await kms.client.send(new CreateKeyCommand({}))).KeyMetadata!;
    expect(
      await failureOf(
        kms.client.send(new VerifyCommand({ KeyId: symmetric.KeyId, Message: MESSAGE, Signature: new Uint8Array(8), SigningAlgorithm: 'ECDSA_SHA_256' })),
      ),
    ).toEqual({
      name: 'InvalidKeyUsageException',
      message: `${symmetric.Arn!} key usage is ENCRYPT_DECRYPT which is not valid for Verify.`,
      status: 400,
    });
  });

  it('a disabled key is DisabledException', async () => {
    const key = await newKey('ECC_NIST_P256', 'SIGN_VERIFY');
    await kms.client.send(new DisableKeyCommand({ KeyId: key.id }));
    expect(await failureOf(kms.client.send(new SignCommand({ KeyId: key.id, Message: MESSAGE, SigningAlgorithm: 'ECDSA_SHA_256' })))).toEqual({
      name: 'DisabledException',
      message: `${key.arn} is disabled.`,
      status: 400,
    });
  });
});

describe('over a real socket', () => {
  it('Sign, Verify and GetPublicKey carry their blobs as base64 JSON 1.1 both ways', async () => {
    const socket = await startKms({}, {}, undefined, 'socket');
    try {
      const { KeyMetadata } = await socket.client.send(new CreateKeyCommand({ KeySpec: 'ECC_SECG_P256K1', KeyUsage: 'SIGN_VERIFY' }));
      const { Signature } = await socket.client.send(new SignCommand({ KeyId: KeyMetadata!.KeyId, Message: MESSAGE, SigningAlgorithm: 'ECDSA_SHA_256' }));
      const { PublicKey } = await socket.client.send(new GetPublicKeyCommand({ KeyId: KeyMetadata!.KeyId }));
      expect(nodeVerify('sha256', MESSAGE, createPublicKey({ key: Buffer.from(PublicKey!), format: 'der', type: 'spki' }), Signature!)).toBe(true);
      await expect(
        socket.client.send(new VerifyCommand({ KeyId: KeyMetadata!.KeyId, Message: MESSAGE, Signature, SigningAlgorithm: 'ECDSA_SHA_256' })),
      ).resolves.toMatchObject({
        SignatureValid: true,
      });
    } finally {
      await socket.close();
    }
  });
});

describe('GenerateMac and VerifyMac', () => {
  it('produce RFC 2104 HMACs (the same as an HMAC over the key KMS holds would be) and verify them', async () => {
    const key = await newKey('HMAC_384', 'GENERATE_VERIFY_MAC');
    const { Mac, MacAlgorithm, KeyId } = await kms.client.send(new GenerateMacCommand({ KeyId: key.id, Message: MESSAGE, MacAlgorithm: 'HMAC_SHA_384' }));
    expect({ MacAlgorithm, KeyId }).toEqual({ MacAlgorithm: 'HMAC_SHA_384', KeyId: key.arn });
    expect(Mac).toHaveLength(48);
    await expect(kms.client.send(new VerifyMacCommand({ KeyId: key.id, Message: MESSAGE, Mac, MacAlgorithm: 'HMAC_SHA_384' }))).resolves.toMatchObject({
      MacValid: true,
      KeyId: key.arn,
    });
    // Cross-check: the MAC is HMAC-SHA-384 under the 48-byte key the record holds.
    const macKey = kms.record(key.id).macKey!;
    expect(macKey).toHaveLength(48);
    expect(Buffer.from(Mac!).equals(createHmac('sha384', macKey).update(MESSAGE).digest())).toBe(true);
  });

  it('a MAC that does not verify is KMSInvalidMacException with an empty message; a wrong algorithm is InvalidKeyUsageException', async () => {
    const key = await newKey('HMAC_224', 'GENERATE_VERIFY_MAC');
    const { Mac } = await kms.client.send(new GenerateMacCommand({ KeyId: key.id, Message: MESSAGE, MacAlgorithm: 'HMAC_SHA_224' }));
    const changed = Uint8Array.from(Mac!);
    changed[0] = (changed[0] ?? 0) ^ 1;
    expect(
      await failureOf(kms.client.send(new VerifyMacCommand({ KeyId: key.id, Message: MESSAGE, Mac: changed, MacAlgorithm: 'HMAC_SHA_224' }))),
    ).toMatchObject({ name: 'KMSInvalidMacException', status: 400 }); // AWS sends no message: the SDK shows 'UnknownError'
    expect(await failureOf(kms.client.send(new GenerateMacCommand({ KeyId: key.id, Message: MESSAGE, MacAlgorithm: 'HMAC_SHA_256' })))).toEqual({
      name: 'InvalidKeyUsageException',
      message: 'Algorithm HMAC_SHA_256 is incompatible with key spec HMAC_224.',
      status: 400,
    });
    expect(await failureOf(kms.client.send(new GenerateMacCommand({ KeyId: key.id, Message: MESSAGE, MacAlgorithm: 'INVALID' as 'HMAC_SHA_224' })))).toEqual({
      name: 'ValidationException',
      message:
        "1 validation error detected: Value 'INVALID' at 'macAlgorithm' failed to satisfy constraint: Member must satisfy enum value set: [HMAC_SHA_384, HMAC_SHA_256, HMAC_SHA_224, HMAC_SHA_512]",
      status: 400,
    });
  });

  it('GenerateMac on a symmetric encryption key is InvalidKeyUsageException', async () => {
    const symmetric = (await kms.client.send(new CreateKeyCommand({}))).KeyMetadata!;
    expect(await failureOf(kms.client.send(new GenerateMacCommand({ KeyId: symmetric.KeyId, Message: MESSAGE, MacAlgorithm: 'HMAC_SHA_256' })))).toEqual({
      name: 'InvalidKeyUsageException',
      message: `${symmetric.Arn!} key usage is ENCRYPT_DECRYPT which is not valid for GenerateMac.`,
      status: 400,
    });
  });
});

describe('DeriveSharedSecret', () => {
  it('derives the secret a node:crypto peer derives from the key GetPublicKey returns', async () => {
    const key = await newKey('ECC_NIST_P256', 'KEY_AGREEMENT');
    const peer = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const answer = await kms.client.send(
      new DeriveSharedSecretCommand({ KeyId: key.id, KeyAgreementAlgorithm: 'ECDH', PublicKey: peer.publicKey.export({ format: 'der', type: 'spki' }) }),
    );
    expect(answer).toMatchObject({ KeyId: key.arn, KeyAgreementAlgorithm: 'ECDH', KeyOrigin: 'AWS_KMS' });
    const theirs = diffieHellman({ privateKey: peer.privateKey, publicKey: await publicKeyOf(key.id) });
    expect(Buffer.from(answer.SharedSecret!).equals(theirs)).toBe(true);
  });

  it('refuses a signing key (InvalidKeyUsageException) and a peer key that is not on the curve (empty ValidationException)', async () => {
    const signing = await newKey('ECC_NIST_P256', 'SIGN_VERIFY');
    const peer = generateKeyPairSync('ec', { namedCurve: 'secp384r1' }).publicKey.export({ format: 'der', type: 'spki' });
    expect(await failureOf(kms.client.send(new DeriveSharedSecretCommand({ KeyId: signing.id, KeyAgreementAlgorithm: 'ECDH', PublicKey: peer })))).toEqual({
      name: 'InvalidKeyUsageException',
      message: `${signing.arn} key usage is SIGN_VERIFY which is not valid for DeriveSharedSecret.`,
      status: 400,
    });
    const agreement = await newKey('ECC_NIST_P256', 'KEY_AGREEMENT');
    expect(
      await failureOf(kms.client.send(new DeriveSharedSecretCommand({ KeyId: agreement.id, KeyAgreementAlgorithm: 'ECDH', PublicKey: peer }))),
    ).toMatchObject({ name: 'ValidationException', status: 400 }); // AWS sends no message: the SDK shows 'UnknownError'
  });
});

describe('Encapsulate and Decapsulate', () => {
  it('share a 32-byte secret through an ML-KEM ciphertext of the documented length', async () => {
    const key = await newKey('ML_KEM_768', 'ENCAPSULATE_DECAPSULATE');
    const encapsulated = await kms.client.send(new EncapsulateCommand({ KeyId: key.id, EncapsulationAlgorithm: 'ML_KEM' }));
    expect(encapsulated.SharedSecret).toHaveLength(32);
    expect(encapsulated.SharedSecretCiphertextBlob).toHaveLength(1088);
    const decapsulated = await kms.client.send(
      new DecapsulateCommand({ KeyId: key.id, SharedSecretCiphertextBlob: encapsulated.SharedSecretCiphertextBlob, EncapsulationAlgorithm: 'ML_KEM' }),
    );
    expect(decapsulated).toMatchObject({ KeyId: key.arn, EncapsulationAlgorithm: 'ML_KEM' });
    expect(decapsulated.SharedSecret).toEqual(encapsulated.SharedSecret);
    expect(
      await failureOf(
        kms.client.send(new DecapsulateCommand({ KeyId: key.id, SharedSecretCiphertextBlob: new Uint8Array(10), EncapsulationAlgorithm: 'ML_KEM' })),
      ),
    ).toMatchObject({
      name: 'InvalidCiphertextException',
    });
  });
});

describe('Encrypt and Decrypt with RSA keys', () => {
  it('a crypto.publicEncrypt ciphertext decrypts through Decrypt; Encrypt output decrypts with the private key only KMS has', async () => {
    const key = await newKey('RSA_2048', 'ENCRYPT_DECRYPT');
    const publicKey = await publicKeyOf(key.id);
    const ciphertext = publicEncrypt({ key: publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, MESSAGE);
    const decrypted = await kms.client.send(new DecryptCommand({ KeyId: key.id, CiphertextBlob: ciphertext, EncryptionAlgorithm: 'RSAES_OAEP_SHA_256' }));
    expect(decrypted).toMatchObject({ KeyId: key.arn, EncryptionAlgorithm: 'RSAES_OAEP_SHA_256' });
    expect(Buffer.from(decrypted.Plaintext!).equals(Buffer.from(MESSAGE))).toBe(true);
    const encrypted = await kms.client.send(new EncryptCommand({ KeyId: key.id, Plaintext: MESSAGE, EncryptionAlgorithm: 'RSAES_OAEP_SHA_1' }));
    expect(encrypted).toMatchObject({ KeyId: key.arn, EncryptionAlgorithm: 'RSAES_OAEP_SHA_1' });
    expect(encrypted.CiphertextBlob).toHaveLength(256);
    const back = await kms.client.send(
      new DecryptCommand({ KeyId: key.id, CiphertextBlob: encrypted.CiphertextBlob, EncryptionAlgorithm: 'RSAES_OAEP_SHA_1' }),
    );
    expect(Buffer.from(back.Plaintext!).equals(Buffer.from(MESSAGE))).toBe(true);
  });

  it('answers AWS texts: no algorithm, too much plaintext, a ciphertext that does not decrypt', async () => {
    const key = await newKey('RSA_2048', 'ENCRYPT_DECRYPT');
    expect(await failureOf(kms.client.send(new EncryptCommand({ KeyId: key.id, Plaintext: MESSAGE })))).toEqual({
      name: 'InvalidKeyUsageException',
      message: 'Algorithm SYMMETRIC_DEFAULT is incompatible with key spec RSA_2048.',
      status: 400,
    });
    expect(
      await failureOf(kms.client.send(new EncryptCommand({ KeyId: key.id, Plaintext: new Uint8Array(191), EncryptionAlgorithm: 'RSAES_OAEP_SHA_256' }))),
    ).toEqual({
      name: 'ValidationException',
      message: 'Algorithm RSAES_OAEP_SHA_256 and key spec RSA_2048 cannot encrypt data larger than 190 bytes.',
      status: 400,
    });
    expect(
      await failureOf(kms.client.send(new DecryptCommand({ KeyId: key.id, CiphertextBlob: new Uint8Array(256), EncryptionAlgorithm: 'RSAES_OAEP_SHA_256' }))),
    ).toMatchObject({ name: 'InvalidCiphertextException', status: 400 }); // AWS sends no message: the SDK shows 'UnknownError'
  });

  it('Encrypt with a signing key is InvalidKeyUsageException', async () => {
    const key = await newKey('RSA_2048', 'SIGN_VERIFY');
    expect(await failureOf(kms.client.send(new EncryptCommand({ KeyId: key.id, Plaintext: MESSAGE, EncryptionAlgorithm: 'RSAES_OAEP_SHA_256' })))).toEqual({
      name: 'InvalidKeyUsageException',
      message: `${key.arn} key usage is SIGN_VERIFY which is not valid for Encrypt.`,
      status: 400,
    });
  });

  it('ReEncrypt moves an RSA ciphertext under a symmetric key and back', async () => {
    const rsa = await newKey('RSA_2048', 'ENCRYPT_DECRYPT');
    const symmetric = (await kms.client.send(new CreateKeyCommand({}))).KeyMetadata!;
    const rsaCiphertext = publicEncrypt({ key: await publicKeyOf(rsa.id), padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, MESSAGE);
    const toSymmetric = await kms.client.send(
      new ReEncryptCommand({
        CiphertextBlob: rsaCiphertext,
        SourceKeyId: rsa.id,
        SourceEncryptionAlgorithm: 'RSAES_OAEP_SHA_256',
        DestinationKeyId: symmetric.KeyId!,
      }),
    );
    expect(toSymmetric).toMatchObject({
      SourceKeyId: rsa.arn,
      KeyId: symmetric.Arn,
      SourceEncryptionAlgorithm: 'RSAES_OAEP_SHA_256',
      DestinationEncryptionAlgorithm: 'SYMMETRIC_DEFAULT',
    });
    const toRsa = await kms.client.send(
      new ReEncryptCommand({ CiphertextBlob: toSymmetric.CiphertextBlob, DestinationKeyId: rsa.id, DestinationEncryptionAlgorithm: 'RSAES_OAEP_SHA_1' }),
    );
    const back = await kms.client.send(new DecryptCommand({ KeyId: rsa.id, CiphertextBlob: toRsa.CiphertextBlob, EncryptionAlgorithm: 'RSAES_OAEP_SHA_1' }));
    expect(Buffer.from(back.Plaintext!).equals(Buffer.from(MESSAGE))).toBe(true);
  });
});

describe('GenerateDataKeyPair', () => {
  for (const spec of ['ECC_NIST_P256', 'ECC_SECG_P256K1', 'ECC_NIST_EDWARDS25519', 'RSA_2048'] as const) {
    it(`${spec}: a PKCS #8 private key matching the SPKI public key, and its ciphertext decrypts to it`, async () => {
      const symmetric = (await kms.client.send(new CreateKeyCommand({}))).KeyMetadata!;
      const pair = await kms.client.send(
        new GenerateDataKeyPairCommand({ KeyId: symmetric.KeyId, KeyPairSpec: spec, EncryptionContext: { purpose: 'pairs' } }),
      );
      expect(pair).toMatchObject({ KeyId: symmetric.Arn, KeyPairSpec: spec });
      expect(pair.KeyMaterialId).toMatch(/^[0-9a-f]{64}$/);
      const privateKey = createPrivateKey({ key: Buffer.from(pair.PrivateKeyPlaintext!), format: 'der', type: 'pkcs8' });
      const signature = nodeSign(spec === 'ECC_NIST_EDWARDS25519' ? null : 'sha256', MESSAGE, privateKey);
      expect(
        nodeVerify(
          spec === 'ECC_NIST_EDWARDS25519' ? null : 'sha256',
          MESSAGE,
          createPublicKey({ key: Buffer.from(pair.PublicKey!), format: 'der', type: 'spki' }),
          signature,
        ),
      ).toBe(true);
      const decrypted = await kms.client.send(new DecryptCommand({ CiphertextBlob: pair.PrivateKeyCiphertextBlob, EncryptionContext: { purpose: 'pairs' } }));
      expect(decrypted.Plaintext).toEqual(pair.PrivateKeyPlaintext);
    });
  }

  it('WithoutPlaintext returns no private key; ML-KEM pairs are available too; asymmetric KMS keys are refused', async () => {
    const symmetric = (await kms.client.send(new CreateKeyCommand({}))).KeyMetadata!;
    const pair = await kms.client.send(new GenerateDataKeyPairWithoutPlaintextCommand({ KeyId: symmetric.KeyId, KeyPairSpec: 'ML_KEM_512' }));
    expect(pair).not.toHaveProperty('PrivateKeyPlaintext');
    expect(pair.PublicKey).toHaveLength(800 + 22);
    const signing = await newKey('ECC_NIST_P256', 'SIGN_VERIFY');
    expect(await failureOf(kms.client.send(new GenerateDataKeyPairCommand({ KeyId: signing.id, KeyPairSpec: 'RSA_2048' })))).toMatchObject({
      name: 'InvalidKeyUsageException',
      status: 400,
    });
    expect(await failureOf(kms.client.send(new GenerateDataKeyPairCommand({ KeyId: symmetric.KeyId, KeyPairSpec: 'SM2' })))).toMatchObject({
      name: 'UnsupportedOperationException',
    });
  });
});

describe('GetKeyLastUsage', () => {
  it('is empty for an unused key, then names the last successful cryptographic operation with its CloudTrail event id', async () => {
    const key = await newKey('ECC_NIST_P256', 'SIGN_VERIFY');
    const before = await kms.client.send(new GetKeyLastUsageCommand({ KeyId: key.id }));
    expect(before.KeyLastUsage).toEqual({});
    expect(before.KeyId).toBe(key.arn);
    expect(before.TrackingStartDate!.getTime()).toBe(before.KeyCreationDate!.getTime());
    await kms.client.send(new SignCommand({ KeyId: key.id, Message: MESSAGE, SigningAlgorithm: 'ECDSA_SHA_256' }));
    // A failed call is not a use.
    await failureOf(kms.client.send(new VerifyCommand({ KeyId: key.id, Message: MESSAGE, Signature: new Uint8Array(8), SigningAlgorithm: 'ECDSA_SHA_256' })));
    const after = await kms.client.send(new GetKeyLastUsageCommand({ KeyId: key.arn }));
    expect(after.KeyLastUsage?.Operation).toBe('Sign');
    const event = kms.kms.auditTrail.events().find((e) => e.eventName === 'Sign' && e.resources?.includes(key.arn));
    expect(after.KeyLastUsage?.CloudTrailEventId).toBe(event?.eventId);
    expect(after.KeyLastUsage?.KmsRequestId).toBe(event?.requestId);
  });
});
