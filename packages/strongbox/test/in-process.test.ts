/**
 * The endpoint in-process (`startInProcess`): the official clients, configured with nothing but
 * `...strongbox.clientConfig`, reach KMS and CloudTrail LookupEvents with no port; SigV4, users
 * and seeds work as on the port.
 */

import { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { CreateKeyCommand, DecryptCommand, DescribeKeyCommand, EncryptCommand, KMSClient } from '@aws-sdk/client-kms';
import { parseUsers } from '@strongbox/kms';
import { afterEach, describe, expect, it } from 'vitest';
import { type InProcessStrongbox, startInProcess } from '../src/index.ts';
import { failureOf, tempDir } from './helpers/cli.ts';

const opened: InProcessStrongbox[] = [];
const clients: { destroy(): void }[] = [];
afterEach(async () => {
  for (const client of clients.splice(0)) client.destroy();
  for (const strongbox of opened.splice(0)) await strongbox.close();
});

async function open(options: Parameters<typeof startInProcess>[0] = {}): Promise<InProcessStrongbox> {
  const strongbox = await startInProcess(options);
  opened.push(strongbox);
  return strongbox;
}

function kms(config: ConstructorParameters<typeof KMSClient>[0]): KMSClient {
  const client = new KMSClient({ maxAttempts: 1, ...config });
  clients.push(client);
  return client;
}

describe('startInProcess', () => {
  it('serves KMS to a client configured only by clientConfig: create, encrypt, decrypt', async () => {
    const strongbox = await open({ region: 'eu-central-1', account: '111122223333' });
    const client = kms({ ...strongbox.clientConfig });
    const { KeyMetadata } = await client.send(new CreateKeyCommand({ Description: 'in-process' }));
    expect(KeyMetadata?.Arn).toMatch(/^arn:aws:kms:eu-central-1:111122223333:key\//);
    const { CiphertextBlob } = await client.send(new EncryptCommand({ KeyId: KeyMetadata!.KeyId!, Plaintext: new TextEncoder().encode('hello') }));
    const { Plaintext } = await client.send(new DecryptCommand({ CiphertextBlob: CiphertextBlob! }));
    expect(new TextDecoder().decode(Plaintext)).toBe('hello');
    // The same emulator as strongbox.kms.
    expect((await strongbox.kms.describeKey({ KeyId: KeyMetadata!.KeyId! })).KeyMetadata.Description).toBe('in-process');
  });

  it('answers CloudTrail LookupEvents through the same handler', async () => {
    const strongbox = await open();
    await kms({ ...strongbox.clientConfig }).send(new CreateKeyCommand({}));
    const trail = new CloudTrailClient({ ...strongbox.clientConfig, maxAttempts: 1 });
    clients.push(trail);
    const { Events } = await trail.send(new LookupEventsCommand({ LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'CreateKey' }] }));
    expect(Events?.map((e) => e.EventName)).toEqual(['CreateKey']);
    expect(JSON.parse(Events?.[0]?.CloudTrailEvent ?? '{}')).toMatchObject({ eventSource: 'kms.amazonaws.com', sourceIPAddress: '127.0.0.1' });
  });

  it('verifies signatures and applies identity policies as the port does', async () => {
    const users = parseUsers({
      users: [
        {
          accessKeyId: 'AKIACAROL',
          secretAccessKey: 'carol',
          principal: 'arn:aws:iam::000000000000:user/carol',
          policy: { allow: ['kms:*'], deny: ['kms:CreateKey'] },
        },
      ],
    });
    const strongbox = await open({ users, strictAuth: true });
    const wrong = kms({ ...strongbox.clientConfig, credentials: { accessKeyId: 'test', secretAccessKey: 'not-test' } });
    expect(await failureOf(wrong.send(new CreateKeyCommand({})))).toMatchObject({ name: 'InvalidSignatureException', status: 400 });
    const carol = kms({ ...strongbox.clientConfig, credentials: { accessKeyId: 'AKIACAROL', secretAccessKey: 'carol' } });
    expect(await failureOf(carol.send(new CreateKeyCommand({})))).toMatchObject({ name: 'AccessDeniedException', status: 400 });
  });

  it('starts from a seed, and answers an unknown X-Amz-Target as the endpoint does', async () => {
    const keyId = '6f1c1c1e-5a0e-4a8e-9c77-2d1f1b0c9a11';
    const strongbox = await open({ seed: { keys: [{ keyId, aliases: ['alias/orders'] }] } });
    const { KeyMetadata } = await kms({ ...strongbox.clientConfig }).send(new DescribeKeyCommand({ KeyId: 'alias/orders' }));
    expect(KeyMetadata?.KeyId).toBe(keyId);
    const response = await strongbox.handler({
      method: 'POST',
      path: '/',
      headers: { 'x-amz-target': 'DynamoDB_20120810.ListTables' },
      body: (async function* () {})(),
    });
    expect(response.status).toBe(400);
    expect(JSON.parse(String(response.body))).toEqual({
      __type: 'UnknownOperationException',
      message:
        "No service on this endpoint handles X-Amz-Target 'DynamoDB_20120810.ListTables'; it serves KMS, CloudTrail LookupEvents, STS GetCallerIdentity, S3.",
    });
  });

  it('refuses a seed with more keys than its quotas.customerManagedKeys, and starts with the quota raised', async () => {
    const seed = { keys: ['6f1c1c1e-5a0e-4a8e-9c77-2d1f1b0c9a11', '7a2d2d2f-6b1f-4b9f-8d88-3e2f2c1d0b22'].map((keyId) => ({ keyId })) };
    await expect(open({ seed, quotas: { customerManagedKeys: 1 } })).rejects.toThrow(
      /^seed: "keys" lists 2 keys in account 000000000000 and Region us-east-1, more than the key quota of 1 /,
    );
    const strongbox = await open({ seed, quotas: { customerManagedKeys: 2 } });
    expect(strongbox.kms.quotas.resourceUsage()).toEqual([{ account: '000000000000', region: 'us-east-1', quota: 'customerManagedKeys', limit: 2, usage: 2 }]);
  });
});

describe('S3 on the endpoint’s KMS', () => {
  it('SSE-KMS under a key made through the KMS endpoint calls that same KMS, on the caller’s behalf, into the one trail', async () => {
    const strongbox = await open({ region: 'eu-central-1', account: '111122223333' });
    expect(strongbox.s3.kms).toBe(strongbox.kms);
    expect(strongbox.s3.auditTrail).toBe(strongbox.kms.auditTrail);
    const { KeyMetadata } = await kms({ ...strongbox.clientConfig }).send(new CreateKeyCommand({ Description: 'objects' }));
    await strongbox.s3.createBucket({ Bucket: 'reports' });
    const put = await strongbox.s3.putObject({ Bucket: 'reports', Key: 'q1', Body: 'rows', ServerSideEncryption: 'aws:kms', SSEKMSKeyId: KeyMetadata!.KeyId! });
    expect(put.SSEKMSKeyId).toBe(KeyMetadata!.Arn);
    expect(await (await strongbox.s3.getObject({ Bucket: 'reports', Key: 'q1' })).Body.transformToString()).toBe('rows');
    const { Events } = await new CloudTrailClient({ ...strongbox.clientConfig, maxAttempts: 1 }).send(
      new LookupEventsCommand({ LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'GenerateDataKey' }] }),
    );
    expect(Events).toHaveLength(1);
    expect(JSON.parse(Events![0]!.CloudTrailEvent!)).toMatchObject({
      userIdentity: { type: 'Root', invokedBy: 's3.amazonaws.com' },
      requestParameters: { encryptionContext: { 'aws:s3:arn': 'arn:aws:s3:::reports/q1' } },
    });
  });

  it('with a data directory, S3 objects (in <data>/s3) and the KMS keys they are under both survive a restart', async () => {
    const dir = await tempDir();
    try {
      const first = await startInProcess({ dataDirectory: dir.path });
      const { KeyMetadata } = await first.kms.createKey({});
      await first.s3.createBucket({ Bucket: 'kept' });
      await first.s3.putObject({ Bucket: 'kept', Key: 'k', Body: 'durable', ServerSideEncryption: 'aws:kms', SSEKMSKeyId: KeyMetadata!.KeyId! });
      await first.close();
      const second = await open({ dataDirectory: dir.path });
      const get = await second.s3.getObject({ Bucket: 'kept', Key: 'k' });
      expect(await get.Body.transformToString()).toBe('durable');
      expect(get.SSEKMSKeyId).toBe(KeyMetadata!.Arn);
    } finally {
      for (const strongbox of opened.splice(0)) await strongbox.close();
      await dir.cleanup();
    }
  });
});
