/**
 * GenerateDataKeyWithoutPlaintext, GenerateRandom, and the newer model's additions to Decrypt and
 * GenerateDataKey (KeyMaterialId, DryRunModifiers, optional CiphertextBlob), through the AWS SDK.
 */

import {
  CreateAliasCommand,
  CreateKeyCommand,
  DecryptCommand,
  DescribeKeyCommand,
  EncryptCommand,
  GenerateDataKeyCommand,
  GenerateDataKeyWithoutPlaintextCommand,
  GenerateRandomCommand,
} from '@aws-sdk/client-kms';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KmsError } from '../src/index.ts';
import { type CryptoFixture, startCryptoKms } from './helpers/crypto-fixtures.ts';
import { failureOf } from './helpers/sdk.ts';

const HEX64 = /^[a-f0-9]{64}$/;
const DRY_RUN = { name: 'DryRunOperationException', message: 'The request would have succeeded, but the DryRun option is set.' };

let kms: CryptoFixture;
let keyId: string;
let keyArn: string;
let materialId: string;

beforeAll(async () => {
  kms = await startCryptoKms();
  const created = await kms.client.send(new CreateKeyCommand({}));
  keyId = created.KeyMetadata!.KeyId!;
  keyArn = created.KeyMetadata!.Arn!;
  materialId = created.KeyMetadata!.CurrentKeyMaterialId!;
  await kms.client.send(new CreateAliasCommand({ AliasName: 'alias/data-keys', TargetKeyId: keyId }));
});
afterAll(() => kms.close());

describe('GenerateDataKeyWithoutPlaintext', () => {
  it('returns only the encrypted data key, the key ARN and the KeyMaterialId', async () => {
    const generated = await kms.client.send(
      new GenerateDataKeyWithoutPlaintextCommand({ KeyId: keyId, KeySpec: 'AES_256', EncryptionContext: { purpose: 'wp' } }),
    );
    expect('Plaintext' in generated).toBe(false);
    expect(
      Object.keys(generated)
        .filter((name) => name !== '$metadata')
        .sort(),
    ).toEqual(['CiphertextBlob', 'KeyId', 'KeyMaterialId']);
    expect(generated.KeyId).toBe(keyArn);
    expect(generated.KeyMaterialId).toBe(materialId);
    const decrypted = await kms.client.send(new DecryptCommand({ CiphertextBlob: generated.CiphertextBlob, EncryptionContext: { purpose: 'wp' } }));
    expect(decrypted.Plaintext).toHaveLength(32);
    expect(decrypted.KeyId).toBe(keyArn);
  });

  it('honours KeySpec AES_128 and NumberOfBytes', async () => {
    for (const [request, length] of [
      [{ KeySpec: 'AES_128' as const }, 16],
      [{ NumberOfBytes: 1 }, 1],
      [{ NumberOfBytes: 1024 }, 1024],
    ] as const) {
      const generated = await kms.client.send(new GenerateDataKeyWithoutPlaintextCommand({ KeyId: keyId, ...request }));
      const decrypted = await kms.client.send(new DecryptCommand({ CiphertextBlob: generated.CiphertextBlob }));
      expect(decrypted.Plaintext).toHaveLength(length);
    }
  });

  it('requires exactly one of NumberOfBytes and KeySpec', async () => {
    const neither = await failureOf(kms.client.send(new GenerateDataKeyWithoutPlaintextCommand({ KeyId: keyId })));
    const both = await failureOf(kms.client.send(new GenerateDataKeyWithoutPlaintextCommand({ KeyId: keyId, KeySpec: 'AES_256', NumberOfBytes: 32 })));
    for (const failure of [neither, both])
      expect(failure).toMatchObject({ name: 'ValidationException', message: 'Please specify either number of bytes or key spec.' });
  });

  it('answers NumberOfBytes 1025 with the Coral range text', async () => {
    const failure = await failureOf(kms.client.send(new GenerateDataKeyWithoutPlaintextCommand({ KeyId: keyId, NumberOfBytes: 1025 })));
    expect(failure).toMatchObject({
      name: 'ValidationException',
      message: "1 validation error detected: Value '1025' at 'numberOfBytes' failed to satisfy constraint: Member must have value less than or equal to 1024",
    });
  });

  it('accepts an alias and answers with the key ARN', async () => {
    const generated = await kms.client.send(new GenerateDataKeyWithoutPlaintextCommand({ KeyId: 'alias/data-keys', KeySpec: 'AES_256' }));
    expect(generated.KeyId).toBe(keyArn);
  });

  it('answers DryRun with DryRunOperationException', async () => {
    expect(await failureOf(kms.client.send(new GenerateDataKeyWithoutPlaintextCommand({ KeyId: keyId, KeySpec: 'AES_256', DryRun: true })))).toMatchObject(
      DRY_RUN,
    );
  });
});

describe('KeyMaterialId on GenerateDataKey and Decrypt', () => {
  it('names the backing key that encrypted and the one that decrypted; Encrypt does not', async () => {
    const generated = await kms.client.send(new GenerateDataKeyCommand({ KeyId: keyId, KeySpec: 'AES_256' }));
    expect(generated.KeyMaterialId).toMatch(HEX64);
    expect(generated.KeyMaterialId).toBe(materialId);
    const decrypted = await kms.client.send(new DecryptCommand({ CiphertextBlob: generated.CiphertextBlob }));
    expect(decrypted.KeyMaterialId).toBe(materialId);
    expect(decrypted.EncryptionAlgorithm).toBe('SYMMETRIC_DEFAULT');
    const encrypted = await kms.client.send(new EncryptCommand({ KeyId: keyId, Plaintext: new Uint8Array([1]) }));
    // Real AWS Encrypt responses carry no KeyMaterialId (LocalStack's AWS-validated snapshot, 2025-09-22).
    expect(
      Object.keys(encrypted)
        .filter((name) => name !== '$metadata')
        .sort(),
    ).toEqual(['CiphertextBlob', 'EncryptionAlgorithm', 'KeyId']);
  });

  it('is the key metadata CurrentKeyMaterialId', async () => {
    const described = await kms.client.send(new DescribeKeyCommand({ KeyId: keyId }));
    expect(described.KeyMetadata!.CurrentKeyMaterialId).toBe(materialId);
  });
});

describe('Decrypt without CiphertextBlob (optional in the newer model)', () => {
  it('fails validation as a missing member when it is not a ciphertext-less dry run', async () => {
    for (const request of [{}, { KeyId: keyId }, { KeyId: keyId, DryRun: true }, { KeyId: keyId, DryRunModifiers: ['IGNORE_CIPHERTEXT' as const] }]) {
      expect(await failureOf(kms.client.send(new DecryptCommand(request)))).toMatchObject({
        name: 'ValidationException',
        message: "1 validation error detected: Value null at 'ciphertextBlob' failed to satisfy constraint: Member must not be null",
      });
    }
  });

  it('checks only the key and permission with DryRun and IGNORE_CIPHERTEXT', async () => {
    const failure = await failureOf(kms.client.send(new DecryptCommand({ KeyId: 'alias/data-keys', DryRun: true, DryRunModifiers: ['IGNORE_CIPHERTEXT'] })));
    expect(failure).toMatchObject(DRY_RUN);
  });

  it('then needs KeyId', async () => {
    expect(await failureOf(kms.client.send(new DecryptCommand({ DryRun: true, DryRunModifiers: ['IGNORE_CIPHERTEXT'] })))).toMatchObject({
      name: 'ValidationException',
      message: "1 validation error detected: Value null at 'keyId' failed to satisfy constraint: Member must not be null",
    });
  });

  it('still answers a missing key with NotFoundException in such a dry run', async () => {
    const missing = '11111111-2222-4333-8444-555555555555';
    const failure = await failureOf(kms.client.send(new DecryptCommand({ KeyId: missing, DryRun: true, DryRunModifiers: ['IGNORE_CIPHERTEXT'] })));
    expect(failure).toMatchObject({ name: 'NotFoundException', message: `Key 'arn:aws:kms:us-east-1:000000000000:key/${missing}' does not exist` });
  });

  it('ignores a ciphertext given with IGNORE_CIPHERTEXT (even a corrupt one)', async () => {
    const failure = await failureOf(
      kms.client.send(new DecryptCommand({ KeyId: keyId, CiphertextBlob: new Uint8Array([1, 2, 3]), DryRun: true, DryRunModifiers: ['IGNORE_CIPHERTEXT'] })),
    );
    expect(failure).toMatchObject(DRY_RUN);
  });

  it('validates the ciphertext in an ordinary dry run', async () => {
    const failure = await failureOf(kms.client.send(new DecryptCommand({ CiphertextBlob: new Uint8Array([1, 2, 3]), DryRun: true })));
    // AWS sends this exception without a message (the SDK then reports "UnknownError").
    expect(failure).toMatchObject({ name: 'InvalidCiphertextException', status: 400 });
    expect(await kms.kms.decrypt({ CiphertextBlob: new Uint8Array([1, 2, 3]), DryRun: true }).catch((error: unknown) => error)).toMatchObject({ message: '' });
  });
});

describe('Recipient (Nitro Enclaves attestation)', () => {
  it('is refused with UnsupportedOperationException instead of returning the plaintext', async () => {
    const recipient = { KeyEncryptionAlgorithm: 'RSAES_OAEP_SHA_256' as const, AttestationDocument: new Uint8Array([1]) };
    const failures = [
      await failureOf(kms.client.send(new GenerateDataKeyCommand({ KeyId: keyId, KeySpec: 'AES_256', Recipient: recipient }))),
      await failureOf(kms.client.send(new GenerateRandomCommand({ NumberOfBytes: 8, Recipient: recipient }))),
    ];
    for (const failure of failures) expect(failure.name).toBe('UnsupportedOperationException');
  });
});

describe('GenerateRandom', () => {
  it('returns exactly NumberOfBytes random bytes, 1 to 1024', async () => {
    for (const length of [1, 12, 1024]) {
      const random = await kms.client.send(new GenerateRandomCommand({ NumberOfBytes: length }));
      expect(random.Plaintext).toHaveLength(length);
    }
    const a = await kms.client.send(new GenerateRandomCommand({ NumberOfBytes: 32 }));
    const b = await kms.client.send(new GenerateRandomCommand({ NumberOfBytes: 32 }));
    expect(a.Plaintext).not.toEqual(b.Plaintext);
  });

  it.each([
    [undefined, 'NumberOfBytes is required.'],
    [0, "1 validation error detected: Value '0' at 'numberOfBytes' failed to satisfy constraint: Member must have value greater than or equal to 1"],
    [1025, "1 validation error detected: Value '1025' at 'numberOfBytes' failed to satisfy constraint: Member must have value less than or equal to 1024"],
  ])('answers NumberOfBytes %s with AWS text %j', async (numberOfBytes, message) => {
    const failure = await failureOf(kms.client.send(new GenerateRandomCommand(numberOfBytes === undefined ? {} : { NumberOfBytes: numberOfBytes })));
    expect(failure).toEqual({ name: 'ValidationException', message, status: 400 });
  });

  it('answers a custom key store id with CustomKeyStoreNotFoundException (Strongbox has none)', async () => {
    const failure = await failureOf(kms.client.send(new GenerateRandomCommand({ NumberOfBytes: 8, CustomKeyStoreId: 'cks-1234567890abcdef0' })));
    expect(failure).toEqual({
      name: 'CustomKeyStoreNotFoundException',
      message: 'The request was rejected because KMS cannot find a custom key store with the specified key store name or ID.',
      status: 400,
    });
  });

  it('is audited with null requestParameters and no resources, as CloudTrail logs it', async () => {
    await kms.kms.generateRandom({ NumberOfBytes: 16 }, { requestId: 'random-audit' });
    const event = kms.kms.auditTrail.events().find((candidate) => candidate.requestId === 'random-audit');
    expect(event).toMatchObject({ eventName: 'GenerateRandom', requestParameters: null, resources: [], readOnly: true });
  });
});

describe('audit of Decrypt', () => {
  it('always records encryptionAlgorithm and never the ciphertext', async () => {
    const { CiphertextBlob } = await kms.kms.encrypt({ KeyId: keyId, Plaintext: new Uint8Array([7]) });
    await kms.kms.decrypt({ CiphertextBlob }, { requestId: 'decrypt-audit' });
    const event = kms.kms.auditTrail.events().find((candidate) => candidate.requestId === 'decrypt-audit');
    expect(event?.requestParameters).toEqual({ encryptionAlgorithm: 'SYMMETRIC_DEFAULT' });
    expect(event?.resources).toEqual([keyArn]);
  });
});

describe('encryption contexts Strongbox cannot encode', () => {
  it('answers a lone surrogate with ValidationException, not an internal error', async () => {
    const failure = await kms.kms
      .encrypt({ KeyId: keyId, Plaintext: new Uint8Array([1]), EncryptionContext: { k: '\ud800' } })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(KmsError);
    expect(failure).toMatchObject({ code: 'ValidationException', message: 'The encryption context contains a string that is not well-formed Unicode.' });
  });
});
