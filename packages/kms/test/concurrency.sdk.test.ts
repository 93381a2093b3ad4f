/**
 * Concurrent requests through the official AWS SDK client: AWS KMS answers each request as if
 * requests took effect one at a time, so of two calls in flight that conflict, exactly one wins and
 * the other gets the answer it would get after it, and no call writes back a stale copy of what
 * another changed. Each case runs its two calls together (`Promise.allSettled`), on the in-memory
 * store and on a data directory (whose commits apply at once and become durable later).
 */

import { constants, createPublicKey, publicEncrypt } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CancelKeyDeletionCommand,
  CreateAliasCommand,
  CreateGrantCommand,
  CreateKeyCommand,
  type CreateKeyCommandInput,
  DeleteAliasCommand,
  DeleteImportedKeyMaterialCommand,
  DescribeKeyCommand,
  EncryptCommand,
  GetParametersForImportCommand,
  ImportKeyMaterialCommand,
  type KeyMetadata,
  type KMSClient,
  ListAliasesCommand,
  ListGrantsCommand,
  ListKeysCommand,
  ReplicateKeyCommand,
  RotateKeyOnDemandCommand,
  ScheduleKeyDeletionCommand,
  UpdateAliasCommand,
} from '@aws-sdk/client-kms';
import { type FaultHook, ManualClock } from '@strongbox/service-kernel';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChangeStore, DEFAULT_CUSTOMER_MANAGED_KEYS, openDirectoryStore } from '../src/index.ts';
import { MAX_GRANTS_PER_KEY } from '../src/model/grants.ts';
import { KmsState } from '../src/model/state.ts';
import { type FileIo, nodeFileIo } from '../src/persistence/files.ts';
import { MemoryStore } from '../src/persistence/store.ts';
import { ROOT_KEY } from './fixtures/persistence.ts';
import { type SdkFixture, startKms } from './helpers/sdk.ts';

const GRANTEE = 'arn:aws:iam::000000000000:user/alice';

/** What each call, run concurrently, came to: `'ok'` or its error's name (sorted: the order calls finish in is not the point). */
async function outcomes(...calls: Promise<unknown>[]): Promise<string[]> {
  return (await Promise.allSettled(calls)).map((settled) => (settled.status === 'fulfilled' ? 'ok' : (settled.reason as Error).name)).sort();
}

describe.each(['memory', 'data directory'])('two conflicting calls in flight (%s store)', (kind) => {
  const clock = new ManualClock(Date.UTC(2025, 5, 1));
  let directory: string | undefined;
  let store: ChangeStore;
  let fixture: SdkFixture;
  let kms: KMSClient;

  beforeAll(async () => {
    if (kind === 'memory') store = new MemoryStore(new KmsState());
    else store = await openDirectoryStore({ directory: (directory = await mkdtemp(join(tmpdir(), 'strongbox-kms-concurrency-'))), rootKey: ROOT_KEY });
    // A day-long on-demand rotation: the second call finds the first still running, whatever the timing.
    fixture = await startKms({ clock, store, onDemandRotationDelayMs: 86_400_000 });
    kms = fixture.client;
  });
  afterAll(async () => {
    await fixture.close();
    if (directory !== undefined) await rm(directory, { recursive: true, force: true });
  });

  async function newKey(input: CreateKeyCommandInput = {}): Promise<KeyMetadata> {
    return (await kms.send(new CreateKeyCommand(input))).KeyMetadata!;
  }

  async function aliasTarget(aliasName: string): Promise<string | undefined> {
    const aliases = (await kms.send(new ListAliasesCommand({}))).Aliases ?? [];
    return aliases.find((alias) => alias.AliasName === aliasName)?.TargetKeyId;
  }

  it('creates an alias once when two CreateAlias of its name run concurrently', async () => {
    const [a, b] = [await newKey(), await newKey()];
    const both = await outcomes(
      kms.send(new CreateAliasCommand({ AliasName: 'alias/twice', TargetKeyId: a.KeyId })),
      kms.send(new CreateAliasCommand({ AliasName: 'alias/twice', TargetKeyId: b.KeyId })),
    );
    expect(both).toEqual(['AlreadyExistsException', 'ok']);
    expect([a.KeyId, b.KeyId]).toContain(await aliasTarget('alias/twice'));
  });

  it('deletes an alias once when two DeleteAlias of it run concurrently', async () => {
    const key = await newKey();
    await kms.send(new CreateAliasCommand({ AliasName: 'alias/gone', TargetKeyId: key.KeyId }));
    const both = await outcomes(kms.send(new DeleteAliasCommand({ AliasName: 'alias/gone' })), kms.send(new DeleteAliasCommand({ AliasName: 'alias/gone' })));
    expect(both).toEqual(['NotFoundException', 'ok']);
    expect(await aliasTarget('alias/gone')).toBeUndefined();
  });

  it('never brings back an alias that a concurrent DeleteAlias removed (UpdateAlias either comes first or is refused)', async () => {
    const [a, b] = [await newKey(), await newKey()];
    await kms.send(new CreateAliasCommand({ AliasName: 'alias/moving', TargetKeyId: a.KeyId }));
    const [updated, deleted] = await Promise.allSettled([
      kms.send(new UpdateAliasCommand({ AliasName: 'alias/moving', TargetKeyId: b.KeyId })),
      kms.send(new DeleteAliasCommand({ AliasName: 'alias/moving' })),
    ]);
    expect(deleted.status).toBe('fulfilled');
    if (updated.status === 'rejected') expect((updated.reason as Error).name).toBe('NotFoundException');
    expect(await aliasTarget('alias/moving')).toBeUndefined();
  });

  it('makes one grant of two concurrent CreateGrant with the same Name and parameters', async () => {
    const key = await newKey();
    const request = { KeyId: key.KeyId, GranteePrincipal: GRANTEE, Operations: ['Decrypt' as const], Name: 'once' };
    const [first, second] = await Promise.all([kms.send(new CreateGrantCommand(request)), kms.send(new CreateGrantCommand(request))]);
    expect(second.GrantId).toBe(first.GrantId);
    expect((await kms.send(new ListGrantsCommand({ KeyId: key.KeyId }))).Grants?.map((grant) => grant.GrantId)).toEqual([first.GrantId]);
  });

  it('admits one of two concurrent CreateGrant for the last grant of the 50,000-grant quota', async () => {
    const key = await newKey();
    for (let i = 1; i < MAX_GRANTS_PER_KEY; i++) {
      store.state.apply({
        type: 'putGrant',
        grant: {
          grantId: `${kind.length}${i.toString(16).padStart(63, '0')}`,
          keyId: key.KeyId!,
          region: 'us-east-1',
          name: '',
          creationDate: clock.now(),
          granteePrincipal: GRANTEE,
          issuingAccount: 'arn:aws:iam::000000000000:root',
          operations: ['Encrypt'],
        },
      });
    }
    const both = await outcomes(
      kms.send(new CreateGrantCommand({ KeyId: key.KeyId, GranteePrincipal: GRANTEE, Operations: ['Decrypt'] })),
      kms.send(new CreateGrantCommand({ KeyId: key.KeyId, GranteePrincipal: GRANTEE, Operations: ['Encrypt'] })),
    );
    expect(both).toEqual(['LimitExceededException', 'ok']);
    expect(store.state.grantsOf(key.KeyId!, 'us-east-1')).toHaveLength(MAX_GRANTS_PER_KEY);
  });

  it('schedules a deletion once, and cancels it once, when each call runs twice concurrently', async () => {
    const key = await newKey();
    const scheduled = await outcomes(
      kms.send(new ScheduleKeyDeletionCommand({ KeyId: key.KeyId, PendingWindowInDays: 7 })),
      kms.send(new ScheduleKeyDeletionCommand({ KeyId: key.Arn, PendingWindowInDays: 30 })),
    );
    expect(scheduled).toEqual(['KMSInvalidStateException', 'ok']);
    const cancelled = await outcomes(kms.send(new CancelKeyDeletionCommand({ KeyId: key.KeyId })), kms.send(new CancelKeyDeletionCommand({ KeyId: key.Arn })));
    expect(cancelled).toEqual(['KMSInvalidStateException', 'ok']);
    expect((await kms.send(new DescribeKeyCommand({ KeyId: key.KeyId }))).KeyMetadata?.KeyState).toBe('Disabled');
  });

  it('starts one on-demand rotation of two concurrent RotateKeyOnDemand', async () => {
    const key = await newKey();
    const both = await outcomes(kms.send(new RotateKeyOnDemandCommand({ KeyId: key.KeyId })), kms.send(new RotateKeyOnDemandCommand({ KeyId: key.KeyId })));
    expect(both).toEqual(['ConflictException', 'ok']);
  });

  it('makes one replica of two concurrent ReplicateKey to one Region', async () => {
    const key = await newKey({ MultiRegion: true });
    const both = await outcomes(
      kms.send(new ReplicateKeyCommand({ KeyId: key.KeyId, ReplicaRegion: 'us-west-2' })),
      kms.send(new ReplicateKeyCommand({ KeyId: key.KeyId, ReplicaRegion: 'us-west-2', Description: 'second' })),
    );
    expect(both).toEqual(['AlreadyExistsException', 'ok']);
    const replicas = (await kms.send(new DescribeKeyCommand({ KeyId: key.KeyId }))).KeyMetadata?.MultiRegionConfiguration?.ReplicaKeys;
    expect(replicas?.map((replica) => replica.Region)).toEqual(['us-west-2']);
  });

  /** Runs `race` with the key quota set to one more key than the account has in `region`, then turns it back to the default. */
  async function atLastKey(region: string, race: () => Promise<string[]>): Promise<{ outcomes: string[]; before: number; after: number }> {
    const before = store.state.customerManagedKeyCount('000000000000', region);
    fixture.kms.quotas.configure({ customerManagedKeys: before + 1 });
    try {
      return { outcomes: await race(), before, after: store.state.customerManagedKeyCount('000000000000', region) };
    } finally {
      fixture.kms.quotas.configure({ customerManagedKeys: DEFAULT_CUSTOMER_MANAGED_KEYS });
    }
  }

  it.each<[string, CreateKeyCommandInput]>([
    ['symmetric', {}],
    // Generating a key pair is asynchronous: both calls pass the first quota check before either commits.
    ['RSA_2048', { KeySpec: 'RSA_2048', KeyUsage: 'SIGN_VERIFY' }],
  ])('creates one key of two concurrent CreateKey (%s) for the last key of the key quota', async (_spec, input) => {
    const race = await atLastKey('us-east-1', () => outcomes(kms.send(new CreateKeyCommand(input)), kms.send(new CreateKeyCommand(input))));
    expect(race.outcomes).toEqual(['LimitExceededException', 'ok']);
    expect(race.after).toBe(race.before + 1);
  });

  it('makes one replica of two concurrent ReplicateKey of two keys into a Region with room for one more key', async () => {
    const [first, second] = [await newKey({ MultiRegion: true }), await newKey({ MultiRegion: true })];
    const race = await atLastKey('ca-central-1', () =>
      outcomes(
        kms.send(new ReplicateKeyCommand({ KeyId: first.KeyId, ReplicaRegion: 'ca-central-1' })),
        kms.send(new ReplicateKeyCommand({ KeyId: second.KeyId, ReplicaRegion: 'ca-central-1' })),
      ),
    );
    expect(race.outcomes).toEqual(['LimitExceededException', 'ok']);
    expect(race.after).toBe(race.before + 1);
  });

  it('creates one AWS managed key when two requests use its alias for the first time concurrently', async () => {
    const before = (await kms.send(new ListKeysCommand({}))).Keys?.length ?? 0;
    const [first, second] = await Promise.all([
      kms.send(new DescribeKeyCommand({ KeyId: 'alias/aws/ebs' })),
      kms.send(new DescribeKeyCommand({ KeyId: 'alias/aws/ebs' })),
    ]);
    expect(second.KeyMetadata?.KeyId).toBe(first.KeyMetadata?.KeyId);
    expect((await kms.send(new ListKeysCommand({}))).Keys).toHaveLength(before + 1);
  });

  it('leaves an imported key consistent when ImportKeyMaterial and DeleteImportedKeyMaterial run concurrently', async () => {
    const key = await newKey({ Origin: 'EXTERNAL' });
    const parameters = await kms.send(
      new GetParametersForImportCommand({ KeyId: key.KeyId, WrappingAlgorithm: 'RSAES_OAEP_SHA_256', WrappingKeySpec: 'RSA_2048' }),
    );
    const material = new Uint8Array(32).fill(7);
    const wrappingKey = createPublicKey({ key: Buffer.from(parameters.PublicKey!), format: 'der', type: 'spki' });
    const wrapped = publicEncrypt({ key: wrappingKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, material);
    const both = await outcomes(
      kms.send(
        new ImportKeyMaterialCommand({
          KeyId: key.KeyId,
          ImportToken: parameters.ImportToken,
          EncryptedKeyMaterial: wrapped,
          ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE',
        }),
      ),
      kms.send(new DeleteImportedKeyMaterialCommand({ KeyId: key.KeyId })),
    );
    expect(both).toEqual(['ok', 'ok']);
    // Whichever came last decides: Enabled with its material, or PendingImport without; never a
    // stale copy that mixes the two.
    const state = (await kms.send(new DescribeKeyCommand({ KeyId: key.KeyId }))).KeyMetadata?.KeyState;
    const encrypted = await outcomes(kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: new Uint8Array([1]) })));
    expect(['Enabled', 'PendingImport']).toContain(state);
    expect(encrypted).toEqual(state === 'Enabled' ? ['ok'] : ['KMSInvalidStateException']);
  });
});

/**
 * A file layer whose next write, once `hold()` armed it, waits for `release`: with room it goes
 * through, without it fails with ENOSPC, as a full disk does.
 */
function heldWrites(): { io: FileIo; hold(): { arrived: Promise<void>; release(room: boolean): void } } {
  let held: { arrived(): void; room: Promise<boolean> } | undefined;
  const io: FileIo = {
    async write(handle, bytes) {
      const hold = held;
      held = undefined;
      if (hold !== undefined) {
        hold.arrived();
        if (!(await hold.room)) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', errno: -28 });
      }
      await nodeFileIo.write(handle, bytes);
    },
    sync: (handle) => nodeFileIo.sync(handle),
  };
  return {
    io,
    hold() {
      let arrived!: () => void;
      let release!: (room: boolean) => void;
      const reached = new Promise<void>((resolve) => (arrived = resolve));
      held = { arrived, room: new Promise<boolean>((resolve) => (release = resolve)) };
      return { arrived: reached, release };
    },
  };
}

describe('a refusal that rests on a change not yet durable (data directory)', () => {
  let directory: string;
  let disk: ReturnType<typeof heldWrites>;
  let fixture: SdkFixture;
  let kms: KMSClient;
  /** Called with each operation as the pipeline takes it up; its handler runs in the same step. */
  let onCall: ((operation: string) => void) | undefined;

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'strongbox-kms-concurrency-'));
    disk = heldWrites();
    const store = await openDirectoryStore({ directory, rootKey: ROOT_KEY, io: disk.io });
    // The directory store's commits, roll-backs and durability barriers without its audit log,
    // whose writes go through the same file layer and could take the held write.
    const journalOnly: ChangeStore = {
      state: store.state,
      commit: (changes) => store.commit(changes),
      whenDurable: () => store.whenDurable(),
      refusal: () => store.refusal(),
      close: () => store.close(),
    };
    const faults: FaultHook = { armed: true, inject: (operation) => void onCall?.(operation) };
    fixture = await startKms({ clock: new ManualClock(Date.UTC(2025, 5, 1)), store: journalOnly, faults });
    kms = fixture.client;
  });
  afterAll(async () => {
    await fixture.close();
    await rm(directory, { recursive: true, force: true });
  });

  /** Two CreateAlias of one name: the second is served while the first's record is being written. */
  async function createTwiceWhileWriting(aliasName: string, room: boolean): Promise<string[]> {
    const key = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!;
    const write = disk.hold();
    const first = kms.send(new CreateAliasCommand({ AliasName: aliasName, TargetKeyId: key.KeyId }));
    await write.arrived;
    const served = new Promise<void>((resolve) => (onCall = (operation) => operation === 'CreateAlias' && resolve()));
    const second = kms.send(new CreateAliasCommand({ AliasName: aliasName, TargetKeyId: key.KeyId }));
    await served;
    onCall = undefined;
    write.release(room);
    return outcomes(first, second);
  }

  it('refuses the second CreateAlias of a name once the first one is durable', async () => {
    expect(await createTwiceWhileWriting('alias/kept', true)).toEqual(['AlreadyExistsException', 'ok']);
    expect((await kms.send(new ListAliasesCommand({}))).Aliases?.map((alias) => alias.AliasName)).toContain('alias/kept');
  });

  it('does not refuse the second CreateAlias of a name for a first one the full disk then rolled back', async () => {
    // Both fail with KMSInternalException (retryable): the first's change was rolled back, and the
    // refusal of the second rested on it. AlreadyExistsException would name an alias that exists
    // in no order of the two calls.
    expect(await createTwiceWhileWriting('alias/lost', false)).toEqual(['KMSInternalException', 'KMSInternalException']);
    expect((await kms.send(new ListAliasesCommand({}))).Aliases?.map((alias) => alias.AliasName)).not.toContain('alias/lost');
    // Nothing is left refused: the name is free.
    const key = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!;
    await kms.send(new CreateAliasCommand({ AliasName: 'alias/lost', TargetKeyId: key.KeyId }));
  });

  /** The default account's customer managed keys in the default Region. */
  const keyUsage = (): number => fixture.kms.quotas.resourceUsage().find((usage) => usage.region === 'us-east-1')?.usage ?? 0;

  /** Two CreateKey for the last key of the key quota: the second is served while the first's record is being written. */
  async function createKeysWhileWriting(room: boolean): Promise<{ outcomes: string[]; before: number; after: number }> {
    const before = keyUsage();
    fixture.kms.quotas.configure({ customerManagedKeys: before + 1 });
    try {
      const write = disk.hold();
      const first = kms.send(new CreateKeyCommand({}));
      await write.arrived;
      const served = new Promise<void>((resolve) => (onCall = (operation) => operation === 'CreateKey' && resolve()));
      const second = kms.send(new CreateKeyCommand({}));
      await served;
      onCall = undefined;
      write.release(room);
      return { outcomes: await outcomes(first, second), before, after: keyUsage() };
    } finally {
      fixture.kms.quotas.configure({ customerManagedKeys: DEFAULT_CUSTOMER_MANAGED_KEYS });
    }
  }

  it('refuses the second CreateKey for the last key of the key quota once the first one is durable', async () => {
    const race = await createKeysWhileWriting(true);
    expect(race.outcomes).toEqual(['LimitExceededException', 'ok']);
    expect(race.after).toBe(race.before + 1);
  });

  it('does not refuse a CreateKey over the key quota for a key the full disk then rolled back', async () => {
    // The rolled-back key no longer counts, so the refusal that rested on it is not sent either.
    const race = await createKeysWhileWriting(false);
    expect(race.outcomes).toEqual(['KMSInternalException', 'KMSInternalException']);
    expect(race.after).toBe(race.before);
  });
});
