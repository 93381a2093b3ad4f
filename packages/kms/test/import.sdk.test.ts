/**
 * Importing key material through the AWS SDK (BYOK): GetParametersForImport, client-side wrapping
 * with each implemented algorithm, ImportKeyMaterial's expiration rules and token checks,
 * DeleteImportedKeyMaterial, expiry on the clock, re-import of the same material, and the key
 * metadata AWS shows along the way (LocalStack's AWS-validated test_import_key_symmetric,
 * 2025-11-10).
 */

import { createPublicKey, randomBytes } from 'node:crypto';
import {
  CreateKeyCommand,
  DecryptCommand,
  DeleteImportedKeyMaterialCommand,
  DescribeKeyCommand,
  EncryptCommand,
  GetParametersForImportCommand,
  type GetParametersForImportCommandOutput,
  ImportKeyMaterialCommand,
  type KMSClient,
} from '@aws-sdk/client-kms';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Kms } from '../src/index.ts';
import { KmsState } from '../src/model/state.ts';
import { MemoryStore } from '../src/persistence/store.ts';
import { type CryptoFixture, startCryptoKms, type TestWrappingAlgorithm, wrapKeyMaterial } from './helpers/crypto-fixtures.ts';
import { failureOf } from './helpers/sdk.ts';

const DAY = 86_400_000;
const HEX64 = /^[a-f0-9]{64}$/;
const INVALID_TOKEN = {
  name: 'InvalidImportTokenException',
  message: 'The request was rejected because the provided import token is invalid or is associated with a different KMS key.',
};
const INCORRECT_MATERIAL = {
  name: 'IncorrectKeyMaterialException',
  message:
    'The request was rejected because the key material in the request is, expired, invalid, or does not meet expectations. For example, it is not the same key material that was previously imported or KMS expected new key material but the key material being imported is already associated with the KMS key.',
};

let kms: CryptoFixture;
let client: KMSClient;

beforeAll(async () => {
  kms = await startCryptoKms();
  client = kms.client;
});
afterAll(() => kms.close());

async function externalKey(): Promise<{ keyId: string; arn: string }> {
  const { KeyMetadata } = await client.send(new CreateKeyCommand({ Origin: 'EXTERNAL' }));
  return { keyId: KeyMetadata!.KeyId!, arn: KeyMetadata!.Arn! };
}

async function parameters(
  keyId: string,
  algorithm: TestWrappingAlgorithm = 'RSAES_OAEP_SHA_256',
  spec: 'RSA_2048' | 'RSA_3072' | 'RSA_4096' = 'RSA_2048',
): Promise<GetParametersForImportCommandOutput> {
  return client.send(new GetParametersForImportCommand({ KeyId: keyId, WrappingAlgorithm: algorithm, WrappingKeySpec: spec }));
}

async function importMaterial(
  keyId: string,
  material: Uint8Array,
  extra: Partial<ConstructorParameters<typeof ImportKeyMaterialCommand>[0]> = {},
): Promise<string> {
  const params = await parameters(keyId);
  const result = await client.send(
    new ImportKeyMaterialCommand({
      KeyId: keyId,
      ImportToken: params.ImportToken,
      EncryptedKeyMaterial: wrapKeyMaterial(params.PublicKey!, material, 'RSAES_OAEP_SHA_256'),
      ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE',
      ...extra,
    }),
  );
  return result.KeyMaterialId!;
}

const metadata = async (keyId: string): Promise<Record<string, unknown>> =>
  (await client.send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata as unknown as Record<string, unknown>;

describe('GetParametersForImport', () => {
  it('returns the key ARN, an import token and an RSA public key (DER SPKI) valid for 24 hours', async () => {
    const key = await externalKey();
    const params = await parameters(key.keyId, 'RSAES_OAEP_SHA_256', 'RSA_3072');
    expect(params.KeyId).toBe(key.arn);
    expect(params.ImportToken!.length).toBeGreaterThan(0);
    expect(params.ParametersValidTo).toEqual(new Date(kms.clock.now() + DAY));
    const publicKey = createPublicKey({ key: Buffer.from(params.PublicKey!), format: 'der', type: 'spki' });
    expect(publicKey.asymmetricKeyType).toBe('rsa');
    expect(publicKey.asymmetricKeyDetails?.modulusLength).toBe(3072);
  });

  it('refuses keys whose origin is not EXTERNAL, with AWS text', async () => {
    const { KeyMetadata } = await client.send(new CreateKeyCommand({}));
    const failure = await failureOf(parameters(KeyMetadata!.KeyId!));
    expect(failure).toEqual({
      name: 'UnsupportedOperationException',
      message: `${KeyMetadata!.Arn} origin is AWS_KMS which is not valid for this operation.`,
      status: 400,
    });
  });

  it('refuses the withdrawn RSAES_PKCS1_V1_5 algorithm', async () => {
    const key = await externalKey();
    const failure = await failureOf(
      client.send(new GetParametersForImportCommand({ KeyId: key.keyId, WrappingAlgorithm: 'RSAES_PKCS1_V1_5', WrappingKeySpec: 'RSA_2048' })),
    );
    expect(failure.name).toBe('ValidationException');
  });

  it('needs both wrapping members', async () => {
    const key = await externalKey();
    const failure = await kms.kms.getParametersForImport({ KeyId: key.keyId } as never).catch((error: unknown) => error);
    expect(failure).toMatchObject({
      code: 'ValidationException',
      message:
        "2 validation errors detected: Value null at 'wrappingAlgorithm' failed to satisfy constraint: Member must not be null; Value null at 'wrappingKeySpec' failed to satisfy constraint: Member must not be null",
    });
  });
});

describe('ImportKeyMaterial', () => {
  it.each(['RSAES_OAEP_SHA_1', 'RSAES_OAEP_SHA_256', 'RSA_AES_KEY_WRAP_SHA_1', 'RSA_AES_KEY_WRAP_SHA_256'] as const)(
    'imports material wrapped with %s and makes the key usable',
    async (algorithm) => {
      const key = await externalKey();
      expect(await metadata(key.keyId)).toMatchObject({ KeyState: 'PendingImport', Enabled: false, Origin: 'EXTERNAL' });
      expect(await metadata(key.keyId)).not.toHaveProperty('CurrentKeyMaterialId');
      const params = await parameters(key.keyId, algorithm);
      const material = randomBytes(32);
      const result = await client.send(
        new ImportKeyMaterialCommand({
          KeyId: key.keyId,
          ImportToken: params.ImportToken,
          EncryptedKeyMaterial: wrapKeyMaterial(params.PublicKey!, material, algorithm),
          ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE',
        }),
      );
      expect(result.KeyId).toBe(key.arn);
      expect(result.KeyMaterialId).toMatch(HEX64);
      const described = await metadata(key.keyId);
      expect(described).toMatchObject({
        KeyState: 'Enabled',
        Enabled: true,
        ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE',
        CurrentKeyMaterialId: result.KeyMaterialId,
      });
      expect(described).not.toHaveProperty('ValidTo');
      const { CiphertextBlob } = await client.send(new EncryptCommand({ KeyId: key.keyId, Plaintext: new Uint8Array([9, 9]) }));
      const decrypted = await client.send(new DecryptCommand({ CiphertextBlob, KeyId: key.keyId }));
      expect(decrypted).toMatchObject({ Plaintext: new Uint8Array([9, 9]), KeyMaterialId: result.KeyMaterialId });
    },
  );

  it('defaults to KEY_MATERIAL_EXPIRES, which needs ValidTo (AWS text)', async () => {
    const key = await externalKey();
    const params = await parameters(key.keyId);
    const failure = await failureOf(
      client.send(
        new ImportKeyMaterialCommand({
          KeyId: key.keyId,
          ImportToken: params.ImportToken,
          EncryptedKeyMaterial: wrapKeyMaterial(params.PublicKey!, randomBytes(32), 'RSAES_OAEP_SHA_256'),
        }),
      ),
    );
    expect(failure).toEqual({ name: 'ValidationException', message: 'A validTo date must be set if the ExpirationModel is KEY_MATERIAL_EXPIRES', status: 400 });
  });

  it('refuses ValidTo in the past, beyond 365 days, or with KEY_MATERIAL_DOES_NOT_EXPIRE', async () => {
    const key = await externalKey();
    const now = kms.clock.now();
    for (const extra of [
      { ValidTo: new Date(now), ExpirationModel: 'KEY_MATERIAL_EXPIRES' as const },
      { ValidTo: new Date(now + 365 * DAY + 1000) },
      { ValidTo: new Date(now + DAY), ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE' as const },
    ]) {
      const failure = await failureOf(importMaterial(key.keyId, randomBytes(32), extra));
      expect(failure.name).toBe('ValidationException');
    }
    expect(await metadata(key.keyId)).toMatchObject({ KeyState: 'PendingImport' });
  });

  it('derives KeyMaterialId from the key and the material: same bytes, same id; other key, other id', async () => {
    const material = randomBytes(32);
    const a = await externalKey();
    const b = await externalKey();
    const first = await importMaterial(a.keyId, material);
    expect(await importMaterial(a.keyId, material)).toBe(first);
    expect(await importMaterial(b.keyId, material)).not.toBe(first);
  });

  it('refuses a token issued for another key, a made-up token and an expired token', async () => {
    const key = await externalKey();
    const other = await externalKey();
    const otherParams = await parameters(other.keyId);
    const wrapped = wrapKeyMaterial(otherParams.PublicKey!, randomBytes(32), 'RSAES_OAEP_SHA_256');
    const send = (token: Uint8Array): Promise<unknown> =>
      client.send(
        new ImportKeyMaterialCommand({ KeyId: key.keyId, ImportToken: token, EncryptedKeyMaterial: wrapped, ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE' }),
      );
    expect(await failureOf(send(otherParams.ImportToken!))).toMatchObject(INVALID_TOKEN);
    expect(await failureOf(send(randomBytes(49)))).toMatchObject(INVALID_TOKEN);
    const params = await parameters(key.keyId);
    const material = wrapKeyMaterial(params.PublicKey!, randomBytes(32), 'RSAES_OAEP_SHA_256');
    kms.clock.advance(DAY + 1);
    const expired = await failureOf(
      client.send(
        new ImportKeyMaterialCommand({
          KeyId: key.keyId,
          ImportToken: params.ImportToken,
          EncryptedKeyMaterial: material,
          ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE',
        }),
      ),
    );
    expect(expired).toMatchObject({
      name: 'ExpiredImportTokenException',
      message:
        'The request was rejected because the specified import token is expired. Use GetParametersForImport to get a new import token and public key, use the new public key to encrypt the key material, and then try the request again.',
    });
  });

  it('answers material not wrapped with the token public key with InvalidCiphertextException', async () => {
    const key = await externalKey();
    const params = await parameters(key.keyId);
    const otherKey = await parameters((await externalKey()).keyId);
    const failure = await failureOf(
      client.send(
        new ImportKeyMaterialCommand({
          KeyId: key.keyId,
          ImportToken: params.ImportToken,
          EncryptedKeyMaterial: wrapKeyMaterial(otherKey.PublicKey!, randomBytes(32), 'RSAES_OAEP_SHA_256'),
          ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE',
        }),
      ),
    );
    expect(failure).toMatchObject({ name: 'InvalidCiphertextException', status: 400 });
  });

  it('answers material of the wrong algorithm with InvalidCiphertextException', async () => {
    const key = await externalKey();
    const params = await parameters(key.keyId, 'RSAES_OAEP_SHA_256');
    const failure = await failureOf(
      client.send(
        new ImportKeyMaterialCommand({
          KeyId: key.keyId,
          ImportToken: params.ImportToken,
          EncryptedKeyMaterial: wrapKeyMaterial(params.PublicKey!, randomBytes(32), 'RSAES_OAEP_SHA_1'),
          ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE',
        }),
      ),
    );
    expect(failure.name).toBe('InvalidCiphertextException');
  });

  it('refuses material that is not 256 bits', async () => {
    const key = await externalKey();
    expect(await failureOf(importMaterial(key.keyId, randomBytes(16)))).toMatchObject(INCORRECT_MATERIAL);
  });

  it('refuses AWS_KMS keys', async () => {
    const { KeyMetadata } = await client.send(new CreateKeyCommand({}));
    const failure = await failureOf(
      client.send(
        new ImportKeyMaterialCommand({
          KeyId: KeyMetadata!.KeyId!,
          ImportToken: randomBytes(49),
          EncryptedKeyMaterial: randomBytes(256),
          ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE',
        }),
      ),
    );
    expect(failure).toEqual({
      name: 'UnsupportedOperationException',
      message: `${KeyMetadata!.Arn} origin is AWS_KMS which is not valid for this operation.`,
      status: 400,
    });
  });
});

describe('re-importing and ImportType', () => {
  it('only takes back the same material', async () => {
    const key = await externalKey();
    const id = await importMaterial(key.keyId, randomBytes(32));
    expect(await failureOf(importMaterial(key.keyId, randomBytes(32)))).toMatchObject(INCORRECT_MATERIAL);
    expect(await failureOf(importMaterial(key.keyId, randomBytes(32), { ImportType: 'EXISTING_KEY_MATERIAL' }))).toMatchObject(INCORRECT_MATERIAL);
    expect(await metadata(key.keyId)).toMatchObject({ CurrentKeyMaterialId: id });
  });

  it('answers NEW_KEY_MATERIAL with the material already imported with IncorrectKeyMaterialException', async () => {
    const key = await externalKey();
    const material = randomBytes(32);
    await importMaterial(key.keyId, material);
    expect(await failureOf(importMaterial(key.keyId, material, { ImportType: 'NEW_KEY_MATERIAL' }))).toMatchObject(INCORRECT_MATERIAL);
  });

  it('does not model new material for a rotation of an imported key', async () => {
    const key = await externalKey();
    await importMaterial(key.keyId, randomBytes(32));
    expect((await failureOf(importMaterial(key.keyId, randomBytes(32), { ImportType: 'NEW_KEY_MATERIAL' }))).name).toBe('UnsupportedOperationException');
  });

  it('checks a given KeyMaterialId against the material', async () => {
    const key = await externalKey();
    const material = randomBytes(32);
    const id = await importMaterial(key.keyId, material);
    expect(await importMaterial(key.keyId, material, { KeyMaterialId: id })).toBe(id);
    expect(await failureOf(importMaterial(key.keyId, material, { KeyMaterialId: 'a'.repeat(64) }))).toMatchObject(INCORRECT_MATERIAL);
  });
});

describe('DeleteImportedKeyMaterial', () => {
  it('makes the key PendingImport; old ciphertexts decrypt again once the same material is back', async () => {
    const key = await externalKey();
    const material = randomBytes(32);
    const id = await importMaterial(key.keyId, material);
    const { CiphertextBlob } = await client.send(new EncryptCommand({ KeyId: key.keyId, Plaintext: new Uint8Array([5]) }));
    const deleted = await client.send(new DeleteImportedKeyMaterialCommand({ KeyId: key.keyId }));
    expect(deleted).toMatchObject({ KeyId: key.arn, KeyMaterialId: id });
    const described = await metadata(key.keyId);
    // AWS keeps CurrentKeyMaterialId and drops ExpirationModel (test_import_key_symmetric).
    expect(described).toMatchObject({ KeyState: 'PendingImport', Enabled: false, CurrentKeyMaterialId: id });
    expect(described).not.toHaveProperty('ExpirationModel');
    const pending = { name: 'KMSInvalidStateException', message: `${key.arn} is pending import.`, status: 400 };
    expect(await failureOf(client.send(new EncryptCommand({ KeyId: key.keyId, Plaintext: new Uint8Array([5]) })))).toEqual(pending);
    expect(await failureOf(client.send(new DecryptCommand({ CiphertextBlob })))).toEqual(pending);
    expect(await failureOf(importMaterial(key.keyId, randomBytes(32)))).toMatchObject(INCORRECT_MATERIAL);
    expect(await importMaterial(key.keyId, material)).toBe(id);
    expect((await client.send(new DecryptCommand({ CiphertextBlob }))).Plaintext).toEqual(new Uint8Array([5]));
  });

  it('checks a given KeyMaterialId', async () => {
    const key = await externalKey();
    await importMaterial(key.keyId, randomBytes(32));
    const failure = await failureOf(client.send(new DeleteImportedKeyMaterialCommand({ KeyId: key.keyId, KeyMaterialId: 'b'.repeat(64) })));
    expect(failure.name).toBe('NotFoundException');
    expect(await metadata(key.keyId)).toMatchObject({ KeyState: 'Enabled' });
  });

  it('refuses AWS_KMS keys', async () => {
    const { KeyMetadata } = await client.send(new CreateKeyCommand({}));
    expect(await failureOf(client.send(new DeleteImportedKeyMaterialCommand({ KeyId: KeyMetadata!.KeyId! })))).toEqual({
      name: 'UnsupportedOperationException',
      message: `${KeyMetadata!.Arn} origin is AWS_KMS which is not valid for this operation.`,
      status: 400,
    });
  });

  it('is refused while the key is pending deletion', async () => {
    const key = await externalKey();
    await importMaterial(key.keyId, randomBytes(32));
    await kms.setState(key.keyId, 'PendingDeletion');
    expect(await failureOf(client.send(new DeleteImportedKeyMaterialCommand({ KeyId: key.keyId })))).toEqual({
      name: 'KMSInvalidStateException',
      message: `${key.arn} is pending deletion.`,
      status: 400,
    });
  });
});

describe('material that expires', () => {
  it('shows ValidTo, and is deleted when the clock passes it', async () => {
    const key = await externalKey();
    const validTo = new Date(kms.clock.now() + 10 * DAY);
    const material = randomBytes(32);
    await importMaterial(key.keyId, material, { ExpirationModel: 'KEY_MATERIAL_EXPIRES', ValidTo: validTo });
    expect(await metadata(key.keyId)).toMatchObject({ KeyState: 'Enabled', ExpirationModel: 'KEY_MATERIAL_EXPIRES', ValidTo: validTo });
    kms.clock.set(validTo.getTime() - 1);
    expect(await metadata(key.keyId)).toMatchObject({ KeyState: 'Enabled' });
    kms.clock.set(validTo.getTime());
    const expired = await metadata(key.keyId);
    expect(expired).toMatchObject({ KeyState: 'PendingImport', Enabled: false });
    expect(expired).not.toHaveProperty('ValidTo');
    expect(await failureOf(client.send(new EncryptCommand({ KeyId: key.keyId, Plaintext: new Uint8Array([1]) })))).toMatchObject({
      name: 'KMSInvalidStateException',
    });
    await importMaterial(key.keyId, material);
    expect(await metadata(key.keyId)).toMatchObject({ KeyState: 'Enabled', ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE' });
  });
});

describe('import parameters live in memory only', () => {
  it('are not part of the persisted state, so a restarted emulator does not know the token', async () => {
    const store = new MemoryStore(new KmsState());
    const first = new Kms({ quotas: false, store });
    const { KeyMetadata } = await first.createKey({ Origin: 'EXTERNAL' });
    const params = await first.getParametersForImport({ KeyId: KeyMetadata.KeyId, WrappingAlgorithm: 'RSAES_OAEP_SHA_256', WrappingKeySpec: 'RSA_2048' });
    // What a durable store would replay after a restart: the changes, into a fresh state.
    const replayed = new MemoryStore(new KmsState());
    await replayed.commit(store.state.toChanges());
    const restarted = new Kms({ quotas: false, store: replayed });
    const request = {
      KeyId: KeyMetadata.KeyId,
      ImportToken: params.ImportToken,
      EncryptedKeyMaterial: wrapKeyMaterial(params.PublicKey, randomBytes(32), 'RSAES_OAEP_SHA_256'),
      ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE' as const,
    };
    expect(await restarted.importKeyMaterial(request).catch((error: unknown) => error)).toMatchObject({ code: 'InvalidImportTokenException' });
    expect((await first.importKeyMaterial(request)).KeyMaterialId).toMatch(HEX64);
  });
});
