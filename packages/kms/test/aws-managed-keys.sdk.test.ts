/**
 * AWS managed keys (`alias/aws/*`) through the official AWS SDK client: created lazily on first
 * use of a predefined alias, with AWS's KeyManager, description, yearly rotation and key policy;
 * usable through the service (kms:ViaService) but not directly; not manageable by the customer
 * (refused by the key policy, as AWS does); and the reserved alias namespace.
 */

import {
  CreateAliasCommand,
  CreateKeyCommand,
  DeleteAliasCommand,
  DescribeKeyCommand,
  DisableKeyCommand,
  EncryptCommand,
  GetKeyPolicyCommand,
  GetKeyRotationStatusCommand,
  ListKeysCommand,
  ListResourceTagsCommand,
  PutKeyPolicyCommand,
  ScheduleKeyDeletionCommand,
  TagResourceCommand,
  UpdateAliasCommand,
  UpdateKeyDescriptionCommand,
} from '@aws-sdk/client-kms';
import { prettyJson } from '@strongbox/service-kernel';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock, rootPrincipal } from '../src/index.ts';
import { awsManagedKeyPolicy, PREDEFINED_AWS_ALIASES } from '../src/model/aws-managed-keys.ts';
import { defaultKeyPolicy } from '../src/policy/default-policy.ts';
import { failureOf, type SdkFixture, startKms } from './helpers/sdk.ts';

const ACCOUNT = '000000000000';
const ROOT = `arn:aws:iam::${ACCOUNT}:root`;
const START = Date.UTC(2024, 0, 1);
const DAY = 86_400_000;

let kms: SdkFixture;
beforeEach(async () => {
  kms = await startKms({ clock: new ManualClock(START) });
});
afterEach(() => kms.close());

async function s3Key(): Promise<{ keyId: string; arn: string }> {
  const { KeyMetadata } = await kms.client.send(new DescribeKeyCommand({ KeyId: 'alias/aws/s3' }));
  return { keyId: KeyMetadata!.KeyId!, arn: KeyMetadata!.Arn! };
}

const denied = (action: string, arn: string) => ({
  name: 'AccessDeniedException',
  message: `User: ${ROOT} is not authorized to perform: kms:${action} on resource: ${arn} because no resource-based policy allows the kms:${action} action`,
  status: 400,
});

describe('lazy creation', () => {
  it('the first use of alias/aws/s3 creates the key; later uses find the same key', async () => {
    expect((await kms.client.send(new ListKeysCommand({}))).Keys).toEqual([]);
    const { KeyMetadata } = await kms.client.send(new DescribeKeyCommand({ KeyId: 'alias/aws/s3' }));
    expect(KeyMetadata).toMatchObject({
      AWSAccountId: ACCOUNT,
      KeyManager: 'AWS',
      Description: 'Default key that protects my S3 objects when no other key is defined',
      KeyState: 'Enabled',
      Enabled: true,
      Origin: 'AWS_KMS',
      KeyUsage: 'ENCRYPT_DECRYPT',
      KeySpec: 'SYMMETRIC_DEFAULT',
      CreationDate: new Date(START),
    });
    const again = await kms.client.send(new DescribeKeyCommand({ KeyId: `arn:aws:kms:us-east-1:${ACCOUNT}:alias/aws/s3` }));
    expect(again.KeyMetadata!.KeyId).toBe(KeyMetadata!.KeyId);
    expect((await kms.client.send(new ListKeysCommand({}))).Keys).toEqual([{ KeyId: KeyMetadata!.KeyId, KeyArn: KeyMetadata!.Arn }]);
  });

  it('gives each service its own description', async () => {
    const descriptions: Record<string, string> = {
      'alias/aws/ebs': 'Default key that protects my EBS volumes when no other key is defined',
      'alias/aws/rds': 'Default key that protects my RDS database volumes when no other key is defined',
      'alias/aws/ssm': 'Default key that protects my SSM parameters when no other key is defined',
      'alias/aws/lambda': 'Default key that protects my Lambda functions when no other key is defined',
      'alias/aws/secretsmanager': 'Default key that protects my Secrets Manager data when no other key is defined',
    };
    for (const [alias, description] of Object.entries(descriptions)) {
      expect((await kms.client.send(new DescribeKeyCommand({ KeyId: alias }))).KeyMetadata!.Description).toBe(description);
    }
  });

  it('only predefined aliases are created on use; other alias/aws/ names are not found', async () => {
    expect(PREDEFINED_AWS_ALIASES).toHaveLength(14);
    const failure = await failureOf(kms.client.send(new DescribeKeyCommand({ KeyId: 'alias/aws/not-a-service' })));
    expect(failure).toEqual({
      name: 'NotFoundException',
      message: `Alias arn:aws:kms:us-east-1:${ACCOUNT}:alias/aws/not-a-service is not found.`,
      status: 400,
    });
  });

  it('rotates yearly: GetKeyRotationStatus reports rotation on with a 365-day period', async () => {
    const { keyId } = await s3Key();
    const status = await kms.client.send(new GetKeyRotationStatusCommand({ KeyId: keyId }));
    expect(status).toMatchObject({ KeyRotationEnabled: true, RotationPeriodInDays: 365, NextRotationDate: new Date(START + 365 * DAY) });
  });
});

describe('key policy', () => {
  it('is the service policy AWS returns, in its pretty-printed layout', async () => {
    const { keyId } = await s3Key();
    const { Policy } = await kms.client.send(new GetKeyPolicyCommand({ KeyId: keyId }));
    expect(Policy).toBe(awsManagedKeyPolicy('alias/aws/s3', 'us-east-1', ACCOUNT));
    // A GetKeyPolicy response captured from AWS in 2019 (newlines stripped by its recorder).
    const captured =
      '{  "Version" : "2012-10-17",  "Id" : "auto-s3-2",  "Statement" : [ {    "Sid" : "Allow access through S3 for all principals in the account that are authorized to use S3",    "Effect" : "Allow",    "Principal" : {      "AWS" : "*"    },    "Action" : [ "kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey" ],    "Resource" : "*",    "Condition" : {      "StringEquals" : {        "kms:ViaService" : "s3.us-east-1.amazonaws.com",        "kms:CallerAccount" : "631273466110"      }    }  }, {    "Sid" : "Allow direct access to key metadata to the account",    "Effect" : "Allow",    "Principal" : {      "AWS" : "arn:aws:iam::631273466110:root"    },    "Action" : [ "kms:Describe*", "kms:Get*", "kms:List*" ],    "Resource" : "*"  } ]}';
    expect(awsManagedKeyPolicy('alias/aws/s3', 'us-east-1', '631273466110').replaceAll('\n', '')).toBe(captured);
  });

  it('services that use grants also let the account revoke them (EBS, captured 2025)', () => {
    const policy = JSON.parse(awsManagedKeyPolicy('alias/aws/ebs', 'us-east-1', '141812438321'));
    expect(policy).toEqual({
      Version: '2012-10-17',
      Id: 'auto-ebs-2',
      Statement: [
        {
          Sid: 'Allow access through EBS for all principals in the account that are authorized to use EBS',
          Effect: 'Allow',
          Principal: { AWS: '*' },
          Action: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:CreateGrant', 'kms:DescribeKey'],
          Resource: '*',
          Condition: { StringEquals: { 'kms:ViaService': 'ec2.us-east-1.amazonaws.com', 'kms:CallerAccount': '141812438321' } },
        },
        {
          Sid: 'Allow direct access to key metadata to the account',
          Effect: 'Allow',
          Principal: { AWS: 'arn:aws:iam::141812438321:root' },
          Action: ['kms:Describe*', 'kms:Get*', 'kms:List*', 'kms:RevokeGrant'],
          Resource: '*',
        },
      ],
    });
  });

  it('every predefined key gets a valid policy in the same layout, and the printer reproduces the default policy', () => {
    for (const alias of PREDEFINED_AWS_ALIASES) {
      const text = awsManagedKeyPolicy(alias, 'eu-west-2', ACCOUNT);
      const parsed = JSON.parse(text);
      expect(prettyJson(parsed)).toBe(text);
      expect(parsed.Statement.some((s: { Principal: { AWS?: string } }) => s.Principal.AWS === `arn:aws:iam::${ACCOUNT}:root`)).toBe(true);
      expect(text).toContain('"kms:CallerAccount" : "000000000000"');
    }
    expect(prettyJson(JSON.parse(defaultKeyPolicy('us-east-1', ACCOUNT)))).toBe(defaultKeyPolicy('us-east-1', ACCOUNT));
  });
});

describe('use', () => {
  it('works through the service (kms:ViaService) and not directly', async () => {
    const { arn } = await s3Key();
    const viaS3 = { ...rootPrincipal('us-east-1', ACCOUNT), invokedBy: 's3.amazonaws.com' };
    const { KeyId } = await kms.kms.encrypt({ KeyId: 'alias/aws/s3', Plaintext: new Uint8Array([1]) }, { caller: viaS3 });
    expect(KeyId).toBe(arn);
    expect(await failureOf(kms.client.send(new EncryptCommand({ KeyId: 'alias/aws/s3', Plaintext: new Uint8Array([1]) })))).toEqual(denied('Encrypt', arn));
  });

  it('the account may read metadata and tags (Describe*, Get*, List*)', async () => {
    const { keyId } = await s3Key();
    expect((await kms.client.send(new ListResourceTagsCommand({ KeyId: keyId }))).Tags).toEqual([]);
  });
});

describe('management is refused as AWS refuses it (the key policy allows none of it)', () => {
  it('DisableKey, ScheduleKeyDeletion, UpdateKeyDescription, TagResource and PutKeyPolicy: AccessDeniedException', async () => {
    const { keyId, arn } = await s3Key();
    expect(await failureOf(kms.client.send(new DisableKeyCommand({ KeyId: keyId })))).toEqual(denied('DisableKey', arn));
    expect(await failureOf(kms.client.send(new ScheduleKeyDeletionCommand({ KeyId: keyId, PendingWindowInDays: 7 })))).toEqual(
      denied('ScheduleKeyDeletion', arn),
    );
    expect(await failureOf(kms.client.send(new UpdateKeyDescriptionCommand({ KeyId: keyId, Description: 'mine' })))).toEqual(
      denied('UpdateKeyDescription', arn),
    );
    expect(await failureOf(kms.client.send(new TagResourceCommand({ KeyId: keyId, Tags: [{ TagKey: 'a', TagValue: 'b' }] })))).toEqual(
      denied('TagResource', arn),
    );
    expect(await failureOf(kms.client.send(new PutKeyPolicyCommand({ KeyId: keyId, Policy: defaultKeyPolicy('us-east-1', ACCOUNT) })))).toEqual(
      denied('PutKeyPolicy', arn),
    );
    expect((await kms.client.send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata).toMatchObject({
      KeyState: 'Enabled',
      Description: 'Default key that protects my S3 objects when no other key is defined',
    });
  });

  it('aliases cannot point at an AWS managed key', async () => {
    const { keyId, arn } = await s3Key();
    expect(await failureOf(kms.client.send(new CreateAliasCommand({ AliasName: 'alias/my-s3', TargetKeyId: keyId })))).toEqual(denied('CreateAlias', arn));
    const { KeyMetadata } = await kms.client.send(new CreateKeyCommand({}));
    await kms.client.send(new CreateAliasCommand({ AliasName: 'alias/mine', TargetKeyId: KeyMetadata!.KeyId! }));
    expect(await failureOf(kms.client.send(new UpdateAliasCommand({ AliasName: 'alias/mine', TargetKeyId: keyId })))).toEqual(denied('UpdateAlias', arn));
  });

  it('the alias/aws/ namespace is reserved: NotAuthorizedException for create, update and delete', async () => {
    const { keyId } = await s3Key();
    const { KeyMetadata } = await kms.client.send(new CreateKeyCommand({}));
    const attempts = [
      new CreateAliasCommand({ AliasName: 'alias/aws/custom', TargetKeyId: KeyMetadata!.KeyId! }),
      new UpdateAliasCommand({ AliasName: 'alias/aws/s3', TargetKeyId: KeyMetadata!.KeyId! }),
      new DeleteAliasCommand({ AliasName: 'alias/aws/s3' }),
    ];
    for (const attempt of attempts) expect(await failureOf(kms.client.send(attempt as never))).toMatchObject({ name: 'NotAuthorizedException', status: 400 });
    expect((await kms.client.send(new DescribeKeyCommand({ KeyId: 'alias/aws/s3' }))).KeyMetadata!.KeyId).toBe(keyId);
  });
});
