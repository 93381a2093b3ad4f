/**
 * Automatic and on-demand rotation through the AWS SDK, on a manual clock: EnableKeyRotation's
 * period and schedule, GetKeyRotationStatus's fields (LocalStack's AWS-validated
 * test_key_enable_rotation_status and test_rotate_key_on_demand_* snapshots), rotations that really
 * happen when the clock passes the date, ListKeyRotations, the on-demand limit and conflicts, and
 * the refusals for imported material, disabled keys and AWS managed keys.
 */

import {
  CreateKeyCommand,
  DecryptCommand,
  DescribeKeyCommand,
  DisableKeyRotationCommand,
  EnableKeyRotationCommand,
  EncryptCommand,
  GenerateDataKeyCommand,
  GetKeyRotationStatusCommand,
  type KMSClient,
  ListKeyRotationsCommand,
  RotateKeyOnDemandCommand,
} from '@aws-sdk/client-kms';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ON_DEMAND_ROTATION_LIMIT } from '../src/model/rotation.ts';
import { type CryptoFixture, startCryptoKms } from './helpers/crypto-fixtures.ts';
import { failureOf } from './helpers/sdk.ts';

const DAY = 86_400_000;
const MINUTE = 60_000;

let kms: CryptoFixture;
let client: KMSClient;

beforeEach(async () => {
  kms = await startCryptoKms({ onDemandRotationDelayMs: 5 * MINUTE });
  client = kms.client;
});
afterEach(() => kms.close());

async function newKey(origin: 'AWS_KMS' | 'EXTERNAL' = 'AWS_KMS'): Promise<{ keyId: string; arn: string }> {
  const { KeyMetadata } = await client.send(new CreateKeyCommand({ Origin: origin }));
  return { keyId: KeyMetadata!.KeyId!, arn: KeyMetadata!.Arn! };
}

const status = async (keyId: string): Promise<Record<string, unknown>> => {
  const { $metadata: _metadata, ...rest } = await client.send(new GetKeyRotationStatusCommand({ KeyId: keyId }));
  return rest;
};

const rotations = async (keyId: string, include?: 'ALL_KEY_MATERIAL' | 'ROTATIONS_ONLY'): Promise<Record<string, unknown>[]> =>
  ((await client.send(new ListKeyRotationsCommand({ KeyId: keyId, ...(include ? { IncludeKeyMaterial: include } : {}) }))).Rotations ?? []) as Record<
    string,
    unknown
  >[];

const currentMaterialId = async (keyId: string): Promise<string> =>
  (await client.send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata!.CurrentKeyMaterialId!;

describe('automatic rotation settings', () => {
  it('is off by default: only KeyRotationEnabled false and the key ARN', async () => {
    const key = await newKey();
    expect(await status(key.keyId)).toEqual({ KeyRotationEnabled: false, KeyId: key.arn });
  });

  it('defaults to 365 days, the first rotation one period from now', async () => {
    const key = await newKey();
    await client.send(new EnableKeyRotationCommand({ KeyId: key.keyId }));
    expect(await status(key.keyId)).toEqual({
      KeyRotationEnabled: true,
      KeyId: key.arn,
      RotationPeriodInDays: 365,
      NextRotationDate: new Date(kms.clock.now() + 365 * DAY),
    });
  });

  it('takes a period of 90..2560 days, and calling again changes it', async () => {
    const key = await newKey();
    await client.send(new EnableKeyRotationCommand({ KeyId: key.keyId, RotationPeriodInDays: 90 }));
    expect(await status(key.keyId)).toMatchObject({ RotationPeriodInDays: 90, NextRotationDate: new Date(kms.clock.now() + 90 * DAY) });
    kms.clock.advance(10 * DAY);
    await client.send(new EnableKeyRotationCommand({ KeyId: key.arn, RotationPeriodInDays: 2560 }));
    expect(await status(key.keyId)).toMatchObject({ RotationPeriodInDays: 2560, NextRotationDate: new Date(kms.clock.now() + 2560 * DAY) });
  });

  it.each([
    [89, "1 validation error detected: Value '89' at 'rotationPeriodInDays' failed to satisfy constraint: Member must have value greater than or equal to 90"],
    [
      2561,
      "1 validation error detected: Value '2561' at 'rotationPeriodInDays' failed to satisfy constraint: Member must have value less than or equal to 2560",
    ],
  ])('refuses a period of %i days with the Coral range text', async (days, message) => {
    const key = await newKey();
    expect(await failureOf(client.send(new EnableKeyRotationCommand({ KeyId: key.keyId, RotationPeriodInDays: days })))).toEqual({
      name: 'ValidationException',
      message,
      status: 400,
    });
  });

  it('is turned off by DisableKeyRotation, which drops the period and date', async () => {
    const key = await newKey();
    await client.send(new EnableKeyRotationCommand({ KeyId: key.keyId }));
    await client.send(new DisableKeyRotationCommand({ KeyId: key.keyId }));
    expect(await status(key.keyId)).toEqual({ KeyRotationEnabled: false, KeyId: key.arn });
  });

  it('accepts only a key id or ARN, not an alias', async () => {
    const failure = await failureOf(client.send(new GetKeyRotationStatusCommand({ KeyId: 'alias/anything' })));
    expect(failure).toEqual({ name: 'InvalidArnException', message: 'Key Aliases are not supported for this operation.', status: 400 });
  });
});

describe('automatic rotation', () => {
  it('rotates when the clock passes the date, keeps old material for decryption and encrypts with the new', async () => {
    const key = await newKey();
    const before = await currentMaterialId(key.keyId);
    const { CiphertextBlob } = await client.send(new EncryptCommand({ KeyId: key.keyId, Plaintext: new Uint8Array([42]) }));
    await client.send(new EnableKeyRotationCommand({ KeyId: key.keyId, RotationPeriodInDays: 90 }));
    const due = kms.clock.now() + 90 * DAY;
    kms.clock.advance(90 * DAY - 1);
    expect(await rotations(key.keyId)).toEqual([]);
    kms.clock.advance(1);
    const after = await currentMaterialId(key.keyId);
    expect(after).not.toBe(before);
    expect(await rotations(key.keyId)).toEqual([
      { KeyId: key.keyId, KeyMaterialId: after, KeyMaterialState: 'CURRENT', RotationDate: new Date(due), RotationType: 'AUTOMATIC' },
    ]);
    expect(await status(key.keyId)).toMatchObject({ NextRotationDate: new Date(due + 90 * DAY) });
    const decrypted = await client.send(new DecryptCommand({ CiphertextBlob }));
    expect(decrypted).toMatchObject({ Plaintext: new Uint8Array([42]), KeyMaterialId: before, KeyId: key.arn });
    const generated = await client.send(new GenerateDataKeyCommand({ KeyId: key.keyId, KeySpec: 'AES_256' }));
    expect(generated.KeyMaterialId).toBe(after);
  });

  it('catches up every period the clock jumped over, each at its scheduled date', async () => {
    const key = await newKey();
    await client.send(new EnableKeyRotationCommand({ KeyId: key.keyId, RotationPeriodInDays: 100 }));
    const start = kms.clock.now();
    kms.clock.advance(350 * DAY);
    const listed = await rotations(key.keyId);
    expect(listed.map((entry) => entry.RotationDate)).toEqual([new Date(start + 100 * DAY), new Date(start + 200 * DAY), new Date(start + 300 * DAY)]);
    expect(listed.map((entry) => entry.KeyMaterialState)).toEqual(['NON_CURRENT', 'NON_CURRENT', 'CURRENT']);
  });

  it('does not rotate a disabled key; once re-enabled after the due date, rotates at once, then every period', async () => {
    const key = await newKey();
    await client.send(new EnableKeyRotationCommand({ KeyId: key.keyId, RotationPeriodInDays: 90 }));
    await kms.setState(key.keyId, 'Disabled');
    kms.clock.advance(200 * DAY);
    expect(await rotations(key.keyId)).toEqual([]);
    // The status does not change while the key is disabled (GetKeyRotationStatus doc).
    expect(await status(key.keyId)).toMatchObject({ KeyRotationEnabled: true, RotationPeriodInDays: 90 });
    kms.clock.advance(DAY);
    await kms.setState(key.keyId, 'Enabled');
    const enabledAt = kms.clock.now();
    const listed = await rotations(key.keyId);
    expect(listed.map((entry) => [entry.RotationDate, entry.RotationType])).toEqual([[new Date(enabledAt), 'AUTOMATIC']]);
    expect(await status(key.keyId)).toMatchObject({ NextRotationDate: new Date(enabledAt + 90 * DAY) });
  });

  it('keeps the prior schedule when a key is re-enabled before its date', async () => {
    const key = await newKey();
    await client.send(new EnableKeyRotationCommand({ KeyId: key.keyId, RotationPeriodInDays: 90 }));
    const due = kms.clock.now() + 90 * DAY;
    await kms.setState(key.keyId, 'Disabled');
    kms.clock.advance(30 * DAY);
    await kms.setState(key.keyId, 'Enabled');
    expect(await rotations(key.keyId)).toEqual([]);
    kms.clock.set(due);
    expect((await rotations(key.keyId)).map((entry) => entry.RotationDate)).toEqual([new Date(due)]);
  });

  it('reports rotation off while the key is pending deletion, and does not rotate it', async () => {
    const key = await newKey();
    await client.send(new EnableKeyRotationCommand({ KeyId: key.keyId, RotationPeriodInDays: 90 }));
    kms.clock.advance(80 * DAY);
    // Deleted 30 days from now, so still there when the rotation falls due at day 90.
    await kms.setState(key.keyId, 'PendingDeletion');
    expect(await status(key.keyId)).toEqual({ KeyRotationEnabled: false, KeyId: key.arn });
    kms.clock.advance(20 * DAY);
    expect(await rotations(key.keyId)).toEqual([]);
  });

  it('does not happen while automatic rotation is off', async () => {
    const key = await newKey();
    kms.clock.advance(3000 * DAY);
    expect(await rotations(key.keyId)).toEqual([]);
  });
});

describe('on-demand rotation', () => {
  it('starts at once and completes asynchronously, visible in GetKeyRotationStatus until then', async () => {
    const key = await newKey();
    const before = await currentMaterialId(key.keyId);
    const started = kms.clock.now();
    expect((await client.send(new RotateKeyOnDemandCommand({ KeyId: key.keyId }))).KeyId).toBe(key.arn);
    expect(await status(key.keyId)).toEqual({ KeyRotationEnabled: false, KeyId: key.arn, OnDemandRotationStartDate: new Date(started) });
    expect(await rotations(key.keyId)).toEqual([]);
    expect(await currentMaterialId(key.keyId)).toBe(before);
    kms.clock.advance(5 * MINUTE);
    expect(await status(key.keyId)).toEqual({ KeyRotationEnabled: false, KeyId: key.arn });
    const after = await currentMaterialId(key.keyId);
    expect(after).not.toBe(before);
    expect(await rotations(key.keyId)).toEqual([
      { KeyId: key.keyId, KeyMaterialId: after, KeyMaterialState: 'CURRENT', RotationDate: new Date(started + 5 * MINUTE), RotationType: 'ON_DEMAND' },
    ]);
  });

  it('refuses a second rotation while one is in progress', async () => {
    const key = await newKey();
    await client.send(new RotateKeyOnDemandCommand({ KeyId: key.keyId }));
    expect(await failureOf(client.send(new RotateKeyOnDemandCommand({ KeyId: key.keyId })))).toMatchObject({
      name: 'ConflictException',
      message: `An on-demand rotation of ${key.arn} is already in progress.`,
    });
  });

  it('leaves the automatic schedule alone', async () => {
    const key = await newKey();
    await client.send(new EnableKeyRotationCommand({ KeyId: key.keyId, RotationPeriodInDays: 90 }));
    const before = await status(key.keyId);
    await client.send(new RotateKeyOnDemandCommand({ KeyId: key.keyId }));
    kms.clock.advance(10 * MINUTE);
    expect(await status(key.keyId)).toEqual(before);
  });

  it(`allows ${ON_DEMAND_ROTATION_LIMIT} rotations per key, then answers LimitExceededException`, async () => {
    const key = await newKey();
    for (let i = 0; i < ON_DEMAND_ROTATION_LIMIT; i++) {
      await client.send(new RotateKeyOnDemandCommand({ KeyId: key.keyId }));
      kms.clock.advance(5 * MINUTE);
    }
    const failure = await failureOf(client.send(new RotateKeyOnDemandCommand({ KeyId: key.keyId })));
    expect(failure).toEqual({
      name: 'LimitExceededException',
      message: `The on-demand rotations limit has been reached for the given keyId. No more on-demand rotations can be performed for this key: ${key.arn}`,
      status: 400,
    });
    expect(await rotations(key.keyId)).toHaveLength(ON_DEMAND_ROTATION_LIMIT);
  });

  it('is refused within 20 minutes of an automatic rotation', async () => {
    const key = await newKey();
    await client.send(new EnableKeyRotationCommand({ KeyId: key.keyId, RotationPeriodInDays: 90 }));
    kms.clock.advance(90 * DAY - 21 * MINUTE);
    await client.send(new RotateKeyOnDemandCommand({ KeyId: key.keyId }));
    kms.clock.advance(6 * MINUTE);
    expect(await failureOf(client.send(new RotateKeyOnDemandCommand({ KeyId: key.keyId })))).toMatchObject({
      name: 'ConflictException',
      message: 'The request was rejected because an automatic rotation of this key is currently in progress or scheduled to begin within the next 20 minutes.',
    });
  });

  it('completes immediately (on the next request) with the default delay of 0', async () => {
    const fixture = await startCryptoKms();
    try {
      const { KeyMetadata } = await fixture.client.send(new CreateKeyCommand({}));
      await fixture.client.send(new RotateKeyOnDemandCommand({ KeyId: KeyMetadata!.KeyId! }));
      const listed = await fixture.client.send(new ListKeyRotationsCommand({ KeyId: KeyMetadata!.KeyId! }));
      expect(listed.Rotations).toHaveLength(1);
    } finally {
      await fixture.close();
    }
  });
});

describe('ListKeyRotations', () => {
  it('pages with Limit and Marker, oldest first', async () => {
    const key = await newKey();
    for (let i = 0; i < 3; i++) {
      await client.send(new RotateKeyOnDemandCommand({ KeyId: key.keyId }));
      kms.clock.advance(5 * MINUTE);
    }
    const first = await client.send(new ListKeyRotationsCommand({ KeyId: key.keyId, Limit: 2 }));
    expect(first.Rotations).toHaveLength(2);
    expect(first.Truncated).toBe(true);
    const second = await client.send(new ListKeyRotationsCommand({ KeyId: key.keyId, Limit: 2, Marker: first.NextMarker }));
    expect(second.Rotations).toHaveLength(1);
    expect(second).toMatchObject({ Truncated: false });
    expect(second.NextMarker).toBeUndefined();
    const dates = [...first.Rotations!, ...second.Rotations!].map((entry) => entry.RotationDate!.getTime());
    expect(dates).toEqual([...dates].sort((a, b) => a - b));
  });

  it('lists the first key material too with IncludeKeyMaterial ALL_KEY_MATERIAL', async () => {
    const key = await newKey();
    const original = await currentMaterialId(key.keyId);
    await client.send(new RotateKeyOnDemandCommand({ KeyId: key.keyId }));
    kms.clock.advance(5 * MINUTE);
    const all = await rotations(key.keyId, 'ALL_KEY_MATERIAL');
    expect(all).toHaveLength(2);
    expect(all[0]).toEqual({ KeyId: key.keyId, KeyMaterialId: original, KeyMaterialState: 'NON_CURRENT' });
    expect(all[1]).toMatchObject({ KeyMaterialState: 'CURRENT', RotationType: 'ON_DEMAND' });
    expect(await rotations(key.keyId, 'ROTATIONS_ONLY')).toEqual([all[1]]);
  });

  it('refuses a Limit outside 1..1000 with the Coral range text', async () => {
    const key = await newKey();
    expect(await failureOf(client.send(new ListKeyRotationsCommand({ KeyId: key.keyId, Limit: 1001 })))).toMatchObject({
      name: 'ValidationException',
      message: "1 validation error detected: Value '1001' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 1000",
    });
  });
});

describe('keys that cannot rotate', () => {
  it('answers every rotation operation on an EXTERNAL key with UnsupportedOperationException', async () => {
    const key = await newKey('EXTERNAL');
    const message = `${key.arn} origin is EXTERNAL which is not valid for this operation.`;
    const calls = [
      client.send(new EnableKeyRotationCommand({ KeyId: key.keyId })),
      client.send(new DisableKeyRotationCommand({ KeyId: key.keyId })),
      client.send(new GetKeyRotationStatusCommand({ KeyId: key.keyId })),
      client.send(new RotateKeyOnDemandCommand({ KeyId: key.keyId })),
      client.send(new ListKeyRotationsCommand({ KeyId: key.keyId })),
    ];
    for (const call of calls) expect(await failureOf(call)).toEqual({ name: 'UnsupportedOperationException', message, status: 400 });
  });

  it('answers changes on a Disabled key with DisabledException, but still reports its status', async () => {
    const key = await newKey();
    await kms.setState(key.keyId, 'Disabled');
    const disabled = { name: 'DisabledException', message: `${key.arn} is disabled.`, status: 400 };
    expect(await failureOf(client.send(new EnableKeyRotationCommand({ KeyId: key.keyId })))).toEqual(disabled);
    expect(await failureOf(client.send(new DisableKeyRotationCommand({ KeyId: key.keyId })))).toEqual(disabled);
    expect(await failureOf(client.send(new RotateKeyOnDemandCommand({ KeyId: key.keyId })))).toEqual(disabled);
    expect(await status(key.keyId)).toEqual({ KeyRotationEnabled: false, KeyId: key.arn });
  });

  it('answers changes on a key pending deletion with KMSInvalidStateException', async () => {
    const key = await newKey();
    await kms.setState(key.keyId, 'PendingDeletion');
    expect(await failureOf(client.send(new RotateKeyOnDemandCommand({ KeyId: key.keyId })))).toEqual({
      name: 'KMSInvalidStateException',
      message: `${key.arn} is pending deletion.`,
      status: 400,
    });
  });
});

describe('AWS managed keys', () => {
  it('always report yearly rotation, rotate after a year, and cannot be configured', async () => {
    const created = kms.clock.now();
    const { KeyMetadata } = await client.send(new DescribeKeyCommand({ KeyId: 'alias/aws/s3' }));
    const keyId = KeyMetadata!.KeyId!;
    expect(KeyMetadata!.KeyManager).toBe('AWS');
    expect(await status(keyId)).toEqual({
      KeyRotationEnabled: true,
      KeyId: KeyMetadata!.Arn,
      RotationPeriodInDays: 365,
      NextRotationDate: new Date(created + 365 * DAY),
    });
    for (const [command, action] of [
      [new EnableKeyRotationCommand({ KeyId: keyId }), 'kms:EnableKeyRotation'],
      [new DisableKeyRotationCommand({ KeyId: keyId }), 'kms:DisableKeyRotation'],
      [new RotateKeyOnDemandCommand({ KeyId: keyId }), 'kms:RotateKeyOnDemand'],
    ] as const) {
      expect(await failureOf(client.send(command as never))).toEqual({
        name: 'AccessDeniedException',
        message: `User: arn:aws:iam::000000000000:root is not authorized to perform: ${action} on resource: ${KeyMetadata!.Arn} because no resource-based policy allows the ${action} action`,
        status: 400,
      });
    }
    kms.clock.advance(365 * DAY);
    expect((await rotations(keyId)).map((entry) => [entry.RotationDate, entry.RotationType])).toEqual([[new Date(created + 365 * DAY), 'AUTOMATIC']]);
    expect(await status(keyId)).toMatchObject({ NextRotationDate: new Date(created + 730 * DAY) });
  });
});
