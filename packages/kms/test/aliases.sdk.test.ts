/**
 * CreateAlias, UpdateAlias, DeleteAlias and ListAliases through the official AWS SDK client: name
 * rules and AWS's texts, the alias ARN in messages, the 50-aliases-per-key quota, key states,
 * ListAliases entries, filters and pages (including the predefined alias/aws/* aliases), and the
 * CloudTrail resources of alias calls.
 */

import {
  type AliasListEntry,
  CreateAliasCommand,
  CreateKeyCommand,
  DeleteAliasCommand,
  DescribeKeyCommand,
  DisableKeyCommand,
  EncryptCommand,
  ListAliasesCommand,
  ScheduleKeyDeletionCommand,
  UpdateAliasCommand,
} from '@aws-sdk/client-kms';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../src/index.ts';
import { PREDEFINED_AWS_ALIASES } from '../src/model/aws-managed-keys.ts';
import { failureOf, type SdkFixture, startKms } from './helpers/sdk.ts';

const ACCOUNT = '000000000000';
const ALIAS_ARN = (name: string): string => `arn:aws:kms:us-east-1:${ACCOUNT}:${name}`;
const START = Date.UTC(2024, 0, 1);

let kms: SdkFixture;
let clock: ManualClock;
afterEach(() => kms.close());

async function start(): Promise<void> {
  clock = new ManualClock(START);
  kms = await startKms({ clock });
}

async function newKey(): Promise<{ keyId: string; arn: string }> {
  const { KeyMetadata } = await kms.client.send(new CreateKeyCommand({}));
  return { keyId: KeyMetadata!.KeyId!, arn: KeyMetadata!.Arn! };
}

async function listAll(input: { KeyId?: string; Limit?: number } = {}): Promise<AliasListEntry[]> {
  const entries: AliasListEntry[] = [];
  let marker: string | undefined;
  do {
    const page = await kms.client.send(new ListAliasesCommand({ ...input, ...(marker === undefined ? {} : { Marker: marker }) }));
    expect(page.Truncated).toBe(page.NextMarker !== undefined);
    entries.push(...page.Aliases!);
    marker = page.NextMarker;
  } while (marker !== undefined);
  return entries;
}

const customerAliases = async (): Promise<AliasListEntry[]> => (await listAll()).filter((entry) => !entry.AliasName!.startsWith('alias/aws/'));

describe('CreateAlias', () => {
  it('creates an alias usable wherever aliases are accepted, listed with its ARN, key id and dates', async () => {
    await start();
    const { keyId, arn } = await newKey();
    await kms.client.send(new CreateAliasCommand({ AliasName: 'alias/app/data_key-1', TargetKeyId: arn }));
    const { KeyId } = await kms.client.send(new EncryptCommand({ KeyId: 'alias/app/data_key-1', Plaintext: new Uint8Array([1]) }));
    expect(KeyId).toBe(arn);
    expect((await kms.client.send(new DescribeKeyCommand({ KeyId: ALIAS_ARN('alias/app/data_key-1') }))).KeyMetadata!.KeyId).toBe(keyId);
    expect(await customerAliases()).toEqual([
      {
        AliasName: 'alias/app/data_key-1',
        AliasArn: ALIAS_ARN('alias/app/data_key-1'),
        TargetKeyId: keyId,
        CreationDate: new Date(START),
        LastUpdatedDate: new Date(START),
      },
    ]);
  });

  it('requires the alias/ prefix, with AWS text', async () => {
    await start();
    const { keyId } = await newKey();
    const failure = await failureOf(kms.client.send(new CreateAliasCommand({ AliasName: 'my-alias', TargetKeyId: keyId })));
    expect(failure).toEqual({
      name: 'ValidationException',
      message: 'Alias must start with the prefix "alias/". Please see https://docs.aws.amazon.com/kms/latest/developerguide/kms-alias.html',
      status: 400,
    });
  });

  it('refuses the reserved alias/aws/ namespace with NotAuthorizedException', async () => {
    await start();
    const { keyId } = await newKey();
    for (const name of ['alias/aws/s3', 'alias/aws/my-own']) {
      const failure = await failureOf(kms.client.send(new CreateAliasCommand({ AliasName: name, TargetKeyId: keyId })));
      expect(failure).toMatchObject({ name: 'NotAuthorizedException', status: 400 });
    }
    expect(await listAll({ KeyId: keyId })).toEqual([]);
  });

  it('checks the model pattern and length first, then refuses ":" in a new name', async () => {
    await start();
    const { keyId } = await newKey();
    const bad = await failureOf(kms.client.send(new CreateAliasCommand({ AliasName: 'alias/my alias!', TargetKeyId: keyId })));
    expect(bad.message).toBe(
      "1 validation error detected: Value 'alias/my alias!' at 'aliasName' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9:/_-]+$",
    );
    const long = await failureOf(kms.client.send(new CreateAliasCommand({ AliasName: `alias/${'a'.repeat(251)}`, TargetKeyId: keyId })));
    expect(long.message).toBe(
      `1 validation error detected: Value 'alias/${'a'.repeat(251)}' at 'aliasName' failed to satisfy constraint: Member must have length less than or equal to 256`,
    );
    await kms.client.send(new CreateAliasCommand({ AliasName: `alias/${'a'.repeat(250)}`, TargetKeyId: keyId }));
    const colon = await failureOf(kms.client.send(new CreateAliasCommand({ AliasName: 'alias/my:alias', TargetKeyId: keyId })));
    expect(colon).toEqual({ name: 'ValidationException', message: 'alias/my:alias contains invalid characters for an alias', status: 400 });
  });

  it('refuses a duplicate name with AlreadyExistsException naming the alias ARN', async () => {
    await start();
    const first = await newKey();
    const second = await newKey();
    await kms.client.send(new CreateAliasCommand({ AliasName: 'alias/taken', TargetKeyId: first.keyId }));
    const failure = await failureOf(kms.client.send(new CreateAliasCommand({ AliasName: 'alias/taken', TargetKeyId: second.keyId })));
    expect(failure).toEqual({ name: 'AlreadyExistsException', message: `An alias with the name ${ALIAS_ARN('alias/taken')} already exists`, status: 400 });
    expect((await customerAliases()).map((entry) => entry.TargetKeyId)).toEqual([first.keyId]);
  });

  it('takes a key id or key ARN as target, not an alias', async () => {
    await start();
    const { keyId } = await newKey();
    await kms.client.send(new CreateAliasCommand({ AliasName: 'alias/first', TargetKeyId: keyId }));
    for (const target of ['alias/first', ALIAS_ARN('alias/first')]) {
      const failure = await failureOf(kms.client.send(new CreateAliasCommand({ AliasName: 'alias/second', TargetKeyId: target })));
      expect(failure).toEqual({ name: 'ValidationException', message: 'Aliases must refer to keys. Not aliases', status: 400 });
    }
    const missing = '99999999-8888-4777-8666-555555555555';
    expect(await failureOf(kms.client.send(new CreateAliasCommand({ AliasName: 'alias/second', TargetKeyId: missing })))).toEqual({
      name: 'NotFoundException',
      message: `Key 'arn:aws:kms:us-east-1:${ACCOUNT}:key/${missing}' does not exist`,
      status: 400,
    });
  });

  it('works for a disabled key and refuses a key pending deletion', async () => {
    await start();
    const disabled = await newKey();
    await kms.client.send(new DisableKeyCommand({ KeyId: disabled.keyId }));
    await kms.client.send(new CreateAliasCommand({ AliasName: 'alias/disabled', TargetKeyId: disabled.keyId }));
    const pending = await newKey();
    await kms.client.send(new ScheduleKeyDeletionCommand({ KeyId: pending.keyId, PendingWindowInDays: 7 }));
    const failure = await failureOf(kms.client.send(new CreateAliasCommand({ AliasName: 'alias/pending', TargetKeyId: pending.keyId })));
    expect(failure).toEqual({ name: 'KMSInvalidStateException', message: `${pending.arn} is pending deletion.`, status: 400 });
  });

  it('allows 50 aliases per key and refuses the 51st with AWS quota text', async () => {
    await start();
    const { keyId } = await newKey();
    for (let i = 0; i < 50; i += 1) await kms.kms.createAlias({ AliasName: `alias/many-${i}`, TargetKeyId: keyId });
    const failure = await failureOf(kms.client.send(new CreateAliasCommand({ AliasName: 'alias/many-50', TargetKeyId: keyId })));
    expect(failure).toEqual({
      name: 'LimitExceededException',
      message: 'Aliases per key quota for this account in this region is 50, current usage is 50.',
      status: 400,
    });
    // The quota is per key: another key still takes aliases.
    await kms.client.send(new CreateAliasCommand({ AliasName: 'alias/many-50', TargetKeyId: (await newKey()).keyId }));
  });

  it('is audited with the key then the alias as resources', async () => {
    await start();
    const { keyId, arn } = await newKey();
    await kms.client.send(new CreateAliasCommand({ AliasName: 'alias/audited', TargetKeyId: keyId }));
    expect(kms.kms.auditTrail.events().at(-1)).toMatchObject({
      eventName: 'CreateAlias',
      requestParameters: { aliasName: 'alias/audited', targetKeyId: keyId },
      // "recorded on or after December 2022 include the key ARN" (ct-createalias).
      responseElements: { keyId: arn },
      resources: [arn, ALIAS_ARN('alias/audited')],
    });
  });
});

describe('UpdateAlias', () => {
  it('points the alias at another key and updates LastUpdatedDate only', async () => {
    await start();
    const first = await newKey();
    const second = await newKey();
    await kms.client.send(new CreateAliasCommand({ AliasName: 'alias/moving', TargetKeyId: first.keyId }));
    clock.advance(60_000);
    await kms.client.send(new UpdateAliasCommand({ AliasName: 'alias/moving', TargetKeyId: second.arn }));
    expect(await customerAliases()).toEqual([
      {
        AliasName: 'alias/moving',
        AliasArn: ALIAS_ARN('alias/moving'),
        TargetKeyId: second.keyId,
        CreationDate: new Date(START),
        LastUpdatedDate: new Date(START + 60_000),
      },
    ]);
    expect((await kms.client.send(new EncryptCommand({ KeyId: 'alias/moving', Plaintext: new Uint8Array([1]) }))).KeyId).toBe(second.arn);
    expect(kms.kms.auditTrail.events().find((event) => event.eventName === 'UpdateAlias')?.resources).toEqual([ALIAS_ARN('alias/moving'), second.arn]);
  });

  it('moves away from a key pending deletion but not onto one (key-state table, footnote 10)', async () => {
    await start();
    const source = await newKey();
    const healthy = await newKey();
    const pending = await newKey();
    await kms.client.send(new CreateAliasCommand({ AliasName: 'alias/rescue', TargetKeyId: source.keyId }));
    await kms.client.send(new ScheduleKeyDeletionCommand({ KeyId: source.keyId, PendingWindowInDays: 7 }));
    await kms.client.send(new ScheduleKeyDeletionCommand({ KeyId: pending.keyId, PendingWindowInDays: 7 }));
    const failure = await failureOf(kms.client.send(new UpdateAliasCommand({ AliasName: 'alias/rescue', TargetKeyId: pending.keyId })));
    expect(failure).toEqual({ name: 'KMSInvalidStateException', message: `${pending.arn} is pending deletion.`, status: 400 });
    await kms.client.send(new UpdateAliasCommand({ AliasName: 'alias/rescue', TargetKeyId: healthy.keyId }));
    // The alias survives the deletion of its former key.
    clock.advance(7 * 86_400_000);
    expect((await customerAliases()).map((entry) => [entry.AliasName, entry.TargetKeyId])).toEqual([['alias/rescue', healthy.keyId]]);
  });

  it('needs an existing alias and a key target', async () => {
    await start();
    const { keyId } = await newKey();
    const missing = await failureOf(kms.client.send(new UpdateAliasCommand({ AliasName: 'alias/nope', TargetKeyId: keyId })));
    expect(missing).toEqual({ name: 'NotFoundException', message: `Alias ${ALIAS_ARN('alias/nope')} is not found.`, status: 400 });
    await kms.client.send(new CreateAliasCommand({ AliasName: 'alias/one', TargetKeyId: keyId }));
    const viaAlias = await failureOf(kms.client.send(new UpdateAliasCommand({ AliasName: 'alias/one', TargetKeyId: 'alias/one' })));
    expect(viaAlias).toMatchObject({ name: 'ValidationException', message: 'Aliases must refer to keys. Not aliases' });
  });

  it('refuses to point a 51st alias at a key, with the CreateAlias quota text', async () => {
    await start();
    const { keyId } = await newKey();
    for (let i = 0; i < 50; i += 1) await kms.kms.createAlias({ AliasName: `alias/full-${i}`, TargetKeyId: keyId });
    const other = await newKey();
    await kms.client.send(new CreateAliasCommand({ AliasName: 'alias/elsewhere', TargetKeyId: other.keyId }));
    const failure = await failureOf(kms.client.send(new UpdateAliasCommand({ AliasName: 'alias/elsewhere', TargetKeyId: keyId })));
    expect(failure).toEqual({
      name: 'LimitExceededException',
      message: 'Aliases per key quota for this account in this region is 50, current usage is 50.',
      status: 400,
    });
    expect((await kms.client.send(new ListAliasesCommand({ KeyId: other.keyId }))).Aliases?.map((alias) => alias.AliasName)).toEqual(['alias/elsewhere']);
    // Pointing an alias at the key it already names adds none: still allowed at the quota.
    await kms.client.send(new UpdateAliasCommand({ AliasName: 'alias/full-0', TargetKeyId: keyId }));
  });
});

describe('DeleteAlias', () => {
  it('deletes an alias in any key state; the key remains', async () => {
    await start();
    const { keyId, arn } = await newKey();
    await kms.client.send(new CreateAliasCommand({ AliasName: 'alias/short-lived', TargetKeyId: keyId }));
    await kms.client.send(new ScheduleKeyDeletionCommand({ KeyId: keyId, PendingWindowInDays: 7 }));
    await kms.client.send(new DeleteAliasCommand({ AliasName: 'alias/short-lived' }));
    expect(kms.kms.auditTrail.events().at(-1)?.resources).toEqual([ALIAS_ARN('alias/short-lived'), arn]);
    expect(await customerAliases()).toEqual([]);
    expect((await kms.client.send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata!.KeyState).toBe('PendingDeletion');
  });

  it('answers an unknown alias with the alias ARN in NotFoundException', async () => {
    await start();
    const failure = await failureOf(kms.client.send(new DeleteAliasCommand({ AliasName: 'alias/unknown-alias' })));
    expect(failure).toEqual({ name: 'NotFoundException', message: `Alias ${ALIAS_ARN('alias/unknown-alias')} is not found.`, status: 400 });
  });
});

describe('ListAliases', () => {
  it('lists the predefined alias/aws/* aliases without TargetKeyId until their key exists', async () => {
    await start();
    const listed = await listAll();
    expect(listed).toEqual(PREDEFINED_AWS_ALIASES.map((name) => ({ AliasName: name, AliasArn: ALIAS_ARN(name) })));
    expect(listed.map((entry) => entry.AliasName)).toContain('alias/aws/s3');
    const { KeyMetadata } = await kms.client.send(new DescribeKeyCommand({ KeyId: 'alias/aws/s3' }));
    const s3 = (await listAll()).find((entry) => entry.AliasName === 'alias/aws/s3');
    expect(s3).toEqual({
      AliasName: 'alias/aws/s3',
      AliasArn: ALIAS_ARN('alias/aws/s3'),
      TargetKeyId: KeyMetadata!.KeyId,
      CreationDate: new Date(START),
      LastUpdatedDate: new Date(START),
    });
    expect(await listAll({ KeyId: KeyMetadata!.Arn! })).toEqual([s3]);
  });

  it('filters by key id or key ARN, and refuses an alias as KeyId', async () => {
    await start();
    const a = await newKey();
    const b = await newKey();
    await kms.client.send(new CreateAliasCommand({ AliasName: 'alias/b-1', TargetKeyId: b.keyId }));
    await kms.client.send(new CreateAliasCommand({ AliasName: 'alias/a-1', TargetKeyId: a.keyId }));
    await kms.client.send(new CreateAliasCommand({ AliasName: 'alias/a-0', TargetKeyId: a.keyId }));
    expect((await listAll({ KeyId: a.keyId })).map((entry) => entry.AliasName)).toEqual(['alias/a-0', 'alias/a-1']);
    expect((await listAll({ KeyId: b.arn })).map((entry) => entry.AliasName)).toEqual(['alias/b-1']);
    expect(await listAll({ KeyId: (await newKey()).keyId })).toEqual([]);
    const failure = await failureOf(kms.client.send(new ListAliasesCommand({ KeyId: 'alias/a-1' })));
    // KeyId takes a key id or key ARN only (UNCONFIRMED for ListAliases: key-only-operations.sdk.test.ts).
    expect(failure).toEqual({ name: 'InvalidArnException', message: 'Key Aliases are not supported for this operation.', status: 400 });
    expect(
      kms.kms.auditTrail
        .events()
        .filter((event) => event.eventName === 'ListAliases')
        .every((event) => event.resources?.length === 0),
    ).toBe(true);
  });

  it('pages in name order with Limit (default 50, capped at the documented 100) and Marker', async () => {
    await start();
    const keys = [await newKey(), await newKey(), await newKey()];
    // Created out of name order, spread over three keys (at most 50 aliases each).
    for (let i = 109; i >= 0; i -= 1) await kms.kms.createAlias({ AliasName: `alias/page/${String(i).padStart(3, '0')}`, TargetKeyId: keys[i % 3]!.keyId });
    const whole = await listAll();
    expect(whole).toHaveLength(110 + PREDEFINED_AWS_ALIASES.length);
    expect(whole.map((entry) => entry.AliasName)).toEqual(whole.map((entry) => entry.AliasName).sort());
    expect((await kms.client.send(new ListAliasesCommand({}))).Aliases).toHaveLength(50);
    expect((await kms.client.send(new ListAliasesCommand({ Limit: 1000 }))).Aliases).toHaveLength(100);
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 130 }), async (limit) => {
        expect(await listAll({ Limit: limit })).toEqual(whole);
      }),
      { numRuns: 10 },
    );
  });
});
