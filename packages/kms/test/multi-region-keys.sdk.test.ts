/**
 * Multi-Region keys through the official SDK: CreateKey `MultiRegion: true` makes an `mrk-`
 * primary (LocalStack's AWS-validated test_create_multi_region_key), ReplicateKey makes replicas in
 * other Regions of the same endpoint that share its key material and rotation and decrypt what it
 * encrypted (and the other way round), UpdatePrimaryRegion swaps the primary, and each Region's key
 * keeps its own policy, description, tags, grants and key state.
 */

import {
  CancelKeyDeletionCommand,
  CreateGrantCommand,
  CreateKeyCommand,
  DecapsulateCommand,
  DecryptCommand,
  DescribeKeyCommand,
  DisableKeyCommand,
  EnableKeyRotationCommand,
  EncapsulateCommand,
  EncryptCommand,
  GenerateMacCommand,
  GetKeyPolicyCommand,
  GetPublicKeyCommand,
  type KMSClient,
  ListKeysCommand,
  ReplicateKeyCommand,
  RotateKeyOnDemandCommand,
  ScheduleKeyDeletionCommand,
  SignCommand,
  UpdatePrimaryRegionCommand,
  VerifyCommand,
  VerifyMacCommand,
} from '@aws-sdk/client-kms';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSigV4Authenticator } from '../src/http.ts';
import { Kms, ManualClock, NO_USERS } from '../src/index.ts';
import { openKms, snapshotOf, tempDirectory } from './fixtures/persistence.ts';
import { failureOf, type SdkFixture, startKms } from './helpers/sdk.ts';

const PRIMARY = 'us-east-1';
const REPLICA = 'eu-west-1';
const OTHER = 'ap-southeast-2';
const ACCOUNT = '000000000000';
const DAY = 86_400_000;
const MESSAGE = new TextEncoder().encode('multi-Region');
const arnIn = (region: string, keyId: string): string => `arn:aws:kms:${region}:${ACCOUNT}:key/${keyId}`;

let fixture: SdkFixture;
let east: KMSClient;
let west: KMSClient;
let sydney: KMSClient;

beforeAll(async () => {
  // SigV4 gives each request the Region its client signed for (the bare handler would serve every
  // request in the emulator's default Region).
  fixture = await startKms({}, { authenticate: createSigV4Authenticator({ users: NO_USERS, strict: false, account: ACCOUNT, region: PRIMARY }) });
  east = fixture.client;
  west = fixture.clientFor({ region: REPLICA });
  sydney = fixture.clientFor({ region: OTHER });
});
afterAll(() => fixture.close());

/**
 * The UpdatePrimaryRegion entries, in any Region, of the refused call `call` (found by its request
 * id), as their Region, error code and response elements.
 */
async function refusal(on: SdkFixture, call: Promise<unknown>): Promise<{ awsRegion: string; errorCode: string | undefined; responseElements: unknown }[]> {
  const requestId = await call.then(
    () => {
      throw new Error('expected the call to fail, but it succeeded');
    },
    (error: { $metadata?: { requestId?: string } }) => error.$metadata?.requestId,
  );
  expect(requestId).toBeDefined();
  return on.kms.auditTrail
    .lookup({ eventName: 'UpdatePrimaryRegion' })
    .records.filter((record) => record.requestID === requestId)
    .map(({ awsRegion, errorCode, responseElements }) => ({ awsRegion, errorCode, responseElements }));
}

async function newPrimary(input: ConstructorParameters<typeof CreateKeyCommand>[0] = {}): Promise<string> {
  const { KeyMetadata } = await east.send(new CreateKeyCommand({ MultiRegion: true, ...input }));
  return KeyMetadata!.KeyId!;
}

describe('multi-Region primary keys', () => {
  it('have an mrk- id and the PRIMARY configuration with no replicas', async () => {
    const { KeyMetadata } = await east.send(new CreateKeyCommand({ MultiRegion: true, Description: 'test multi region key' }));
    expect(KeyMetadata?.KeyId).toMatch(/^mrk-[0-9a-f]{32}$/);
    expect(KeyMetadata).toMatchObject({
      MultiRegion: true,
      MultiRegionConfiguration: { MultiRegionKeyType: 'PRIMARY', PrimaryKey: { Arn: KeyMetadata!.Arn, Region: PRIMARY }, ReplicaKeys: [] },
      KeySpec: 'SYMMETRIC_DEFAULT',
      KeyState: 'Enabled',
    });
    const described = await east.send(new DescribeKeyCommand({ KeyId: KeyMetadata!.KeyId }));
    expect(described.KeyMetadata).toEqual(KeyMetadata);
  });

  it('a regional key reports MultiRegion false without a configuration, and a changed blob header names no key', async () => {
    const keyId = await newPrimary();
    const encrypted = await east.send(new EncryptCommand({ KeyId: keyId, Plaintext: MESSAGE, EncryptionContext: { a: 'b' } }));
    const changed = Uint8Array.from(encrypted.CiphertextBlob!);
    changed[0] = 0x01; // the same bytes read as a UUID key id: no such key
    expect(await failureOf(east.send(new DecryptCommand({ CiphertextBlob: changed, EncryptionContext: { a: 'b' } })))).toMatchObject({
      name: 'AccessDeniedException',
    });
    const regional = (await east.send(new CreateKeyCommand({}))).KeyMetadata!;
    expect(regional.MultiRegion).toBe(false);
    expect(regional.MultiRegionConfiguration).toBeUndefined();
  });

  it('kms:MultiRegion and kms:MultiRegionKeyType are seen by key policies', async () => {
    const account = '111122223333';
    const local = new Kms({ account, quotas: false });
    const root = `arn:aws:iam::${account}:root`;
    const policy = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Principal: { AWS: root }, Action: 'kms:*', Resource: '*' },
        { Effect: 'Deny', Principal: { AWS: root }, Action: 'kms:Encrypt', Resource: '*', Condition: { Bool: { 'kms:MultiRegion': 'true' } } },
        {
          Effect: 'Deny',
          Principal: { AWS: root },
          Action: 'kms:Decrypt',
          Resource: '*',
          Condition: { StringEquals: { 'kms:MultiRegionKeyType': 'REPLICA' } },
        },
      ],
    });
    const multi = (await local.createKey({ MultiRegion: true, Policy: policy })).KeyMetadata;
    const regional = (await local.createKey({ Policy: policy })).KeyMetadata;
    await expect(local.encrypt({ KeyId: multi.KeyId, Plaintext: MESSAGE })).rejects.toMatchObject({ code: 'AccessDeniedException' });
    const { CiphertextBlob } = await local.encrypt({ KeyId: regional.KeyId, Plaintext: MESSAGE });
    await expect(local.decrypt({ CiphertextBlob })).resolves.toHaveProperty('Plaintext');
    await local.replicateKey({ KeyId: multi.KeyId, ReplicaRegion: REPLICA, Policy: policy });
    // GenerateDataKey is not denied; Decrypt is, on the replica only.
    const { CiphertextBlob: blob } = await local.generateDataKey({ KeyId: multi.KeyId, KeySpec: 'AES_256' });
    await expect(local.decrypt({ CiphertextBlob: blob })).resolves.toHaveProperty('Plaintext');
    await expect(local.decrypt({ CiphertextBlob: blob }, { region: REPLICA })).rejects.toMatchObject({ code: 'AccessDeniedException' });
  });
});

describe('ReplicateKey', () => {
  it('creates the replica in another Region with its own policy, description and tags, listed by every member', async () => {
    const keyId = await newPrimary({ Description: 'primary', Tags: [{ TagKey: 'side', TagValue: 'east' }] });
    const answer = await east.send(
      new ReplicateKeyCommand({ KeyId: keyId, ReplicaRegion: REPLICA, Description: 'replica', Tags: [{ TagKey: 'side', TagValue: 'west' }] }),
    );
    const expectedConfig = {
      PrimaryKey: { Arn: arnIn(PRIMARY, keyId), Region: PRIMARY },
      ReplicaKeys: [{ Arn: arnIn(REPLICA, keyId), Region: REPLICA }],
    };
    expect(answer.ReplicaKeyMetadata).toMatchObject({
      KeyId: keyId,
      Arn: arnIn(REPLICA, keyId),
      AWSAccountId: ACCOUNT,
      Description: 'replica',
      KeyState: 'Enabled',
      Enabled: true,
      MultiRegion: true,
      MultiRegionConfiguration: { MultiRegionKeyType: 'REPLICA', ...expectedConfig },
    });
    expect(answer.ReplicaTags).toEqual([{ TagKey: 'side', TagValue: 'west' }]);
    // The default key policy of the replica's Region, the same text GetKeyPolicy answers there.
    expect(JSON.parse(answer.ReplicaPolicy!)).toMatchObject({ Id: 'key-default-1' });
    expect((await west.send(new GetKeyPolicyCommand({ KeyId: keyId, PolicyName: 'default' }))).Policy).toBe(answer.ReplicaPolicy);

    const primary = (await east.send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata!;
    expect(primary).toMatchObject({ Description: 'primary', MultiRegionConfiguration: { MultiRegionKeyType: 'PRIMARY', ...expectedConfig } });
    expect((await west.send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata).toEqual(answer.ReplicaKeyMetadata);

    // A second replica: every member lists both.
    await east.send(new ReplicateKeyCommand({ KeyId: arnIn(PRIMARY, keyId), ReplicaRegion: OTHER }));
    const replicas = [
      { Arn: arnIn(REPLICA, keyId), Region: REPLICA },
      { Arn: arnIn(OTHER, keyId), Region: OTHER },
    ];
    for (const client of [east, west, sydney]) {
      expect((await client.send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata?.MultiRegionConfiguration?.ReplicaKeys).toEqual(replicas);
    }
  });

  it('a replica decrypts anything its primary encrypted, and the primary what the replica encrypted, under any context', async () => {
    const keyId = await newPrimary();
    await east.send(new ReplicateKeyCommand({ KeyId: keyId, ReplicaRegion: REPLICA }));
    const contexts = fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), fc.string({ maxLength: 8 }), { maxKeys: 4 });
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 1, maxLength: 64 }), contexts, fc.boolean(), async (plaintext, context, fromPrimary) => {
        const [sealer, opener, openerRegion] = fromPrimary ? [east, west, REPLICA] : [west, east, PRIMARY];
        const { CiphertextBlob } = await sealer.send(new EncryptCommand({ KeyId: keyId, Plaintext: plaintext, EncryptionContext: context }));
        const opened = await opener.send(new DecryptCommand({ CiphertextBlob, EncryptionContext: context }));
        expect(Buffer.from(opened.Plaintext!).equals(Buffer.from(plaintext))).toBe(true);
        // The key that decrypted is the one in the opener's own Region.
        expect(opened.KeyId).toBe(arnIn(openerRegion, keyId));
      }),
      { numRuns: 40 },
    );
  });

  it('refuses single-Region keys, replicas, the primary Region, a Region with a replica, other partitions and malformed Regions', async () => {
    const regional = (await east.send(new CreateKeyCommand({}))).KeyMetadata!.KeyId!;
    expect(await failureOf(east.send(new ReplicateKeyCommand({ KeyId: regional, ReplicaRegion: REPLICA })))).toEqual({
      name: 'UnsupportedOperationException',
      message: `Unable to replicate a non-MultiRegion key ${regional}`,
      status: 400,
    });
    const keyId = await newPrimary();
    await east.send(new ReplicateKeyCommand({ KeyId: keyId, ReplicaRegion: REPLICA }));
    for (const region of [REPLICA, PRIMARY]) {
      expect(await failureOf(east.send(new ReplicateKeyCommand({ KeyId: keyId, ReplicaRegion: region })))).toEqual({
        name: 'AlreadyExistsException',
        message: `Unable to replicate key ${keyId} to region ${region}, as the key already exist there`,
        status: 400,
      });
    }
    expect(await failureOf(west.send(new ReplicateKeyCommand({ KeyId: keyId, ReplicaRegion: OTHER })))).toMatchObject({
      name: 'UnsupportedOperationException',
      message: `Unable to replicate a multi-Region replica key ${keyId}: replicate its primary key in ${PRIMARY}`,
    });
    expect(await failureOf(east.send(new ReplicateKeyCommand({ KeyId: keyId, ReplicaRegion: 'cn-north-1' })))).toMatchObject({
      name: 'UnsupportedOperationException',
    });
    expect(await failureOf(east.send(new ReplicateKeyCommand({ KeyId: keyId, ReplicaRegion: 'Europe' })))).toEqual({
      name: 'ValidationException',
      message:
        "1 validation error detected: Value 'Europe' at 'replicaRegion' failed to satisfy constraint: Member must satisfy regular expression pattern: ^([a-z]+-){2,3}\\d+$",
      status: 400,
    });
    // A key ARN of another Region names no key here.
    expect(await failureOf(east.send(new ReplicateKeyCommand({ KeyId: arnIn(REPLICA, keyId), ReplicaRegion: OTHER })))).toMatchObject({
      name: 'NotFoundException',
    });
    // Nothing was created by the refusals.
    expect((await east.send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata?.MultiRegionConfiguration?.ReplicaKeys).toHaveLength(1);
    expect(await failureOf(sydney.send(new DescribeKeyCommand({ KeyId: keyId })))).toMatchObject({ name: 'NotFoundException' });
  });

  it('refuses a disabled primary with DisabledException', async () => {
    const keyId = await newPrimary();
    await east.send(new DisableKeyCommand({ KeyId: keyId }));
    expect(await failureOf(east.send(new ReplicateKeyCommand({ KeyId: keyId, ReplicaRegion: REPLICA })))).toEqual({
      name: 'DisabledException',
      message: `${arnIn(PRIMARY, keyId)} is disabled.`,
      status: 400,
    });
  });

  it('ListKeys lists a replica in its own Region only', async () => {
    const keyId = await newPrimary();
    await east.send(new ReplicateKeyCommand({ KeyId: keyId, ReplicaRegion: OTHER }));
    const listed = async (client: KMSClient): Promise<string[]> => ((await client.send(new ListKeysCommand({ Limit: 1000 }))).Keys ?? []).map((k) => k.KeyArn!);
    expect(await listed(east)).toContain(arnIn(PRIMARY, keyId));
    expect(await listed(sydney)).toContain(arnIn(OTHER, keyId));
    expect(await listed(east)).not.toContain(arnIn(OTHER, keyId));
    expect(await listed(sydney)).not.toContain(arnIn(PRIMARY, keyId));
  });

  it('records ReplicateKey in the primary Region and CreateKey in the replica Region', async () => {
    const keyId = await newPrimary();
    await east.send(new ReplicateKeyCommand({ KeyId: keyId, ReplicaRegion: REPLICA, Description: 'audited' }));
    const [replicate] = fixture.kms.auditTrail.lookup({ eventName: 'ReplicateKey', resourceName: arnIn(PRIMARY, keyId) }).records;
    const [create] = fixture.kms.auditTrail.lookup({ eventName: 'CreateKey', resourceName: arnIn(REPLICA, keyId) }).records;
    expect(replicate).toMatchObject({ awsRegion: PRIMARY, requestParameters: { keyId, replicaRegion: REPLICA, description: 'audited' } });
    expect(create).toMatchObject({ awsRegion: REPLICA, requestParameters: { multiRegion: true, description: 'audited' }, requestID: replicate!.requestID });
  });
});

describe('shared properties', () => {
  it('rotation is the primary’s: a replica decrypts what the rotated primary encrypts, and refuses rotation changes', async () => {
    const keyId = await newPrimary();
    await east.send(new ReplicateKeyCommand({ KeyId: keyId, ReplicaRegion: REPLICA }));
    await east.send(new RotateKeyOnDemandCommand({ KeyId: keyId }));
    const primary = (await east.send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata!;
    const replica = (await west.send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata!;
    expect(replica.CurrentKeyMaterialId).toBe(primary.CurrentKeyMaterialId);
    const { CiphertextBlob } = await east.send(new EncryptCommand({ KeyId: keyId, Plaintext: MESSAGE }));
    await expect(west.send(new DecryptCommand({ CiphertextBlob }))).resolves.toMatchObject({ KeyMaterialId: primary.CurrentKeyMaterialId });
    for (const command of [new EnableKeyRotationCommand({ KeyId: keyId }), new RotateKeyOnDemandCommand({ KeyId: keyId })]) {
      expect(await failureOf(west.send(command as never))).toEqual({
        name: 'UnsupportedOperationException',
        message: `${arnIn(REPLICA, keyId)} is a multi-Region replica key; change its rotation on its primary key in ${PRIMARY}.`,
        status: 400,
      });
    }
    // Automatic rotation set on the primary shows on the replica.
    await east.send(new EnableKeyRotationCommand({ KeyId: keyId, RotationPeriodInDays: 90 }));
    const status = await fixture.kms.getKeyRotationStatus({ KeyId: keyId }, { region: REPLICA });
    expect(status).toMatchObject({ KeyRotationEnabled: true, RotationPeriodInDays: 90 });
  });

  it('asymmetric, HMAC, ML-DSA and ML-KEM keys work across Regions', async () => {
    const ecc = await newPrimary({ KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' });
    await east.send(new ReplicateKeyCommand({ KeyId: ecc, ReplicaRegion: REPLICA }));
    const { Signature } = await east.send(new SignCommand({ KeyId: ecc, Message: MESSAGE, SigningAlgorithm: 'ECDSA_SHA_256' }));
    await expect(west.send(new VerifyCommand({ KeyId: ecc, Message: MESSAGE, Signature, SigningAlgorithm: 'ECDSA_SHA_256' }))).resolves.toMatchObject({
      SignatureValid: true,
    });
    const eastPublic = (await east.send(new GetPublicKeyCommand({ KeyId: ecc }))).PublicKey!;
    const westPublic = (await west.send(new GetPublicKeyCommand({ KeyId: ecc }))).PublicKey!;
    expect(Buffer.from(westPublic).equals(Buffer.from(eastPublic))).toBe(true);

    const mldsa = await newPrimary({ KeySpec: 'ML_DSA_44', KeyUsage: 'SIGN_VERIFY' });
    await east.send(new ReplicateKeyCommand({ KeyId: mldsa, ReplicaRegion: REPLICA }));
    const signed = await west.send(new SignCommand({ KeyId: mldsa, Message: MESSAGE, SigningAlgorithm: 'ML_DSA_SHAKE_256' }));
    await expect(
      east.send(new VerifyCommand({ KeyId: mldsa, Message: MESSAGE, Signature: signed.Signature, SigningAlgorithm: 'ML_DSA_SHAKE_256' })),
    ).resolves.toMatchObject({ SignatureValid: true });

    const hmac = await newPrimary({ KeySpec: 'HMAC_256', KeyUsage: 'GENERATE_VERIFY_MAC' });
    await east.send(new ReplicateKeyCommand({ KeyId: hmac, ReplicaRegion: REPLICA }));
    const { Mac } = await east.send(new GenerateMacCommand({ KeyId: hmac, Message: MESSAGE, MacAlgorithm: 'HMAC_SHA_256' }));
    await expect(west.send(new VerifyMacCommand({ KeyId: hmac, Message: MESSAGE, Mac, MacAlgorithm: 'HMAC_SHA_256' }))).resolves.toMatchObject({
      MacValid: true,
    });

    const kem = await newPrimary({ KeySpec: 'ML_KEM_768', KeyUsage: 'ENCAPSULATE_DECAPSULATE' });
    await east.send(new ReplicateKeyCommand({ KeyId: kem, ReplicaRegion: REPLICA }));
    const encapsulated = await east.send(new EncapsulateCommand({ KeyId: kem, EncapsulationAlgorithm: 'ML_KEM' }));
    const decapsulated = await west.send(
      new DecapsulateCommand({ KeyId: kem, SharedSecretCiphertextBlob: encapsulated.SharedSecretCiphertextBlob, EncapsulationAlgorithm: 'ML_KEM' }),
    );
    expect(Buffer.from(decapsulated.SharedSecret!).equals(Buffer.from(encapsulated.SharedSecret!))).toBe(true);
  });
});

describe('UpdatePrimaryRegion', () => {
  it('makes the replica the primary and the primary a replica; replication then starts from the new primary', async () => {
    const keyId = await newPrimary();
    await east.send(new ReplicateKeyCommand({ KeyId: keyId, ReplicaRegion: REPLICA }));
    await east.send(new ReplicateKeyCommand({ KeyId: keyId, ReplicaRegion: OTHER }));
    await expect(east.send(new UpdatePrimaryRegionCommand({ KeyId: keyId, PrimaryRegion: REPLICA }))).resolves.toBeDefined();
    for (const client of [east, west, sydney]) {
      const config = (await client.send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata!.MultiRegionConfiguration!;
      expect(config.PrimaryKey).toEqual({ Arn: arnIn(REPLICA, keyId), Region: REPLICA });
      expect(config.ReplicaKeys?.map((k) => k.Region).sort()).toEqual([OTHER, PRIMARY].sort());
    }
    expect((await west.send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata!.MultiRegionConfiguration!.MultiRegionKeyType).toBe('PRIMARY');
    expect((await east.send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata!.MultiRegionConfiguration!.MultiRegionKeyType).toBe('REPLICA');
    // Rotation now belongs to the new primary, and still reaches every member.
    await west.send(new RotateKeyOnDemandCommand({ KeyId: keyId }));
    const { CiphertextBlob } = await west.send(new EncryptCommand({ KeyId: keyId, Plaintext: MESSAGE }));
    await expect(sydney.send(new DecryptCommand({ CiphertextBlob }))).resolves.toHaveProperty('Plaintext');
    await expect(east.send(new DecryptCommand({ CiphertextBlob }))).resolves.toHaveProperty('Plaintext');
    expect(await failureOf(east.send(new ReplicateKeyCommand({ KeyId: keyId, ReplicaRegion: 'us-west-2' })))).toMatchObject({
      name: 'UnsupportedOperationException',
    });
    await expect(west.send(new ReplicateKeyCommand({ KeyId: keyId, ReplicaRegion: 'us-west-2' }))).resolves.toHaveProperty('ReplicaKeyMetadata');
  });

  it('writes two CloudTrail entries, one in each Region, as ct-update-primary-region shows them', async () => {
    const keyId = await newPrimary();
    await east.send(new ReplicateKeyCommand({ KeyId: keyId, ReplicaRegion: REPLICA }));
    // The caller names the current primary by its ARN: the second entry must still name its own key.
    const { $metadata } = await east.send(new UpdatePrimaryRegionCommand({ KeyId: arnIn(PRIMARY, keyId), PrimaryRegion: REPLICA }));
    const records = fixture.kms.auditTrail.lookup({ eventName: 'UpdatePrimaryRegion' }).records.filter((record) => record.requestID === $metadata.requestId);
    expect(records).toHaveLength(2);
    const common = {
      eventName: 'UpdatePrimaryRegion',
      eventType: 'AwsApiCall',
      eventCategory: 'Management',
      managementEvent: true,
      readOnly: false,
      recipientAccountId: ACCOUNT,
    };
    // The old primary's Region: the caller's request as made, with its key in `resources`.
    const first = records.find((record) => record.awsRegion === PRIMARY);
    expect(first).toMatchObject({
      ...common,
      requestParameters: { keyId: arnIn(PRIMARY, keyId), primaryRegion: REPLICA },
      responseElements: { keyId: arnIn(PRIMARY, keyId) },
      resources: [{ accountId: ACCOUNT, type: 'AWS::KMS::Key', ARN: arnIn(PRIMARY, keyId) }],
    });
    expect(first?.userIdentity.invokedBy).toBeUndefined();
    // The new primary's Region: written by KMS for the caller (`invokedBy`), naming the key of that
    // Region in `requestParameters.keyId`, with no `resources` element; `responseElements.keyId`
    // per the page's December 2022 sentence.
    const second = records.find((record) => record.awsRegion === REPLICA);
    expect(second).toMatchObject({
      ...common,
      requestParameters: { keyId: arnIn(REPLICA, keyId), primaryRegion: REPLICA },
      responseElements: { keyId: arnIn(REPLICA, keyId) },
    });
    expect(second?.userIdentity).toMatchObject({ accountId: ACCOUNT, invokedBy: 'kms.amazonaws.com' });
    expect(second).not.toHaveProperty('resources');
    expect(first?.eventID).not.toBe(second?.eventID);
  });

  it('refuses single-Region keys, replicas, a Region without a replica and a disabled replica, changing nothing', async () => {
    const regional = (await east.send(new CreateKeyCommand({}))).KeyMetadata!;
    expect(await failureOf(east.send(new UpdatePrimaryRegionCommand({ KeyId: regional.KeyId, PrimaryRegion: REPLICA })))).toMatchObject({
      name: 'UnsupportedOperationException',
      message: `${regional.Arn} is not a multi-Region key.`,
    });
    const keyId = await newPrimary();
    await east.send(new ReplicateKeyCommand({ KeyId: keyId, ReplicaRegion: REPLICA }));
    expect(await failureOf(west.send(new UpdatePrimaryRegionCommand({ KeyId: keyId, PrimaryRegion: PRIMARY })))).toMatchObject({
      name: 'UnsupportedOperationException',
    });
    expect(await failureOf(east.send(new UpdatePrimaryRegionCommand({ KeyId: keyId, PrimaryRegion: OTHER })))).toEqual({
      name: 'NotFoundException',
      message: `Key '${arnIn(OTHER, keyId)}' does not exist`,
      status: 400,
    });
    await west.send(new DisableKeyCommand({ KeyId: keyId }));
    expect(await failureOf(east.send(new UpdatePrimaryRegionCommand({ KeyId: keyId, PrimaryRegion: REPLICA })))).toEqual({
      name: 'DisabledException',
      message: `${arnIn(REPLICA, keyId)} is disabled.`,
      status: 400,
    });
    expect((await east.send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata!.MultiRegionConfiguration!.MultiRegionKeyType).toBe('PRIMARY');
  });

  it('a refused call is logged once, in the caller’s Region, and writes nothing in the other Region', async () => {
    const keyId = await newPrimary();
    await east.send(new ReplicateKeyCommand({ KeyId: keyId, ReplicaRegion: REPLICA }));
    // A Region with no replica, then a disabled replica.
    const noReplica = await refusal(fixture, east.send(new UpdatePrimaryRegionCommand({ KeyId: keyId, PrimaryRegion: OTHER })));
    expect(noReplica).toEqual([{ awsRegion: PRIMARY, errorCode: 'NotFoundException', responseElements: null }]);
    await west.send(new DisableKeyCommand({ KeyId: keyId }));
    const disabled = await refusal(fixture, east.send(new UpdatePrimaryRegionCommand({ KeyId: keyId, PrimaryRegion: REPLICA })));
    expect(disabled).toEqual([{ awsRegion: PRIMARY, errorCode: 'DisabledException', responseElements: null }]);
  });

  it('a call throttled in the new primary’s Region is logged once, in the caller’s Region, and changes nothing', async () => {
    const clock = new ManualClock();
    const limited = await startKms(
      { clock, quotas: { overrides: { UpdatePrimaryRegion: 1 } } },
      { authenticate: createSigV4Authenticator({ users: NO_USERS, strict: false, account: ACCOUNT, region: PRIMARY }) },
    );
    try {
      const [here, there, elsewhere] = [limited.client, limited.clientFor({ region: REPLICA }), limited.clientFor({ region: OTHER })];
      const first = (await here.send(new CreateKeyCommand({ MultiRegion: true }))).KeyMetadata!.KeyId!;
      const second = (await elsewhere.send(new CreateKeyCommand({ MultiRegion: true }))).KeyMetadata!.KeyId!;
      await here.send(new ReplicateKeyCommand({ KeyId: first, ReplicaRegion: REPLICA }));
      await elsewhere.send(new ReplicateKeyCommand({ KeyId: second, ReplicaRegion: REPLICA }));
      // The first call uses REPLICA's one request this second, so the second is throttled there.
      await here.send(new UpdatePrimaryRegionCommand({ KeyId: first, PrimaryRegion: REPLICA }));
      const throttled = await refusal(limited, elsewhere.send(new UpdatePrimaryRegionCommand({ KeyId: second, PrimaryRegion: REPLICA })));
      expect(throttled).toEqual([{ awsRegion: OTHER, errorCode: 'ThrottlingException', responseElements: null }]);
      const config = (await there.send(new DescribeKeyCommand({ KeyId: second }))).KeyMetadata!.MultiRegionConfiguration!;
      expect(config.MultiRegionKeyType).toBe('REPLICA');
      expect(config.PrimaryKey?.Region).toBe(OTHER);
    } finally {
      await limited.close();
    }
  });
});

describe('each Region’s own key', () => {
  it('has its own key state and grants', async () => {
    const keyId = await newPrimary();
    await east.send(new ReplicateKeyCommand({ KeyId: keyId, ReplicaRegion: REPLICA }));
    await west.send(new DisableKeyCommand({ KeyId: keyId }));
    expect((await east.send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata!.KeyState).toBe('Enabled');
    const { CiphertextBlob } = await east.send(new EncryptCommand({ KeyId: keyId, Plaintext: MESSAGE }));
    expect(await failureOf(west.send(new DecryptCommand({ CiphertextBlob })))).toMatchObject({ name: 'DisabledException' });

    const bob = 'arn:aws:iam::000000000000:user/bob';
    const { GrantId } = await east.send(new CreateGrantCommand({ KeyId: keyId, GranteePrincipal: bob, Operations: ['Decrypt'] }));
    const grantsIn = async (region: string): Promise<string[]> =>
      (await fixture.kms.listGrants({ KeyId: keyId }, { region })).Grants.map((grant) => grant.GrantId);
    expect(await grantsIn(PRIMARY)).toEqual([GrantId]);
    expect(await grantsIn(REPLICA)).toEqual([]);
  });
});

describe('deletion', () => {
  it('a primary with replicas waits in PendingReplicaDeletion until its last replica is deleted, then its window starts', async () => {
    const clock = new ManualClock(Date.UTC(2026, 0, 1));
    const kms = new Kms({ clock, quotas: false });
    const keyId = (await kms.createKey({ MultiRegion: true })).KeyMetadata.KeyId;
    await kms.replicateKey({ KeyId: keyId, ReplicaRegion: REPLICA });
    const scheduled = await kms.scheduleKeyDeletion({ KeyId: keyId, PendingWindowInDays: 7 });
    expect(scheduled).toEqual({ KeyId: arnIn(PRIMARY, keyId), KeyState: 'PendingReplicaDeletion', PendingWindowInDays: 7 });
    const waiting = (await kms.describeKey({ KeyId: keyId })).KeyMetadata;
    expect(waiting).toMatchObject({ KeyState: 'PendingReplicaDeletion', PendingDeletionWindowInDays: 7, Enabled: false });
    expect(waiting.DeletionDate).toBeUndefined();
    await expect(kms.encrypt({ KeyId: keyId, Plaintext: MESSAGE })).rejects.toMatchObject({ code: 'KMSInvalidStateException' });
    await expect(kms.replicateKey({ KeyId: keyId, ReplicaRegion: OTHER })).rejects.toMatchObject({ code: 'KMSInvalidStateException' });

    // The replica is scheduled on its own; when it goes, the primary's window begins.
    await kms.scheduleKeyDeletion({ KeyId: keyId, PendingWindowInDays: 7 }, { region: REPLICA });
    clock.advance(7 * DAY);
    await expect(kms.describeKey({ KeyId: keyId }, { region: REPLICA })).rejects.toMatchObject({ code: 'NotFoundException' });
    const pending = (await kms.describeKey({ KeyId: keyId })).KeyMetadata;
    expect(pending).toMatchObject({ KeyState: 'PendingDeletion', MultiRegionConfiguration: { ReplicaKeys: [] } });
    expect(pending.DeletionDate?.getTime()).toBe(clock.now() + 7 * DAY);
    expect(pending.PendingDeletionWindowInDays).toBeUndefined();
    clock.advance(7 * DAY);
    await expect(kms.describeKey({ KeyId: keyId })).rejects.toMatchObject({ code: 'NotFoundException' });
    const events = kms.auditTrail.lookup({ eventName: 'DeleteKey' }).records.map((record) => record.resources?.[0]?.ARN);
    expect(events).toEqual([arnIn(PRIMARY, keyId), arnIn(REPLICA, keyId)]);
  });

  it('CancelKeyDeletion takes a primary out of PendingReplicaDeletion', async () => {
    const keyId = await newPrimary();
    await east.send(new ReplicateKeyCommand({ KeyId: keyId, ReplicaRegion: REPLICA }));
    const scheduled = await east.send(new ScheduleKeyDeletionCommand({ KeyId: keyId }));
    expect(scheduled).toMatchObject({ KeyState: 'PendingReplicaDeletion', PendingWindowInDays: 30 });
    expect(scheduled.DeletionDate).toBeUndefined();
    await east.send(new CancelKeyDeletionCommand({ KeyId: keyId }));
    expect((await east.send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata).toMatchObject({ KeyState: 'Disabled' });
  });
});

describe('persistence', () => {
  it('replicas, their configuration and the primary swap survive a restart with a data directory', async () => {
    const clock = new ManualClock(Date.UTC(2026, 0, 1));
    const directory = await tempDirectory();
    const first = await openKms(directory, clock);
    const keyId = (await first.kms.createKey({ MultiRegion: true })).KeyMetadata.KeyId;
    await first.kms.replicateKey({ KeyId: keyId, ReplicaRegion: REPLICA, Description: 'kept' });
    await first.kms.replicateKey({ KeyId: keyId, ReplicaRegion: OTHER });
    await first.kms.updatePrimaryRegion({ KeyId: keyId, PrimaryRegion: OTHER });
    const { CiphertextBlob } = await first.kms.encrypt({ KeyId: keyId, Plaintext: MESSAGE, EncryptionContext: { k: 'v' } });
    const expected = snapshotOf(first.store.state);
    await first.kms.close();

    const second = await openKms(directory, clock);
    expect(snapshotOf(second.store.state)).toEqual(expected);
    for (const region of [PRIMARY, REPLICA, OTHER]) {
      const opened = await second.kms.decrypt({ CiphertextBlob, EncryptionContext: { k: 'v' } }, { region });
      expect(Buffer.from(opened.Plaintext).equals(Buffer.from(MESSAGE))).toBe(true);
    }
    const replica = (await second.kms.describeKey({ KeyId: keyId }, { region: REPLICA })).KeyMetadata;
    expect(replica).toMatchObject({ Description: 'kept', MultiRegionConfiguration: { MultiRegionKeyType: 'REPLICA', PrimaryKey: { Region: OTHER } } });
    await second.kms.close();
  });
});

describe('over a socket', () => {
  it('a client of another Region of the same endpoint decrypts with the replica', async () => {
    const authenticate = createSigV4Authenticator({ users: NO_USERS, strict: false, account: ACCOUNT, region: PRIMARY });
    const served = await startKms({}, { authenticate }, undefined, 'socket');
    try {
      const keyId = (await served.client.send(new CreateKeyCommand({ MultiRegion: true }))).KeyMetadata!.KeyId!;
      await served.client.send(new ReplicateKeyCommand({ KeyId: keyId, ReplicaRegion: REPLICA }));
      const { CiphertextBlob } = await served.client.send(new EncryptCommand({ KeyId: keyId, Plaintext: MESSAGE }));
      const opened = await served.clientFor({ region: REPLICA }).send(new DecryptCommand({ CiphertextBlob }));
      expect(opened.KeyId).toBe(arnIn(REPLICA, keyId));
      expect(Buffer.from(opened.Plaintext!).equals(Buffer.from(MESSAGE))).toBe(true);
    } finally {
      await served.close();
    }
  });
});
