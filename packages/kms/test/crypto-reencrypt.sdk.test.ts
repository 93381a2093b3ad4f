/**
 * ReEncrypt through the AWS SDK: response shape (LocalStack's AWS-validated `test_re_encrypt`,
 * 2025-06-09, plus the newer model's key material ids), source/destination contexts, SourceKeyId
 * checks (IncorrectKeyException text from `re_encrypt_incorrect_source_key`), DryRun and the
 * ciphertext-less dry run, and re-encryption under the new backing key after a rotation.
 */

import {
  CreateAliasCommand,
  CreateKeyCommand,
  DecryptCommand,
  DescribeKeyCommand,
  EncryptCommand,
  ReEncryptCommand,
  RotateKeyOnDemandCommand,
} from '@aws-sdk/client-kms';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flipBit } from './helpers/bytes.ts';
import { type CryptoFixture, startCryptoKms } from './helpers/crypto-fixtures.ts';
import { failureOf } from './helpers/sdk.ts';

const DRY_RUN = { name: 'DryRunOperationException', message: 'The request would have succeeded, but the DryRun option is set.' };
const INCORRECT_KEY = { name: 'IncorrectKeyException', message: 'The key ID in the request does not identify a CMK that can perform this operation.' };

let kms: CryptoFixture;
let source: { keyId: string; arn: string; materialId: string };
let destination: { keyId: string; arn: string; materialId: string };
let blob: Uint8Array;
const plaintext = new TextEncoder().encode('re-encrypt me');

async function newKey(): Promise<{ keyId: string; arn: string; materialId: string }> {
  const { KeyMetadata } = await kms.client.send(new CreateKeyCommand({}));
  return { keyId: KeyMetadata!.KeyId!, arn: KeyMetadata!.Arn!, materialId: KeyMetadata!.CurrentKeyMaterialId! };
}

beforeAll(async () => {
  kms = await startCryptoKms();
  source = await newKey();
  destination = await newKey();
  await kms.client.send(new CreateAliasCommand({ AliasName: 'alias/re-source', TargetKeyId: source.keyId }));
  ({ CiphertextBlob: blob } = (await kms.client.send(
    new EncryptCommand({ KeyId: source.keyId, Plaintext: plaintext, EncryptionContext: { step: 'one' } }),
  )) as { CiphertextBlob: Uint8Array });
});
afterAll(() => kms.close());

describe('ReEncrypt', () => {
  it('moves a ciphertext to another key and context, answering with both ARNs, algorithms and key material ids', async () => {
    const result = await kms.client.send(
      new ReEncryptCommand({
        CiphertextBlob: blob,
        SourceEncryptionContext: { step: 'one' },
        DestinationKeyId: destination.keyId,
        DestinationEncryptionContext: { step: 'two' },
      }),
    );
    expect(
      Object.keys(result)
        .filter((name) => name !== '$metadata')
        .sort(),
    ).toEqual([
      'CiphertextBlob',
      'DestinationEncryptionAlgorithm',
      'DestinationKeyMaterialId',
      'KeyId',
      'SourceEncryptionAlgorithm',
      'SourceKeyId',
      'SourceKeyMaterialId',
    ]);
    expect(result).toMatchObject({
      SourceKeyId: source.arn,
      KeyId: destination.arn,
      SourceEncryptionAlgorithm: 'SYMMETRIC_DEFAULT',
      DestinationEncryptionAlgorithm: 'SYMMETRIC_DEFAULT',
      SourceKeyMaterialId: source.materialId,
      DestinationKeyMaterialId: destination.materialId,
    });
    const decrypted = await kms.client.send(new DecryptCommand({ CiphertextBlob: result.CiphertextBlob, EncryptionContext: { step: 'two' } }));
    expect(decrypted.Plaintext).toEqual(plaintext);
    expect(decrypted.KeyId).toBe(destination.arn);
    const wrongContext = await failureOf(kms.client.send(new DecryptCommand({ CiphertextBlob: result.CiphertextBlob, EncryptionContext: { step: 'one' } })));
    expect(wrongContext).toMatchObject({ name: 'InvalidCiphertextException', status: 400 });
  });

  it('needs the source encryption context', async () => {
    const failure = await failureOf(kms.client.send(new ReEncryptCommand({ CiphertextBlob: blob, DestinationKeyId: destination.keyId })));
    expect(failure).toMatchObject({ name: 'InvalidCiphertextException', status: 400 });
  });

  it('accepts a SourceKeyId that names the blob key in any form', async () => {
    for (const sourceKeyId of [source.keyId, source.arn, 'alias/re-source']) {
      const result = await kms.client.send(
        new ReEncryptCommand({ CiphertextBlob: blob, SourceKeyId: sourceKeyId, SourceEncryptionContext: { step: 'one' }, DestinationKeyId: destination.arn }),
      );
      expect(result.SourceKeyId).toBe(source.arn);
    }
  });

  it('answers a SourceKeyId naming another key with IncorrectKeyException', async () => {
    const failure = await failureOf(
      kms.client.send(
        new ReEncryptCommand({
          CiphertextBlob: blob,
          SourceKeyId: destination.keyId,
          SourceEncryptionContext: { step: 'one' },
          DestinationKeyId: destination.keyId,
        }),
      ),
    );
    expect(failure).toMatchObject({ ...INCORRECT_KEY, status: 400 });
  });

  it('answers a missing destination key with NotFoundException', async () => {
    const missing = '11111111-2222-4333-8444-555555555555';
    const failure = await failureOf(
      kms.client.send(new ReEncryptCommand({ CiphertextBlob: blob, SourceEncryptionContext: { step: 'one' }, DestinationKeyId: missing })),
    );
    expect(failure).toMatchObject({ name: 'NotFoundException', message: `Key 'arn:aws:kms:us-east-1:000000000000:key/${missing}' does not exist` });
  });

  it('requires DestinationKeyId', async () => {
    const failure = await kms.kms.reEncrypt({ CiphertextBlob: blob } as never).catch((error: unknown) => error);
    expect(failure).toMatchObject({
      code: 'ValidationException',
      message: "1 validation error detected: Value null at 'destinationKeyId' failed to satisfy constraint: Member must not be null",
    });
  });

  it('answers a blob whose key does not exist with AccessDeniedException', async () => {
    const forged = flipBit(blob, 5 * 8);
    const failure = await failureOf(kms.client.send(new ReEncryptCommand({ CiphertextBlob: forged, DestinationKeyId: destination.keyId })));
    expect(failure).toMatchObject({
      name: 'AccessDeniedException',
      message: 'The ciphertext refers to a customer master key that does not exist, does not exist in this region, or you are not allowed to access.',
    });
  });

  it('answers DryRun with DryRunOperationException after checking the ciphertext', async () => {
    const ok = await failureOf(
      kms.client.send(
        new ReEncryptCommand({ CiphertextBlob: blob, SourceEncryptionContext: { step: 'one' }, DestinationKeyId: destination.keyId, DryRun: true }),
      ),
    );
    expect(ok).toMatchObject(DRY_RUN);
    const badContext = await failureOf(kms.client.send(new ReEncryptCommand({ CiphertextBlob: blob, DestinationKeyId: destination.keyId, DryRun: true })));
    expect(badContext.name).toBe('InvalidCiphertextException');
  });

  it('runs a ciphertext-less dry run with IGNORE_CIPHERTEXT and SourceKeyId', async () => {
    const failure = await failureOf(
      kms.client.send(
        new ReEncryptCommand({ SourceKeyId: source.keyId, DestinationKeyId: destination.keyId, DryRun: true, DryRunModifiers: ['IGNORE_CIPHERTEXT'] }),
      ),
    );
    expect(failure).toMatchObject(DRY_RUN);
  });

  it('needs SourceKeyId for a ciphertext-less dry run, and the ciphertext otherwise', async () => {
    const noSource = await failureOf(
      kms.client.send(new ReEncryptCommand({ DestinationKeyId: destination.keyId, DryRun: true, DryRunModifiers: ['IGNORE_CIPHERTEXT'] })),
    );
    expect(noSource).toMatchObject({
      name: 'ValidationException',
      message: "1 validation error detected: Value null at 'sourceKeyId' failed to satisfy constraint: Member must not be null",
    });
    const noBlob = await failureOf(kms.client.send(new ReEncryptCommand({ SourceKeyId: source.keyId, DestinationKeyId: destination.keyId })));
    expect(noBlob).toMatchObject({
      name: 'ValidationException',
      message: "1 validation error detected: Value null at 'ciphertextBlob' failed to satisfy constraint: Member must not be null",
    });
  });

  it('re-encrypts under the current backing key of the same key after a rotation', async () => {
    const key = await newKey();
    const { CiphertextBlob } = await kms.client.send(new EncryptCommand({ KeyId: key.keyId, Plaintext: plaintext }));
    await kms.client.send(new RotateKeyOnDemandCommand({ KeyId: key.keyId }));
    const { KeyMetadata } = await kms.client.send(new DescribeKeyCommand({ KeyId: key.keyId }));
    expect(KeyMetadata!.CurrentKeyMaterialId).not.toBe(key.materialId);
    const result = await kms.client.send(new ReEncryptCommand({ CiphertextBlob, DestinationKeyId: key.keyId }));
    expect(result.SourceKeyMaterialId).toBe(key.materialId);
    expect(result.DestinationKeyMaterialId).toBe(KeyMetadata!.CurrentKeyMaterialId);
    const decrypted = await kms.client.send(new DecryptCommand({ CiphertextBlob: result.CiphertextBlob }));
    expect(decrypted).toMatchObject({ Plaintext: plaintext, KeyMaterialId: KeyMetadata!.CurrentKeyMaterialId });
  });

  it('records the source key, then the destination key, and both algorithms in the audit trail', async () => {
    await kms.kms.reEncrypt(
      { CiphertextBlob: blob, SourceEncryptionContext: { step: 'one' }, DestinationKeyId: destination.keyId },
      { requestId: 're-encrypt-audit' },
    );
    const event = kms.kms.auditTrail.events().find((candidate) => candidate.requestId === 're-encrypt-audit');
    expect(event?.resources).toEqual([source.arn, destination.arn]);
    expect(event?.requestParameters).toEqual({
      sourceEncryptionContext: { step: 'one' },
      sourceEncryptionAlgorithm: 'SYMMETRIC_DEFAULT',
      destinationKeyId: destination.keyId,
      destinationEncryptionAlgorithm: 'SYMMETRIC_DEFAULT',
    });
  });
});
