/**
 * Concurrent changes of one KMS key or one S3 bucket, through the official SDK clients on the
 * in-process handler, in memory and in a data directory: AWS applies each request to the resource
 * as it is then, so every acknowledged change survives, whatever the others did meanwhile (tags
 * merge, a description update and a rotation are independent, a PutBucketEncryption keeps the
 * bucket policy), and with a data directory it survives a restart too.
 */

import {
  CreateAliasCommand,
  CreateGrantCommand,
  CreateKeyCommand,
  DeleteAliasCommand,
  DescribeKeyCommand,
  EnableKeyRotationCommand,
  GetKeyPolicyCommand,
  GetKeyRotationStatusCommand,
  KMSClient,
  ListAliasesCommand,
  ListGrantsCommand,
  ListKeyRotationsCommand,
  ListResourceTagsCommand,
  PutKeyPolicyCommand,
  RotateKeyOnDemandCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateAliasCommand,
  UpdateKeyDescriptionCommand,
} from '@aws-sdk/client-kms';
import {
  CreateBucketCommand,
  DeleteBucketEncryptionCommand,
  DeleteBucketPolicyCommand,
  GetBucketEncryptionCommand,
  GetBucketPolicyCommand,
  PutBucketEncryptionCommand,
  PutBucketPolicyCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { createStrongbox, type Strongbox } from '../src/index.ts';
import { failureOf, tempDir } from './helpers/cli.ts';

const ACCOUNT = '000000000000';
const BOB = `arn:aws:iam::${ACCOUNT}:user/bob`;
const ROOT_ALLOWED = {
  Sid: 'Enable IAM User Permissions',
  Effect: 'Allow',
  Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
  Action: 'kms:*',
  Resource: '*',
};
const DENY_BOB_DECRYPT = JSON.stringify({
  Version: '2012-10-17',
  Statement: [ROOT_ALLOWED, { Sid: 'DenyBobDecrypt', Effect: 'Deny', Principal: { AWS: BOB }, Action: 'kms:Decrypt', Resource: '*' }],
});
const denyBobReads = (bucket: string): string =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Sid: 'DenyBobReads', Effect: 'Deny', Principal: { AWS: BOB }, Action: 's3:GetObject', Resource: `arn:aws:s3:::${bucket}/*` }],
  });
const KMS_DEFAULT_ENCRYPTION = { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms' as const } }] };

/** Where the emulator keeps its state: in memory, or in a data directory it can be reopened from. */
interface Setting {
  readonly name: string;
  /** A fresh emulator; `reopen` closes it and opens the same state again (memory: the same one). */
  open(): Promise<{ strongbox: Strongbox; reopen(): Promise<Strongbox> }>;
}

const opened: Strongbox[] = [];
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const strongbox of opened.splice(0)) await strongbox.close();
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function track(strongbox: Promise<Strongbox>): Promise<Strongbox> {
  const made = await strongbox;
  opened.push(made);
  return made;
}

const SETTINGS: readonly Setting[] = [
  {
    name: 'in memory',
    async open() {
      const strongbox = await track(createStrongbox());
      return { strongbox, reopen: async () => strongbox };
    },
  },
  {
    name: 'in a data directory',
    async open() {
      const dir = await tempDir();
      cleanups.push(() => dir.cleanup());
      let strongbox = await track(createStrongbox({ dataDirectory: dir.path }));
      return {
        strongbox,
        async reopen() {
          await strongbox.close();
          strongbox = await track(createStrongbox({ dataDirectory: dir.path }));
          return strongbox;
        },
      };
    },
  },
];

/** One change of a key: the call, and what must hold afterwards. */
interface KeyMutation {
  readonly name: string;
  run(kms: KMSClient, keyId: string): Promise<unknown>;
  check(kms: KMSClient, keyId: string): Promise<void>;
}

async function tagsOf(kms: KMSClient, keyId: string): Promise<Record<string, string>> {
  const { Tags } = await kms.send(new ListResourceTagsCommand({ KeyId: keyId }));
  return Object.fromEntries((Tags ?? []).map((tag) => [tag.TagKey!, tag.TagValue!]));
}

const KEY_MUTATIONS: readonly KeyMutation[] = [
  {
    name: 'TagResource a',
    run: (kms, keyId) => kms.send(new TagResourceCommand({ KeyId: keyId, Tags: [{ TagKey: 'a', TagValue: '1' }] })),
    check: async (kms, keyId) => expect((await tagsOf(kms, keyId))['a']).toBe('1'),
  },
  {
    name: 'TagResource b',
    run: (kms, keyId) => kms.send(new TagResourceCommand({ KeyId: keyId, Tags: [{ TagKey: 'b', TagValue: '2' }] })),
    check: async (kms, keyId) => expect((await tagsOf(kms, keyId))['b']).toBe('2'),
  },
  {
    name: 'UntagResource old',
    run: (kms, keyId) => kms.send(new UntagResourceCommand({ KeyId: keyId, TagKeys: ['old'] })),
    check: async (kms, keyId) => expect(await tagsOf(kms, keyId)).not.toHaveProperty('old'),
  },
  {
    name: 'UpdateKeyDescription',
    run: (kms, keyId) => kms.send(new UpdateKeyDescriptionCommand({ KeyId: keyId, Description: 'new' })),
    check: async (kms, keyId) => expect((await kms.send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata?.Description).toBe('new'),
  },
  {
    name: 'EnableKeyRotation',
    run: (kms, keyId) => kms.send(new EnableKeyRotationCommand({ KeyId: keyId, RotationPeriodInDays: 90 })),
    check: async (kms, keyId) => {
      const status = await kms.send(new GetKeyRotationStatusCommand({ KeyId: keyId }));
      expect([status.KeyRotationEnabled, status.RotationPeriodInDays]).toEqual([true, 90]);
    },
  },
  {
    name: 'RotateKeyOnDemand',
    run: (kms, keyId) => kms.send(new RotateKeyOnDemandCommand({ KeyId: keyId })),
    check: async (kms, keyId) => {
      // Started (still in progress) or done (listed): either way not undone.
      const status = await kms.send(new GetKeyRotationStatusCommand({ KeyId: keyId }));
      const { Rotations } = await kms.send(new ListKeyRotationsCommand({ KeyId: keyId }));
      expect((status.OnDemandRotationStartDate === undefined ? 0 : 1) + (Rotations ?? []).length).toBeGreaterThan(0);
    },
  },
  {
    name: 'PutKeyPolicy with a Deny',
    run: (kms, keyId) => kms.send(new PutKeyPolicyCommand({ KeyId: keyId, PolicyName: 'default', Policy: DENY_BOB_DECRYPT })),
    check: async (kms, keyId) => {
      const { Policy } = await kms.send(new GetKeyPolicyCommand({ KeyId: keyId, PolicyName: 'default' }));
      expect(JSON.parse(Policy!)).toEqual(JSON.parse(DENY_BOB_DECRYPT));
    },
  },
  {
    name: 'CreateGrant',
    run: (kms, keyId) => kms.send(new CreateGrantCommand({ KeyId: keyId, GranteePrincipal: BOB, Operations: ['Encrypt'], Name: 'bob' })),
    check: async (kms, keyId) => expect((await kms.send(new ListGrantsCommand({ KeyId: keyId }))).Grants?.map((grant) => grant.Name)).toEqual(['bob']),
  },
  {
    name: 'CreateAlias',
    run: (kms, keyId) => kms.send(new CreateAliasCommand({ AliasName: `alias/${keyId}`, TargetKeyId: keyId })),
    check: async (kms, keyId) =>
      expect((await kms.send(new ListAliasesCommand({ KeyId: keyId }))).Aliases?.map((alias) => alias.AliasName)).toEqual([`alias/${keyId}`]),
  },
];

async function afterTurns<T>(turns: number, start: () => Promise<T>): Promise<T> {
  for (let turn = 0; turn < turns; turn++) await undefined;
  return start();
}

async function newKey(kms: KMSClient): Promise<string> {
  const { KeyMetadata } = await kms.send(new CreateKeyCommand({ Description: 'old', Tags: [{ TagKey: 'old', TagValue: 'x' }] }));
  return KeyMetadata!.KeyId!;
}

/** One change of a bucket's configuration, from a starting configuration it needs. */
interface BucketMutation {
  readonly name: string;
  prepare(s3: S3Client, bucket: string): Promise<unknown>;
  run(s3: S3Client, bucket: string): Promise<unknown>;
  check(s3: S3Client, bucket: string): Promise<void>;
}

const POLICY_MUTATIONS: readonly BucketMutation[] = [
  {
    name: 'PutBucketPolicy with a Deny',
    prepare: async () => undefined,
    run: (s3, bucket) => s3.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: denyBobReads(bucket) })),
    check: async (s3, bucket) =>
      expect(JSON.parse((await s3.send(new GetBucketPolicyCommand({ Bucket: bucket }))).Policy!)).toEqual(JSON.parse(denyBobReads(bucket))),
  },
  {
    name: 'DeleteBucketPolicy',
    prepare: (s3, bucket) => s3.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: denyBobReads(bucket) })),
    run: (s3, bucket) => s3.send(new DeleteBucketPolicyCommand({ Bucket: bucket })),
    check: async (s3, bucket) => expect((await failureOf(s3.send(new GetBucketPolicyCommand({ Bucket: bucket })))).name).toBe('NoSuchBucketPolicy'),
  },
];

const ENCRYPTION_MUTATIONS: readonly BucketMutation[] = [
  {
    name: 'PutBucketEncryption aws:kms',
    prepare: async () => undefined,
    run: (s3, bucket) => s3.send(new PutBucketEncryptionCommand({ Bucket: bucket, ServerSideEncryptionConfiguration: KMS_DEFAULT_ENCRYPTION })),
    check: async (s3, bucket) => expect(await defaultAlgorithm(s3, bucket)).toBe('aws:kms'),
  },
  {
    name: 'DeleteBucketEncryption',
    prepare: (s3, bucket) => s3.send(new PutBucketEncryptionCommand({ Bucket: bucket, ServerSideEncryptionConfiguration: KMS_DEFAULT_ENCRYPTION })),
    run: (s3, bucket) => s3.send(new DeleteBucketEncryptionCommand({ Bucket: bucket })),
    check: async (s3, bucket) => expect(await defaultAlgorithm(s3, bucket)).toBe('AES256'),
  },
];

async function defaultAlgorithm(s3: S3Client, bucket: string): Promise<string | undefined> {
  const { ServerSideEncryptionConfiguration } = await s3.send(new GetBucketEncryptionCommand({ Bucket: bucket }));
  return ServerSideEncryptionConfiguration?.Rules?.[0]?.ApplyServerSideEncryptionByDefault?.SSEAlgorithm;
}

describe.each(SETTINGS)('concurrent changes of one resource, $name', (setting) => {
  it('N concurrent TagResource calls with distinct tag keys leave N tags', async () => {
    const { strongbox } = await setting.open();
    const kms = new KMSClient(strongbox.clientConfig);
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(fc.stringMatching(/^[a-z]{1,8}$/), { minLength: 2, maxLength: 30 }), async (tagKeys) => {
        const keyId = await newKey(kms);
        await Promise.all(tagKeys.map((tagKey) => kms.send(new TagResourceCommand({ KeyId: keyId, Tags: [{ TagKey: tagKey, TagValue: tagKey }] }))));
        const tags = await tagsOf(kms, keyId);
        for (const tagKey of tagKeys) expect(tags[tagKey]).toBe(tagKey);
        expect(Object.keys(tags)).toHaveLength(tagKeys.length + (tagKeys.includes('old') ? 0 : 1));
      }),
      { numRuns: 8 },
    );
    kms.destroy();
  });

  it('different concurrent changes of one key all survive, also after a restart', async () => {
    const { strongbox, reopen } = await setting.open();
    const kms = new KMSClient(strongbox.clientConfig);
    const started: { keyId: string; mutations: readonly KeyMutation[] }[] = [];
    await fc.assert(
      fc.asyncProperty(fc.shuffledSubarray([...KEY_MUTATIONS], { minLength: 2 }), async (mutations) => {
        const keyId = await newKey(kms);
        await Promise.all(mutations.map((mutation) => mutation.run(kms, keyId)));
        for (const mutation of mutations) await mutation.check(kms, keyId);
        started.push({ keyId, mutations });
      }),
      { numRuns: 8 },
    );
    kms.destroy();
    const again = new KMSClient((await reopen()).clientConfig);
    for (const { keyId, mutations } of started) for (const mutation of mutations) await mutation.check(again, keyId);
    again.destroy();
  });

  it('UpdateAlias racing DeleteAlias never brings the deleted alias back', async () => {
    const { strongbox } = await setting.open();
    const kms = new KMSClient(strongbox.clientConfig);
    const [first, second] = [await newKey(kms), await newKey(kms)];
    // DeleteAlias starts 0, 1, 2, ... turns of the microtask queue after UpdateAlias, so that some
    // run lands between UpdateAlias's lookups and its commit, whatever the SDK's own steps take.
    for (let delay = 0; delay < 80; delay++) {
      const aliasName = `alias/race-${delay}`;
      await kms.send(new CreateAliasCommand({ AliasName: aliasName, TargetKeyId: first }));
      const [updated, deleted] = await Promise.allSettled([
        kms.send(new UpdateAliasCommand({ AliasName: aliasName, TargetKeyId: second })),
        afterTurns(delay, () => kms.send(new DeleteAliasCommand({ AliasName: aliasName }))),
      ]);
      expect(deleted.status).toBe('fulfilled');
      // Either order is AWS's: UpdateAlias first (then the alias is deleted), or DeleteAlias first
      // (then UpdateAlias finds no alias). Never both acknowledged with the alias still there.
      const { Aliases } = await kms.send(new ListAliasesCommand({}));
      expect(Aliases?.some((alias) => alias.AliasName === aliasName)).toBe(false);
      if (updated.status === 'rejected') expect((updated.reason as Error).name).toBe('NotFoundException');
    }
    kms.destroy();
  });

  it('a bucket policy and a default encryption changed at once both survive, also after a restart', async () => {
    const { strongbox, reopen } = await setting.open();
    const s3 = new S3Client(strongbox.clientConfig);
    const done: { bucket: string; mutations: readonly BucketMutation[] }[] = [];
    let count = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...POLICY_MUTATIONS),
        fc.constantFrom(...ENCRYPTION_MUTATIONS),
        fc.boolean(),
        async (policy, encryption, policyFirst) => {
          const bucket = `race-${count++}`;
          await s3.send(new CreateBucketCommand({ Bucket: bucket }));
          await policy.prepare(s3, bucket);
          await encryption.prepare(s3, bucket);
          const mutations = policyFirst ? [policy, encryption] : [encryption, policy];
          await Promise.all(mutations.map((mutation) => mutation.run(s3, bucket)));
          for (const mutation of mutations) await mutation.check(s3, bucket);
          done.push({ bucket, mutations });
        },
      ),
      { numRuns: 8 },
    );
    s3.destroy();
    const again = new S3Client((await reopen()).clientConfig);
    for (const { bucket, mutations } of done) for (const mutation of mutations) await mutation.check(again, bucket);
    again.destroy();
  });
});
