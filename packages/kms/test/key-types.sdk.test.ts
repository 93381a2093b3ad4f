/**
 * CreateKey for every key spec and key usage, and the metadata AWS returns for each, through the
 * official AWS SDK client (through the in-process request handler): algorithm lists, validation errors with AWS's texts, SM2
 * refused with the reason, rotation refused on asymmetric and HMAC keys, grant operations checked
 * against the key type.
 */

import { createPublicKey } from 'node:crypto';
import {
  CreateGrantCommand,
  CreateKeyCommand,
  DescribeKeyCommand,
  EnableKeyRotationCommand,
  GenerateDataKeyCommand,
  GetPublicKeyCommand,
  type KeySpec,
  type KeyUsageType,
  RotateKeyOnDemandCommand,
} from '@aws-sdk/client-kms';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allowedUsages, KEY_SPEC_TABLE, type KeySpec as Spec, usageAlgorithms } from '../src/model/key-types/spec-table.ts';
import { failureOf, type SdkFixture, startKms } from './helpers/sdk.ts';

let kms: SdkFixture;

beforeAll(async () => {
  kms = await startKms();
});
afterAll(() => kms.close());

async function createKey(spec: string, usage?: string): Promise<Record<string, unknown>> {
  const created = await kms.client.send(
    new CreateKeyCommand({ KeySpec: spec as KeySpec, ...(usage === undefined ? {} : { KeyUsage: usage as KeyUsageType }) }),
  );
  return created.KeyMetadata as unknown as Record<string, unknown>;
}

describe('CreateKey accepts every key spec and key usage KMS allows', () => {
  // RSA_4096 generation takes seconds on a busy machine: RSA_2048 stands for the RSA specs here.
  const specs = (Object.keys(KEY_SPEC_TABLE) as Spec[]).filter(
    (spec) => spec !== 'SM2' && spec !== 'SYMMETRIC_DEFAULT' && spec !== 'RSA_3072' && spec !== 'RSA_4096',
  );
  for (const spec of specs) {
    for (const usage of allowedUsages(spec)) {
      it(`${spec} ${usage}: Enabled, with KeyMetadata's algorithm list for the usage only`, async () => {
        const metadata = await createKey(spec, usage);
        const algorithms = usageAlgorithms(spec, usage)!;
        expect(metadata).toMatchObject({
          KeySpec: spec,
          CustomerMasterKeySpec: spec,
          KeyUsage: usage,
          KeyState: 'Enabled',
          Enabled: true,
          Origin: 'AWS_KMS',
          MultiRegion: false,
        });
        expect(metadata['EncryptionAlgorithms']).toEqual(algorithms.encryption);
        expect(metadata['SigningAlgorithms']).toEqual(algorithms.signing);
        expect(metadata['MacAlgorithms']).toEqual(algorithms.mac);
        expect(metadata['KeyAgreementAlgorithms']).toEqual(algorithms.keyAgreement);
        expect(metadata['EncapsulationAlgorithms']).toEqual(algorithms.encapsulation);
        // CurrentKeyMaterialId is for symmetric encryption keys only.
        expect(metadata['CurrentKeyMaterialId']).toBeUndefined();
        const described = await kms.client.send(new DescribeKeyCommand({ KeyId: metadata['KeyId'] as string }));
        expect(described.KeyMetadata).toEqual(metadata);
      });
    }
  }

  it('GetPublicKey returns a DER SubjectPublicKeyInfo node:crypto reads, with the spec, usage and algorithms', async () => {
    const metadata = await createKey('ECC_NIST_P384', 'SIGN_VERIFY');
    const answer = await kms.client.send(new GetPublicKeyCommand({ KeyId: metadata['Arn'] as string }));
    const key = createPublicKey({ key: Buffer.from(answer.PublicKey!), format: 'der', type: 'spki' });
    expect(key.asymmetricKeyDetails?.namedCurve).toBe('secp384r1');
    expect(answer).toMatchObject({
      KeyId: metadata['Arn'],
      KeySpec: 'ECC_NIST_P384',
      CustomerMasterKeySpec: 'ECC_NIST_P384',
      KeyUsage: 'SIGN_VERIFY',
      SigningAlgorithms: ['ECDSA_SHA_384'],
    });
    expect(answer.EncryptionAlgorithms).toBeUndefined();
  });

  it('GetPublicKey on a symmetric or HMAC key is refused', async () => {
    const symmetric = await createKey('SYMMETRIC_DEFAULT');
    const hmac = await createKey('HMAC_256', 'GENERATE_VERIFY_MAC');
    for (const metadata of [symmetric, hmac]) {
      expect(await failureOf(kms.client.send(new GetPublicKeyCommand({ KeyId: metadata['KeyId'] as string })))).toMatchObject({
        name: 'UnsupportedOperationException',
        status: 400,
      });
    }
  });
});

describe('CreateKey refuses what AWS refuses, with its texts', () => {
  it('an asymmetric or HMAC spec without KeyUsage', async () => {
    expect(await failureOf(kms.client.send(new CreateKeyCommand({ KeySpec: 'HMAC_256' })))).toEqual({
      name: 'ValidationException',
      message: 'You must specify a KeyUsage value for all KMS keys except for symmetric encryption keys.',
      status: 400,
    });
  });

  it('a usage the key spec does not allow', async () => {
    expect(await failureOf(kms.client.send(new CreateKeyCommand({ KeySpec: 'RSA_2048', KeyUsage: 'KEY_AGREEMENT' })))).toEqual({
      name: 'ValidationException',
      message: 'KeyUsage KEY_AGREEMENT is not compatible with KeySpec RSA_2048',
      status: 400,
    });
    for (const [spec, usage] of [
      ['ECC_SECG_P256K1', 'KEY_AGREEMENT'],
      ['ECC_NIST_EDWARDS25519', 'KEY_AGREEMENT'],
      ['ML_DSA_44', 'ENCRYPT_DECRYPT'],
      ['ML_KEM_768', 'SIGN_VERIFY'],
      ['HMAC_512', 'SIGN_VERIFY'],
      ['SYMMETRIC_DEFAULT', 'SIGN_VERIFY'],
      ['ECC_NIST_P256', 'ENCRYPT_DECRYPT'],
    ] as const) {
      expect(await failureOf(kms.client.send(new CreateKeyCommand({ KeySpec: spec, KeyUsage: usage })))).toEqual({
        name: 'ValidationException',
        message: `KeyUsage ${usage} is not compatible with KeySpec ${spec}`,
        status: 400,
      });
    }
  });

  it('SM2, saying why: China Regions only', async () => {
    const failure = await failureOf(kms.client.send(new CreateKeyCommand({ KeySpec: 'SM2', KeyUsage: 'SIGN_VERIFY' })));
    expect(failure).toMatchObject({ name: 'UnsupportedOperationException', status: 400 });
    expect(failure.message).toMatch(/China Regions/);
  });

  it('a key spec outside the enum, listing the ML-KEM specs too', async () => {
    const failure = await failureOf(kms.client.send(new CreateKeyCommand({ KeySpec: 'RSA_1024' as KeySpec, KeyUsage: 'SIGN_VERIFY' })));
    expect(failure).toMatchObject({ name: 'ValidationException', status: 400 });
    expect(failure.message).toContain("Value 'RSA_1024' at 'keySpec' failed to satisfy constraint: Member must satisfy enum value set: [");
    expect(failure.message).toContain('ML_KEM_768');
  });
});

describe('what other operations make of the new key types', () => {
  it('rotation is refused on asymmetric and HMAC keys with an empty UnsupportedOperationException', async () => {
    const rsa = await createKey('ECC_NIST_P256', 'SIGN_VERIFY');
    const hmac = await createKey('HMAC_224', 'GENERATE_VERIFY_MAC');
    for (const metadata of [rsa, hmac]) {
      const keyId = metadata['KeyId'] as string;
      expect(await failureOf(kms.client.send(new EnableKeyRotationCommand({ KeyId: keyId })))).toMatchObject({
        name: 'UnsupportedOperationException',
        status: 400,
      }); // AWS sends no message: the SDK shows 'UnknownError'
      expect(await failureOf(kms.client.send(new RotateKeyOnDemandCommand({ KeyId: keyId })))).toMatchObject({
        name: 'UnsupportedOperationException',
        status: 400,
      }); // AWS sends no message: the SDK shows 'UnknownError'
    }
  });

  it('GenerateDataKey refuses a signing key by its usage, and an RSA encryption key by its spec', async () => {
    const signing = await createKey('ECC_NIST_P256', 'SIGN_VERIFY');
    expect(await failureOf(kms.client.send(new GenerateDataKeyCommand({ KeyId: signing['KeyId'] as string, KeySpec: 'AES_256' })))).toEqual({
      name: 'InvalidKeyUsageException',
      message: `${signing['Arn'] as string} key usage is SIGN_VERIFY which is not valid for GenerateDataKey.`,
      status: 400,
    });
    const rsa = await createKey('RSA_2048', 'ENCRYPT_DECRYPT');
    expect(await failureOf(kms.client.send(new GenerateDataKeyCommand({ KeyId: rsa['KeyId'] as string, KeySpec: 'AES_256' })))).toEqual({
      name: 'InvalidKeyUsageException',
      message: 'Algorithm SYMMETRIC_DEFAULT is incompatible with key spec RSA_2048.',
      status: 400,
    });
  });

  it('grants carry only the operations of the key type, and no encryption context constraints on asymmetric keys', async () => {
    const signing = await createKey('ECC_NIST_P256', 'SIGN_VERIFY');
    const grantee = `arn:aws:iam::${kms.kms.account}:user/alice`;
    await expect(
      kms.client.send(
        new CreateGrantCommand({ KeyId: signing['KeyId'] as string, GranteePrincipal: grantee, Operations: ['Sign', 'Verify', 'GetPublicKey', 'DescribeKey'] }),
      ),
    ).resolves.toHaveProperty('GrantId');
    expect(
      await failureOf(kms.client.send(new CreateGrantCommand({ KeyId: signing['KeyId'] as string, GranteePrincipal: grantee, Operations: ['Encrypt'] }))),
    ).toMatchObject({ name: 'ValidationError' });
    expect(
      await failureOf(
        kms.client.send(
          new CreateGrantCommand({
            KeyId: signing['KeyId'] as string,
            GranteePrincipal: grantee,
            Operations: ['Sign'],
            Constraints: { EncryptionContextEquals: { a: 'b' } },
          }),
        ),
      ),
    ).toMatchObject({ name: 'ValidationError' });
    const symmetric = await createKey('SYMMETRIC_DEFAULT');
    expect(
      await failureOf(kms.client.send(new CreateGrantCommand({ KeyId: symmetric['KeyId'] as string, GranteePrincipal: grantee, Operations: ['Sign'] }))),
    ).toMatchObject({ name: 'ValidationError' });
  });
});
