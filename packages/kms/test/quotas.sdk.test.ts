/**
 * Throttling as clients see it: `ThrottlingException` with KMS's exact text and HTTP 400 through the
 * official SDK, and whose account a call is counted against (the caller's, for cross-account use
 * and for calls an AWS service makes on the caller's behalf). AWS: "Request quotas" and
 * "Throttling" in the KMS Developer Guide; wire body captured in hyperlane-xyz/hyperlane-monorepo#2391.
 */

import {
  CreateKeyCommand,
  DecryptCommand,
  DescribeKeyCommand,
  EncryptCommand,
  GenerateDataKeyCommand,
  type KMSClient,
  ReplicateKeyCommand,
  UpdatePrimaryRegionCommand,
} from '@aws-sdk/client-kms';
import { describe, expect, it } from 'vitest';
import { createSigV4Authenticator } from '../src/http.ts';
import { Kms, KmsError, ManualClock, NO_USERS, principalFromArn } from '../src/index.ts';
import { failureOf, startKms } from './helpers/sdk.ts';

const THROTTLED = 'You have exceeded the rate at which you may call KMS. Reduce the frequency of your calls.';
const ALICE_ARN = 'arn:aws:iam::111122223333:user/alice';
/** Alice may call every KMS action (IAM identity policy), so only the quota can refuse her. */
const ALICE = principalFromArn(ALICE_ARN, {
  identityPolicy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'kms:*', Resource: '*' }] }),
});

/** The code and message a rejected in-process call carries. */
async function refusal(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof KmsError) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error('expected the call to fail, but it succeeded');
}

describe('ThrottlingException through @aws-sdk/client-kms', () => {
  // The SDK retries ThrottlingException on its own (it is in smithy's THROTTLING_ERROR_CODES), which
  // would hide the refusal: the fixture's client has maxAttempts: 1.
  it("answers the call over the quota with KMS's exact text and HTTP 400, and admits again a second later", async () => {
    const clock = new ManualClock();
    const fixture = await startKms({ clock, quotas: { overrides: { CreateKey: 1 } } });
    try {
      await fixture.client.send(new CreateKeyCommand({}));
      const failure = await failureOf(fixture.client.send(new CreateKeyCommand({})));
      expect(failure).toEqual({ name: 'ThrottlingException', message: THROTTLED, status: 400 });
      clock.advance(1000);
      await expect(fixture.client.send(new CreateKeyCommand({}))).resolves.toBeDefined();
    } finally {
      await fixture.close();
    }
  });

  it('shares one quota among Encrypt, GenerateDataKey and Decrypt', async () => {
    const clock = new ManualClock();
    const fixture = await startKms({ clock, quotas: { cryptographic: 3 } });
    try {
      const { KeyMetadata } = await fixture.client.send(new CreateKeyCommand({}));
      const keyId = KeyMetadata!.KeyId!;
      const { CiphertextBlob } = await fixture.client.send(new EncryptCommand({ KeyId: keyId, Plaintext: new Uint8Array([1]) }));
      await fixture.client.send(new GenerateDataKeyCommand({ KeyId: keyId, NumberOfBytes: 16 }));
      await fixture.client.send(new DecryptCommand({ CiphertextBlob }));
      const failure = await failureOf(fixture.client.send(new EncryptCommand({ KeyId: keyId, Plaintext: new Uint8Array([1]) })));
      expect(failure).toEqual({ name: 'ThrottlingException', message: THROTTLED, status: 400 });
      // CreateKey has its own quota, untouched by the cryptographic one.
      await expect(fixture.client.send(new CreateKeyCommand({}))).resolves.toBeDefined();
    } finally {
      await fixture.close();
    }
  });
});

describe('whose account a call counts against', () => {
  it("applies only the shared cryptographic quota by default: the README's new Kms() creates many keys in one instant", async () => {
    const clock = new ManualClock();
    const kms = new Kms({ clock });
    for (let i = 0; i < 30; i++) await kms.createKey({});
    expect(kms.quotas.limitOf('cryptographic')).toBe(100_000); // us-east-1
    kms.quotas.configure({ cryptographic: 2 });
    const { KeyMetadata } = await kms.createKey({});
    await kms.generateRandom({ NumberOfBytes: 8 });
    await kms.encrypt({ KeyId: KeyMetadata.KeyId, Plaintext: new Uint8Array(1) });
    expect(await refusal(kms.generateRandom({ NumberOfBytes: 8 }))).toEqual({ code: 'ThrottlingException', message: THROTTLED });
  });

  it("applies every operation's own quota with quotas: 'aws' (the sixth CreateKey in one second is throttled), none with quotas: false", async () => {
    const clock = new ManualClock();
    const limited = new Kms({ clock, quotas: 'aws' });
    for (let i = 0; i < 5; i++) await limited.createKey({});
    expect(await refusal(limited.createKey({}))).toEqual({ code: 'ThrottlingException', message: THROTTLED });
    expect(limited.quotas.usage()).toEqual([
      { account: limited.account, region: limited.region, quota: 'CreateKey', limit: 5, lastSecond: 5, admitted: 5, throttled: 1 },
    ]);
    const unlimited = new Kms({ clock, quotas: false });
    for (let i = 0; i < 20; i++) await unlimited.createKey({});
  });

  it('takes a new setting on a running emulator: throttling starts and stops without a restart', async () => {
    const kms = new Kms({ clock: new ManualClock() });
    await kms.createKey({});
    kms.quotas.configure('aws');
    for (let i = 0; i < 5; i++) await kms.createKey({});
    expect((await refusal(kms.createKey({}))).code).toBe('ThrottlingException');
    expect(() => kms.quotas.configure({ profile: 'none' as never })).toThrow(RangeError);
    expect((await refusal(kms.createKey({}))).code).toBe('ThrottlingException');
    kms.quotas.configure(false);
    await kms.createKey({});
  });

  it('keeps operations apart: CreateKey throttled does not affect Encrypt', async () => {
    const kms = new Kms({ clock: new ManualClock(), quotas: { overrides: { CreateKey: 1 } } });
    const { KeyMetadata } = await kms.createKey({});
    expect(await refusal(kms.createKey({}))).toEqual({ code: 'ThrottlingException', message: THROTTLED });
    await expect(kms.encrypt({ KeyId: KeyMetadata.KeyId, Plaintext: new Uint8Array([1]) })).resolves.toMatchObject({ KeyId: KeyMetadata.Arn });
  });

  it('counts a call made with another caller against that caller’s account, not the default one', async () => {
    const kms = new Kms({ clock: new ManualClock(), quotas: { overrides: { CreateKey: 1 } } });
    await kms.createKey({}, { caller: ALICE });
    expect(await refusal(kms.createKey({}, { caller: ALICE }))).toEqual({ code: 'ThrottlingException', message: THROTTLED });
    await expect(kms.createKey({})).resolves.toBeDefined();
  });

  it("throttles the calling account for cross-account use of a key, not the key owner's", async () => {
    const kms = new Kms({ clock: new ManualClock(), quotas: { cryptographic: 2 } });
    const { KeyMetadata } = await kms.createKey({});
    // Alice's calls are counted before authorization decides about them (AccessDenied or not).
    for (let i = 0; i < 2; i++) await kms.encrypt({ KeyId: KeyMetadata.Arn, Plaintext: new Uint8Array([1]) }, { caller: ALICE }).catch(() => undefined);
    expect(await refusal(kms.encrypt({ KeyId: KeyMetadata.Arn, Plaintext: new Uint8Array([1]) }, { caller: ALICE }))).toEqual({
      code: 'ThrottlingException',
      message: THROTTLED,
    });
    await expect(kms.encrypt({ KeyId: KeyMetadata.Arn, Plaintext: new Uint8Array([1]) })).resolves.toMatchObject({ KeyId: KeyMetadata.Arn });
  });

  it("counts calls an AWS service makes on a principal's behalf against the principal's account", async () => {
    const kms = new Kms({ clock: new ManualClock(), quotas: { overrides: { CreateKey: 2 } } });
    const viaS3 = { ...ALICE, invokedBy: 's3.amazonaws.com' };
    await kms.createKey({}, { caller: ALICE });
    await kms.createKey({}, { caller: viaS3 });
    expect(await refusal(kms.createKey({}, { caller: ALICE }))).toEqual({ code: 'ThrottlingException', message: THROTTLED });
    expect(await refusal(kms.createKey({}, { caller: viaS3 }))).toEqual({ code: 'ThrottlingException', message: THROTTLED });
    await expect(kms.createKey({})).resolves.toBeDefined();
  });

  it('audits throttled calls with errorCode ThrottlingException', async () => {
    const kms = new Kms({ clock: new ManualClock(), quotas: { overrides: { DescribeKey: 1 } } });
    const { KeyMetadata } = await kms.createKey({});
    await kms.describeKey({ KeyId: KeyMetadata.KeyId });
    await kms.describeKey({ KeyId: KeyMetadata.KeyId }).catch(() => undefined);
    const [newest] = kms.auditTrail.lookup({ eventName: 'DescribeKey' }).records;
    expect(newest).toMatchObject({
      eventName: 'DescribeKey',
      errorCode: 'ThrottlingException',
      errorMessage: THROTTLED,
      requestParameters: { keyId: KeyMetadata.KeyId },
    });
  });
});

describe('ReplicateKey against the replica Region’s quotas', () => {
  // "A ReplicateKey operation counts as one ReplicateKey request in the primary key's Region and
  // two CreateKey requests in the replica's Region" ("Request quotas", ReplicateKey request rate).
  const WEST = 'us-west-2';
  const EAST = 'us-east-1';
  const sorted = (kms: Kms) =>
    kms.quotas
      .usage()
      .map(({ region, quota, admitted, throttled }) => ({ region, quota, admitted, throttled }))
      .sort((a, b) => `${a.region}/${a.quota}`.localeCompare(`${b.region}/${b.quota}`));

  it('counts one ReplicateKey in the primary Region and two CreateKey in the replica Region', async () => {
    const kms = new Kms({ clock: new ManualClock(), quotas: { profile: 'aws', overrides: { CreateKey: 3 } } });
    const { KeyMetadata } = await kms.createKey({ MultiRegion: true });
    await kms.replicateKey({ KeyId: KeyMetadata.KeyId, ReplicaRegion: WEST });
    expect(sorted(kms)).toEqual([
      { region: EAST, quota: 'CreateKey', admitted: 1, throttled: 0 },
      { region: EAST, quota: 'ReplicateKey', admitted: 1, throttled: 0 },
      { region: WEST, quota: 'CreateKey', admitted: 2, throttled: 0 },
    ]);
    // The replica Region's CreateKey quota (3/s) has one request left this second; the primary's has two.
    await kms.createKey({}, { region: WEST });
    expect(await refusal(kms.createKey({}, { region: WEST }))).toEqual({ code: 'ThrottlingException', message: THROTTLED });
    await kms.createKey({});
    await kms.createKey({});
  });

  it('throttles a ReplicateKey whose replica Region has no room for both CreateKey requests, and makes no replica', async () => {
    const clock = new ManualClock();
    const kms = new Kms({ clock, quotas: { profile: 'aws', overrides: { CreateKey: 1 } } });
    const { KeyMetadata } = await kms.createKey({ MultiRegion: true });
    expect(await refusal(kms.replicateKey({ KeyId: KeyMetadata.KeyId, ReplicaRegion: WEST }))).toEqual({
      code: 'ThrottlingException',
      message: THROTTLED,
    });
    expect((await kms.describeKey({ KeyId: KeyMetadata.KeyId })).KeyMetadata.MultiRegionConfiguration?.ReplicaKeys).toEqual([]);
    expect((await kms.listKeys({}, { region: WEST })).Keys).toEqual([]);
    // The dry run was admitted, the CreateKey after it throttled.
    expect(sorted(kms).find((usage) => usage.region === WEST)).toEqual({ region: WEST, quota: 'CreateKey', admitted: 1, throttled: 1 });
    // With CreateKey at 2/s the replica Region has room for both.
    kms.quotas.configure({ profile: 'aws', overrides: { CreateKey: 2 } });
    clock.advance(1000);
    const { ReplicaKeyMetadata } = await kms.replicateKey({ KeyId: KeyMetadata.KeyId, ReplicaRegion: WEST });
    expect(ReplicaKeyMetadata.Arn).toContain(`:${WEST}:`);
  });

  it('counts nothing under the default cryptographic profile, which has no CreateKey quota', async () => {
    const kms = new Kms({ clock: new ManualClock() });
    const { KeyMetadata } = await kms.createKey({ MultiRegion: true });
    await kms.replicateKey({ KeyId: KeyMetadata.KeyId, ReplicaRegion: WEST });
    expect(kms.quotas.usage()).toEqual([]);
  });
});

describe('UpdatePrimaryRegion against both Regions’ quotas, through @aws-sdk/client-kms', () => {
  // "An UpdatePrimaryRegion operation counts as two UpdatePrimaryRegion requests; one request in
  // each of the two affected Regions" ("Request quotas", UpdatePrimaryRegion request rate,
  // https://docs.aws.amazon.com/kms/latest/developerguide/requests-per-second.html).
  const EAST = 'us-east-1';
  const WEST = 'us-west-2';
  const SYDNEY = 'ap-southeast-2';
  const ACCOUNT = '000000000000';

  /** An emulator whose UpdatePrimaryRegion quota is 1/s, and a client signing for each Region. */
  async function start(clock: ManualClock) {
    // SigV4 gives each request the Region its client signed for.
    const fixture = await startKms(
      { clock, quotas: { overrides: { UpdatePrimaryRegion: 1 } } },
      { authenticate: createSigV4Authenticator({ users: NO_USERS, strict: false, account: ACCOUNT, region: EAST }) },
    );
    const clients: Readonly<Record<string, KMSClient>> = {
      [EAST]: fixture.client,
      [WEST]: fixture.clientFor({ region: WEST }),
      [SYDNEY]: fixture.clientFor({ region: SYDNEY }),
    };
    /** A multi-Region key whose primary is in `primary` with a replica in `replica`. */
    const multiRegionKey = async (primary: string, replica: string): Promise<string> => {
      const { KeyMetadata } = await clients[primary]!.send(new CreateKeyCommand({ MultiRegion: true }));
      await clients[primary]!.send(new ReplicateKeyCommand({ KeyId: KeyMetadata!.KeyId!, ReplicaRegion: replica }));
      return KeyMetadata!.KeyId!;
    };
    const primaryRegionOf = async (keyId: string, region: string) =>
      (await clients[region]!.send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata?.MultiRegionConfiguration?.PrimaryKey?.Region;
    const usage = () =>
      fixture.kms.quotas
        .usage()
        .filter(({ quota }) => quota === 'UpdatePrimaryRegion')
        .map(({ region, admitted, throttled }) => ({ region, admitted, throttled }))
        .sort((a, b) => a.region.localeCompare(b.region));
    return { fixture, clients, multiRegionKey, primaryRegionOf, usage };
  }

  it('counts one request in the current primary’s Region and one in the new primary’s Region', async () => {
    const clock = new ManualClock();
    const { fixture, clients, multiRegionKey, usage } = await start(clock);
    try {
      const keyId = await multiRegionKey(EAST, WEST);
      await clients[EAST]!.send(new UpdatePrimaryRegionCommand({ KeyId: keyId, PrimaryRegion: WEST }));
      expect(usage()).toEqual([
        { region: EAST, admitted: 1, throttled: 0 },
        { region: WEST, admitted: 1, throttled: 0 },
      ]);
      // The new primary's Region has used its one request this second, so moving the primary back
      // from there is throttled until the next second.
      const failure = await failureOf(clients[WEST]!.send(new UpdatePrimaryRegionCommand({ KeyId: keyId, PrimaryRegion: EAST })));
      expect(failure).toEqual({ name: 'ThrottlingException', message: THROTTLED, status: 400 });
      clock.advance(1000);
      await expect(clients[WEST]!.send(new UpdatePrimaryRegionCommand({ KeyId: keyId, PrimaryRegion: EAST }))).resolves.toBeDefined();
    } finally {
      await fixture.close();
    }
  });

  it('counts nothing in a named Region that holds no replica (not an affected Region): NotFoundException', async () => {
    const clock = new ManualClock();
    const { fixture, clients, multiRegionKey, usage } = await start(clock);
    try {
      const keyId = await multiRegionKey(EAST, WEST);
      for (const region of [SYDNEY, 'zz-fake-1']) {
        clock.advance(1000);
        const failure = await failureOf(clients[EAST]!.send(new UpdatePrimaryRegionCommand({ KeyId: keyId, PrimaryRegion: region })));
        expect(failure).toMatchObject({ name: 'NotFoundException', status: 400 });
      }
      // Only the caller's Region counted the calls; no counter exists for either named Region.
      expect(usage()).toEqual([{ region: EAST, admitted: 2, throttled: 0 }]);
      expect(fixture.kms.quotas.usage().filter(({ region }) => region === SYDNEY || region === 'zz-fake-1')).toEqual([]);
    } finally {
      await fixture.close();
    }
  });

  it('throttles an UpdatePrimaryRegion whose new primary’s Region has no room, and changes neither key', async () => {
    const clock = new ManualClock();
    const { fixture, clients, multiRegionKey, primaryRegionOf, usage } = await start(clock);
    try {
      const first = await multiRegionKey(EAST, WEST);
      const second = await multiRegionKey(SYDNEY, WEST);
      // The first call uses us-west-2's one request this second ...
      await clients[EAST]!.send(new UpdatePrimaryRegionCommand({ KeyId: first, PrimaryRegion: WEST }));
      // ... so the second, admitted in Sydney, is throttled in us-west-2.
      const failure = await failureOf(clients[SYDNEY]!.send(new UpdatePrimaryRegionCommand({ KeyId: second, PrimaryRegion: WEST })));
      expect(failure).toEqual({ name: 'ThrottlingException', message: THROTTLED, status: 400 });
      expect(await primaryRegionOf(second, SYDNEY)).toBe(SYDNEY);
      expect(await primaryRegionOf(second, WEST)).toBe(SYDNEY);
      expect(usage()).toEqual([
        { region: SYDNEY, admitted: 1, throttled: 0 },
        { region: EAST, admitted: 1, throttled: 0 },
        { region: WEST, admitted: 1, throttled: 1 },
      ]);
      clock.advance(1000);
      await clients[SYDNEY]!.send(new UpdatePrimaryRegionCommand({ KeyId: second, PrimaryRegion: WEST }));
      expect(await primaryRegionOf(second, SYDNEY)).toBe(WEST);
    } finally {
      await fixture.close();
    }
  });
});
