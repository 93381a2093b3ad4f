/**
 * Operations whose `KeyId` takes a key id or key ARN only (the KMS model's member documentation),
 * given an alias name or alias ARN, through the official SDK: AWS answers InvalidArnException
 * "Key Aliases are not supported for this operation." and changes nothing. Captured from AWS for
 * CreateGrant with an alias name (boto/boto#3202, 2015, and #3883, 2019: `{"message": "Key Aliases
 * are not supported for this operation.", "__type": "InvalidArnException"}`) and with an alias ARN
 * (relayed by Lambda: hashicorp/terraform#20813, 2019; ministryofjustice/modernisation-platform#8298,
 * 2024). For the other operations, GetKeyPolicy included, the same answer is UNCONFIRMED: it is
 * what the same check gives. (For GetKeyPolicy the same text appears as AWS CLI output in public
 * troubleshooting notes that could not be traced to a citable source.)
 */

import {
  CancelKeyDeletionCommand,
  CreateAliasCommand,
  CreateGrantCommand,
  CreateKeyCommand,
  DeleteImportedKeyMaterialCommand,
  DescribeKeyCommand,
  DisableKeyCommand,
  DisableKeyRotationCommand,
  EnableKeyCommand,
  EnableKeyRotationCommand,
  GetKeyLastUsageCommand,
  GetKeyPolicyCommand,
  GetKeyRotationStatusCommand,
  GetParametersForImportCommand,
  ImportKeyMaterialCommand,
  type KMSClient,
  ListAliasesCommand,
  ListGrantsCommand,
  ListKeyPoliciesCommand,
  ListKeyRotationsCommand,
  ListResourceTagsCommand,
  PutKeyPolicyCommand,
  ReplicateKeyCommand,
  RetireGrantCommand,
  RevokeGrantCommand,
  RotateKeyOnDemandCommand,
  ScheduleKeyDeletionCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateKeyDescriptionCommand,
  UpdatePrimaryRegionCommand,
} from '@aws-sdk/client-kms';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failureOf, type SdkFixture, startKms } from './helpers/sdk.ts';

const ACCOUNT = '111122223333';
const REGION = 'us-east-1';
const ALIAS = 'alias/key-only';
const ALIAS_ARN = `arn:aws:kms:${REGION}:${ACCOUNT}:${ALIAS}`;
const GRANT_ID = 'a'.repeat(64);
const POLICY = JSON.stringify({
  Version: '2012-10-17',
  // A Sid the default policy does not have, so a replaced policy would show.
  Statement: [{ Sid: 'replaced', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'kms:*', Resource: '*' }],
});
const REFUSAL = { name: 'InvalidArnException', message: 'Key Aliases are not supported for this operation.', status: 400 };

let fixture: SdkFixture;
let client: KMSClient;
let keyId: string;
/** The key's policy as created (PutKeyPolicy must not replace it). */
let policy: string;

beforeAll(async () => {
  fixture = await startKms({ account: ACCOUNT, region: REGION });
  client = fixture.client;
  // Multi-Region, so that "no replica was made" is something ReplicateKey could have changed.
  keyId = (await client.send(new CreateKeyCommand({ Description: 'unchanged', MultiRegion: true }))).KeyMetadata!.KeyId!;
  await client.send(new CreateAliasCommand({ AliasName: ALIAS, TargetKeyId: keyId }));
  policy = (await client.send(new GetKeyPolicyCommand({ KeyId: keyId, PolicyName: 'default' }))).Policy!;
});

afterAll(async () => {
  await fixture.close();
});

/** Each key-ID-only operation with valid other members, for a `KeyId`. */
// biome-ignore lint/suspicious/noExplicitAny: each entry sends a different command type.
const OPERATIONS: Record<string, (id: string) => Promise<any>> = {
  CreateGrant: (id) => client.send(new CreateGrantCommand({ KeyId: id, GranteePrincipal: `arn:aws:iam::${ACCOUNT}:root`, Operations: ['Decrypt'] })),
  ListGrants: (id) => client.send(new ListGrantsCommand({ KeyId: id })),
  RevokeGrant: (id) => client.send(new RevokeGrantCommand({ KeyId: id, GrantId: GRANT_ID })),
  RetireGrant: (id) => client.send(new RetireGrantCommand({ KeyId: id, GrantId: GRANT_ID })),
  EnableKey: (id) => client.send(new EnableKeyCommand({ KeyId: id })),
  DisableKey: (id) => client.send(new DisableKeyCommand({ KeyId: id })),
  EnableKeyRotation: (id) => client.send(new EnableKeyRotationCommand({ KeyId: id })),
  DisableKeyRotation: (id) => client.send(new DisableKeyRotationCommand({ KeyId: id })),
  GetKeyRotationStatus: (id) => client.send(new GetKeyRotationStatusCommand({ KeyId: id })),
  RotateKeyOnDemand: (id) => client.send(new RotateKeyOnDemandCommand({ KeyId: id })),
  ListKeyRotations: (id) => client.send(new ListKeyRotationsCommand({ KeyId: id })),
  ScheduleKeyDeletion: (id) => client.send(new ScheduleKeyDeletionCommand({ KeyId: id, PendingWindowInDays: 7 })),
  CancelKeyDeletion: (id) => client.send(new CancelKeyDeletionCommand({ KeyId: id })),
  GetKeyPolicy: (id) => client.send(new GetKeyPolicyCommand({ KeyId: id, PolicyName: 'default' })),
  PutKeyPolicy: (id) => client.send(new PutKeyPolicyCommand({ KeyId: id, PolicyName: 'default', Policy: POLICY })),
  ListKeyPolicies: (id) => client.send(new ListKeyPoliciesCommand({ KeyId: id })),
  TagResource: (id) => client.send(new TagResourceCommand({ KeyId: id, Tags: [{ TagKey: 'k', TagValue: 'v' }] })),
  UntagResource: (id) => client.send(new UntagResourceCommand({ KeyId: id, TagKeys: ['k'] })),
  ListResourceTags: (id) => client.send(new ListResourceTagsCommand({ KeyId: id })),
  UpdateKeyDescription: (id) => client.send(new UpdateKeyDescriptionCommand({ KeyId: id, Description: 'changed' })),
  GetParametersForImport: (id) =>
    client.send(new GetParametersForImportCommand({ KeyId: id, WrappingAlgorithm: 'RSAES_OAEP_SHA_256', WrappingKeySpec: 'RSA_2048' })),
  ImportKeyMaterial: (id) =>
    client.send(
      new ImportKeyMaterialCommand({
        KeyId: id,
        ImportToken: new Uint8Array(64).fill(1),
        EncryptedKeyMaterial: new Uint8Array(256).fill(2),
        ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE',
      }),
    ),
  DeleteImportedKeyMaterial: (id) => client.send(new DeleteImportedKeyMaterialCommand({ KeyId: id })),
  ReplicateKey: (id) => client.send(new ReplicateKeyCommand({ KeyId: id, ReplicaRegion: 'eu-west-1' })),
  UpdatePrimaryRegion: (id) => client.send(new UpdatePrimaryRegionCommand({ KeyId: id, PrimaryRegion: 'eu-west-1' })),
  GetKeyLastUsage: (id) => client.send(new GetKeyLastUsageCommand({ KeyId: id })),
  ListAliases: (id) => client.send(new ListAliasesCommand({ KeyId: id })),
};

describe('key-ID-only operations given an alias', () => {
  for (const [name, send] of Object.entries(OPERATIONS)) {
    it(`${name} refuses an alias name and an alias ARN with InvalidArnException, changing nothing`, async () => {
      expect(await failureOf(send(ALIAS))).toEqual(REFUSAL);
      const requestId = await send(ALIAS_ARN).then(
        () => undefined,
        (error: { name: string; $metadata?: { requestId?: string } }) => (error.name === REFUSAL.name ? error.$metadata?.requestId : undefined),
      );
      expect(requestId).toBeDefined();
      // The refusal is logged against no key, in the caller's account.
      const entries = fixture.kms.auditTrail.lookup({ eventName: name }).records.filter((record) => record.requestID === requestId);
      expect(entries).toHaveLength(1);
      expect(entries[0]).toMatchObject({
        errorCode: 'InvalidArnException',
        // RetireGrant logs no request parameters at all (ct-retire-grant).
        requestParameters: name === 'RetireGrant' ? null : { keyId: ALIAS_ARN },
        responseElements: null,
        resources: [],
        recipientAccountId: ACCOUNT,
      });
      const metadata = (await client.send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata!;
      expect(metadata).toMatchObject({ KeyState: 'Enabled', Description: 'unchanged', Origin: 'AWS_KMS' });
      expect(metadata.MultiRegionConfiguration?.ReplicaKeys).toEqual([]);
      expect((await client.send(new ListResourceTagsCommand({ KeyId: keyId }))).Tags).toEqual([]);
      expect((await client.send(new ListGrantsCommand({ KeyId: keyId }))).Grants).toEqual([]);
      expect((await client.send(new GetKeyPolicyCommand({ KeyId: keyId, PolicyName: 'default' }))).Policy).toBe(policy);
      const rotation = await client.send(new GetKeyRotationStatusCommand({ KeyId: keyId }));
      expect(rotation.KeyRotationEnabled).toBe(false);
      expect(rotation.OnDemandRotationStartDate).toBeUndefined();
      expect((await client.send(new ListKeyRotationsCommand({ KeyId: keyId }))).Rotations).toEqual([]);
    });
  }

  it('an alias that does not exist is refused the same way (the form is refused, not the alias)', async () => {
    expect(await failureOf(OPERATIONS.EnableKey!('alias/missing'))).toEqual(REFUSAL);
  });

  it('the same operations still take the key id and the key ARN', async () => {
    const arn = `arn:aws:kms:${REGION}:${ACCOUNT}:key/${keyId}`;
    await expect(OPERATIONS.GetKeyPolicy!(keyId)).resolves.toHaveProperty('Policy');
    await expect(OPERATIONS.ListResourceTags!(arn)).resolves.toHaveProperty('Tags');
  });
});
