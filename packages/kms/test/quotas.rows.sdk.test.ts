/**
 * AWS's request quota table ("Request quotas"): each management operation's own quota, the shared
 * symmetric row (symmetric encryption and HMAC keys, GenerateRandom), the RSA, ECC and ML-DSA
 * cryptographic rows (1,000/s each; ML-KEM modelled alike, UNCONFIRMED), counted by the key a
 * request uses, and the GenerateDataKeyPair row of each key pair spec (RSA_2048 20/s, RSA_3072
 * 4/s, RSA_4096 1/s, ECC 100/s), under the `aws` profile. Through the official SDK with
 * `maxAttempts: 1`, and through `kms.quotas` at run time.
 */

import { generateKeyPairSync } from 'node:crypto';
import {
  CreateKeyCommand,
  DecryptCommand,
  DeriveSharedSecretCommand,
  EncryptCommand,
  GenerateDataKeyCommand,
  GenerateDataKeyPairCommand,
  GenerateDataKeyPairWithoutPlaintextCommand,
  GenerateDataKeyWithoutPlaintextCommand,
  GenerateMacCommand,
  GenerateRandomCommand,
  type KMSClient,
  ReEncryptCommand,
  SignCommand,
  VerifyCommand,
  VerifyMacCommand,
} from '@aws-sdk/client-kms';
import { afterEach, describe, expect, it } from 'vitest';
import { Kms, ManualClock } from '../src/index.ts';
import { OPERATION_NAMES } from '../src/operations/index.ts';
import { failureOf, type SdkFixture, startKms } from './helpers/sdk.ts';

const THROTTLED = {
  name: 'ThrottlingException',
  message: 'You have exceeded the rate at which you may call KMS. Reduce the frequency of your calls.',
  status: 400,
};
const MESSAGE = new TextEncoder().encode('rows');

let fixture: SdkFixture | undefined;
afterEach(async () => {
  await fixture?.close();
  fixture = undefined;
});

async function signingKey(client: KMSClient, spec: 'RSA_2048' | 'ECC_NIST_P256' | 'ML_DSA_44'): Promise<string> {
  return (await client.send(new CreateKeyCommand({ KeySpec: spec, KeyUsage: 'SIGN_VERIFY' }))).KeyMetadata!.KeyId!;
}

/**
 * Every operation's own quota in AWS's "Request quotas" table, requests per second
 * (https://docs.aws.amazon.com/kms/latest/developerguide/requests-per-second.html; the custom key
 * store operations, which Strongbox does not model, left out).
 */
const AWS_OPERATION_QUOTAS: Readonly<Record<string, number>> = {
  CancelKeyDeletion: 5,
  CreateAlias: 5,
  CreateGrant: 50,
  CreateKey: 5,
  DeleteAlias: 15,
  DeleteImportedKeyMaterial: 15,
  DescribeKey: 2000,
  DisableKey: 5,
  DisableKeyRotation: 5,
  EnableKey: 5,
  EnableKeyRotation: 15,
  GetKeyLastUsage: 5,
  GetKeyPolicy: 1000,
  GetKeyRotationStatus: 1000,
  GetParametersForImport: 1,
  GetPublicKey: 2000,
  ImportKeyMaterial: 15,
  ListAliases: 500,
  ListGrants: 100,
  ListKeyPolicies: 100,
  ListKeys: 500,
  ListKeyRotations: 100,
  ListResourceTags: 2000,
  ListRetirableGrants: 100,
  PutKeyPolicy: 15,
  ReplicateKey: 5,
  RetireGrant: 50,
  RevokeGrant: 50,
  RotateKeyOnDemand: 5,
  ScheduleKeyDeletion: 15,
  TagResource: 10,
  UntagResource: 5,
  UpdateAlias: 5,
  UpdateKeyDescription: 5,
  UpdatePrimaryRegion: 5,
};

describe("AWS's table", () => {
  /** The operations AWS's table gives no quota of their own: they count against the shared cryptographic rows only. */
  const CRYPTOGRAPHIC = [
    'Decapsulate',
    'Decrypt',
    'DeriveSharedSecret',
    'Encapsulate',
    'Encrypt',
    'GenerateDataKey',
    'GenerateDataKeyPair',
    'GenerateDataKeyPairWithoutPlaintext',
    'GenerateDataKeyWithoutPlaintext',
    'GenerateMac',
    'GenerateRandom',
    'ReEncrypt',
    'Sign',
    'Verify',
    'VerifyMac',
  ];

  it("gives every management operation AWS's own quota under the aws profile, and the cryptographic operations none of their own", () => {
    const kms = new Kms({ quotas: 'aws' });
    for (const [operation, rate] of Object.entries(AWS_OPERATION_QUOTAS)) expect([operation, kms.quotas.limitOf(operation)]).toEqual([operation, rate]);
    // These count against the shared rows only ("Shared quotas for cryptographic operations").
    for (const operation of CRYPTOGRAPHIC) expect([operation, kms.quotas.limitOf(operation)]).toEqual([operation, Infinity]);
  });

  it('checks the table both ways: every operation Strongbox defines is in it or among the cryptographic operations', () => {
    // An operation given a quota of its own that AWS's table lacks (or a new one left out of both
    // lists) fails here; the test above checks the other direction.
    const unlisted = OPERATION_NAMES.filter((name) => !(name in AWS_OPERATION_QUOTAS) && !CRYPTOGRAPHIC.includes(name));
    expect(unlisted).toEqual([]);
    expect(OPERATION_NAMES.filter((name) => name in AWS_OPERATION_QUOTAS && CRYPTOGRAPHIC.includes(name))).toEqual([]);
  });

  it('counts Encrypt, Decrypt, ReEncrypt, GenerateDataKey(WithoutPlaintext), GenerateRandom, GenerateMac and VerifyMac against the one symmetric row', async () => {
    // "This quota applies to cryptographic operations with symmetric encryption keys and HMAC keys."
    const clock = new ManualClock();
    fixture = await startKms({ clock, quotas: { cryptographic: 8 } });
    const { client } = fixture;
    const aes = (await client.send(new CreateKeyCommand({}))).KeyMetadata!.KeyId!;
    const hmac = (await client.send(new CreateKeyCommand({ KeySpec: 'HMAC_256', KeyUsage: 'GENERATE_VERIFY_MAC' }))).KeyMetadata!.KeyId!;
    const { CiphertextBlob } = await client.send(new EncryptCommand({ KeyId: aes, Plaintext: MESSAGE }));
    await client.send(new DecryptCommand({ CiphertextBlob }));
    await client.send(new ReEncryptCommand({ CiphertextBlob, DestinationKeyId: aes }));
    await client.send(new GenerateDataKeyCommand({ KeyId: aes, KeySpec: 'AES_256' }));
    await client.send(new GenerateDataKeyWithoutPlaintextCommand({ KeyId: aes, KeySpec: 'AES_256' }));
    await client.send(new GenerateRandomCommand({ NumberOfBytes: 16 }));
    const { Mac } = await client.send(new GenerateMacCommand({ KeyId: hmac, Message: MESSAGE, MacAlgorithm: 'HMAC_SHA_256' }));
    await client.send(new VerifyMacCommand({ KeyId: hmac, Message: MESSAGE, Mac, MacAlgorithm: 'HMAC_SHA_256' }));
    expect(await failureOf(client.send(new GenerateMacCommand({ KeyId: hmac, Message: MESSAGE, MacAlgorithm: 'HMAC_SHA_256' })))).toEqual(THROTTLED);
    expect(await failureOf(client.send(new GenerateRandomCommand({ NumberOfBytes: 16 })))).toEqual(THROTTLED);
    expect(fixture.kms.quotas.usage().map(({ quota, admitted, throttled }) => ({ quota, admitted, throttled }))).toEqual([
      { quota: 'cryptographic', admitted: 8, throttled: 2 },
    ]);
  });

  it('counts DeriveSharedSecret against the ECC row it shares with Sign and Verify', async () => {
    fixture = await startKms({ clock: new ManualClock(), quotas: { overrides: { 'cryptographic:ECC': 1 } } });
    const { client } = fixture;
    const agreement = (await client.send(new CreateKeyCommand({ KeySpec: 'ECC_NIST_P256', KeyUsage: 'KEY_AGREEMENT' }))).KeyMetadata!.KeyId!;
    const signing = await signingKey(client, 'ECC_NIST_P256');
    const peer = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey.export({ format: 'der', type: 'spki' });
    await client.send(new DeriveSharedSecretCommand({ KeyId: agreement, KeyAgreementAlgorithm: 'ECDH', PublicKey: peer }));
    expect(await failureOf(client.send(new SignCommand({ KeyId: signing, Message: MESSAGE, SigningAlgorithm: 'ECDSA_SHA_256' })))).toEqual(THROTTLED);
  });
});

describe('asymmetric cryptographic rows', () => {
  it('are 1,000/s by default, each row on its own, with the symmetric row at the Region’s rate', () => {
    const kms = new Kms({ region: 'eu-north-1' });
    expect(kms.quotas.limitOf('cryptographic:RSA')).toBe(1000);
    expect(kms.quotas.limitOf('cryptographic:ECC')).toBe(1000);
    expect(kms.quotas.limitOf('cryptographic:ML-DSA')).toBe(1000);
    expect(kms.quotas.limitOf('cryptographic:ML-KEM')).toBe(1000);
    expect(kms.quotas.limitOf('cryptographic')).toBe(10_000);
    // Sign and Verify no longer have per-operation buckets.
    expect(kms.quotas.limitOf('Sign')).toBe(Infinity);
  });

  it('count Sign and Verify against the key family’s row, shared between them and apart from the other families', async () => {
    const clock = new ManualClock();
    fixture = await startKms({ clock, quotas: { overrides: { 'cryptographic:RSA': 2 } } });
    const { client } = fixture;
    const rsa = await signingKey(client, 'RSA_2048');
    const ecc = await signingKey(client, 'ECC_NIST_P256');
    const { Signature } = await client.send(new SignCommand({ KeyId: rsa, Message: MESSAGE, SigningAlgorithm: 'RSASSA_PSS_SHA_256' }));
    await client.send(new VerifyCommand({ KeyId: rsa, Message: MESSAGE, Signature, SigningAlgorithm: 'RSASSA_PSS_SHA_256' }));
    expect(await failureOf(client.send(new SignCommand({ KeyId: rsa, Message: MESSAGE, SigningAlgorithm: 'RSASSA_PSS_SHA_256' })))).toEqual(THROTTLED);
    // The ECC row and the symmetric row are untouched.
    for (let i = 0; i < 3; i++) await client.send(new SignCommand({ KeyId: ecc, Message: MESSAGE, SigningAlgorithm: 'ECDSA_SHA_256' }));
    const symmetric = (await client.send(new CreateKeyCommand({}))).KeyMetadata!.KeyId!;
    await client.send(new EncryptCommand({ KeyId: symmetric, Plaintext: MESSAGE }));
    const rows = Object.fromEntries(fixture.kms.quotas.usage().map((u) => [u.quota, [u.admitted, u.throttled]]));
    expect(rows).toMatchObject({ 'cryptographic:RSA': [2, 1], 'cryptographic:ECC': [3, 0], cryptographic: [1, 0] });
    clock.advance(1000);
    await expect(client.send(new SignCommand({ KeyId: rsa, Message: MESSAGE, SigningAlgorithm: 'RSASSA_PSS_SHA_256' }))).resolves.toBeDefined();
  });

  it('count Encrypt and Decrypt with an RSA key against the RSA row, not the symmetric one', async () => {
    fixture = await startKms({ clock: new ManualClock(), quotas: { cryptographic: 0, overrides: { 'cryptographic:RSA': 2 } } });
    const { client } = fixture;
    const rsa = (await client.send(new CreateKeyCommand({ KeySpec: 'RSA_2048', KeyUsage: 'ENCRYPT_DECRYPT' }))).KeyMetadata!.KeyId!;
    const { CiphertextBlob } = await client.send(new EncryptCommand({ KeyId: rsa, Plaintext: MESSAGE, EncryptionAlgorithm: 'RSAES_OAEP_SHA_256' }));
    await client.send(new DecryptCommand({ KeyId: rsa, CiphertextBlob, EncryptionAlgorithm: 'RSAES_OAEP_SHA_256' }));
    expect(await failureOf(client.send(new EncryptCommand({ KeyId: rsa, Plaintext: MESSAGE, EncryptionAlgorithm: 'RSAES_OAEP_SHA_256' })))).toEqual(THROTTLED);
    // The symmetric row (0/s here) refuses a symmetric key's Encrypt.
    const symmetric = (await client.send(new CreateKeyCommand({}))).KeyMetadata!.KeyId!;
    expect(await failureOf(client.send(new EncryptCommand({ KeyId: symmetric, Plaintext: MESSAGE })))).toEqual(THROTTLED);
  });

  it('throttle a refused call without running it, and the refusal is audited', async () => {
    fixture = await startKms({ clock: new ManualClock(), quotas: { overrides: { 'cryptographic:ML-DSA': 0 } } });
    const mldsa = await signingKey(fixture.client, 'ML_DSA_44');
    expect(await failureOf(fixture.client.send(new SignCommand({ KeyId: mldsa, Message: MESSAGE, SigningAlgorithm: 'ML_DSA_SHAKE_256' })))).toEqual(THROTTLED);
    const [record] = fixture.kms.auditTrail.lookup({ eventName: 'Sign' }).records;
    expect(record).toMatchObject({ errorCode: 'ThrottlingException' });
    const usage = await fixture.kms.getKeyLastUsage({ KeyId: mldsa });
    expect(usage.KeyLastUsage).toEqual({});
  });
});

describe('GenerateDataKeyPair rows', () => {
  it('apply per key pair spec under the aws profile, shared by both operations, and not by default', async () => {
    fixture = await startKms({ clock: new ManualClock(), quotas: 'aws' });
    const { client } = fixture;
    const keyId = (await client.send(new CreateKeyCommand({}))).KeyMetadata!.KeyId!;
    expect(fixture.kms.quotas.limitOf('GenerateDataKeyPair:RSA_4096')).toBe(1);
    expect(fixture.kms.quotas.limitOf('GenerateDataKeyPair:RSA_2048')).toBe(20);
    expect(fixture.kms.quotas.limitOf('GenerateDataKeyPair:ECC_NIST_P256')).toBe(100);
    await client.send(new GenerateDataKeyPairWithoutPlaintextCommand({ KeyId: keyId, KeyPairSpec: 'RSA_4096' }));
    expect(await failureOf(client.send(new GenerateDataKeyPairCommand({ KeyId: keyId, KeyPairSpec: 'RSA_4096' })))).toEqual(THROTTLED);
    // Another spec's row is its own.
    await expect(client.send(new GenerateDataKeyPairCommand({ KeyId: keyId, KeyPairSpec: 'ECC_NIST_P256' }))).resolves.toHaveProperty('PublicKey');

    fixture.kms.quotas.configure({});
    expect(fixture.kms.quotas.limitOf('GenerateDataKeyPair:RSA_4096')).toBe(Infinity);
    await client.send(new GenerateDataKeyPairWithoutPlaintextCommand({ KeyId: keyId, KeyPairSpec: 'ECC_NIST_P256' }));
    await client.send(new GenerateDataKeyPairWithoutPlaintextCommand({ KeyId: keyId, KeyPairSpec: 'ECC_NIST_P256' }));
  });

  it('can be overridden by row name at run time; unknown names are refused', () => {
    const kms = new Kms();
    kms.quotas.configure({ overrides: { 'GenerateDataKeyPair:RSA_2048': 3, 'cryptographic:ECC': 7 } });
    expect(kms.quotas.limitOf('GenerateDataKeyPair:RSA_2048')).toBe(3);
    expect(kms.quotas.limitOf('cryptographic:ECC')).toBe(7);
    expect(() => kms.quotas.configure({ overrides: { 'cryptographic:DSA': 1 } })).toThrow(/unknown quota "cryptographic:DSA"/);
    expect(kms.quotas.limitOf('cryptographic:ECC')).toBe(7);
  });
});
