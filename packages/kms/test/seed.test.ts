/**
 * Seed files: validation errors name the bad field; seeded keys, aliases, policies, tags,
 * rotations and states are what the SDK sees; seeding is idempotent across restarts; and seeded
 * material is reproducible: two emulators seeded alike decrypt each other's ciphertexts, and a
 * ciphertext pinned below keeps decrypting under its seeded key.
 */

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  DecryptCommand,
  DescribeKeyCommand,
  EncryptCommand,
  GetKeyPolicyCommand,
  GetKeyRotationStatusCommand,
  ListAliasesCommand,
  ListKeyRotationsCommand,
  ListResourceTagsCommand,
} from '@aws-sdk/client-kms';
import { describe, expect, it } from 'vitest';
import { applySeed, type ChangeStore, createMemoryStore, Kms, ManualClock, parseSeed, type SeedDocument, seedChanges } from '../src/index.ts';
import { openKms, tempDirectory } from './fixtures/persistence.ts';
import { startKms } from './helpers/sdk.ts';

const KEY_ID = '0b3f7c2e-8d4a-4e1f-9a6b-5c2d1e0f3a47';
/** Bytes 3, 10, 17, ... (i * 7 + 3), as base64 and as hex. */
const MATERIAL = 'AwoRGB8mLTQ7QklQV15lbHN6gYiPlp2kq7K5wMfO1dw=';
const MATERIAL_HEX = '030a11181f262d343b424950575e656c737a81888f969da4abb2b9c0c7ced5dc';
const MATERIAL_2 = Buffer.alloc(32, 0xee).toString('base64');
/** Encrypt('seeded and reproducible', context {purpose: golden}) under KEY_ID seeded with MATERIAL. */
const GOLDEN_BLOB = 'AQs/fC6NSk4fmmtcLR4POkcAAAABqNDLjlr6mPCgIDi48Y7Zb1+HusMhIfcj/5FbRjj0dYaBt+nDVMjWLeSOWjADZHnqFVrU';
const ACCOUNT = '000000000000';
const REGION = 'us-east-1';
const random = { bytes: (n: number): Uint8Array => crypto.getRandomValues(new Uint8Array(n)) };
const defaults = (now = Date.UTC(2024, 0, 1)) => ({ account: ACCOUNT, region: REGION, now, random });
const bytes = (value: string): Uint8Array => new TextEncoder().encode(value);

async function seeded(seed: unknown): Promise<{ kms: Kms; store: ChangeStore }> {
  const store = createMemoryStore();
  await applySeed(store, parseSeed(seed), defaults());
  return { kms: new Kms({ store, quotas: false, clock: new ManualClock() }), store };
}

describe('parseSeed', () => {
  const key = (fields: Record<string, unknown>) => ({ keys: [{ keyId: KEY_ID, ...fields }] });
  const cases: [string, unknown, string][] = [
    ['a document that is not an object', null, 'seed: "(document)" expected an object, got null'],
    ['an unknown top-level field', { kees: [] }, 'seed: "kees" is not a seed field (expected "keys")'],
    ['keys that are not a list', { keys: {} }, 'seed: "keys" expected an array, got object'],
    ['a key that is not an object', { keys: ['x'] }, 'seed: "keys[0]" expected an object, got string'],
    [
      'a key id that is not a lowercase UUID',
      { keys: [{ keyId: KEY_ID.toUpperCase() }] },
      `seed: "keys[0].keyId" expected a lowercase UUID such as 1234abcd-12ab-34cd-56ef-1234567890ab, got "${KEY_ID.toUpperCase()}"`,
    ],
    ['a missing key id', { keys: [{}] }, 'seed: "keys[0].keyId" expected a lowercase UUID such as 1234abcd-12ab-34cd-56ef-1234567890ab, got undefined'],
    ['a repeated key id', { keys: [{ keyId: KEY_ID }, { keyId: KEY_ID }] }, `seed: "keys[1].keyId" repeats key id ${KEY_ID}`],
    [
      'a misspelt key field',
      key({ decription: 'x' }),
      'seed: "keys[0].decription" is not a key field (expected one of keyId, account, region, description, aliases, material, enabled, origin, policy, tags, rotation)',
    ],
    ['an account that is not 12 digits', key({ account: '1234' }), 'seed: "keys[0].account" expected 12 digits, got "1234"'],
    ['a malformed Region', key({ region: 'Mars' }), 'seed: "keys[0].region" expected a Region name such as us-east-1, got "Mars"'],
    ['material of 16 bytes', key({ material: Buffer.alloc(16).toString('base64') }), 'seed: "keys[0].material" expected 32 bytes of key material, got 16'],
    [
      'material that is not base64',
      key({ material: 'not base64!' }),
      'seed: "keys[0].material" expected base64 (or 64 hex digits) of 32 bytes, got text that is neither',
    ],
    ['a bad version in a material list', key({ material: [MATERIAL, 'AAAA'] }), 'seed: "keys[0].material[1]" expected 32 bytes of key material, got 3'],
    ['an empty material list', key({ material: [] }), 'seed: "keys[0].material" expected a base64 string or a non-empty list of them, got an array'],
    [
      'an alias without alias/',
      key({ aliases: ['orders'] }),
      'seed: "keys[0].aliases[0]" expected an alias name alias/<name> (letters, digits, / _ - :, at most 256 characters), got "orders"',
    ],
    [
      'an alias with a bad character',
      key({ aliases: ['alias/a b'] }),
      'seed: "keys[0].aliases[0]" expected an alias name alias/<name> (letters, digits, / _ - :, at most 256 characters), got "alias/a b"',
    ],
    ['a reserved alias', key({ aliases: ['alias/aws/s3'] }), 'seed: "keys[0].aliases[0]" uses the prefix alias/aws/, which AWS reserves for AWS managed keys'],
    [
      'an alias used twice',
      {
        keys: [
          { keyId: KEY_ID, aliases: ['alias/a'] },
          { keyId: '1b3f7c2e-8d4a-4e1f-9a6b-5c2d1e0f3a47', aliases: ['alias/a'] },
        ],
      },
      'seed: "keys[1].aliases" repeats alias alias/a (alias names are unique per account and Region)',
    ],
    ['an unknown origin', key({ origin: 'AWS_CLOUDHSM' }), 'seed: "keys[0].origin" expected "AWS_KMS" or "EXTERNAL", got "AWS_CLOUDHSM"'],
    ['enabled that is not a boolean', key({ enabled: 'yes' }), 'seed: "keys[0].enabled" expected true or false, got string'],
    [
      'enabled on a key awaiting import',
      key({ origin: 'EXTERNAL', enabled: true }),
      'seed: "keys[0].enabled" cannot be set on an EXTERNAL key without material: it is PendingImport until material is imported',
    ],
    [
      'two materials on an EXTERNAL key',
      key({ origin: 'EXTERNAL', material: [MATERIAL, MATERIAL_2] }),
      'seed: "keys[0].material" lists 2 versions; an EXTERNAL key has one imported key material (Strongbox does not rotate imported material)',
    ],
    ['a policy that is not JSON', key({ policy: '{"Version":' }), 'seed: "keys[0].policy" is not valid JSON'],
    ['a policy that is a list', key({ policy: [] }), 'seed: "keys[0].policy" expected a policy document (object or JSON text), got an array'],
    ['a reserved tag key', key({ tags: { 'aws:team': 'x' } }), 'seed: "keys[0].tags.aws:team" uses the prefix aws:, which AWS reserves'],
    ['a tag value that is not text', key({ tags: { team: 1 } }), 'seed: "keys[0].tags.team" expected a tag value of 0..256 characters, got number'],
    ['a malformed tag list entry', key({ tags: [{ Key: 'team' }] }), 'seed: "keys[0].tags[0]" expected { "TagKey": string, "TagValue": string }'],
    [
      'a rotation period under 90 days',
      key({ rotation: { enabled: true, periodInDays: 30 } }),
      'seed: "keys[0].rotation.periodInDays" expected a whole number of days from 90 to 2560, got 30',
    ],
    ['rotation without enabled', key({ rotation: { periodInDays: 90 } }), 'seed: "keys[0].rotation.enabled" expected true or false, got undefined'],
    [
      'automatic rotation of an EXTERNAL key',
      key({ origin: 'EXTERNAL', material: MATERIAL, rotation: { enabled: true } }),
      'seed: "keys[0].rotation" cannot enable automatic rotation of an EXTERNAL key: AWS rotates imported key material only on demand',
    ],
  ];
  for (const [what, seed, message] of cases) {
    it(`names the field for ${what}`, () => {
      expect(() => parseSeed(seed)).toThrow(new TypeError(message));
    });
  }

  it('never echoes key material in an error', () => {
    const secret = Buffer.alloc(31, 0x41).toString('base64');
    expect(() => parseSeed(key({ material: secret }))).toThrow(TypeError);
    try {
      parseSeed(key({ material: secret }));
    } catch (error) {
      expect((error as Error).message).not.toContain(secret);
    }
  });

  it('takes JSON text, and reports text that is not JSON by line and column, never quoting it', () => {
    const document = { keys: [{ keyId: KEY_ID, material: MATERIAL }] };
    expect(parseSeed(JSON.stringify(document, null, 2))).toEqual(document);
    // The material's quotes forgotten: V8's own message would quote the text around the fault.
    const text = `{\n  "keys": [\n    { "keyId": "${KEY_ID}",\n      "material": ${MATERIAL} }\n  ]\n}\n`;
    expect(() => parseSeed(text)).toThrow(new TypeError('seed: not valid JSON (syntax error at line 4, column 19)'));
    expect(() => parseSeed(`{"keys": [{"material": "${MATERIAL}"`)).toThrow(
      new TypeError('seed: not valid JSON (unexpected end of input at line 1, column 70)'),
    );
  });

  it('returns a checked copy of a valid document', () => {
    const document = {
      keys: [
        { keyId: KEY_ID, aliases: ['alias/a'], material: MATERIAL, tags: [{ TagKey: 'a', TagValue: 'b' }], rotation: { enabled: true, periodInDays: 100 } },
      ],
    };
    const parsed = parseSeed(JSON.parse(JSON.stringify(document)));
    expect(parsed).toEqual(document);
    expect(parseSeed({})).toEqual({ keys: [] });
  });
});

describe('seeded keys, over the SDK', () => {
  it('have the seeded description, aliases, state, origin, policy, tags and rotations', async () => {
    const policy = {
      Version: '2012-10-17',
      Statement: [{ Sid: 'all', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'kms:*', Resource: '*' }],
    };
    const { kms } = await seeded({
      keys: [
        {
          keyId: KEY_ID,
          description: 'orders',
          aliases: ['alias/orders', 'alias/orders-v2'],
          material: [MATERIAL_2, MATERIAL_HEX],
          policy,
          tags: { team: 'payments' },
          rotation: { enabled: true, periodInDays: 90 },
        },
        { keyId: '1b3f7c2e-8d4a-4e1f-9a6b-5c2d1e0f3a47', enabled: false },
        { keyId: '2b3f7c2e-8d4a-4e1f-9a6b-5c2d1e0f3a47', origin: 'EXTERNAL' },
        { keyId: '3b3f7c2e-8d4a-4e1f-9a6b-5c2d1e0f3a47', origin: 'EXTERNAL', material: MATERIAL },
      ],
    });
    const sdk = await startKms({}, {}, kms);
    try {
      const { client } = sdk;
      const described = (await client.send(new DescribeKeyCommand({ KeyId: 'alias/orders' }))).KeyMetadata!;
      expect(described).toMatchObject({
        KeyId: KEY_ID,
        Description: 'orders',
        KeyState: 'Enabled',
        Enabled: true,
        Origin: 'AWS_KMS',
        KeyManager: 'CUSTOMER',
        Arn: `arn:aws:kms:${REGION}:${ACCOUNT}:key/${KEY_ID}`,
      });
      expect((await client.send(new ListAliasesCommand({ KeyId: KEY_ID }))).Aliases?.map((a) => a.AliasName)).toEqual(['alias/orders', 'alias/orders-v2']);
      expect(JSON.parse((await client.send(new GetKeyPolicyCommand({ KeyId: KEY_ID, PolicyName: 'default' }))).Policy!)).toEqual(policy);
      expect((await client.send(new ListResourceTagsCommand({ KeyId: KEY_ID }))).Tags).toEqual([{ TagKey: 'team', TagValue: 'payments' }]);
      expect(await client.send(new GetKeyRotationStatusCommand({ KeyId: KEY_ID }))).toMatchObject({ KeyRotationEnabled: true, RotationPeriodInDays: 90 });
      expect((await client.send(new ListKeyRotationsCommand({ KeyId: KEY_ID }))).Rotations).toHaveLength(1);
      expect((await client.send(new DescribeKeyCommand({ KeyId: '1b3f7c2e-8d4a-4e1f-9a6b-5c2d1e0f3a47' }))).KeyMetadata).toMatchObject({
        KeyState: 'Disabled',
        Enabled: false,
      });
      expect((await client.send(new DescribeKeyCommand({ KeyId: '2b3f7c2e-8d4a-4e1f-9a6b-5c2d1e0f3a47' }))).KeyMetadata).toMatchObject({
        KeyState: 'PendingImport',
        Origin: 'EXTERNAL',
      });
      expect((await client.send(new DescribeKeyCommand({ KeyId: '3b3f7c2e-8d4a-4e1f-9a6b-5c2d1e0f3a47' }))).KeyMetadata).toMatchObject({
        KeyState: 'Enabled',
        Origin: 'EXTERNAL',
        ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE',
      });
      // The last listed version encrypts: a blob made now decrypts in an emulator seeded with only that material.
      const blob = (await client.send(new EncryptCommand({ KeyId: 'alias/orders-v2', Plaintext: bytes('current') }))).CiphertextBlob!;
      const onlyCurrent = await seeded({ keys: [{ keyId: KEY_ID, material: [MATERIAL, MATERIAL] }] });
      expect(new TextDecoder().decode((await onlyCurrent.kms.decrypt({ CiphertextBlob: blob })).Plaintext)).toBe('current');
    } finally {
      await sdk.close();
    }
  });

  it('default to the emulator account and Region, and can name others', async () => {
    const other = '111122223333';
    const { kms, store } = await seeded({
      keys: [
        { keyId: KEY_ID, aliases: ['alias/here'] },
        { keyId: '1b3f7c2e-8d4a-4e1f-9a6b-5c2d1e0f3a47', account: other, region: 'eu-west-1', aliases: ['alias/here'] },
      ],
    });
    expect(store.state.key(KEY_ID)).toMatchObject({ account: ACCOUNT, region: REGION });
    expect(store.state.alias(other, 'eu-west-1', 'alias/here')?.targetKeyId).toBe('1b3f7c2e-8d4a-4e1f-9a6b-5c2d1e0f3a47');
    const described = await kms.describeKey({ KeyId: 'alias/here' }, { caller: `arn:aws:iam::${other}:root`, region: 'eu-west-1' });
    expect(described.KeyMetadata.Arn).toBe(`arn:aws:kms:eu-west-1:${other}:key/1b3f7c2e-8d4a-4e1f-9a6b-5c2d1e0f3a47`);
  });
});

describe('reproducible material', () => {
  it('two emulators seeded alike decrypt each other’s ciphertexts, over the SDK', async () => {
    const seed = { keys: [{ keyId: KEY_ID, aliases: ['alias/shared'], material: MATERIAL }] };
    const a = await startKms({}, {}, (await seeded(seed)).kms);
    const b = await startKms({}, {}, (await seeded(seed)).kms);
    try {
      const fromA = await a.client.send(new EncryptCommand({ KeyId: 'alias/shared', Plaintext: bytes('from a'), EncryptionContext: { app: 'x' } }));
      const fromB = await b.client.send(new EncryptCommand({ KeyId: KEY_ID, Plaintext: bytes('from b') }));
      expect(
        new TextDecoder().decode(
          (await b.client.send(new DecryptCommand({ CiphertextBlob: fromA.CiphertextBlob, EncryptionContext: { app: 'x' } }))).Plaintext,
        ),
      ).toBe('from a');
      expect(new TextDecoder().decode((await a.client.send(new DecryptCommand({ CiphertextBlob: fromB.CiphertextBlob }))).Plaintext)).toBe('from b');
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('a key seeded with rotations decrypts ciphertexts made under an earlier version elsewhere', async () => {
    const before = await seeded({ keys: [{ keyId: KEY_ID, material: MATERIAL }] });
    const blob = (await before.kms.encrypt({ KeyId: KEY_ID, Plaintext: bytes('version 1') })).CiphertextBlob;
    const rotated = await seeded({ keys: [{ keyId: KEY_ID, material: [MATERIAL, MATERIAL_2] }] });
    expect(new TextDecoder().decode((await rotated.kms.decrypt({ CiphertextBlob: blob })).Plaintext)).toBe('version 1');
    // Hex and base64 of the same bytes are the same material.
    const hex = await seeded({ keys: [{ keyId: KEY_ID, material: MATERIAL_HEX }] });
    expect(new TextDecoder().decode((await hex.kms.decrypt({ CiphertextBlob: blob })).Plaintext)).toBe('version 1');
  });

  it('decrypts a ciphertext pinned in this file (the blob format and seeding stay stable)', async () => {
    const { kms } = await seeded({ keys: [{ keyId: KEY_ID, material: MATERIAL }] });
    const { Plaintext, KeyId } = await kms.decrypt({ CiphertextBlob: Buffer.from(GOLDEN_BLOB, 'base64'), EncryptionContext: { purpose: 'golden' } });
    expect(new TextDecoder().decode(Plaintext)).toBe('seeded and reproducible');
    expect(KeyId).toBe(`arn:aws:kms:${REGION}:${ACCOUNT}:key/${KEY_ID}`);
  });
});

describe('idempotent seeding', () => {
  const seed: SeedDocument = { keys: [{ keyId: KEY_ID, aliases: ['alias/a', 'alias/b'] }, { keyId: '1b3f7c2e-8d4a-4e1f-9a6b-5c2d1e0f3a47' }] };

  it('creates nothing the state already has, and leaves changed aliases alone', async () => {
    const { kms, store } = await seeded(seed);
    expect(seedChanges(seed, store.state, defaults())).toEqual([]);
    // The user re-points alias/a and deletes alias/b: a re-seed keeps alias/a and re-creates alias/b.
    await kms.updateAlias({ AliasName: 'alias/a', TargetKeyId: '1b3f7c2e-8d4a-4e1f-9a6b-5c2d1e0f3a47' });
    await kms.deleteAlias({ AliasName: 'alias/b' });
    const changes = seedChanges(seed, store.state, defaults());
    expect(changes).toEqual([{ type: 'putAlias', alias: expect.objectContaining({ aliasName: 'alias/b', targetKeyId: KEY_ID }) }]);
    await applySeed(store, seed, defaults());
    expect(store.state.alias(ACCOUNT, REGION, 'alias/a')?.targetKeyId).toBe('1b3f7c2e-8d4a-4e1f-9a6b-5c2d1e0f3a47');
  });

  it('writes nothing on a restart with the same seed, and random material stays the same', async () => {
    const directory = await tempDirectory();
    const clock = new ManualClock();
    const first = await openKms(directory, clock);
    await applySeed(first.store, seed, defaults());
    const blob = (await first.kms.encrypt({ KeyId: 'alias/a', Plaintext: bytes('persisted') })).CiphertextBlob;
    await first.kms.close();
    const second = await openKms(directory, clock);
    expect(seedChanges(seed, second.store.state, defaults(clock.now() + 1000))).toEqual([]);
    await applySeed(second.store, seed, defaults(clock.now() + 1000));
    expect(new TextDecoder().decode((await second.kms.decrypt({ CiphertextBlob: blob })).Plaintext)).toBe('persisted');
    await second.kms.close();
    // The second open started generation 3 (every open does); the seed appended nothing to it.
    expect((await readFile(join(directory, 'journal-00000003.sbx'))).length).toBe(0);
  });

  it('refuses a seeded key id that exists in another account or Region', async () => {
    const { store } = await seeded(seed);
    expect(() => seedChanges({ keys: [{ keyId: KEY_ID, region: 'eu-west-1' }] }, store.state, defaults())).toThrow(
      new TypeError(`seed: "keys[0].keyId" names key ${KEY_ID}, which exists in account ${ACCOUNT} and Region ${REGION}, not ${ACCOUNT} eu-west-1`),
    );
  });

  it('refuses, with the emulator defaults filled in, an alias seeded twice in one scope', () => {
    const twice = {
      keys: [
        { keyId: KEY_ID, aliases: ['alias/x'] },
        { keyId: '1b3f7c2e-8d4a-4e1f-9a6b-5c2d1e0f3a47', account: ACCOUNT, aliases: ['alias/x'] },
      ],
    };
    expect(() => seedChanges(twice, createMemoryStore().state, defaults())).toThrow(
      new TypeError(`seed: "keys[1].aliases" repeats alias alias/x in account ${ACCOUNT} and Region ${REGION}`),
    );
  });
});
