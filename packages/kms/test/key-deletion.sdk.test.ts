/**
 * ScheduleKeyDeletion and CancelKeyDeletion through the official AWS SDK client, with a
 * `ManualClock`: the waiting period (7..30 days, default 30), what the key looks like while it
 * waits, the key-state table's refusals, cancellation leaving the key Disabled, and the real
 * deletion when the window passes (key, aliases and grants gone; old ciphertexts undecryptable).
 */

import {
  CancelKeyDeletionCommand,
  CreateAliasCommand,
  CreateKeyCommand,
  DecryptCommand,
  DescribeKeyCommand,
  EncryptCommand,
  ListAliasesCommand,
  ListKeysCommand,
  ScheduleKeyDeletionCommand,
} from '@aws-sdk/client-kms';
import { javaDateString, rootPrincipal } from '@strongbox/service-kernel';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../src/index.ts';
import { createKeyRecord } from '../src/model/keys.ts';
import { dueChanges } from '../src/model/lifecycle.ts';
import { KmsState } from '../src/model/state.ts';
import { failureOf, type SdkFixture, startKms } from './helpers/sdk.ts';

const DAY = 86_400_000;
const START = Date.UTC(2024, 0, 1);

let fixture: SdkFixture | undefined;
afterEach(async () => {
  await fixture?.close();
  fixture = undefined;
});

async function start(): Promise<{ kms: SdkFixture; clock: ManualClock }> {
  const clock = new ManualClock(START);
  fixture = await startKms({ clock });
  return { kms: fixture, clock };
}

async function newKey(kms: SdkFixture): Promise<{ keyId: string; arn: string }> {
  const { KeyMetadata } = await kms.client.send(new CreateKeyCommand({}));
  return { keyId: KeyMetadata!.KeyId!, arn: KeyMetadata!.Arn! };
}

describe('ScheduleKeyDeletion', () => {
  it('answers with the key ARN, the deletion date, PendingDeletion and the window, 30 days by default', async () => {
    const { kms } = await start();
    const { keyId, arn } = await newKey(kms);
    const scheduled = await kms.client.send(new ScheduleKeyDeletionCommand({ KeyId: keyId }));
    expect(scheduled).toMatchObject({ KeyId: arn, KeyState: 'PendingDeletion', PendingWindowInDays: 30, DeletionDate: new Date(START + 30 * DAY) });
  });

  it('disables the key; DescribeKey shows the DeletionDate (and no PendingDeletionWindowInDays, a multi-Region field)', async () => {
    const { kms } = await start();
    const { keyId } = await newKey(kms);
    await kms.client.send(new ScheduleKeyDeletionCommand({ KeyId: keyId, PendingWindowInDays: 7 }));
    const { KeyMetadata } = await kms.client.send(new DescribeKeyCommand({ KeyId: keyId }));
    expect(KeyMetadata).toMatchObject({ KeyState: 'PendingDeletion', Enabled: false, DeletionDate: new Date(START + 7 * DAY) });
    expect(KeyMetadata!.PendingDeletionWindowInDays).toBeUndefined();
  });

  it('accepts a window of 7..30 days only, with AWS text; the model range 1..365 is checked first', async () => {
    const { kms } = await start();
    const { keyId } = await newKey(kms);
    for (const days of [1, 6, 31, 365]) {
      const failure = await failureOf(kms.client.send(new ScheduleKeyDeletionCommand({ KeyId: keyId, PendingWindowInDays: days })));
      expect(failure).toEqual({ name: 'ValidationException', message: 'PendingWindowInDays must be between 7 and 30', status: 400 });
    }
    const outsideModel = await failureOf(kms.client.send(new ScheduleKeyDeletionCommand({ KeyId: keyId, PendingWindowInDays: 366 })));
    expect(outsideModel.message).toBe(
      "1 validation error detected: Value '366' at 'pendingWindowInDays' failed to satisfy constraint: Member must have value less than or equal to 365",
    );
    expect((await kms.client.send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata!.KeyState).toBe('Enabled');
  });

  it('refuses a key already pending deletion with KMSInvalidStateException', async () => {
    const { kms } = await start();
    const { keyId, arn } = await newKey(kms);
    await kms.client.send(new ScheduleKeyDeletionCommand({ KeyId: keyId, PendingWindowInDays: 7 }));
    const failure = await failureOf(kms.client.send(new ScheduleKeyDeletionCommand({ KeyId: keyId, PendingWindowInDays: 7 })));
    expect(failure).toEqual({ name: 'KMSInvalidStateException', message: `${arn} is pending deletion.`, status: 400 });
  });

  it('refuses cryptographic use while pending deletion (KMSInvalidStateException)', async () => {
    const { kms } = await start();
    const { keyId, arn } = await newKey(kms);
    await kms.client.send(new ScheduleKeyDeletionCommand({ KeyId: keyId, PendingWindowInDays: 7 }));
    const failure = await failureOf(kms.client.send(new EncryptCommand({ KeyId: keyId, Plaintext: new Uint8Array([1]) })));
    expect(failure).toEqual({ name: 'KMSInvalidStateException', message: `${arn} is pending deletion.`, status: 400 });
  });

  it('schedules a key awaiting imported material too (key-state table)', async () => {
    const { kms } = await start();
    const { KeyMetadata } = await kms.client.send(new CreateKeyCommand({ Origin: 'EXTERNAL' }));
    const scheduled = await kms.client.send(new ScheduleKeyDeletionCommand({ KeyId: KeyMetadata!.KeyId!, PendingWindowInDays: 7 }));
    expect(scheduled.KeyState).toBe('PendingDeletion');
    const cancelled = await kms.client.send(new CancelKeyDeletionCommand({ KeyId: KeyMetadata!.KeyId! }));
    expect(cancelled.KeyId).toBe(KeyMetadata!.Arn);
    expect((await kms.client.send(new DescribeKeyCommand({ KeyId: KeyMetadata!.KeyId! }))).KeyMetadata!.KeyState).toBe('PendingImport');
  });

  it('is audited like CloudTrail: request window and key id, response with key ARN, state, date and window', async () => {
    const { kms } = await start();
    const { keyId, arn } = await newKey(kms);
    await kms.client.send(new ScheduleKeyDeletionCommand({ KeyId: keyId, PendingWindowInDays: 20 }));
    const event = kms.kms.auditTrail.events().at(-1)!;
    expect(event).toMatchObject({
      eventName: 'ScheduleKeyDeletion',
      requestParameters: { keyId, pendingWindowInDays: 20 },
      responseElements: { keyId: arn, keyState: 'PendingDeletion', deletionDate: javaDateString(START + 20 * DAY), pendingWindowInDays: 20 },
      resources: [arn],
      readOnly: false,
    });
  });
});

describe('CancelKeyDeletion', () => {
  it('keeps the key, Disabled (not Enabled), without a deletion date, and answers with the key ARN', async () => {
    const { kms, clock } = await start();
    const { keyId, arn } = await newKey(kms);
    await kms.client.send(new ScheduleKeyDeletionCommand({ KeyId: keyId, PendingWindowInDays: 7 }));
    const cancelled = await kms.client.send(new CancelKeyDeletionCommand({ KeyId: keyId }));
    expect(cancelled.KeyId).toBe(arn);
    clock.advance(8 * DAY);
    const { KeyMetadata } = await kms.client.send(new DescribeKeyCommand({ KeyId: arn }));
    expect(KeyMetadata).toMatchObject({ KeyState: 'Disabled', Enabled: false });
    expect(KeyMetadata!.DeletionDate).toBeUndefined();
    const event = kms.kms.auditTrail.events().find((e) => e.eventName === 'CancelKeyDeletion')!;
    expect(event.responseElements).toEqual({ keyId: arn });
  });

  it('refuses a key that is not pending deletion with "<key ARN> is not pending deletion."', async () => {
    const { kms } = await start();
    const { keyId, arn } = await newKey(kms);
    const failure = await failureOf(kms.client.send(new CancelKeyDeletionCommand({ KeyId: keyId })));
    expect(failure).toEqual({ name: 'KMSInvalidStateException', message: `${arn} is not pending deletion.`, status: 400 });
  });
});

describe('when the waiting period ends', () => {
  it('the key is deleted with its aliases: DescribeKey NotFound, Decrypt AccessDenied, gone from the lists', async () => {
    const { kms, clock } = await start();
    const { keyId, arn } = await newKey(kms);
    const keep = await newKey(kms);
    await kms.client.send(new CreateAliasCommand({ AliasName: 'alias/doomed', TargetKeyId: keyId }));
    await kms.client.send(new CreateAliasCommand({ AliasName: 'alias/kept', TargetKeyId: keep.keyId }));
    const { CiphertextBlob } = await kms.client.send(new EncryptCommand({ KeyId: keyId, Plaintext: new Uint8Array([7]) }));
    await kms.client.send(new ScheduleKeyDeletionCommand({ KeyId: keyId, PendingWindowInDays: 7 }));

    clock.advance(7 * DAY - 1);
    expect((await kms.client.send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata!.KeyState).toBe('PendingDeletion');

    clock.advance(1);
    expect(await failureOf(kms.client.send(new DescribeKeyCommand({ KeyId: keyId })))).toEqual({
      name: 'NotFoundException',
      message: `Key '${arn}' does not exist`,
      status: 400,
    });
    expect(await failureOf(kms.client.send(new DecryptCommand({ CiphertextBlob })))).toEqual({
      name: 'AccessDeniedException',
      message: 'The ciphertext refers to a customer master key that does not exist, does not exist in this region, or you are not allowed to access.',
      status: 400,
    });
    const keys = (await kms.client.send(new ListKeysCommand({}))).Keys!.map((entry) => entry.KeyId);
    expect(keys).toEqual([keep.keyId]);
    const aliases = (await kms.client.send(new ListAliasesCommand({}))).Aliases!.filter((alias) => !alias.AliasName!.startsWith('alias/aws/'));
    expect(aliases.map((alias) => alias.AliasName)).toEqual(['alias/kept']);
    expect(await failureOf(kms.client.send(new DescribeKeyCommand({ KeyId: 'alias/doomed' })))).toMatchObject({
      name: 'NotFoundException',
      message: 'Alias arn:aws:kms:us-east-1:000000000000:alias/doomed is not found.',
    });
    // The name is free again.
    await kms.client.send(new CreateAliasCommand({ AliasName: 'alias/doomed', TargetKeyId: keep.keyId }));
  });

  it('a key exists exactly until its deletion date, for any window and any elapsed time', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 7, max: 30 }), fc.integer({ min: 0, max: 40 * DAY }), async (window, elapsed) => {
        const { kms, clock } = await start();
        try {
          const { keyId } = await newKey(kms);
          await kms.client.send(new ScheduleKeyDeletionCommand({ KeyId: keyId, PendingWindowInDays: window }));
          clock.advance(elapsed);
          const listed = (await kms.client.send(new ListKeysCommand({}))).Keys!.some((entry) => entry.KeyId === keyId);
          expect(listed).toBe(elapsed < window * DAY);
        } finally {
          await fixture?.close();
          fixture = undefined;
        }
      }),
      { numRuns: 12 },
    );
  });

  it('the lifecycle deletes the key with its grants (model level)', () => {
    const state = new KmsState();
    const region = 'us-east-1';
    const account = '000000000000';
    const key = createKeyRecord({
      keyId: '11111111-2222-4333-8444-555555555555',
      account,
      region,
      now: START,
      description: '',
      policy: '{}',
      origin: 'AWS_KMS',
      keyManager: 'CUSTOMER',
      tags: [],
      materials: [],
    });
    state.apply({ type: 'putKey', key: { ...key, state: 'PendingDeletion', deletionDate: START + 7 * DAY } });
    state.apply({
      type: 'putGrant',
      grant: {
        grantId: 'ab'.repeat(32),
        keyId: key.keyId,
        region,
        name: '',
        creationDate: START,
        granteePrincipal: rootPrincipal(region, account).arn,
        issuingAccount: rootPrincipal(region, account).arn,
        operations: ['Decrypt'],
      },
    });
    const random = { bytes: (n: number) => new Uint8Array(n) };
    expect(dueChanges(state, START + 7 * DAY - 1, random)).toEqual([]);
    const changes = dueChanges(state, START + 7 * DAY, random);
    expect(changes).toEqual([{ type: 'deleteKey', keyId: key.keyId, region }]);
    for (const change of changes) state.apply(change);
    expect(state.key(key.keyId)).toBeUndefined();
    expect(state.grantsOf(key.keyId, region)).toEqual([]);
    expect(state.grant('ab'.repeat(32))).toBeUndefined();
  });
});
