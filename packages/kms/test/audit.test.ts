/**
 * The audit trail: one event per call, allowed or refused, kept in a bounded ring and rendered as
 * the CloudTrail records real KMS writes (KMS Developer Guide ct-encrypt, ct-decrypt,
 * ct-createkey, ct-tagresource, ct-createalias, ct-deletealias, ct-schedule-key-deletion,
 * ct-creategrant, ct-retire-grant, ct-generaterandom; CloudTrail userIdentity reference), and
 * never a secret: no plaintext, ciphertext, data key or grant token in any record.
 */

import { AuditTrail } from '@strongbox/service-kernel';
import { describe, expect, it } from 'vitest';
import { type AuditEventInput, Kms, KmsError, ManualClock, type Principal, principalFromArn } from '../src/index.ts';

const ACCOUNT = '000000000000';
const REGION = 'us-east-1';
const T0 = Date.UTC(2024, 0, 1);
const ALLOW_ALL = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'kms:*', Resource: '*' }] });
const ALICE: Principal = principalFromArn(`arn:aws:iam::${ACCOUNT}:user/Alice`, { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', identityPolicy: ALLOW_ALL });
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

function newKms(): { kms: Kms; clock: ManualClock } {
  const clock = new ManualClock(T0);
  return { kms: new Kms({ clock, quotas: false }), clock };
}

/** The newest record of `eventName`. */
function newest(kms: Kms, eventName: string): Record<string, unknown> {
  const [record] = kms.auditTrail.lookup({ eventName, maxResults: 1 }).records;
  if (record === undefined) throw new Error(`no ${eventName} record`);
  return record as unknown as Record<string, unknown>;
}

const swallow = (promise: Promise<unknown>): Promise<unknown> => promise.catch((error: unknown) => (error instanceof KmsError ? error : Promise.reject(error)));

describe('the ring of events', () => {
  const event = (n: number): AuditEventInput => ({
    eventTime: T0 + n * 1000,
    eventName: 'DescribeKey',
    eventSource: 'kms.amazonaws.com',
    resourceType: 'AWS::KMS::Key',
    region: REGION,
    caller: principalFromArn(`arn:aws:iam::${ACCOUNT}:root`),
    sourceIpAddress: '127.0.0.1',
    userAgent: 'test',
    requestId: `request-${n}`,
    requestParameters: null,
    responseElements: null,
    resources: [],
    readOnly: true,
    recipientAccountId: ACCOUNT,
  });

  it('keeps the newest `capacity` events, oldest dropped first, and counts every event recorded', () => {
    const trail = new AuditTrail({ capacity: 3 });
    for (let n = 1; n <= 7; n++) trail.record(event(n));
    expect(trail.events().map((e) => e.requestId)).toEqual(['request-5', 'request-6', 'request-7']);
    expect(trail.lookup().records.map((r) => r.requestID)).toEqual(['request-7', 'request-6', 'request-5']);
    expect({ size: trail.size, capacity: trail.capacity, recorded: trail.recorded }).toEqual({ size: 3, capacity: 3, recorded: 7 });
  });

  it('keeps 100,000 events by default', () => {
    const trail = new AuditTrail();
    for (let n = 0; n < 100_005; n++) trail.record(event(n));
    expect(trail.size).toBe(100_000);
    expect(trail.events()[0]?.requestId).toBe('request-5');
  });

  it('starts empty again after clear()', () => {
    const trail = new AuditTrail({ capacity: 2 });
    for (let n = 1; n <= 3; n++) trail.record(event(n));
    trail.clear();
    expect(trail.events()).toEqual([]);
    trail.record(event(9));
    expect(trail.records().map((r) => r.requestID)).toEqual(['request-9']);
  });

  it('gives every event its own random version-4 UUID, and in-process calls a request id too', () => {
    const trail = new AuditTrail({ capacity: 1000 });
    for (let n = 0; n < 500; n++) {
      const { requestId, ...withoutRequestId } = event(n);
      trail.record(n % 2 === 0 ? { ...withoutRequestId, requestId: requestId! } : withoutRequestId);
    }
    const events = trail.events();
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
    expect(new Set(events.map((e) => e.eventId)).size).toBe(500);
    for (const e of events) expect(e.eventId).toMatch(uuid);
    const generated = events.filter((_, n) => n % 2 === 1).map((e) => e.requestId);
    for (const id of generated) expect(id).toMatch(uuid);
    expect(new Set([...generated, ...events.map((e) => e.eventId)]).size).toBe(750);
  });

  it('refuses a capacity that is not a positive integer', () => {
    expect(() => new AuditTrail({ capacity: 0 })).toThrow(RangeError);
    expect(() => new AuditTrail({ capacity: 1.5 })).toThrow(RangeError);
    expect(() => new Kms({ audit: { capacity: -1 } })).toThrow(RangeError);
  });
});

describe('CloudTrail records', () => {
  it('render an Encrypt by an IAM user exactly as KMS logs it (no plaintext, default algorithm filled in, key material id)', async () => {
    const { kms } = newKms();
    const { KeyMetadata } = await kms.createKey({});
    await kms.encrypt(
      { KeyId: KeyMetadata.Arn, Plaintext: new TextEncoder().encode('attack at dawn'), EncryptionContext: { Department: 'Engineering' } },
      { caller: ALICE, sourceIpAddress: '192.0.2.0', userAgent: 'aws-cli/2.15.0', requestId: 'f3423043-63bc-11e4-bc2b-4198b6150d5c' },
    );
    expect(newest(kms, 'Encrypt')).toEqual({
      eventVersion: '1.11',
      userIdentity: {
        type: 'IAMUser',
        principalId: expect.stringMatching(/^AIDA[A-Z2-7]{17}$/),
        arn: `arn:aws:iam::${ACCOUNT}:user/Alice`,
        accountId: ACCOUNT,
        accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
        userName: 'Alice',
      },
      eventTime: '2024-01-01T00:00:00Z',
      eventSource: 'kms.amazonaws.com',
      eventName: 'Encrypt',
      awsRegion: REGION,
      sourceIPAddress: '192.0.2.0',
      userAgent: 'aws-cli/2.15.0',
      requestParameters: { keyId: KeyMetadata.Arn, encryptionContext: { Department: 'Engineering' }, encryptionAlgorithm: 'SYMMETRIC_DEFAULT' },
      responseElements: null,
      additionalEventData: { keyMaterialId: expect.stringMatching(/^[0-9a-f]{64}$/) },
      requestID: 'f3423043-63bc-11e4-bc2b-4198b6150d5c',
      eventID: expect.stringMatching(UUID),
      readOnly: true,
      resources: [{ accountId: ACCOUNT, type: 'AWS::KMS::Key', ARN: KeyMetadata.Arn }],
      eventType: 'AwsApiCall',
      managementEvent: true,
      recipientAccountId: ACCOUNT,
      eventCategory: 'Management',
    });
  });

  it('list members in the order real records do, with eventTime in whole seconds', async () => {
    const { kms, clock } = newKms();
    clock.advance(1234);
    await swallow(kms.describeKey({ KeyId: '11111111-2222-3333-4444-555555555555' }));
    const record = newest(kms, 'DescribeKey');
    expect(Object.keys(record)).toEqual([
      'eventVersion',
      'userIdentity',
      'eventTime',
      'eventSource',
      'eventName',
      'awsRegion',
      'sourceIPAddress',
      'userAgent',
      'errorCode',
      'errorMessage',
      'requestParameters',
      'responseElements',
      'requestID',
      'eventID',
      'readOnly',
      'resources',
      'eventType',
      'managementEvent',
      'recipientAccountId',
      'eventCategory',
    ]);
    expect(record['eventTime']).toBe('2024-01-01T00:00:01Z');
  });

  it('show the account root, an assumed role and a service acting for a caller as CloudTrail does', async () => {
    const { kms } = newKms();
    const role = principalFromArn(`arn:aws:sts::${ACCOUNT}:assumed-role/Admin/alice-session`, { accessKeyId: 'ASIAEXAMPLE', identityPolicy: ALLOW_ALL });
    await kms.createKey({ Description: 'root' });
    await kms.createKey({ Description: 'role' }, { caller: role });
    await kms.createKey({ Description: 's3' }, { caller: { ...ALICE, invokedBy: 's3.amazonaws.com' } });
    const [s3, assumed, root] = kms.auditTrail.lookup({ eventName: 'CreateKey' }).records;
    expect(root?.userIdentity).toEqual({ type: 'Root', principalId: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:root`, accountId: ACCOUNT });
    expect(assumed?.userIdentity).toEqual({
      type: 'AssumedRole',
      principalId: expect.stringMatching(/^AROA[A-Z2-7]{17}:alice-session$/),
      arn: `arn:aws:sts::${ACCOUNT}:assumed-role/Admin/alice-session`,
      accountId: ACCOUNT,
      accessKeyId: 'ASIAEXAMPLE',
      sessionContext: {
        sessionIssuer: {
          type: 'Role',
          principalId: expect.stringMatching(/^AROA[A-Z2-7]{17}$/),
          arn: `arn:aws:iam::${ACCOUNT}:role/Admin`,
          accountId: ACCOUNT,
          userName: 'Admin',
        },
        attributes: { creationDate: '2024-01-01T00:00:00Z', mfaAuthenticated: 'false' },
      },
    });
    expect(assumed?.userIdentity.principalId?.startsWith(assumed.userIdentity.sessionContext!.sessionIssuer.principalId)).toBe(true);
    expect(s3).toMatchObject({
      userIdentity: { type: 'IAMUser', userName: 'Alice', invokedBy: 's3.amazonaws.com' },
      sourceIPAddress: 's3.amazonaws.com',
      userAgent: 's3.amazonaws.com',
    });
  });

  it('log CreateKey with KMS defaults filled in and keyMetadata in Java bean case (AWSAccountId, keyId) with a Java date', async () => {
    const { kms } = newKms();
    const { KeyMetadata } = await kms.createKey({ Tags: [{ TagKey: 'Team', TagValue: 'Blue' }] });
    const record = newest(kms, 'CreateKey');
    expect(record['requestParameters']).toEqual({
      tags: [{ tagKey: 'Team', tagValue: 'Blue' }],
      description: '',
      origin: 'AWS_KMS',
      bypassPolicyLockoutSafetyCheck: false,
      customerMasterKeySpec: 'SYMMETRIC_DEFAULT',
      keySpec: 'SYMMETRIC_DEFAULT',
      keyUsage: 'ENCRYPT_DECRYPT',
    });
    expect(record['responseElements']).toEqual({
      keyMetadata: expect.objectContaining({
        AWSAccountId: ACCOUNT,
        keyId: KeyMetadata.KeyId,
        arn: KeyMetadata.Arn,
        creationDate: 'Jan 1, 2024, 12:00:00 AM',
        enabled: true,
        keyState: 'Enabled',
        keyManager: 'CUSTOMER',
        encryptionAlgorithms: ['SYMMETRIC_DEFAULT'],
      }),
    });
  });

  it('log Encrypt with the key material id its blob was sealed under, after a rotation too (ct-encrypt)', async () => {
    const { kms } = newKms();
    const { KeyMetadata } = await kms.createKey({});
    await kms.encrypt({ KeyId: KeyMetadata.KeyId, Plaintext: new Uint8Array([1]), EncryptionContext: { Department: 'Engineering' } });
    const first = newest(kms, 'Encrypt');
    expect(first['requestParameters']).toEqual({
      keyId: KeyMetadata.KeyId,
      encryptionContext: { Department: 'Engineering' },
      encryptionAlgorithm: 'SYMMETRIC_DEFAULT',
    });
    expect(first['responseElements']).toBeNull();
    const { CiphertextBlob } = await kms.encrypt({ KeyId: KeyMetadata.KeyId, Plaintext: new Uint8Array([1]) });
    const { KeyMaterialId } = (await kms.decrypt({ CiphertextBlob })) as { KeyMaterialId?: string };
    expect(first['additionalEventData']).toEqual({ keyMaterialId: KeyMaterialId });
    await kms.rotateKeyOnDemand({ KeyId: KeyMetadata.KeyId });
    const { KeyMetadata: rotated } = await kms.describeKey({ KeyId: KeyMetadata.KeyId });
    await kms.encrypt({ KeyId: KeyMetadata.KeyId, Plaintext: new Uint8Array([1]) });
    const current = (rotated as { CurrentKeyMaterialId?: string }).CurrentKeyMaterialId;
    expect(current).toMatch(/^[0-9a-f]{64}$/);
    expect(current).not.toBe(KeyMaterialId);
    expect(newest(kms, 'Encrypt')['additionalEventData']).toEqual({ keyMaterialId: current });
  });

  it('keep one frozen keyMaterialId field per backing key, shared by its calls and rendered as a fresh one would be', async () => {
    const { kms } = newKms();
    const { KeyMetadata } = await kms.createKey({});
    const fields = async (): Promise<unknown[]> => {
      await kms.generateDataKey({ KeyId: KeyMetadata.KeyId, KeySpec: 'AES_256' });
      const { CiphertextBlob } = await kms.encrypt({ KeyId: KeyMetadata.KeyId, Plaintext: new Uint8Array([1]) });
      await kms.decrypt({ CiphertextBlob });
      return kms.auditTrail
        .events()
        .slice(-3)
        .map((event) => event.additionalEventData);
    };
    const before = await fields();
    const { KeyMetadata: described } = await kms.describeKey({ KeyId: KeyMetadata.KeyId });
    const id = (described as { CurrentKeyMaterialId?: string }).CurrentKeyMaterialId;
    expect(before).toEqual([{ keyMaterialId: id }, { keyMaterialId: id }, { keyMaterialId: id }]);
    expect(new Set(before).size).toBe(1);
    expect(Object.isFrozen(before[0])).toBe(true);
    expect(JSON.stringify(newest(kms, 'Decrypt')['additionalEventData'])).toBe(JSON.stringify({ keyMaterialId: id }));
    await kms.rotateKeyOnDemand({ KeyId: KeyMetadata.KeyId });
    const after = await fields();
    expect(after[0]).not.toEqual(before[0]);
    expect(after).toEqual([after[0], after[0], after[0]]);
  });

  it('log Decrypt with encryptionAlgorithm always, without the ciphertext, and the key material id', async () => {
    const { kms } = newKms();
    const { KeyMetadata } = await kms.createKey({});
    const { CiphertextBlob } = await kms.encrypt({ KeyId: KeyMetadata.KeyId, Plaintext: new Uint8Array([1, 2, 3]) });
    const { KeyMaterialId } = (await kms.decrypt({ CiphertextBlob })) as { KeyMaterialId?: string };
    const record = newest(kms, 'Decrypt');
    expect(record['requestParameters']).toEqual({ encryptionAlgorithm: 'SYMMETRIC_DEFAULT' });
    expect(record['resources']).toEqual([{ accountId: ACCOUNT, type: 'AWS::KMS::Key', ARN: KeyMetadata.Arn }]);
    expect(KeyMaterialId).toMatch(/^[0-9a-f]{64}$/);
    expect(record['additionalEventData']).toEqual({ keyMaterialId: KeyMaterialId });
  });

  it('list an alias as a resource of type AWS::KMS::Key: after the key for CreateAlias, before it for DeleteAlias', async () => {
    const { kms } = newKms();
    const { KeyMetadata } = await kms.createKey({});
    await kms.createAlias({ AliasName: 'alias/ExampleAlias', TargetKeyId: KeyMetadata.KeyId });
    await kms.deleteAlias({ AliasName: 'alias/ExampleAlias' });
    const alias = { accountId: ACCOUNT, type: 'AWS::KMS::Key', ARN: `arn:aws:kms:${REGION}:${ACCOUNT}:alias/ExampleAlias` };
    const key = { accountId: ACCOUNT, type: 'AWS::KMS::Key', ARN: KeyMetadata.Arn };
    expect(newest(kms, 'CreateAlias')).toMatchObject({
      requestParameters: { aliasName: 'alias/ExampleAlias', targetKeyId: KeyMetadata.KeyId },
      resources: [key, alias],
      readOnly: false,
    });
    expect(newest(kms, 'DeleteAlias')).toMatchObject({ requestParameters: { aliasName: 'alias/ExampleAlias' }, resources: [alias, key] });
  });

  it('log ScheduleKeyDeletion with its responseElements and a Java deletionDate', async () => {
    const { kms } = newKms();
    const { KeyMetadata } = await kms.createKey({});
    await kms.scheduleKeyDeletion({ KeyId: KeyMetadata.KeyId, PendingWindowInDays: 7 });
    expect(newest(kms, 'ScheduleKeyDeletion')).toMatchObject({
      requestParameters: { keyId: KeyMetadata.KeyId, pendingWindowInDays: 7 },
      responseElements: { keyId: KeyMetadata.Arn, keyState: 'PendingDeletion', deletionDate: 'Jan 8, 2024, 12:00:00 AM', pendingWindowInDays: 7 },
    });
  });

  it('record only the members of the operation, whatever else an in-process caller adds (prototype names too)', async () => {
    const { kms } = newKms();
    const { KeyMetadata } = await kms.createKey({ KeySpec: 'HMAC_256', KeyUsage: 'GENERATE_VERIFY_MAC' });
    const input = { KeyId: KeyMetadata.KeyId, Message: new Uint8Array(8), MacAlgorithm: 'HMAC_SHA_256', constructor: 'x', toString: 'y', Extra: 'z' };
    await kms.generateMac(input);
    expect(newest(kms, 'GenerateMac')['requestParameters']).toEqual({ keyId: KeyMetadata.KeyId, macAlgorithm: 'HMAC_SHA_256' });
  });

  it('log GenerateRandom with requestParameters null and no resources', async () => {
    const { kms } = newKms();
    await kms.generateRandom({ NumberOfBytes: 32 });
    expect(newest(kms, 'GenerateRandom')).toMatchObject({ requestParameters: null, responseElements: null, resources: [], readOnly: true });
  });

  it('log CreateGrant with only the grant id, and RetireGrant by token with requestParameters null and the grant id aside', async () => {
    const { kms } = newKms();
    const { KeyMetadata } = await kms.createKey({});
    const { GrantId, GrantToken } = await kms.createGrant({
      KeyId: KeyMetadata.KeyId,
      GranteePrincipal: `arn:aws:iam::${ACCOUNT}:root`,
      Operations: ['Decrypt', 'RetireGrant'],
    });
    await kms.retireGrant({ GrantToken });
    expect(newest(kms, 'CreateGrant')).toMatchObject({ responseElements: { grantId: GrantId }, readOnly: false });
    expect(newest(kms, 'RetireGrant')).toMatchObject({ requestParameters: null, additionalEventData: { grantId: GrantId } });
    expect(JSON.stringify(kms.auditTrail.records())).not.toContain(GrantToken);
  });
});

describe('refused calls', () => {
  it('are recorded with errorCode and errorMessage: validation, not found, access denied (as AccessDenied)', async () => {
    const { kms } = newKms();
    const { KeyMetadata } = await kms.createKey({});
    await swallow(kms.generateRandom({ NumberOfBytes: 0 }));
    await swallow(kms.describeKey({ KeyId: 'alias/missing' }));
    await swallow(
      kms.encrypt({ KeyId: KeyMetadata.Arn, Plaintext: new Uint8Array([1]) }, { caller: principalFromArn('arn:aws:iam::111122223333:user/mallory') }),
    );
    expect(newest(kms, 'GenerateRandom')).toMatchObject({
      errorCode: 'ValidationException',
      errorMessage: "1 validation error detected: Value '0' at 'numberOfBytes' failed to satisfy constraint: Member must have value greater than or equal to 1",
    });
    expect(newest(kms, 'DescribeKey')).toMatchObject({
      errorCode: 'NotFoundException',
      errorMessage: `Alias arn:aws:kms:${REGION}:${ACCOUNT}:alias/missing is not found.`,
      requestParameters: { keyId: 'alias/missing' },
    });
    const denied = newest(kms, 'Encrypt');
    expect(denied).toMatchObject({ errorCode: 'AccessDenied', userIdentity: { accountId: '111122223333' }, recipientAccountId: ACCOUNT });
    expect(denied['errorMessage']).toEqual(expect.stringContaining('is not authorized to perform: kms:Encrypt'));
  });

  it('show only errorCode when KMS sends no message (InvalidCiphertextException)', async () => {
    const { kms } = newKms();
    const { KeyMetadata } = await kms.createKey({});
    const { CiphertextBlob } = await kms.encrypt({ KeyId: KeyMetadata.KeyId, Plaintext: new Uint8Array([1]), EncryptionContext: { a: 'b' } });
    await swallow(kms.decrypt({ CiphertextBlob }));
    const record = newest(kms, 'Decrypt');
    expect(record['errorCode']).toBe('InvalidCiphertextException');
    expect('errorMessage' in record).toBe(false);
    expect(record['responseElements']).toBeNull();
  });
});

describe('secrets', () => {
  it('never appear in any record: plaintexts, data keys, ciphertexts, random bytes', async () => {
    const { kms } = newKms();
    const { KeyMetadata } = await kms.createKey({});
    const secrets: string[] = [];
    const add = (bytes: Uint8Array | undefined): void => {
      const buffer = Buffer.from(bytes!);
      secrets.push(buffer.toString('base64'), buffer.toString('hex'), buffer.toString('base64url'));
    };
    const plaintext = new TextEncoder().encode('the-secret-plaintext-0123456789');
    secrets.push('the-secret-plaintext-0123456789');
    const encrypted = await kms.encrypt({ KeyId: KeyMetadata.KeyId, Plaintext: plaintext });
    add(encrypted.CiphertextBlob);
    add((await kms.decrypt({ CiphertextBlob: encrypted.CiphertextBlob })).Plaintext);
    for (let i = 0; i < 20; i++) {
      const dataKey = await kms.generateDataKey({ KeyId: KeyMetadata.KeyId, KeySpec: 'AES_256', EncryptionContext: { n: String(i) } });
      add(dataKey.Plaintext);
      add(dataKey.CiphertextBlob);
      add((await kms.generateDataKeyWithoutPlaintext({ KeyId: KeyMetadata.KeyId, NumberOfBytes: 32 })).CiphertextBlob);
      add((await kms.generateRandom({ NumberOfBytes: 32 })).Plaintext);
    }
    const reEncrypted = await kms.reEncrypt({ CiphertextBlob: encrypted.CiphertextBlob, DestinationKeyId: KeyMetadata.KeyId });
    add(reEncrypted.CiphertextBlob);
    // A refused call keeps its secrets out too (plaintext over 4096 bytes fails validation).
    const oversized = new Uint8Array(4097).fill(0x41);
    await swallow(kms.encrypt({ KeyId: KeyMetadata.KeyId, Plaintext: oversized }));
    add(oversized);
    const rendered = JSON.stringify(kms.auditTrail.records());
    expect(kms.auditTrail.size).toBe(65);
    for (const secret of secrets) expect(rendered).not.toContain(secret);
  });
});
