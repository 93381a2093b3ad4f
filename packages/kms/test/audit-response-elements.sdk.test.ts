/**
 * CloudTrail `responseElements` of the operations that return nothing (or no key ARN), through the
 * official SDK: each is pinned to what the KMS Developer Guide's CloudTrail example for it shows.
 * Where the page says "CloudTrail log entries for this operation recorded on or after December
 * 2022 include the key ARN of the affected KMS key in the `responseElements.keyId` value, even
 * though this operation does not return the key ARN" (ct-enablekey, ct-disablekey,
 * ct-enablekeyrotation, ct-createalias, ct-deletealias, ct-updatealias, ct-untagresource), the
 * entry carries the key ARN; where the example shows `"responseElements": null` without that
 * sentence (ct-put-key-policy, ct-disable-key-rotation, ct-update-key-description,
 * ct-revoke-grant, ct-retire-grant, ct-tagresource), it stays null. ct-importkeymaterial and
 * ct-deleteimportedkeymaterial (2025) show `{ keyId, keyMaterialId }`; ct-rotatekeyondemand (2024)
 * shows `{ keyId }`.
 */

import {
  CreateAliasCommand,
  CreateGrantCommand,
  CreateKeyCommand,
  DeleteAliasCommand,
  DeleteImportedKeyMaterialCommand,
  DisableKeyCommand,
  DisableKeyRotationCommand,
  EnableKeyCommand,
  EnableKeyRotationCommand,
  GetParametersForImportCommand,
  ImportKeyMaterialCommand,
  type KMSClient,
  PutKeyPolicyCommand,
  RetireGrantCommand,
  RevokeGrantCommand,
  RotateKeyOnDemandCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateAliasCommand,
  UpdateKeyDescriptionCommand,
} from '@aws-sdk/client-kms';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wrapKeyMaterial } from './helpers/crypto-fixtures.ts';
import { type SdkFixture, startKms } from './helpers/sdk.ts';

const ACCOUNT = '111122223333';
const REGION = 'us-west-2';
const POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Sid: 'Enable IAM User Permissions', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'kms:*', Resource: '*' }],
});

let fixture: SdkFixture;
let client: KMSClient;

beforeAll(async () => {
  fixture = await startKms({ account: ACCOUNT, region: REGION });
  client = fixture.client;
});

afterAll(async () => {
  await fixture.close();
});

/** The latest entry of `eventName` (the trail lists the newest first). */
function latest(eventName: string) {
  const record = fixture.kms.auditTrail.lookup({ eventName }).records[0];
  if (record === undefined) throw new Error(`no ${eventName} entry`);
  return record;
}

async function newKey(input: { Origin?: 'EXTERNAL' } = {}): Promise<{ KeyId: string; Arn: string }> {
  const { KeyMetadata } = await client.send(new CreateKeyCommand(input));
  return { KeyId: KeyMetadata!.KeyId!, Arn: KeyMetadata!.Arn! };
}

describe('responseElements.keyId: the affected key ARN (entries since December 2022)', () => {
  it('EnableKey, DisableKey, EnableKeyRotation and UntagResource, called with the bare key id', async () => {
    const key = await newKey();
    await client.send(new DisableKeyCommand({ KeyId: key.KeyId }));
    expect(latest('DisableKey').responseElements).toEqual({ keyId: key.Arn });
    await client.send(new EnableKeyCommand({ KeyId: key.KeyId }));
    expect(latest('EnableKey').responseElements).toEqual({ keyId: key.Arn });
    await client.send(new EnableKeyRotationCommand({ KeyId: key.KeyId, RotationPeriodInDays: 180 }));
    expect(latest('EnableKeyRotation').responseElements).toEqual({ keyId: key.Arn });
    await client.send(new UntagResourceCommand({ KeyId: key.KeyId, TagKeys: ['Dept'] }));
    expect(latest('UntagResource').responseElements).toEqual({ keyId: key.Arn });
  });

  it('RotateKeyOnDemand logs its output keyId (ct-rotatekeyondemand)', async () => {
    const key = await newKey();
    const { KeyId } = await client.send(new RotateKeyOnDemandCommand({ KeyId: key.KeyId }));
    // The page's example shows the bare key id in both requestParameters and responseElements;
    // Strongbox logs the KeyId it returns (the ARN), so the value's form is UNCONFIRMED.
    expect(latest('RotateKeyOnDemand').responseElements).toEqual({ keyId: KeyId });
    expect(KeyId).toBe(key.Arn);
  });

  it('CreateAlias, UpdateAlias (the new target) and DeleteAlias', async () => {
    const first = await newKey();
    const second = await newKey();
    await client.send(new CreateAliasCommand({ AliasName: 'alias/ExampleAlias', TargetKeyId: first.KeyId }));
    expect(latest('CreateAlias').responseElements).toEqual({ keyId: first.Arn });
    await client.send(new UpdateAliasCommand({ AliasName: 'alias/ExampleAlias', TargetKeyId: second.KeyId }));
    expect(latest('UpdateAlias').responseElements).toEqual({ keyId: second.Arn });
    await client.send(new DeleteAliasCommand({ AliasName: 'alias/ExampleAlias' }));
    expect(latest('DeleteAlias').responseElements).toEqual({ keyId: second.Arn });
  });

  it('ImportKeyMaterial and DeleteImportedKeyMaterial log their output (keyId, and keyMaterialId when there was material)', async () => {
    const key = await newKey({ Origin: 'EXTERNAL' });
    await client.send(new DeleteImportedKeyMaterialCommand({ KeyId: key.KeyId }));
    expect(latest('DeleteImportedKeyMaterial').responseElements).toEqual({ keyId: key.Arn });
    const params = await client.send(
      new GetParametersForImportCommand({ KeyId: key.KeyId, WrappingAlgorithm: 'RSAES_OAEP_SHA_256', WrappingKeySpec: 'RSA_2048' }),
    );
    const { KeyMaterialId } = await client.send(
      new ImportKeyMaterialCommand({
        KeyId: key.KeyId,
        ImportToken: params.ImportToken,
        EncryptedKeyMaterial: wrapKeyMaterial(params.PublicKey!, new Uint8Array(32).fill(7), 'RSAES_OAEP_SHA_256'),
        ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE',
      }),
    );
    expect(latest('ImportKeyMaterial').responseElements).toEqual({ keyId: key.Arn, keyMaterialId: KeyMaterialId });
    await client.send(new DeleteImportedKeyMaterialCommand({ KeyId: key.KeyId }));
    expect(latest('DeleteImportedKeyMaterial').responseElements).toEqual({ keyId: key.Arn, keyMaterialId: KeyMaterialId });
  });

  it('a refused call logs no responseElements', async () => {
    const key = await newKey();
    await client.send(new CreateAliasCommand({ AliasName: 'alias/taken', TargetKeyId: key.KeyId }));
    await expect(client.send(new CreateAliasCommand({ AliasName: 'alias/taken', TargetKeyId: key.KeyId }))).rejects.toThrow();
    const refused = latest('CreateAlias');
    expect(refused.errorCode).toBe('AlreadyExistsException');
    expect(refused.responseElements).toBeNull();
  });
});

describe('responseElements null where the guide’s example shows null', () => {
  it('PutKeyPolicy, DisableKeyRotation, UpdateKeyDescription, TagResource, RevokeGrant and RetireGrant', async () => {
    const key = await newKey();
    await client.send(new TagResourceCommand({ KeyId: key.Arn, Tags: [{ TagKey: 'Department', TagValue: 'IT' }] }));
    expect(latest('TagResource').responseElements).toBeNull();
    await client.send(new PutKeyPolicyCommand({ KeyId: key.KeyId, PolicyName: 'default', Policy: POLICY }));
    expect(latest('PutKeyPolicy').responseElements).toBeNull();
    await client.send(new EnableKeyRotationCommand({ KeyId: key.KeyId }));
    await client.send(new DisableKeyRotationCommand({ KeyId: key.Arn }));
    expect(latest('DisableKeyRotation').responseElements).toBeNull();
    await client.send(new UpdateKeyDescriptionCommand({ KeyId: key.KeyId, Description: 'New key description' }));
    expect(latest('UpdateKeyDescription').responseElements).toBeNull();
    const grantee = `arn:aws:iam::${ACCOUNT}:root`;
    const revoked = await client.send(new CreateGrantCommand({ KeyId: key.KeyId, GranteePrincipal: grantee, Operations: ['Decrypt'] }));
    await client.send(new RevokeGrantCommand({ KeyId: key.KeyId, GrantId: revoked.GrantId }));
    expect(latest('RevokeGrant').responseElements).toBeNull();
    const retired = await client.send(new CreateGrantCommand({ KeyId: key.KeyId, GranteePrincipal: grantee, Operations: ['Decrypt'] }));
    await client.send(new RetireGrantCommand({ KeyId: key.Arn, GrantId: retired.GrantId }));
    expect(latest('RetireGrant').responseElements).toBeNull();
  });
});
