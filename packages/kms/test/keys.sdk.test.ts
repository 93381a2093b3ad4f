/**
 * ListKeys, EnableKey, DisableKey and UpdateKeyDescription through the official AWS SDK client:
 * which keys are listed and in what pages, state changes and the key-state table's refusals, the
 * KeyId forms each operation accepts, and AWS's texts (with the full key ARN) for each refusal.
 */

import {
  CreateAliasCommand,
  CreateKeyCommand,
  DescribeKeyCommand,
  DisableKeyCommand,
  EnableKeyCommand,
  EncryptCommand,
  type KeyListEntry,
  ListKeysCommand,
  ScheduleKeyDeletionCommand,
  UpdateKeyDescriptionCommand,
} from '@aws-sdk/client-kms';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failureOf, type SdkFixture, startKms } from './helpers/sdk.ts';

const ACCOUNT = '000000000000';
const REGION = 'us-east-1';
const arnOf = (keyId: string): string => `arn:aws:kms:${REGION}:${ACCOUNT}:key/${keyId}`;

let kms: SdkFixture;

beforeAll(async () => {
  kms = await startKms();
});
afterAll(() => kms.close());

async function newKey(description = ''): Promise<{ keyId: string; arn: string }> {
  const { KeyMetadata } = await kms.client.send(new CreateKeyCommand({ Description: description }));
  return { keyId: KeyMetadata!.KeyId!, arn: KeyMetadata!.Arn! };
}

async function stateOf(keyId: string): Promise<{ KeyState?: string; Enabled?: boolean }> {
  const { KeyMetadata } = await kms.client.send(new DescribeKeyCommand({ KeyId: keyId }));
  return { KeyState: KeyMetadata!.KeyState!, Enabled: KeyMetadata!.Enabled! };
}

async function allKeys(limit?: number): Promise<{ keys: KeyListEntry[]; pages: number }> {
  const keys: KeyListEntry[] = [];
  let marker: string | undefined;
  let pages = 0;
  do {
    const page = await kms.client.send(
      new ListKeysCommand({ ...(limit === undefined ? {} : { Limit: limit }), ...(marker === undefined ? {} : { Marker: marker }) }),
    );
    pages += 1;
    keys.push(...page.Keys!);
    expect(page.Truncated).toBe(page.NextMarker !== undefined);
    marker = page.NextMarker;
  } while (marker !== undefined);
  return { keys, pages };
}

describe('ListKeys', () => {
  it('lists the keys of the caller account in this Region only, as {KeyId, KeyArn}, sorted by key id', async () => {
    const mine = await newKey();
    // Several keys, so that creation order (random UUIDs) is almost surely not key-id order.
    for (let i = 0; i < 6; i += 1) await newKey();
    await kms.kms.createKey({}, { region: 'eu-west-1' });
    await kms.kms.createKey({}, { caller: 'arn:aws:iam::111122223333:root' });
    const { keys } = await allKeys();
    expect(keys).toContainEqual({ KeyId: mine.keyId, KeyArn: mine.arn });
    expect(keys.every((entry) => entry.KeyArn === arnOf(entry.KeyId!))).toBe(true);
    expect(keys.map((entry) => entry.KeyId)).toEqual(keys.map((entry) => entry.KeyId).sort());
    const everyKeyHere = await kms.kms.listKeys({ Limit: 1000 });
    expect(everyKeyHere.Keys).toHaveLength(keys.length);
  });

  it('includes keys pending deletion', async () => {
    const pending = await newKey();
    await kms.client.send(new ScheduleKeyDeletionCommand({ KeyId: pending.keyId, PendingWindowInDays: 7 }));
    const { keys } = await allKeys();
    expect(keys.map((entry) => entry.KeyId)).toContain(pending.keyId);
  });

  it('pages with Limit and Marker: every page but the last is full, and the pages add up to the whole list', async () => {
    for (let i = 0; i < 5; i += 1) await newKey();
    const whole = (await allKeys()).keys;
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: whole.length + 1 }), async (limit) => {
        const { keys, pages } = await allKeys(limit);
        expect(keys).toEqual(whole);
        expect(pages).toBe(Math.max(1, Math.ceil(whole.length / limit)));
      }),
      { numRuns: 15 },
    );
  });

  it('refuses Limit outside 1..1000 and markers it did not issue', async () => {
    const zero = await failureOf(kms.client.send(new ListKeysCommand({ Limit: 0 })));
    expect(zero).toEqual({
      name: 'ValidationException',
      message: "1 validation error detected: Value '0' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1",
      status: 400,
    });
    const big = await failureOf(kms.client.send(new ListKeysCommand({ Limit: 1001 })));
    expect(big.message).toBe(
      "1 validation error detected: Value '1001' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 1000",
    );
    const marker = await failureOf(kms.client.send(new ListKeysCommand({ Marker: 'not-a-marker' })));
    expect(marker).toMatchObject({ name: 'InvalidMarkerException', status: 400 });
  });
});

describe('DisableKey and EnableKey', () => {
  it('disable and re-enable a key by id or ARN; DescribeKey and Encrypt follow', async () => {
    const { keyId, arn } = await newKey();
    await kms.client.send(new DisableKeyCommand({ KeyId: arn }));
    expect(await stateOf(keyId)).toEqual({ KeyState: 'Disabled', Enabled: false });
    const refused = await failureOf(kms.client.send(new EncryptCommand({ KeyId: keyId, Plaintext: new Uint8Array([1]) })));
    expect(refused).toEqual({ name: 'DisabledException', message: `${arn} is disabled.`, status: 400 });
    await kms.client.send(new DisableKeyCommand({ KeyId: keyId }));
    expect(await stateOf(keyId)).toEqual({ KeyState: 'Disabled', Enabled: false });
    await kms.client.send(new EnableKeyCommand({ KeyId: keyId }));
    expect(await stateOf(keyId)).toEqual({ KeyState: 'Enabled', Enabled: true });
    await kms.client.send(new EnableKeyCommand({ KeyId: arn }));
    expect(await stateOf(keyId)).toEqual({ KeyState: 'Enabled', Enabled: true });
  });

  it('refuse a key pending deletion with KMSInvalidStateException naming the key ARN', async () => {
    const { keyId, arn } = await newKey();
    await kms.client.send(new ScheduleKeyDeletionCommand({ KeyId: keyId, PendingWindowInDays: 7 }));
    for (const command of [new EnableKeyCommand({ KeyId: keyId }), new DisableKeyCommand({ KeyId: keyId })]) {
      expect(await failureOf(kms.client.send(command as never))).toEqual({
        name: 'KMSInvalidStateException',
        message: `${arn} is pending deletion.`,
        status: 400,
      });
    }
  });

  it('refuse a key awaiting imported material with KMSInvalidStateException "is pending import."', async () => {
    const { KeyMetadata } = await kms.client.send(new CreateKeyCommand({ Origin: 'EXTERNAL' }));
    const failure = await failureOf(kms.client.send(new EnableKeyCommand({ KeyId: KeyMetadata!.KeyId! })));
    expect(failure).toEqual({ name: 'KMSInvalidStateException', message: `${KeyMetadata!.Arn!} is pending import.`, status: 400 });
  });

  it('take a key id or key ARN only: an alias is refused with InvalidArnException', async () => {
    const { keyId } = await newKey();
    await kms.client.send(new CreateAliasCommand({ AliasName: 'alias/enable-by-alias', TargetKeyId: keyId }));
    const failure = await failureOf(kms.client.send(new DisableKeyCommand({ KeyId: 'alias/enable-by-alias' })));
    expect(failure).toEqual({ name: 'InvalidArnException', message: 'Key Aliases are not supported for this operation.', status: 400 });
    expect(await stateOf(keyId)).toEqual({ KeyState: 'Enabled', Enabled: true });
  });

  it('answer a missing key with the ARN-form NotFoundException text', async () => {
    const missing = '0b0c0d0e-1111-4222-8333-444455556666';
    const failure = await failureOf(kms.client.send(new EnableKeyCommand({ KeyId: missing })));
    expect(failure).toEqual({ name: 'NotFoundException', message: `Key '${arnOf(missing)}' does not exist`, status: 400 });
  });

  it('refuse a key of another account (cross-account use: No), leaving it unchanged', async () => {
    const other = await kms.kms.createKey({}, { caller: 'arn:aws:iam::111122223333:root' });
    const failure = await failureOf(kms.client.send(new DisableKeyCommand({ KeyId: other.KeyMetadata.Arn })));
    expect(failure).toEqual({
      name: 'AccessDeniedException',
      message: `User: arn:aws:iam::${ACCOUNT}:root is not authorized to perform: kms:DisableKey on resource: ${other.KeyMetadata.Arn} because no resource-based policy allows the kms:DisableKey action`,
      status: 400,
    });
    const described = await kms.kms.describeKey({ KeyId: other.KeyMetadata.KeyId }, { caller: 'arn:aws:iam::111122223333:root' });
    expect(described.KeyMetadata.KeyState).toBe('Enabled');
  });

  it('are audited with the key ARN as resource and as responseElements.keyId (ct-disablekey, since December 2022)', async () => {
    const { keyId, arn } = await newKey();
    await kms.client.send(new DisableKeyCommand({ KeyId: keyId }));
    const event = kms.kms.auditTrail.events().at(-1)!;
    expect(event).toMatchObject({ eventName: 'DisableKey', requestParameters: { keyId }, responseElements: { keyId: arn }, resources: [arn], readOnly: false });
  });
});

describe('UpdateKeyDescription', () => {
  it('replaces the description, also with the empty string', async () => {
    const { keyId, arn } = await newKey('before');
    await kms.client.send(new UpdateKeyDescriptionCommand({ KeyId: arn, Description: 'after' }));
    expect((await kms.client.send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata!.Description).toBe('after');
    await kms.client.send(new UpdateKeyDescriptionCommand({ KeyId: keyId, Description: '' }));
    expect((await kms.client.send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata!.Description).toBe('');
  });

  it('works on a disabled key and refuses one pending deletion', async () => {
    const { keyId, arn } = await newKey();
    await kms.client.send(new DisableKeyCommand({ KeyId: keyId }));
    await kms.client.send(new UpdateKeyDescriptionCommand({ KeyId: keyId, Description: 'disabled but described' }));
    await kms.client.send(new ScheduleKeyDeletionCommand({ KeyId: keyId, PendingWindowInDays: 7 }));
    const failure = await failureOf(kms.client.send(new UpdateKeyDescriptionCommand({ KeyId: keyId, Description: 'x' })));
    expect(failure).toEqual({ name: 'KMSInvalidStateException', message: `${arn} is pending deletion.`, status: 400 });
  });

  it('validates Description against the model (at most 8192 characters, required)', async () => {
    const { keyId } = await newKey();
    const long = await failureOf(kms.client.send(new UpdateKeyDescriptionCommand({ KeyId: keyId, Description: 'd'.repeat(8193) })));
    expect(long).toMatchObject({ name: 'ValidationException', status: 400 });
    expect(long.message).toBe(
      `1 validation error detected: Value '${'d'.repeat(8193)}' at 'description' failed to satisfy constraint: Member must have length less than or equal to 8192`,
    );
    const missing = await failureOf(kms.kms.updateKeyDescription({ KeyId: keyId } as never));
    expect(missing).toMatchObject({
      name: 'ValidationException',
      message: "1 validation error detected: Value null at 'description' failed to satisfy constraint: Member must not be null",
    });
  });
});
