/**
 * Which permission each operation of this area asks for, and on which key, pinned through real
 * policies: a key policy with an explicit Deny of one action must make exactly that operation fail
 * with AWS's AccessDenied text naming the action and the key. ReEncrypt needs kms:ReEncryptFrom on
 * the source key and kms:ReEncryptTo on the destination key; GenerateRandom is IAM-only (KMS API
 * reference, "Required permissions").
 */

import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Kms, KmsError, principalFromArn } from '../src/index.ts';
import { wrapKeyMaterial } from './helpers/crypto-fixtures.ts';

const ROOT = 'arn:aws:iam::000000000000:root';
const kms = new Kms({ quotas: false });

/** A key whose policy is the default one plus an explicit Deny of `actions` for everybody. */
async function keyDenying(actions: readonly string[], origin: 'AWS_KMS' | 'EXTERNAL' = 'AWS_KMS'): Promise<{ KeyId: string; Arn: string }> {
  const policy = {
    Version: '2012-10-17',
    Statement: [
      { Sid: 'Enable IAM User Permissions', Effect: 'Allow', Principal: { AWS: ROOT }, Action: 'kms:*', Resource: '*' },
      ...(actions.length === 0 ? [] : [{ Sid: 'Deny under test', Effect: 'Deny', Principal: { AWS: '*' }, Action: actions, Resource: '*' }]),
    ],
  };
  return (await kms.createKey({ Policy: JSON.stringify(policy), Origin: origin })).KeyMetadata;
}

async function deniedWith(call: () => Promise<unknown>, action: string, resource: string, side = 'resource-based'): Promise<void> {
  const failure = await call().catch((error: unknown) => error);
  expect(failure).toBeInstanceOf(KmsError);
  expect(failure).toMatchObject({
    code: 'AccessDeniedException',
    message: `User: ${ROOT} is not authorized to perform: ${action} on resource: ${resource} with an explicit deny in a ${side} policy`,
  });
}

describe('ReEncrypt', () => {
  it('needs kms:ReEncryptFrom on the source key', async () => {
    const source = await keyDenying(['kms:ReEncryptFrom']);
    const destination = await keyDenying([]);
    const { CiphertextBlob } = await kms.encrypt({ KeyId: source.KeyId, Plaintext: new Uint8Array([1]) });
    await deniedWith(() => kms.reEncrypt({ CiphertextBlob, DestinationKeyId: destination.KeyId }), 'kms:ReEncryptFrom', source.Arn);
  });

  it('needs kms:ReEncryptTo on the destination key', async () => {
    const source = await keyDenying([]);
    const destination = await keyDenying(['kms:ReEncryptTo']);
    const { CiphertextBlob } = await kms.encrypt({ KeyId: source.KeyId, Plaintext: new Uint8Array([1]) });
    await deniedWith(() => kms.reEncrypt({ CiphertextBlob, DestinationKeyId: destination.KeyId }), 'kms:ReEncryptTo', destination.Arn);
  });

  it('needs neither kms:ReEncryptTo on the source nor kms:ReEncryptFrom on the destination, nor Decrypt or Encrypt', async () => {
    const source = await keyDenying(['kms:ReEncryptTo', 'kms:Decrypt']);
    const destination = await keyDenying(['kms:ReEncryptFrom', 'kms:Encrypt']);
    const { CiphertextBlob } = await kms.encrypt({ KeyId: source.KeyId, Plaintext: new Uint8Array([1]) });
    const result = await kms.reEncrypt({ CiphertextBlob, DestinationKeyId: destination.KeyId });
    expect(result.KeyId).toBe(destination.Arn);
  });

  it('is checked in a ciphertext-less dry run too', async () => {
    const source = await keyDenying([]);
    const destination = await keyDenying(['kms:ReEncryptTo']);
    await deniedWith(
      () => kms.reEncrypt({ SourceKeyId: source.KeyId, DestinationKeyId: destination.KeyId, DryRun: true, DryRunModifiers: ['IGNORE_CIPHERTEXT'] }),
      'kms:ReEncryptTo',
      destination.Arn,
    );
  });
});

describe('one permission per operation, on the key', () => {
  it.each([
    ['kms:Decrypt', async (keyId: string) => kms.decrypt({ KeyId: keyId, DryRun: true, DryRunModifiers: ['IGNORE_CIPHERTEXT'] })],
    ['kms:GenerateDataKeyWithoutPlaintext', async (keyId: string) => kms.generateDataKeyWithoutPlaintext({ KeyId: keyId, KeySpec: 'AES_256' })],
    ['kms:GenerateDataKey', async (keyId: string) => kms.generateDataKey({ KeyId: keyId, KeySpec: 'AES_256' })],
    ['kms:EnableKeyRotation', async (keyId: string) => kms.enableKeyRotation({ KeyId: keyId })],
    ['kms:DisableKeyRotation', async (keyId: string) => kms.disableKeyRotation({ KeyId: keyId })],
    ['kms:GetKeyRotationStatus', async (keyId: string) => kms.getKeyRotationStatus({ KeyId: keyId })],
    ['kms:RotateKeyOnDemand', async (keyId: string) => kms.rotateKeyOnDemand({ KeyId: keyId })],
    ['kms:ListKeyRotations', async (keyId: string) => kms.listKeyRotations({ KeyId: keyId })],
  ] as const)('%s', async (action, call) => {
    const key = await keyDenying([action]);
    await deniedWith(() => call(key.KeyId), action, key.Arn);
    // ...and only that action: the same call on a key without the Deny goes through the check.
    const open = await keyDenying([]);
    const outcome = await call(open.KeyId).catch((error: unknown) => error);
    expect(outcome instanceof KmsError ? outcome.code : 'ok').not.toBe('AccessDeniedException');
  });

  it.each([
    [
      'kms:GetParametersForImport',
      (keyId: string) => kms.getParametersForImport({ KeyId: keyId, WrappingAlgorithm: 'RSAES_OAEP_SHA_256', WrappingKeySpec: 'RSA_2048' }),
    ],
    ['kms:ImportKeyMaterial', (keyId: string) => kms.importKeyMaterial({ KeyId: keyId, ImportToken: randomBytes(49), EncryptedKeyMaterial: randomBytes(256) })],
    ['kms:DeleteImportedKeyMaterial', (keyId: string) => kms.deleteImportedKeyMaterial({ KeyId: keyId })],
  ] as const)('%s on an EXTERNAL key', async (action, call) => {
    const key = await keyDenying([action], 'EXTERNAL');
    await deniedWith(() => call(key.KeyId), action, key.Arn);
  });

  it('kms:ImportKeyMaterial is checked before anything about the token or material is revealed', async () => {
    const key = await keyDenying(['kms:ImportKeyMaterial'], 'EXTERNAL');
    const params = await kms.getParametersForImport({ KeyId: key.KeyId, WrappingAlgorithm: 'RSAES_OAEP_SHA_256', WrappingKeySpec: 'RSA_2048' });
    await deniedWith(
      () =>
        kms.importKeyMaterial({
          KeyId: key.KeyId,
          ImportToken: params.ImportToken,
          EncryptedKeyMaterial: wrapKeyMaterial(params.PublicKey, randomBytes(32), 'RSAES_OAEP_SHA_256'),
          ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE',
        }),
      'kms:ImportKeyMaterial',
      key.Arn,
    );
  });
});

describe('GenerateRandom', () => {
  it('is decided by the identity policy alone, on no key', async () => {
    const identityPolicy = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: 'kms:*', Resource: '*' },
        { Effect: 'Deny', Action: 'kms:GenerateRandom', Resource: '*' },
      ],
    });
    const caller = principalFromArn('arn:aws:iam::000000000000:user/alice', { identityPolicy });
    const failure = await kms.generateRandom({ NumberOfBytes: 8 }, { caller }).catch((error: unknown) => error);
    expect(failure).toMatchObject({
      code: 'AccessDeniedException',
      message:
        'User: arn:aws:iam::000000000000:user/alice is not authorized to perform: kms:GenerateRandom on resource: * with an explicit deny in an identity-based policy',
    });
    const allowed = principalFromArn('arn:aws:iam::000000000000:user/bob', {
      identityPolicy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'kms:GenerateRandom', Resource: '*' }] }),
    });
    expect((await kms.generateRandom({ NumberOfBytes: 8 }, { caller: allowed })).Plaintext).toHaveLength(8);
  });
});
