/**
 * The object-tag condition keys (S3 User Guide "Tagging and access control policies") through the
 * official `@aws-sdk/client-s3` and the kernel's in-process handler, as the account root and as
 * IAM users of the bucket's account:
 *
 * - `s3:ExistingObjectTag/<key>`: the tags of the object a read or a tagging call acts on (a
 *   missing object has none), read at the request, so PutObjectTagging and DeleteObjectTagging
 *   take effect on the next one;
 * - `s3:RequestObjectTag/<key>`: the tags PutObject (x-amz-tagging), CreateMultipartUpload, a
 *   REPLACE CopyObject and PutObjectTagging (its document) set;
 * - `s3:RequestObjectTagKeys`, multivalued: `ForAllValues:StringEquals` limits the keys.
 *
 * Every refusal is 403 AccessDenied and changes nothing.
 */

import {
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteBucketPolicyCommand,
  DeleteObjectCommand,
  DeleteObjectTaggingCommand,
  GetObjectCommand,
  GetObjectTaggingCommand,
  HeadObjectCommand,
  PutBucketPolicyCommand,
  PutObjectCommand,
  PutObjectTaggingCommand,
  type S3Client,
  type Tag,
} from '@aws-sdk/client-s3';
import { parseUsers } from '@strongbox/service-kernel';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { denyWhen, DATA_OBJECTS as OBJECTS } from '../helpers/tag-deny.ts';
import { watchedEngine } from '../helpers/watched-store.ts';
import { ACCOUNT, inProcessClient, sdkError, type WireEngine, wireEngine } from '../helpers/wire.ts';

/** An IAM user of the bucket's account with `statements` as its identity policy. */
function user(name: string, statements: readonly object[]) {
  return {
    accessKeyId: `AKIA${name.toUpperCase()}`,
    secretAccessKey: `${name}-secret`,
    principal: `arn:aws:iam::${ACCOUNT}:user/${name}`,
    policy: { Version: '2012-10-17', Statement: statements },
  };
}

/** May read objects tagged team=red, and nothing else. */
const RED_READER = user('redreader', [
  { Effect: 'Allow', Action: ['s3:GetObject', 's3:GetObjectTagging'], Resource: OBJECTS, Condition: { StringEquals: { 's3:ExistingObjectTag/team': 'red' } } },
]);
/** May tag objects with the keys project and team only (UG "Tagging and access control policies", example 2). */
const TAGGER = user('tagger', [
  {
    Effect: 'Allow',
    Action: 's3:PutObjectTagging',
    Resource: OBJECTS,
    Condition: { 'ForAllValues:StringEquals': { 's3:RequestObjectTagKeys': ['project', 'team'] } },
  },
]);
/** As TAGGER, and must set at least one tag: ForAllValues alone holds for an empty tag set. */
const STRICT_TAGGER = user('stricttagger', [
  {
    Effect: 'Allow',
    Action: 's3:PutObjectTagging',
    Resource: OBJECTS,
    Condition: { 'ForAllValues:StringEquals': { 's3:RequestObjectTagKeys': ['project', 'team'] }, Null: { 's3:RequestObjectTagKeys': 'false' } },
  },
]);

let engine: WireEngine;
let owner: S3Client;
const clients: S3Client[] = [];

function clientOf(identity: { accessKeyId: string; secretAccessKey: string }): S3Client {
  const client = inProcessClient(engine.handler, { credentials: { accessKeyId: identity.accessKeyId, secretAccessKey: identity.secretAccessKey } });
  clients.push(client);
  return client;
}

beforeEach(async () => {
  engine = wireEngine({ strict: true, users: parseUsers({ users: [RED_READER, TAGGER, STRICT_TAGGER] }) });
  owner = inProcessClient(engine.handler);
  await owner.send(new CreateBucketCommand({ Bucket: 'data' }));
});
afterEach(async () => {
  for (const client of [owner, ...clients.splice(0)]) client.destroy();
  await engine.close();
});

const tagSet = (...pairs: [string, string][]): Tag[] => pairs.map(([Key, Value]) => ({ Key, Value }));

async function bucketPolicy(...statements: object[]): Promise<void> {
  await owner.send(new PutBucketPolicyCommand({ Bucket: 'data', Policy: JSON.stringify({ Version: '2012-10-17', Statement: statements }) }));
}

/** The error name and status of a refused call (undefined for none). */
async function outcome(promise: Promise<unknown>): Promise<[string, number | undefined] | 'ok'> {
  try {
    await promise;
    return 'ok';
  } catch {
    const error = await sdkError(promise);
    return [error.name, error.$metadata.httpStatusCode];
  }
}

const DENIED = ['AccessDenied', 403];

/** The status of a call's answer. */
async function status(promise: Promise<{ $metadata: { httpStatusCode?: number } }>): Promise<number | undefined> {
  try {
    return (await promise).$metadata.httpStatusCode;
  } catch {
    return (await sdkError(promise)).$metadata.httpStatusCode;
  }
}

/** Whether the object exists (GetObjectTagging: a missing key is 404 NoSuchKey to the owner, whatever a GetObject policy says). */
async function exists(key: string): Promise<boolean> {
  return (await status(owner.send(new GetObjectTaggingCommand({ Bucket: 'data', Key: key })))) === 200;
}

async function read(client: S3Client, key: string): Promise<string | undefined> {
  return (await client.send(new GetObjectCommand({ Bucket: 'data', Key: key }))).Body?.transformToString();
}

async function tagsOf(key: string): Promise<Tag[]> {
  return (await owner.send(new GetObjectTaggingCommand({ Bucket: 'data', Key: key }))).TagSet ?? [];
}

async function put(key: string, body: string, tagging?: string): Promise<void> {
  await owner.send(new PutObjectCommand({ Bucket: 'data', Key: key, Body: body, Tagging: tagging }));
}

describe('s3:ExistingObjectTag/<key>: a bucket policy denying reads unless classification=public', () => {
  beforeEach(async () => {
    await put('public', 'for everyone', 'classification=public');
    await put('secret', 'salary=100000', 'classification=secret');
    await put('untagged', 'no tags');
    await bucketPolicy(denyWhen('s3:GetObject', { StringNotEquals: { 's3:ExistingObjectTag/classification': 'public' } }));
  });

  it('GetObject and HeadObject of a public object pass; a secret, an untagged or a missing one is 403', async () => {
    expect(await read(owner, 'public')).toBe('for everyone');
    expect(await outcome(owner.send(new HeadObjectCommand({ Bucket: 'data', Key: 'public' })))).toBe('ok');
    for (const key of ['secret', 'untagged', 'missing']) {
      expect(await outcome(owner.send(new GetObjectCommand({ Bucket: 'data', Key: key })))).toEqual(DENIED);
      // A HEAD answer has no body to name the error: its status alone.
      expect(await status(owner.send(new HeadObjectCommand({ Bucket: 'data', Key: key })))).toBe(403);
    }
  });

  it('tags changed by PutObjectTagging and DeleteObjectTagging decide the next read', async () => {
    await owner.send(new PutObjectTaggingCommand({ Bucket: 'data', Key: 'secret', Tagging: { TagSet: tagSet(['classification', 'public']) } }));
    expect(await read(owner, 'secret')).toBe('salary=100000');
    await owner.send(new DeleteObjectTaggingCommand({ Bucket: 'data', Key: 'secret' }));
    expect(await outcome(owner.send(new GetObjectCommand({ Bucket: 'data', Key: 'secret' })))).toEqual(DENIED);
    // An overwrite without tags leaves none: the public object becomes unreadable.
    await put('public', 'overwritten');
    expect(await outcome(owner.send(new GetObjectCommand({ Bucket: 'data', Key: 'public' })))).toEqual(DENIED);
  });

  it('the tag key in the key name is matched ignoring case; the value is not', async () => {
    await bucketPolicy(denyWhen('s3:GetObject', { StringNotEquals: { 'S3:ExistingObjectTag/Classification': 'public' } }));
    expect(await read(owner, 'public')).toBe('for everyone');
    await put('shouting', 'x', 'classification=PUBLIC');
    expect(await outcome(owner.send(new GetObjectCommand({ Bucket: 'data', Key: 'shouting' })))).toEqual(DENIED);
  });

  it('CopyObject reads its source as GetObject: a secret source is 403 and no copy is made', async () => {
    const copy = (source: string) => owner.send(new CopyObjectCommand({ Bucket: 'data', Key: `copy-of-${source}`, CopySource: `data/${source}` }));
    expect(await outcome(copy('secret'))).toEqual(DENIED);
    expect(await exists('copy-of-secret')).toBe(false);
    await copy('public');
    // The copy keeps the source's tags (COPY directive): it is public too.
    expect(await read(owner, 'copy-of-public')).toBe('for everyone');
  });

  it('not a key of s3:PutObject nor s3:DeleteObject (UG: "you cannot … deny … to delete or overwrite an object based on its existing tags")', async () => {
    // A Deny on classification=secret: the key is absent for writes and deletes, so it never applies to them.
    await bucketPolicy(denyWhen('s3:*', { StringEquals: { 's3:ExistingObjectTag/classification': 'secret' } }));
    expect(await outcome(owner.send(new GetObjectCommand({ Bucket: 'data', Key: 'secret' })))).toEqual(DENIED);
    expect(await outcome(owner.send(new GetObjectTaggingCommand({ Bucket: 'data', Key: 'secret' })))).toEqual(DENIED);
    await owner.send(new CopyObjectCommand({ Bucket: 'data', Key: 'secret-copy', CopySource: 'data/public' }));
    await owner.send(new PutObjectCommand({ Bucket: 'data', Key: 'secret', Body: 'overwritten' }));
    expect(await read(owner, 'secret')).toBe('overwritten');
    await put('secret2', 'x', 'classification=secret');
    await owner.send(new DeleteObjectCommand({ Bucket: 'data', Key: 'secret2' }));
    expect(await exists('secret2')).toBe(false);
    // A Deny on StringNotEquals, by the same token, applies to every write: the key is absent.
    await bucketPolicy(denyWhen('s3:PutObject', { StringNotEquals: { 's3:ExistingObjectTag/classification': 'public' } }));
    expect(await outcome(owner.send(new PutObjectCommand({ Bucket: 'data', Key: 'public', Body: 'y' })))).toEqual(DENIED);
    expect(await read(owner, 'public')).toBe('for everyone');
  });
});

describe('the version actions (a request naming versionId=null, the current object)', () => {
  it('s3:GetObjectVersion sees the object’s tags; s3:PutObjectVersionTagging the document’s', async () => {
    await put('public', 'for everyone', 'classification=public');
    await put('secret', 'salary=100000', 'classification=secret');
    await bucketPolicy(
      denyWhen('s3:GetObjectVersion', { StringNotEquals: { 's3:ExistingObjectTag/classification': 'public' } }),
      denyWhen('s3:PutObjectVersionTagging', { StringNotEquals: { 's3:RequestObjectTag/classification': 'public' } }),
    );
    const getVersion = (key: string) => owner.send(new GetObjectCommand({ Bucket: 'data', Key: key, VersionId: 'null' }));
    expect(await (await getVersion('public')).Body?.transformToString()).toBe('for everyone');
    expect(await outcome(getVersion('secret'))).toEqual(DENIED);
    // Without a version id the request is s3:GetObject, which the policy does not name.
    expect(await read(owner, 'secret')).toBe('salary=100000');
    const retag = (value: string) =>
      owner.send(new PutObjectTaggingCommand({ Bucket: 'data', Key: 'secret', VersionId: 'null', Tagging: { TagSet: tagSet(['classification', value]) } }));
    expect(await outcome(retag('internal'))).toEqual(DENIED);
    expect(await tagsOf('secret')).toEqual(tagSet(['classification', 'secret']));
    await retag('public');
    expect(await (await getVersion('secret')).Body?.transformToString()).toBe('salary=100000');
  });
});

describe('s3:ExistingObjectTag/<key> on the tagging calls: a bucket policy freezing the tags of objects tagged locked=true', () => {
  it('PutObjectTagging and DeleteObjectTagging of a locked object are 403 and change nothing; of another, they pass', async () => {
    await put('locked', 'x', 'locked=true&team=a');
    await put('open', 'y', 'team=a');
    await bucketPolicy(denyWhen('s3:*ObjectTagging', { StringEquals: { 's3:ExistingObjectTag/locked': 'true' } }));
    const retag = (key: string) => owner.send(new PutObjectTaggingCommand({ Bucket: 'data', Key: key, Tagging: { TagSet: tagSet(['team', 'b']) } }));
    expect(await outcome(retag('locked'))).toEqual(DENIED);
    expect(await outcome(owner.send(new DeleteObjectTaggingCommand({ Bucket: 'data', Key: 'locked' })))).toEqual(DENIED);
    // GetObjectTagging is one of the actions too: the locked object's tags cannot even be read.
    expect(await outcome(owner.send(new GetObjectTaggingCommand({ Bucket: 'data', Key: 'locked' })))).toEqual(DENIED);
    await retag('open');
    expect(await tagsOf('open')).toEqual(tagSet(['team', 'b']));
    await owner.send(new DeleteObjectTaggingCommand({ Bucket: 'data', Key: 'open' }));
    expect(await tagsOf('open')).toEqual([]);
    // The lock holds the tags as they were (read back once the policy is gone).
    await owner.send(new DeleteBucketPolicyCommand({ Bucket: 'data' }));
    expect(await tagsOf('locked')).toEqual(tagSet(['locked', 'true'], ['team', 'a']));
  });
});

describe('s3:ExistingObjectTag/<key> in an identity policy: a user allowed to read objects tagged team=red', () => {
  it('reads red objects and their tags; a blue, an untagged or a missing object is 403', async () => {
    await put('red', 'red data', 'team=red&project=x');
    await put('blue', 'blue data', 'team=blue');
    await put('plain', 'plain data');
    const reader = clientOf(RED_READER);
    expect(await read(reader, 'red')).toBe('red data');
    expect((await reader.send(new GetObjectTaggingCommand({ Bucket: 'data', Key: 'red' }))).TagSet).toEqual(tagSet(['team', 'red'], ['project', 'x']));
    for (const key of ['blue', 'plain', 'missing']) {
      const error = await sdkError(reader.send(new GetObjectCommand({ Bucket: 'data', Key: key })));
      expect([error.name, error.$metadata.httpStatusCode]).toEqual(DENIED);
      expect(error.message).toContain('user/redreader is not authorized to perform: s3:GetObject');
      expect(await outcome(reader.send(new GetObjectTaggingCommand({ Bucket: 'data', Key: key })))).toEqual(DENIED);
    }
    // Retagged by the owner, the blue object becomes readable.
    await owner.send(new PutObjectTaggingCommand({ Bucket: 'data', Key: 'blue', Tagging: { TagSet: tagSet(['team', 'red']) } }));
    expect(await read(reader, 'blue')).toBe('blue data');
  });
});

describe('s3:RequestObjectTag/<key>: a bucket policy requiring project=blue on the tags a write sets', () => {
  beforeEach(async () => {
    await put('existing', 'first', 'project=blue');
    await bucketPolicy(
      denyWhen('s3:PutObject', { StringNotEquals: { 's3:RequestObjectTag/project': 'blue' } }),
      denyWhen('s3:PutObjectTagging', { StringNotEquals: { 's3:RequestObjectTag/project': 'blue' } }),
    );
  });

  it('PutObject: x-amz-tagging with project=blue passes; absent or another value is 403 and nothing changes', async () => {
    await put('new', 'tagged', 'project=blue&team=a');
    expect(await tagsOf('new')).toEqual(tagSet(['project', 'blue'], ['team', 'a']));
    for (const tagging of [undefined, 'project=red', 'team=a', 'project=Blue']) {
      expect(await outcome(owner.send(new PutObjectCommand({ Bucket: 'data', Key: 'existing', Body: 'second', Tagging: tagging })))).toEqual(DENIED);
      expect(await outcome(owner.send(new PutObjectCommand({ Bucket: 'data', Key: 'absent', Body: 'x', Tagging: tagging })))).toEqual(DENIED);
    }
    expect(await read(owner, 'existing')).toBe('first');
    expect(await tagsOf('existing')).toEqual(tagSet(['project', 'blue']));
    expect(await exists('absent')).toBe(false);
    // The tag key in the key name ignores case (IAM's rule for tag keys in key names).
    await put('cased', 'x', 'Project=blue');
    expect(await tagsOf('cased')).toEqual(tagSet(['Project', 'blue']));
  });

  it('CreateMultipartUpload and a REPLACE CopyObject carry their x-amz-tagging; a COPY CopyObject none (UNCONFIRMED)', async () => {
    await owner.send(new CreateMultipartUploadCommand({ Bucket: 'data', Key: 'upload', Tagging: 'project=blue' }));
    expect(await outcome(owner.send(new CreateMultipartUploadCommand({ Bucket: 'data', Key: 'upload', Tagging: 'project=red' })))).toEqual(DENIED);
    await owner.send(new CopyObjectCommand({ Bucket: 'data', Key: 'copy', CopySource: 'data/existing', TaggingDirective: 'REPLACE', Tagging: 'project=blue' }));
    expect(await tagsOf('copy')).toEqual(tagSet(['project', 'blue']));
    // COPY: the request names no tags for s3:PutObject (the copy would keep the source's
    // project=blue): refused. UNCONFIRMED which tags S3 puts there for COPY (no capture).
    expect(await outcome(owner.send(new CopyObjectCommand({ Bucket: 'data', Key: 'copy2', CopySource: 'data/existing' })))).toEqual(DENIED);
    expect(await exists('copy2')).toBe(false);
  });

  it('PutObjectTagging: its document’s tag set is the request’s; a refused one leaves the tags as they were', async () => {
    const retag = (...pairs: [string, string][]) =>
      owner.send(new PutObjectTaggingCommand({ Bucket: 'data', Key: 'existing', Tagging: { TagSet: tagSet(...pairs) } }));
    await retag(['project', 'blue'], ['team', 'b']);
    expect(await tagsOf('existing')).toEqual(tagSet(['project', 'blue'], ['team', 'b']));
    for (const pairs of [[], [['project', 'red']], [['team', 'c']]] as [string, string][][]) expect(await outcome(retag(...pairs))).toEqual(DENIED);
    expect(await tagsOf('existing')).toEqual(tagSet(['project', 'blue'], ['team', 'b']));
  });
});

describe('s3:RequestObjectTagKeys with ForAllValues:StringEquals: a user allowed to tag with the keys project and team', () => {
  beforeEach(async () => {
    await put('k', 'x', 'project=old');
  });

  const retag = (client: S3Client, ...pairs: [string, string][]) =>
    client.send(new PutObjectTaggingCommand({ Bucket: 'data', Key: 'k', Tagging: { TagSet: tagSet(...pairs) } }));

  it('keys within the list pass, one outside is 403 and the tags stay', async () => {
    const tagger = clientOf(TAGGER);
    await retag(tagger, ['project', 'a']);
    await retag(tagger, ['project', 'b'], ['team', 'c']);
    expect(await tagsOf('k')).toEqual(tagSet(['project', 'b'], ['team', 'c']));
    for (const pairs of [
      [['owner', 'x']],
      [
        ['project', 'a'],
        ['owner', 'x'],
      ],
      [['Project', 'a']],
    ] as [string, string][][]) {
      expect(await outcome(retag(tagger, ...pairs))).toEqual(DENIED);
    }
    expect(await tagsOf('k')).toEqual(tagSet(['project', 'b'], ['team', 'c']));
  });

  it('ForAllValues holds for an empty tag set; Null false on the key requires at least one', async () => {
    await retag(clientOf(TAGGER));
    expect(await tagsOf('k')).toEqual([]);
    const strict = clientOf(STRICT_TAGGER);
    await retag(strict, ['team', 'z']);
    expect(await outcome(retag(strict))).toEqual(DENIED);
    expect(await tagsOf('k')).toEqual(tagSet(['team', 'z']));
  });
});

describe('when the object’s tags are read', () => {
  it('only for a policy statement that applies and tests s3:ExistingObjectTag: then one headObject more, as many reads otherwise', async () => {
    const { client, calls, close } = await watchedEngine();
    try {
      await client.send(new PutObjectCommand({ Bucket: 'data', Key: 'k', Body: 'x', Tagging: 'team=red' }));
      const getCalls = async (policy: object | undefined) => {
        if (policy !== undefined)
          await client.send(new PutBucketPolicyCommand({ Bucket: 'data', Policy: JSON.stringify({ Version: '2012-10-17', Statement: [policy] }) }));
        calls.length = 0;
        await (await client.send(new GetObjectCommand({ Bucket: 'data', Key: 'k' }))).Body?.transformToString();
        return calls.filter((name) => name !== 'getBucket');
      };
      const plain = await getCalls(undefined);
      expect(plain).not.toContain('headObject');
      // A policy without the key, and one whose statement names another action: no read.
      expect(await getCalls(denyWhen('s3:GetObject', { Bool: { 'aws:SecureTransport': 'false' } }))).toEqual(plain);
      expect(await getCalls(denyWhen('s3:PutObjectTagging', { StringEquals: { 's3:ExistingObjectTag/team': 'blue' } }))).toEqual(plain);
      // The key tested for this request: one look-up of the object's record first.
      expect(await getCalls(denyWhen('s3:GetObject', { StringEquals: { 's3:ExistingObjectTag/team': 'blue' } }))).toEqual(['headObject', ...plain]);
    } finally {
      await close();
    }
  });
});
