/**
 * The "AWS KMS keys" resource quota through the official SDK client: customer managed keys per
 * account and Region, in any key state, AWS managed keys left out, a multi-Region replica counted
 * in its own Region. AWS: "Resource quotas" (KMS Developer Guide), ReplicateKey API; the refusal's
 * text as AWS sent it in 2016 (convox/rack#347).
 */

import {
  CreateKeyCommand,
  type CreateKeyCommandInput,
  DescribeKeyCommand,
  DisableKeyCommand,
  type KMSClient,
  ListKeysCommand,
  ReplicateKeyCommand,
  ScheduleKeyDeletionCommand,
} from '@aws-sdk/client-kms';
import { afterEach, describe, expect, it } from 'vitest';
import { createSigV4Authenticator } from '../src/http.ts';
import {
  applySeed,
  createMemoryStore,
  DEFAULT_CUSTOMER_MANAGED_KEYS,
  type Kms,
  ManualClock,
  NO_USERS,
  openDirectoryStore,
  principalFromArn,
  type QuotaSetting,
} from '../src/index.ts';
import { ROOT_KEY, tempDirectory } from './fixtures/persistence.ts';
import { failureOf, type SdkFixture, startKms } from './helpers/sdk.ts';

const ACCOUNT = '000000000000';
const REGION = 'us-east-1';
const REPLICA = 'eu-west-1';
const DAY = 86_400_000;
const quotaText = (limit: number, usage: number): string => `Key quota for this account in this region is ${limit} but the current usage is ${usage}.`;
/** A user of another account allowed every KMS action, so only the quota can refuse her. */
const ALICE = principalFromArn('arn:aws:iam::111122223333:user/alice', {
  identityPolicy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'kms:*', Resource: '*' }] }),
});

let fixture: SdkFixture | undefined;
afterEach(async () => {
  await fixture?.close();
  fixture = undefined;
});

/** An emulator whose key quota is `keys` (throttling off) and a client for it. */
async function withKeyQuota(keys: number, clock = new ManualClock(Date.UTC(2025, 5, 1))): Promise<{ kms: Kms; client: KMSClient; clock: ManualClock }> {
  // SigV4 gives each request the Region its client signed for (the bare handler serves every
  // request in the emulator's default Region).
  fixture = await startKms(
    { clock, quotas: { enabled: false, customerManagedKeys: keys } },
    { authenticate: createSigV4Authenticator({ users: NO_USERS, strict: false, account: ACCOUNT, region: REGION }) },
  );
  return { kms: fixture.kms, client: fixture.client, clock };
}

async function createKey(client: KMSClient, input: CreateKeyCommandInput = {}): Promise<string> {
  return (await client.send(new CreateKeyCommand(input))).KeyMetadata!.KeyId!;
}

async function keyCount(client: KMSClient): Promise<number> {
  return (await client.send(new ListKeysCommand({}))).Keys?.length ?? 0;
}

describe('the key quota', () => {
  it('refuses CreateKey at the quota with LimitExceededException, HTTP 400, and creates nothing', async () => {
    const { client } = await withKeyQuota(2);
    await createKey(client);
    await createKey(client);
    expect(await failureOf(client.send(new CreateKeyCommand({ Description: 'one too many' })))).toEqual({
      name: 'LimitExceededException',
      message: quotaText(2, 2),
      status: 400,
    });
    expect(await keyCount(client)).toBe(2);
  });

  it('counts keys in every key state and of every origin and spec, until they are deleted', async () => {
    const { kms, client, clock } = await withKeyQuota(4);
    const disabled = await createKey(client);
    await client.send(new DisableKeyCommand({ KeyId: disabled }));
    // Imported key material: PendingImport until material is imported.
    await createKey(client, { Origin: 'EXTERNAL' });
    await createKey(client, { KeySpec: 'HMAC_256', KeyUsage: 'GENERATE_VERIFY_MAC' });
    const doomed = await createKey(client, { KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' });
    await client.send(new ScheduleKeyDeletionCommand({ KeyId: doomed, PendingWindowInDays: 7 }));
    expect((await failureOf(client.send(new CreateKeyCommand({})))).message).toBe(quotaText(4, 4));
    // Once the waiting period is over the key is gone, and no longer counts: in the report at
    // once (before any call deletes it), and for CreateKey.
    clock.advance(7 * DAY);
    expect(kms.quotas.resourceUsage()).toEqual([{ account: ACCOUNT, region: REGION, quota: 'customerManagedKeys', limit: 4, usage: 3 }]);
    await createKey(client);
    expect((await failureOf(client.send(new CreateKeyCommand({})))).message).toBe(quotaText(4, 4));
  });

  it('names no key in the audit event of a CreateKey refused at its last check (two RSA keys racing for the last key)', async () => {
    const { kms } = await withKeyQuota(1);
    // Generating a key pair is asynchronous: both calls pass the first check, one is refused
    // just before its commit, after its key record was built.
    const input = { KeySpec: 'RSA_2048', KeyUsage: 'SIGN_VERIFY' } as const;
    const outcomes = await Promise.allSettled([kms.createKey(input), kms.createKey(input)]);
    expect(outcomes.map((outcome) => outcome.status).sort()).toEqual(['fulfilled', 'rejected']);
    const events = kms.auditTrail.events().filter((event) => event.eventName === 'CreateKey');
    const created = (outcomes.find((outcome) => outcome.status === 'fulfilled') as PromiseFulfilledResult<{ KeyMetadata?: { Arn?: string } }>).value;
    expect(events.find((event) => event.errorCode === undefined)?.resources).toEqual([created.KeyMetadata?.Arn]);
    expect(events.find((event) => event.errorCode === 'LimitExceededException')?.resources).toEqual([]);
  });

  it('leaves AWS managed keys out: one is created on first use even at the quota', async () => {
    const { kms, client } = await withKeyQuota(1);
    await createKey(client);
    await client.send(new DescribeKeyCommand({ KeyId: 'alias/aws/s3' }));
    expect(await keyCount(client)).toBe(2);
    expect((await failureOf(client.send(new CreateKeyCommand({})))).message).toBe(quotaText(1, 1));
    expect(kms.quotas.resourceUsage()).toEqual([{ account: ACCOUNT, region: REGION, quota: 'customerManagedKeys', limit: 1, usage: 1 }]);
  });

  it('counts per account and per Region', async () => {
    const { kms, client } = await withKeyQuota(1);
    await createKey(client);
    await expect(fixture!.clientFor({ region: REPLICA }).send(new CreateKeyCommand({}))).resolves.toBeDefined();
    await expect(kms.createKey({}, { caller: ALICE })).resolves.toBeDefined();
    await expect(kms.createKey({}, { caller: ALICE })).rejects.toMatchObject({ code: 'LimitExceededException', message: quotaText(1, 1) });
    const usage = kms.quotas.resourceUsage().map(({ account, region, usage }) => `${account}/${region}=${usage}`);
    expect(usage.sort()).toEqual([`${ACCOUNT}/${REPLICA}=1`, `${ACCOUNT}/${REGION}=1`, `111122223333/${REGION}=1`]);
  });

  it('counts a multi-Region replica in its own Region: ReplicateKey into a Region at the quota is refused', async () => {
    const { kms, client } = await withKeyQuota(1);
    const west = fixture!.clientFor({ region: REPLICA });
    const primary = await createKey(client, { MultiRegion: true });
    await createKey(west);
    expect(await failureOf(client.send(new ReplicateKeyCommand({ KeyId: primary, ReplicaRegion: REPLICA })))).toEqual({
      name: 'LimitExceededException',
      message: quotaText(1, 1),
      status: 400,
    });
    expect(await keyCount(west)).toBe(1);
    // Room in the replica's Region: the replica takes it, and then counts there.
    kms.quotas.configure({ customerManagedKeys: 2 });
    await client.send(new ReplicateKeyCommand({ KeyId: primary, ReplicaRegion: REPLICA }));
    expect((await failureOf(west.send(new CreateKeyCommand({})))).message).toBe(quotaText(2, 2));
    // The primary's Region counts the primary only.
    await createKey(client);
  });

  it('counts seeded keys, which the seed creates whatever the quota', async () => {
    const store = createMemoryStore();
    const keyIds = ['6f1c1c1e-5a0e-4a8e-9c77-2d1f1b0c9a11', '7a2d2d2f-6b1f-4b9f-8d88-3e2f2c1d0b22'];
    await applySeed(store, { keys: keyIds.map((keyId) => ({ keyId })) }, { account: ACCOUNT, region: REGION, now: Date.UTC(2025, 5, 1) });
    fixture = await startKms({ store, quotas: { enabled: false, customerManagedKeys: 1 } });
    expect(await keyCount(fixture.client)).toBe(2);
    expect((await failureOf(fixture.client.send(new CreateKeyCommand({})))).message).toBe(quotaText(1, 2));
  });

  it('changes with the setting at run time; a bad setting is refused and changes nothing', async () => {
    const { kms, client } = await withKeyQuota(DEFAULT_CUSTOMER_MANAGED_KEYS);
    await createKey(client);
    await createKey(client);
    kms.quotas.configure({ customerManagedKeys: 1 });
    // A quota lowered below what exists refuses new keys and keeps the old ones.
    expect((await failureOf(client.send(new CreateKeyCommand({})))).message).toBe(quotaText(1, 2));
    expect(await keyCount(client)).toBe(2);
    for (const bad of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, '3']) {
      expect(() => kms.quotas.configure({ customerManagedKeys: bad } as unknown as QuotaSetting)).toThrow(RangeError);
    }
    expect(kms.quotas.options.customerManagedKeys).toBe(1);
    kms.quotas.configure({ customerManagedKeys: 3 });
    // Naming only the key quota leaves throttling as it was: off here.
    expect(kms.quotas.options.enabled).toBe(false);
    await createKey(client);
    expect(kms.quotas.resourceUsage()).toEqual([{ account: ACCOUNT, region: REGION, quota: 'customerManagedKeys', limit: 3, usage: 3 }]);
    // `false` turns throttling off and keeps the key quota in force; naming it lifts it.
    kms.quotas.configure(false);
    expect(kms.quotas.options.customerManagedKeys).toBe(3);
    expect((await failureOf(client.send(new CreateKeyCommand({})))).message).toBe(quotaText(3, 3));
    kms.quotas.configure({ customerManagedKeys: DEFAULT_CUSTOMER_MANAGED_KEYS });
    await createKey(client);
  });

  it('applies under every request-quota setting, AWS default included', async () => {
    for (const setting of [false, 'aws', {}] as const) {
      fixture = await startKms({ quotas: setting });
      expect(fixture.kms.quotas.options.customerManagedKeys).toBe(100_000);
      await fixture.close();
      fixture = undefined;
    }
    const { kms, client } = await withKeyQuota(0);
    expect((await failureOf(client.send(new CreateKeyCommand({})))).message).toBe(quotaText(0, 0));
    expect(kms.quotas.resourceUsage()).toEqual([]);
  });
});

describe('the key quota after reopening a data directory', () => {
  it.each([
    ['from the journal', undefined],
    ['from a snapshot', 0],
  ])('counts the keys recovered %s', async (_how, snapshotThresholdBytes) => {
    const clock = new ManualClock(Date.UTC(2025, 5, 1));
    const directory = await tempDirectory();
    const quotas = { enabled: false, customerManagedKeys: 3 } as const;
    const open = async () => {
      const store = await openDirectoryStore({ directory, rootKey: ROOT_KEY, ...(snapshotThresholdBytes === undefined ? {} : { snapshotThresholdBytes }) });
      return startKms({ clock, store, quotas });
    };
    fixture = await open();
    await createKey(fixture.client);
    const doomed = await createKey(fixture.client);
    await createKey(fixture.client, { Origin: 'EXTERNAL' });
    await fixture.client.send(new ScheduleKeyDeletionCommand({ KeyId: doomed, PendingWindowInDays: 7 }));
    await fixture.client.send(new DescribeKeyCommand({ KeyId: 'alias/aws/ebs' }));
    await fixture.close();

    fixture = await open();
    expect(fixture.kms.quotas.resourceUsage()).toEqual([{ account: ACCOUNT, region: REGION, quota: 'customerManagedKeys', limit: 3, usage: 3 }]);
    expect((await failureOf(fixture.client.send(new CreateKeyCommand({})))).message).toBe(quotaText(3, 3));
    clock.advance(7 * DAY);
    await createKey(fixture.client);
    await fixture.close();

    // The deletion and the new key were journaled too.
    fixture = await open();
    expect(fixture.kms.quotas.resourceUsage()).toEqual([{ account: ACCOUNT, region: REGION, quota: 'customerManagedKeys', limit: 3, usage: 3 }]);
    expect((await failureOf(fixture.client.send(new CreateKeyCommand({})))).message).toBe(quotaText(3, 3));
  });
});
