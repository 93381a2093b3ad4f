/**
 * Multi-Region primary keys: CreateKey with `MultiRegion: true` makes an `mrk-` key whose
 * KeyMetadata describes it as a primary with no replicas (LocalStack's AWS-validated
 * test_create_multi_region_key), usable like any key of its spec; `kms:MultiRegion` is true for
 * it. Replication (ReplicateKey, UpdatePrimaryRegion) is not modelled and says so.
 */

import { CreateKeyCommand, DecryptCommand, DescribeKeyCommand, EncryptCommand, ReplicateKeyCommand, SignCommand, VerifyCommand } from '@aws-sdk/client-kms';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Kms } from '../src/index.ts';
import { failureOf, type SdkFixture, startKms } from './helpers/sdk.ts';

let kms: SdkFixture;
const MESSAGE = new TextEncoder().encode('multi-Region');

beforeAll(async () => {
  kms = await startKms();
});
afterAll(() => kms.close());

describe('multi-Region primary keys', () => {
  it('have an mrk- id and the PRIMARY configuration with no replicas', async () => {
    const { KeyMetadata } = await kms.client.send(new CreateKeyCommand({ MultiRegion: true, Description: 'test multi region key' }));
    expect(KeyMetadata?.KeyId).toMatch(/^mrk-[0-9a-f]{32}$/);
    expect(KeyMetadata).toMatchObject({
      MultiRegion: true,
      MultiRegionConfiguration: { MultiRegionKeyType: 'PRIMARY', PrimaryKey: { Arn: KeyMetadata!.Arn, Region: kms.kms.region }, ReplicaKeys: [] },
      KeySpec: 'SYMMETRIC_DEFAULT',
      KeyState: 'Enabled',
    });
    const described = await kms.client.send(new DescribeKeyCommand({ KeyId: KeyMetadata!.KeyId }));
    expect(described.KeyMetadata).toEqual(KeyMetadata);
  });

  it('encrypt and decrypt (the blob names the mrk- key), and a regional key reports MultiRegion false without a configuration', async () => {
    const { KeyMetadata } = await kms.client.send(new CreateKeyCommand({ MultiRegion: true }));
    const encrypted = await kms.client.send(new EncryptCommand({ KeyId: KeyMetadata!.KeyId, Plaintext: MESSAGE, EncryptionContext: { a: 'b' } }));
    const decrypted = await kms.client.send(new DecryptCommand({ CiphertextBlob: encrypted.CiphertextBlob, EncryptionContext: { a: 'b' } }));
    expect(decrypted.KeyId).toBe(KeyMetadata!.Arn);
    expect(Buffer.from(decrypted.Plaintext!).equals(Buffer.from(MESSAGE))).toBe(true);
    const changed = Uint8Array.from(encrypted.CiphertextBlob!);
    changed[0] = 0x01; // the same bytes read as a UUID key id: no such key
    expect(await failureOf(kms.client.send(new DecryptCommand({ CiphertextBlob: changed, EncryptionContext: { a: 'b' } })))).toMatchObject({
      name: 'AccessDeniedException',
    });
    const regional = (await kms.client.send(new CreateKeyCommand({}))).KeyMetadata!;
    expect(regional.MultiRegion).toBe(false);
    expect(regional.MultiRegionConfiguration).toBeUndefined();
  });

  it('can be asymmetric', async () => {
    const { KeyMetadata } = await kms.client.send(new CreateKeyCommand({ MultiRegion: true, KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' }));
    const { Signature } = await kms.client.send(new SignCommand({ KeyId: KeyMetadata!.KeyId, Message: MESSAGE, SigningAlgorithm: 'ECDSA_SHA_256' }));
    await expect(
      kms.client.send(new VerifyCommand({ KeyId: KeyMetadata!.Arn, Message: MESSAGE, Signature, SigningAlgorithm: 'ECDSA_SHA_256' })),
    ).resolves.toMatchObject({ SignatureValid: true });
  });

  it('kms:MultiRegion is true for them in key policies', async () => {
    const account = '111122223333';
    const local = new Kms({ account, quotas: false });
    const root = `arn:aws:iam::${account}:root`;
    const policy = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Principal: { AWS: root }, Action: 'kms:*', Resource: '*' },
        { Effect: 'Deny', Principal: { AWS: root }, Action: 'kms:Encrypt', Resource: '*', Condition: { Bool: { 'kms:MultiRegion': 'true' } } },
      ],
    });
    const multi = (await local.createKey({ MultiRegion: true, Policy: policy })).KeyMetadata;
    const regional = (await local.createKey({ Policy: policy })).KeyMetadata;
    await expect(local.encrypt({ KeyId: multi.KeyId, Plaintext: MESSAGE })).rejects.toMatchObject({ code: 'AccessDeniedException' });
    await expect(local.encrypt({ KeyId: regional.KeyId, Plaintext: MESSAGE })).resolves.toHaveProperty('CiphertextBlob');
  });

  it('ReplicateKey is refused, saying replication is not implemented', async () => {
    const { KeyMetadata } = await kms.client.send(new CreateKeyCommand({ MultiRegion: true }));
    const failure = await failureOf(kms.client.send(new ReplicateKeyCommand({ KeyId: KeyMetadata!.KeyId, ReplicaRegion: 'eu-west-1' })));
    expect(failure).toMatchObject({ name: 'UnsupportedOperationException', status: 400 });
    expect(failure.message).toMatch(/replication is not implemented/);
  });
});
