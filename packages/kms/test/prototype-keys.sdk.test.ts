/**
 * Map keys that name `Object.prototype`'s members (`__proto__`, `constructor`, `toString`, ...),
 * the empty key, Unicode keys and the persistence codec's own tag names are ordinary keys
 * everywhere a map crosses a boundary: the JSON 1.1 decoder, responses, grants, key-policy
 * conditions, the audit trail, the data directory and seeds. KMS binds every encryption-context
 * pair to the ciphertext; a key dropped on the way would make a blob decrypt without it.
 */

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { CreateGrantCommand, CreateKeyCommand, DecryptCommand, EncryptCommand, type KMSClient, ListGrantsCommand } from '@aws-sdk/client-kms';
import { ManualClock } from '@strongbox/service-kernel';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCloudTrailHandler, toNodeListener } from '../src/http.ts';
import { applySeed, createMemoryStore, Kms, parseSeed } from '../src/index.ts';
import { defaultKeyPolicy } from '../src/policy/default-policy.ts';
import { authenticateWith, caller } from './authorization.callers.ts';
import { openKms, tempDirectory } from './fixtures/persistence.ts';
import { failureOf, type SdkFixture, startKms } from './helpers/sdk.ts';

const ALICE = 'arn:aws:iam::000000000000:user/alice';
const bytes = (value: string): Uint8Array => new TextEncoder().encode(value);

/** Keys a `{}`-built map loses, reinterprets or finds inherited, and keys of other shapes. */
const ADVERSARIAL = ['__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty', '__defineGetter__', '', 'ключ', '鍵🔑', '$b64', '$o'];
const adversarialKey = fc.constantFrom(...ADVERSARIAL);
const value = fc.string({ unit: 'grapheme', maxLength: 8 });

/**
 * An encryption context holding at least one adversarial key (own data properties, as
 * `JSON.parse` makes them), plus ordinary keys.
 */
const context = fc
  .tuple(adversarialKey, value, fc.uniqueArray(fc.tuple(fc.oneof(adversarialKey, fc.string({ maxLength: 6 })), value), { selector: ([k]) => k, maxLength: 3 }))
  .map(([key, v, rest]) => {
    const entries = new Map<string, string>(rest);
    entries.set(key, v);
    return { key, context: Object.fromEntries(entries) as Record<string, string> };
  });

/** `context` without `key`, built without any prototype setter. */
function without(context: Record<string, string>, key: string): Record<string, string> {
  return Object.fromEntries(Object.entries(context).filter(([k]) => k !== key));
}

/** Entries sorted, so maps compare whatever their prototype. */
function entriesOf(map: unknown): [string, unknown][] {
  return Object.entries(map as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

let fixture: SdkFixture;
let alice: KMSClient;
let keyId: string;

beforeAll(async () => {
  fixture = await startKms({}, authenticateWith({ ALICE: caller(ALICE) }));
  alice = fixture.clientFor({ accessKeyId: 'ALICE' });
  keyId = (await fixture.client.send(new CreateKeyCommand({}))).KeyMetadata!.KeyId!;
});
afterAll(() => fixture.close());

describe('through the AWS SDK over HTTP', () => {
  it('binds the blob to every context key: Decrypt without the adversarial key fails', async () => {
    await fc.assert(
      fc.asyncProperty(context, async ({ key, context }) => {
        const { CiphertextBlob } = await fixture.client.send(new EncryptCommand({ KeyId: keyId, Plaintext: bytes('secret'), EncryptionContext: context }));
        const decrypted = await fixture.client.send(new DecryptCommand({ CiphertextBlob, EncryptionContext: context }));
        expect(new TextDecoder().decode(decrypted.Plaintext)).toBe('secret');
        const failure = await failureOf(fixture.client.send(new DecryptCommand({ CiphertextBlob, EncryptionContext: without(context, key) })));
        expect(failure.name).toBe('InvalidCiphertextException');
      }),
      { numRuns: 60 },
    );
  });

  it('records the whole context in the audit record and in LookupEvents', async () => {
    const server: Server = createServer(toNodeListener(createCloudTrailHandler(fixture.kms)));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const trail = new CloudTrailClient({
      endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      region: fixture.kms.region,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      maxAttempts: 1,
    });
    try {
      await fc.assert(
        fc.asyncProperty(context, async ({ context }) => {
          await fixture.client.send(new EncryptCommand({ KeyId: keyId, Plaintext: bytes('x'), EncryptionContext: context }));
          const [record] = fixture.kms.auditTrail.lookup({ eventName: 'Encrypt', maxResults: 1 }).records;
          expect(entriesOf(record!.requestParameters!['encryptionContext'])).toEqual(entriesOf(context));
          const { Events } = await trail.send(
            new LookupEventsCommand({ LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'Encrypt' }], MaxResults: 1 }),
          );
          const event = JSON.parse(Events![0]!.CloudTrailEvent!) as { requestParameters: { encryptionContext: unknown } };
          expect(entriesOf(event.requestParameters.encryptionContext)).toEqual(entriesOf(context));
        }),
        { numRuns: 30 },
      );
    } finally {
      trail.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

describe('grant constraints, created and used through the SDK', () => {
  const nonEmpty = context.filter(({ context }) => !Object.hasOwn(context, ''));
  const encryptAsAlice = (keyArn: string, ctx: Record<string, string>, token: string) =>
    alice.send(new EncryptCommand({ KeyId: keyArn, Plaintext: bytes('x'), EncryptionContext: ctx, GrantTokens: [token] }));

  it('EncryptionContextEquals with an adversarial key allows exactly that context', async () => {
    await fc.assert(
      fc.asyncProperty(nonEmpty, async ({ key, context }) => {
        const { KeyMetadata } = await fixture.client.send(new CreateKeyCommand({}));
        const { GrantToken } = await fixture.client.send(
          new CreateGrantCommand({
            KeyId: KeyMetadata!.KeyId!,
            GranteePrincipal: ALICE,
            Operations: ['Encrypt'],
            Constraints: { EncryptionContextEquals: context },
          }),
        );
        const { Grants } = await fixture.client.send(new ListGrantsCommand({ KeyId: KeyMetadata!.KeyId! }));
        expect(entriesOf(Grants![0]!.Constraints!.EncryptionContextEquals)).toEqual(entriesOf(context));
        await expect(encryptAsAlice(KeyMetadata!.Arn!, context, GrantToken!)).resolves.toBeDefined();
        expect((await failureOf(encryptAsAlice(KeyMetadata!.Arn!, without(context, key), GrantToken!))).name).toBe('AccessDeniedException');
        expect((await failureOf(encryptAsAlice(KeyMetadata!.Arn!, { ...context, extra: 'y' }, GrantToken!))).name).toBe('AccessDeniedException');
      }),
      { numRuns: 25 },
    );
  });

  it('EncryptionContextSubset with an adversarial key requires that key', async () => {
    await fc.assert(
      fc.asyncProperty(nonEmpty, async ({ key, context }) => {
        const { KeyMetadata } = await fixture.client.send(new CreateKeyCommand({}));
        const { GrantToken } = await fixture.client.send(
          new CreateGrantCommand({
            KeyId: KeyMetadata!.KeyId!,
            GranteePrincipal: ALICE,
            Operations: ['Encrypt'],
            Constraints: { EncryptionContextSubset: context },
          }),
        );
        await expect(encryptAsAlice(KeyMetadata!.Arn!, { ...context, 'another key': 'y' }, GrantToken!)).resolves.toBeDefined();
        expect((await failureOf(encryptAsAlice(KeyMetadata!.Arn!, without(context, key), GrantToken!))).name).toBe('AccessDeniedException');
      }),
      { numRuns: 25 },
    );
  });

  it('a constraint shaped like a persistence tag survives a restart as a map', async () => {
    const directory = await tempDirectory();
    const clock = new ManualClock();
    const first = await openKms(directory, clock);
    const { KeyMetadata } = await first.kms.createKey({});
    const constraint = Object.fromEntries([['$b64', 'QUFB']]) as Record<string, string>;
    const proto = Object.fromEntries([['__proto__', 'tenant-A']]) as Record<string, string>;
    await first.kms.createGrant({
      KeyId: KeyMetadata.KeyId,
      GranteePrincipal: ALICE,
      Operations: ['Encrypt'],
      Constraints: { EncryptionContextEquals: constraint },
    });
    await first.kms.createGrant({
      KeyId: KeyMetadata.KeyId,
      GranteePrincipal: ALICE,
      Operations: ['Decrypt'],
      Constraints: { EncryptionContextSubset: proto },
    });
    await first.kms.close();
    const second = await openKms(directory, clock);
    try {
      const { Grants } = await second.kms.listGrants({ KeyId: KeyMetadata.KeyId });
      const byOperation = new Map(Grants!.map((g) => [g.Operations![0], g.Constraints]));
      expect(entriesOf(byOperation.get('Encrypt')!.EncryptionContextEquals)).toEqual([['$b64', 'QUFB']]);
      expect(entriesOf(byOperation.get('Decrypt')!.EncryptionContextSubset)).toEqual([['__proto__', 'tenant-A']]);
      await expect(
        second.kms.encrypt({ KeyId: KeyMetadata.Arn!, Plaintext: bytes('x'), EncryptionContext: constraint }, { caller: ALICE }),
      ).resolves.toBeDefined();
    } finally {
      await second.kms.close();
    }
  });
});

describe('key policy conditions', () => {
  // Key policies are Latin-1 text (MalformedPolicyDocumentException otherwise), so the keys and
  // values a condition can name are too.
  const latin1 = (text: string): boolean => /^[\u0020-\u00ff]*$/u.test(text);
  it('a Deny on kms:EncryptionContext:<adversarial key> is not bypassed', async () => {
    await fc.assert(
      fc.asyncProperty(
        adversarialKey.filter((k) => k !== '' && latin1(k)),
        fc.string({ maxLength: 8 }),
        async (key, denied) => {
          const policy = JSON.parse(defaultKeyPolicy(fixture.kms.region, fixture.kms.account)) as { Statement: object[] };
          policy.Statement.push({
            Effect: 'Deny',
            Principal: { AWS: '*' },
            Action: 'kms:Encrypt',
            Resource: '*',
            Condition: { StringEquals: { [`kms:EncryptionContext:${key}`]: denied } },
          });
          const { KeyMetadata } = await fixture.client.send(new CreateKeyCommand({ Policy: JSON.stringify(policy) }));
          const encrypt = (ctx: Record<string, string>) =>
            fixture.client.send(new EncryptCommand({ KeyId: KeyMetadata!.KeyId!, Plaintext: bytes('x'), EncryptionContext: ctx }));
          const failure = await failureOf(encrypt(Object.fromEntries([[key, denied]])));
          expect(failure.name).toBe('AccessDeniedException');
          expect(failure.message).toContain('with an explicit deny in a resource-based policy');
          await expect(encrypt(Object.fromEntries([[key, `${denied}-other`]]))).resolves.toBeDefined();
        },
      ),
      { numRuns: 20 },
    );
  });
});

describe('seeds', () => {
  it('keeps tag keys named like prototype members', async () => {
    const store = createMemoryStore();
    const keyId = '6f1c1c1e-5a0e-4a8e-9c77-2d1f1b0c9a11';
    await applySeed(store, parseSeed(`{"keys":[{"keyId":"${keyId}","tags":{"__proto__":"a","constructor":"b","toString":"c"}}]}`), {
      account: '000000000000',
      region: 'us-east-1',
      now: Date.now(),
    });
    const kms = new Kms({ store, quotas: false });
    const { Tags } = await kms.listResourceTags({ KeyId: keyId });
    expect(Tags!.map((t) => [t.TagKey, t.TagValue]).sort()).toEqual([
      ['__proto__', 'a'],
      ['constructor', 'b'],
      ['toString', 'c'],
    ]);
  });
});

describe('the JSON 1.1 decoder', () => {
  it('answers ListGrants with every constraint key, over the wire', async () => {
    const { KeyMetadata } = await fixture.client.send(new CreateKeyCommand({}));
    await fixture.kms.createGrant({
      KeyId: KeyMetadata!.KeyId!,
      GranteePrincipal: ALICE,
      Operations: ['Encrypt'],
      Constraints: {
        EncryptionContextEquals: Object.fromEntries(
          ADVERSARIAL.filter((k) => k !== '')
            .slice(0, 8)
            .map((k) => [k, k]),
        ),
      },
    });
    const { Grants } = await fixture.client.send(new ListGrantsCommand({ KeyId: KeyMetadata!.KeyId! }));
    expect(Object.keys(Grants![0]!.Constraints!.EncryptionContextEquals!).sort()).toEqual(
      ADVERSARIAL.filter((k) => k !== '')
        .slice(0, 8)
        .sort(),
    );
  });
});
