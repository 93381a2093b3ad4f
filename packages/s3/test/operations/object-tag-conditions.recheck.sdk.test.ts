/**
 * The re-check of a tag decision on the record served, through the official
 * `@aws-sdk/client-s3` and the in-process handler:
 *
 * 1. A tag-based Deny that cannot apply to a missing object leaves GetObject's answer for a
 *    missing key as it is without it: 404 NoSuchKey to a caller who may list the bucket, 403
 *    AccessDenied to one who may not (GetObject API reference, "Permissions": "If the object you
 *    request doesn't exist, the error that Amazon S3 returns depends on whether you also have the
 *    s3:ListBucket permission"). A missing object has no tags, so `StringEquals` on one is false.
 * 2. An archived object swapped in after the tag read is refused by the Deny, not answered
 *    InvalidObjectState: that would tell a caller the policy refuses the new object's storage class.
 * 3. DeleteObjects with many entries (ETags, none, wrong ones, missing and repeated keys, keys a
 *    resource-scoped tag Deny reads and keys it does not, overwrites between check and delete)
 *    answers as a model of the rules says, entry by entry.
 */

import {
  CreateBucketCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  GetObjectTaggingCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  type ObjectIdentifier,
  PutBucketPolicyCommand,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { parseUsers } from '@strongbox/service-kernel';
import { describe, expect, it } from 'vitest';
import { denyTagged } from '../helpers/tag-deny.ts';
import { watchedEngine } from '../helpers/watched-store.ts';
import { ACCOUNT, inProcessClient, sdkError, wireEngine } from '../helpers/wire.ts';

const SECRET_DENY = denyTagged(['s3:GetObject', 's3:GetObjectTagging'], 'secret');

/** An IAM user of the bucket's account with `statements` as its identity policy. */
function user(name: string, statements: readonly object[]) {
  return {
    accessKeyId: `AKIA${name.toUpperCase()}`,
    secretAccessKey: `${name}-secret`,
    principal: `arn:aws:iam::${ACCOUNT}:user/${name}`,
    policy: { Version: '2012-10-17', Statement: statements },
  };
}

const READ = { Effect: 'Allow', Action: ['s3:GetObject', 's3:GetObjectTagging'], Resource: 'arn:aws:s3:::data/*' };
const LIST = { Effect: 'Allow', Action: 's3:ListBucket', Resource: 'arn:aws:s3:::data' };
const { Principal: _, ...IDENTITY_DENY } = SECRET_DENY;
const LISTER = user('lister', [READ, LIST]);
const READER = user('reader', [READ]);
/** As LISTER and READER, with the tag Deny in their own identity policies. */
const DENIED_LISTER = user('deniedlister', [READ, LIST, IDENTITY_DENY]);
const DENIED_READER = user('deniedreader', [READ, IDENTITY_DENY]);

/**
 * What GetObject, HeadObject and GetObjectTagging of a missing key answer each identity, with
 * `bucketStatements` as the bucket policy: GetObject's [name, status, message (the caller's ARN
 * as <caller>)], HeadObject's status (no body), GetObjectTagging's name.
 */
async function missingKeyAnswers(bucketStatements: readonly object[] | undefined, identities: readonly ReturnType<typeof user>[]) {
  const engine = wireEngine({ strict: true, users: parseUsers({ users: [LISTER, READER, DENIED_LISTER, DENIED_READER] }) });
  const owner = inProcessClient(engine.handler);
  const clients = identities.map((identity) =>
    inProcessClient(engine.handler, { credentials: { accessKeyId: identity.accessKeyId, secretAccessKey: identity.secretAccessKey } }),
  );
  try {
    await owner.send(new CreateBucketCommand({ Bucket: 'data' }));
    await owner.send(new PutObjectCommand({ Bucket: 'data', Key: 'present', Body: 'x', Tagging: 'classification=secret' }));
    if (bucketStatements !== undefined)
      await owner.send(new PutBucketPolicyCommand({ Bucket: 'data', Policy: JSON.stringify({ Version: '2012-10-17', Statement: bucketStatements }) }));
    const answers: unknown[] = [];
    for (const [index, client] of clients.entries()) {
      const get = await sdkError(client.send(new GetObjectCommand({ Bucket: 'data', Key: 'missing' })));
      const head = await sdkError(client.send(new HeadObjectCommand({ Bucket: 'data', Key: 'missing' })));
      const tagging = await sdkError(client.send(new GetObjectTaggingCommand({ Bucket: 'data', Key: 'missing' })));
      const message = get.message.replaceAll(String(identities[index]?.principal), '<caller>');
      answers.push([get.name, get.$metadata.httpStatusCode, message, head.$metadata.httpStatusCode, tagging.name]);
    }
    return answers;
  } finally {
    for (const client of [owner, ...clients]) client.destroy();
    await engine.close();
  }
}

describe('a tag-based Deny that cannot apply to a missing object', () => {
  it('GetObject of a missing key: 404 NoSuchKey with s3:ListBucket, 403 AccessDenied without, as without the Deny', async () => {
    const plain = await missingKeyAnswers(undefined, [LISTER, READER]);
    expect(plain).toEqual([
      ['NoSuchKey', 404, 'The specified key does not exist.', 404, 'NoSuchKey'],
      [
        'AccessDenied',
        403,
        'User: <caller> is not authorized to perform: s3:ListBucket on resource: "arn:aws:s3:::data" because no identity-based policy allows the s3:ListBucket action',
        403,
        'AccessDenied',
      ],
    ]);
    // The Deny in the bucket policy, or in the callers' own identity policies.
    expect(await missingKeyAnswers([SECRET_DENY], [LISTER, READER])).toEqual(plain);
    expect(await missingKeyAnswers(undefined, [DENIED_LISTER, DENIED_READER])).toEqual(plain);
    // The Deny does apply to the secret object that exists.
    const engine = wireEngine({ strict: true, users: parseUsers({ users: [DENIED_LISTER] }) });
    const owner = inProcessClient(engine.handler);
    const lister = inProcessClient(engine.handler, { credentials: { accessKeyId: DENIED_LISTER.accessKeyId, secretAccessKey: DENIED_LISTER.secretAccessKey } });
    try {
      await owner.send(new CreateBucketCommand({ Bucket: 'data' }));
      await owner.send(new PutObjectCommand({ Bucket: 'data', Key: 'present', Body: 'x', Tagging: 'classification=secret' }));
      const error = await sdkError(lister.send(new GetObjectCommand({ Bucket: 'data', Key: 'present' })));
      expect([error.name, error.message]).toEqual(['AccessDenied', expect.stringContaining('explicit deny in an identity-based policy')]);
    } finally {
      for (const client of [owner, lister]) client.destroy();
      await engine.close();
    }
  });
});

describe('an archived object swapped in after the tag read', () => {
  it('GetObject answers the Deny (AccessDenied), not InvalidObjectState', async () => {
    const { client, arm, close } = await watchedEngine((c, key) =>
      c.send(new PutObjectCommand({ Bucket: 'data', Key: key, Body: 'TOP SECRET', Tagging: 'classification=secret', StorageClass: 'GLACIER' })),
    );
    try {
      await client.send(new PutObjectCommand({ Bucket: 'data', Key: 'doc', Body: 'public text', Tagging: 'classification=public' }));
      await client.send(new PutBucketPolicyCommand({ Bucket: 'data', Policy: JSON.stringify({ Version: '2012-10-17', Statement: [SECRET_DENY] }) }));
      arm('doc');
      const error = await sdkError(client.send(new GetObjectCommand({ Bucket: 'data', Key: 'doc' })));
      expect([error.name, error.$metadata.httpStatusCode]).toEqual(['AccessDenied', 403]);
      // The object the handler faced was the archived secret one: the swap came before its read.
      const listed = await client.send(new ListObjectsV2Command({ Bucket: 'data' }));
      expect(listed.Contents?.map((entry) => [entry.Key, entry.StorageClass, entry.Size])).toEqual([['doc', 'GLACIER', 'TOP SECRET'.length]]);
      // Without the race, the Deny decides at authorization, as it does here.
      const again = await sdkError(client.send(new GetObjectCommand({ Bucket: 'data', Key: 'doc' })));
      expect([again.name, again.message]).toEqual([error.name, error.message]);
    } finally {
      await close();
    }
  });
});

/** An entry's answer: deleted (no code) or refused with a code. */
type Answer = { Key: string; Code?: string };
type Kind = 'public' | 'secret' | 'raced' | 'missing';

/**
 * What DeleteObjects answers, entry by entry, by the rules (not by the code): an entry without an
 * ETag is s3:DeleteObject alone (no tag keys) and deletes; with one, s3:GetObject is decided too:
 * on the tags read once per key and request where the tag Deny applies (`scoped`), then again on
 * the tags of the object found under the key's lock when they differ; then the ETag is compared.
 * A raced key turns secret (same bytes) right after its tag read.
 */
function modelAnswers(entries: readonly ObjectIdentifier[], kinds: ReadonlyMap<string, Kind>, etags: ReadonlyMap<string, string>): Answer[] {
  const objects = new Map<string, { secret: boolean }>();
  for (const [key, kind] of kinds) if (kind !== 'missing') objects.set(key, { secret: kind === 'secret' });
  const read = new Map<string, boolean>();
  return entries.map(({ Key, ETag }): Answer => {
    const key = String(Key);
    const current = () => objects.get(key);
    if (ETag === undefined) {
      objects.delete(key);
      return { Key: key };
    }
    if (key.startsWith('scoped/')) {
      if (!read.has(key)) {
        read.set(key, current()?.secret ?? false);
        if (kinds.get(key) === 'raced') objects.set(key, { secret: true });
      }
      if (read.get(key) === true) return { Key: key, Code: 'AccessDenied' };
      if (current()?.secret === true) return { Key: key, Code: 'AccessDenied' };
    }
    if (current() === undefined) return { Key: key, Code: 'NoSuchKey' };
    if (ETag !== etags.get(key)) return { Key: key, Code: 'PreconditionFailed' };
    objects.delete(key);
    return { Key: key };
  });
}

describe('DeleteObjects with many entries', () => {
  it('answers each entry as the rules say, however many carry an ETag', async () => {
    // Keys under scoped/ are read by a resource-scoped tag Deny; others are not.
    const SCOPED_DENY = { ...SECRET_DENY, Resource: 'arn:aws:s3:::data/scoped/*' };
    const { client, arm, close } = await watchedEngine((c, key) =>
      // The same bytes (the same ETag), secret tags: only the re-check can refuse it.
      c.send(new PutObjectCommand({ Bucket: 'data', Key: key, Body: `body of ${key}`, Tagging: 'classification=secret' })),
    );
    try {
      const order: Kind[] = ['public', 'secret', 'raced', 'missing'];
      const kinds = new Map<string, Kind>();
      for (const prefix of ['scoped/', 'open/']) for (let index = 0; index < 200; index++) kinds.set(`${prefix}${index}`, order[index % 4] as Kind);
      const etags = new Map<string, string>();
      for (const [key, kind] of kinds) {
        if (kind === 'missing') continue;
        const Tagging = kind === 'secret' ? 'classification=secret' : 'classification=public';
        const { ETag } = await client.send(new PutObjectCommand({ Bucket: 'data', Key: key, Body: `body of ${key}`, Tagging }));
        etags.set(key, String(ETag));
      }
      await client.send(new PutBucketPolicyCommand({ Bucket: 'data', Policy: JSON.stringify({ Version: '2012-10-17', Statement: [SCOPED_DENY] }) }));
      // Each key with its ETag; every fifth without one, every seventh with a wrong one, every
      // eleventh named twice.
      const wrong = '"0123456789abcdef0123456789abcdef"';
      const entries: ObjectIdentifier[] = [...kinds.keys()].flatMap((key, index) => {
        const entry = index % 5 === 0 ? { Key: key } : { Key: key, ETag: index % 7 === 0 ? wrong : (etags.get(key) ?? wrong) };
        return index % 11 === 0 ? [entry, entry] : [entry];
      });
      expect(entries.length).toBeLessThanOrEqual(1000);
      const expected = modelAnswers(entries, kinds, etags);
      arm(...[...kinds].filter(([, kind]) => kind === 'raced').map(([key]) => key));
      const answer = await client.send(new DeleteObjectsCommand({ Bucket: 'data', Delete: { Objects: entries } }));
      // Deleted and Errors each keep the request's order.
      expect(answer.Deleted?.map(({ Key }) => ({ Key }))).toEqual(expected.filter((entry) => entry.Code === undefined));
      expect(answer.Errors?.map(({ Key, Code }) => ({ Key, Code }))).toEqual(expected.filter((entry) => entry.Code !== undefined));
      // Every kind of answer is there (the model is not trivially all one thing).
      expect(new Set(expected.map((entry) => entry.Code))).toEqual(new Set([undefined, 'AccessDenied', 'NoSuchKey', 'PreconditionFailed']));
      const raced = expected.filter(
        (entry, index) => kinds.get(entry.Key) === 'raced' && entry.Key.startsWith('scoped/') && entries[index]?.ETag !== undefined,
      );
      expect(raced.length).toBeGreaterThan(0);
      expect(raced.every((entry) => entry.Code === 'AccessDenied')).toBe(true);
      // What is left: exactly the objects no entry deleted.
      const left = (await client.send(new ListObjectsV2Command({ Bucket: 'data', MaxKeys: 1000 }))).Contents?.map((object) => object.Key) ?? [];
      const deleted = new Set(expected.filter((entry) => entry.Code === undefined).map((entry) => entry.Key));
      expect(new Set(left)).toEqual(new Set([...etags.keys()].filter((key) => !deleted.has(key))));
    } finally {
      await close();
    }
  });
});
