/**
 * Object tags through `@aws-sdk/client-s3` and the kernel's in-process handler: `x-amz-tagging`
 * on PutObject, CreateMultipartUpload and CopyObject (`x-amz-tagging-directive` COPY / REPLACE),
 * GetObjectTagging, PutObjectTagging, DeleteObjectTagging, `x-amz-tagging-count` on GetObject and
 * HeadObject, S3's limits and errors (each refusal changes nothing), SSE-C objects tagged without
 * their key, and bucket policies on s3:PutObjectTagging / s3:GetObjectTagging.
 */

import { randomBytes } from 'node:crypto';
import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  DeleteObjectTaggingCommand,
  GetObjectCommand,
  GetObjectTaggingCommand,
  HeadObjectCommand,
  PutBucketEncryptionCommand,
  PutBucketPolicyCommand,
  PutObjectCommand,
  PutObjectTaggingCommand,
  type Tag,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { ManualClock, principalFromArn } from '@strongbox/service-kernel';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { useInProcessS3 } from '../helpers/sdk-fixture.ts';
import { watchedEngine } from '../helpers/watched-store.ts';
import { ACCOUNT, sdkError } from '../helpers/wire.ts';

// The engine's clock (the stores' Last-Modified), advanced by the tests between a write and a
// tagging call: HTTP dates have whole seconds, so on a real clock a tagging call that stamped a
// new time would most often answer the same date.
const clock = new ManualClock(Date.now());
const sdk = useInProcessS3({ buckets: ['data'], engine: { clock } });
const LATER = 3_600_000;

async function tagsOf(key: string): Promise<Tag[]> {
  return (await sdk.client.send(new GetObjectTaggingCommand({ Bucket: 'data', Key: key }))).TagSet ?? [];
}

async function tagCounts(key: string): Promise<[number | undefined, number | undefined]> {
  const got = await sdk.client.send(new GetObjectCommand({ Bucket: 'data', Key: key }));
  await got.Body?.transformToString();
  const head = await sdk.client.send(new HeadObjectCommand({ Bucket: 'data', Key: key }));
  return [got.TagCount, head.TagCount];
}

const tags = (...pairs: [string, string][]): Tag[] => pairs.map(([Key, Value]) => ({ Key, Value }));

describe('x-amz-tagging on writes', () => {
  it('PutObject keeps the tags (decoded, + a space, a key without = the empty value); GET and HEAD count them', async () => {
    await sdk.client.send(new PutObjectCommand({ Bucket: 'data', Key: 'k', Body: 'x', Tagging: 'project=blue&team=a%20b+c&flag' }));
    expect(await tagsOf('k')).toEqual(tags(['project', 'blue'], ['team', 'a b c'], ['flag', '']));
    expect(await tagCounts('k')).toEqual([3, 3]);
  });

  it('an untagged object has an empty tag set and no x-amz-tagging-count', async () => {
    await sdk.client.send(new PutObjectCommand({ Bucket: 'data', Key: 'plain', Body: 'x' }));
    expect(await tagsOf('plain')).toEqual([]);
    expect(await tagCounts('plain')).toEqual([undefined, undefined]);
  });

  it('CreateMultipartUpload tags the completed object', async () => {
    const { UploadId } = await sdk.client.send(new CreateMultipartUploadCommand({ Bucket: 'data', Key: 'mpu', Tagging: 'a=1' }));
    const { ETag } = await sdk.client.send(new UploadPartCommand({ Bucket: 'data', Key: 'mpu', UploadId, PartNumber: 1, Body: 'part' }));
    await sdk.client.send(new CompleteMultipartUploadCommand({ Bucket: 'data', Key: 'mpu', UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag }] } }));
    expect(await tagsOf('mpu')).toEqual(tags(['a', '1']));
  });

  it("CopyObject keeps the source's tags by default (COPY) and takes the request's with REPLACE", async () => {
    await sdk.client.send(new PutObjectCommand({ Bucket: 'data', Key: 'src', Body: 'x', Tagging: 'a=1&b=2' }));
    await sdk.client.send(new CopyObjectCommand({ Bucket: 'data', Key: 'copied', CopySource: 'data/src', Tagging: 'ignored=1' }));
    expect(await tagsOf('copied')).toEqual(tags(['a', '1'], ['b', '2']));
    await sdk.client.send(new CopyObjectCommand({ Bucket: 'data', Key: 'replaced', CopySource: 'data/src', TaggingDirective: 'REPLACE', Tagging: 'c=3' }));
    expect(await tagsOf('replaced')).toEqual(tags(['c', '3']));
    await sdk.client.send(new CopyObjectCommand({ Bucket: 'data', Key: 'cleared', CopySource: 'data/src', TaggingDirective: 'REPLACE' }));
    expect(await tagsOf('cleared')).toEqual([]);
  });

  it('CopyObject refuses another tagging directive, 400 InvalidArgument', async () => {
    await sdk.client.send(new PutObjectCommand({ Bucket: 'data', Key: 'src', Body: 'x' }));
    const error = await sdkError(
      sdk.client.send(new CopyObjectCommand({ Bucket: 'data', Key: 'copy', CopySource: 'data/src', TaggingDirective: 'MERGE' as 'COPY' })),
    );
    expect([error.name, error.$metadata.httpStatusCode]).toEqual(['InvalidArgument', 400]);
  });

  it.each([
    ['a key twice', 'a=1&a=2'],
    ['an empty key', '=1'],
    ['a value that is not UTF-8', 'a=%FF'],
  ])("refuses %s: 400 InvalidArgument, S3's text, nothing stored", async (_name, header) => {
    const error = await sdkError(sdk.client.send(new PutObjectCommand({ Bucket: 'data', Key: 'bad', Body: 'x', Tagging: header })));
    expect(error.name).toBe('InvalidArgument');
    expect(error.message).toBe("The header 'x-amz-tagging' shall be encoded as UTF-8 then URLEncoded URL query parameters without tag name duplicates.");
    const missing = await sdkError(sdk.client.send(new HeadObjectCommand({ Bucket: 'data', Key: 'bad' })));
    expect(missing.$metadata.httpStatusCode).toBe(404);
  });

  it('refuses an aws: key: 400 InvalidTag "Your TagKey cannot be prefixed with aws:", nothing stored', async () => {
    const error = await sdkError(sdk.client.send(new PutObjectCommand({ Bucket: 'data', Key: 'bad', Body: 'x', Tagging: 'aws:foo=bar' })));
    expect([error.name, error.message, error.$metadata.httpStatusCode]).toEqual(['InvalidTag', 'Your TagKey cannot be prefixed with aws:', 400]);
    const missing = await sdkError(sdk.client.send(new HeadObjectCommand({ Bucket: 'data', Key: 'bad' })));
    expect(missing.$metadata.httpStatusCode).toBe(404);
  });

  it('refuses 11 tags: 400 BadRequest "Object tags cannot be greater than 10"', async () => {
    const header = Array.from({ length: 11 }, (_, index) => `k${index}=v`).join('&');
    const error = await sdkError(sdk.client.send(new PutObjectCommand({ Bucket: 'data', Key: 'bad', Body: 'x', Tagging: header })));
    expect([error.name, error.message, error.$metadata.httpStatusCode]).toEqual(['BadRequest', 'Object tags cannot be greater than 10', 400]);
  });
});

describe('PutObjectTagging, GetObjectTagging, DeleteObjectTagging', () => {
  it('replaces the tag set and deletes it, leaving the bytes, ETag and Last-Modified as they were', async () => {
    await sdk.client.send(new PutObjectCommand({ Bucket: 'data', Key: 'k', Body: 'bytes', Tagging: 'old=1' }));
    const before = await sdk.client.send(new HeadObjectCommand({ Bucket: 'data', Key: 'k' }));
    clock.advance(LATER);
    await sdk.client.send(new PutObjectTaggingCommand({ Bucket: 'data', Key: 'k', Tagging: { TagSet: tags(['x', '1'], ['y', '2']) } }));
    expect(await tagsOf('k')).toEqual(tags(['x', '1'], ['y', '2']));
    expect(await tagCounts('k')).toEqual([2, 2]);
    const after = await sdk.client.send(new HeadObjectCommand({ Bucket: 'data', Key: 'k' }));
    expect([after.ETag, after.LastModified]).toEqual([before.ETag, before.LastModified]);
    clock.advance(LATER);
    const deleted = await sdk.client.send(new DeleteObjectTaggingCommand({ Bucket: 'data', Key: 'k' }));
    expect(deleted.$metadata.httpStatusCode).toBe(204);
    expect(await tagsOf('k')).toEqual([]);
    const got = await sdk.client.send(new GetObjectCommand({ Bucket: 'data', Key: 'k' }));
    expect([await got.Body?.transformToString(), got.TagCount, got.ETag, got.LastModified]).toEqual(['bytes', undefined, before.ETag, before.LastModified]);
    // The clock does reach the object's time: a write now is stamped later.
    await sdk.client.send(new PutObjectCommand({ Bucket: 'data', Key: 'k', Body: 'bytes' }));
    const rewritten = await sdk.client.send(new HeadObjectCommand({ Bucket: 'data', Key: 'k' }));
    expect(rewritten.LastModified?.getTime()).toBeGreaterThan(before.LastModified?.getTime() ?? Number.POSITIVE_INFINITY);
  });

  it('an empty tag set removes the tags', async () => {
    await sdk.client.send(new PutObjectCommand({ Bucket: 'data', Key: 'k', Body: 'x', Tagging: 'a=1' }));
    await sdk.client.send(new PutObjectTaggingCommand({ Bucket: 'data', Key: 'k', Tagging: { TagSet: [] } }));
    expect(await tagsOf('k')).toEqual([]);
  });

  it('a missing key is 404 NoSuchKey for all three', async () => {
    for (const command of [
      new GetObjectTaggingCommand({ Bucket: 'data', Key: 'missing' }),
      new PutObjectTaggingCommand({ Bucket: 'data', Key: 'missing', Tagging: { TagSet: tags(['a', '1']) } }),
      new DeleteObjectTaggingCommand({ Bucket: 'data', Key: 'missing' }),
    ]) {
      const error = await sdkError(sdk.client.send(command as GetObjectTaggingCommand));
      expect([error.name, error.$metadata.httpStatusCode]).toEqual(['NoSuchKey', 404]);
    }
  });

  const long = (length: number): string => 'a'.repeat(length);
  it.each([
    ['11 tags', Array.from({ length: 11 }, (_, index): [string, string] => [`k${index}`, '']), 'BadRequest', 'Object tags cannot be greater than 10'],
    [
      'a key twice',
      [
        ['a', '1'],
        ['a', '2'],
      ],
      'InvalidTag',
      'Cannot provide multiple Tags with the same key',
    ],
    ['a key of 129 characters', [[long(129), '']], 'InvalidTag', 'The TagKey you have provided is invalid'],
    ['an empty key', [['', 'v']], 'InvalidTag', 'The TagKey you have provided is invalid'],
    ['a key with a comma', [['a,b', 'v']], 'InvalidTag', 'The TagKey you have provided is invalid'],
    ['an emoji key', [['😀', 'v']], 'InvalidTag', 'The TagKey you have provided is invalid'],
    ['a value of 257 characters', [['k', long(257)]], 'InvalidTag', 'The TagValue you have provided is invalid'],
    ['a value with a tab', [['k', 'a\tb']], 'InvalidTag', 'The TagValue you have provided is invalid'],
    ['an aws: key', [['aws:cost', 'v']], 'InvalidTag', 'Your TagKey cannot be prefixed with aws:'],
    // The prefix in any case (UNCONFIRMED for S3 objects, see model/tagging.ts).
    ['an AWS: key', [['AWS:cost', 'v']], 'InvalidTag', 'Your TagKey cannot be prefixed with aws:'],
    ['an Aws: key', [['Aws:cost', 'v']], 'InvalidTag', 'Your TagKey cannot be prefixed with aws:'],
  ] as [string, [string, string][], string, string][])('refuses %s (%s) and keeps the tags it had', async (_name, pairs, code, message) => {
    await sdk.client.send(new PutObjectCommand({ Bucket: 'data', Key: 'k', Body: 'x', Tagging: 'kept=1' }));
    const error = await sdkError(sdk.client.send(new PutObjectTaggingCommand({ Bucket: 'data', Key: 'k', Tagging: { TagSet: tags(...pairs) } })));
    expect([error.name, error.message, error.$metadata.httpStatusCode]).toEqual([code, message, 400]);
    expect(await tagsOf('k')).toEqual(tags(['kept', '1']));
  });

  it('takes 10 tags of 128-character keys and 256-character values, letters of any script, spaces and _ . : / = + - @', async () => {
    const pairs = Array.from({ length: 10 }, (_, index): [string, string] => [`${index}${long(127)}`, long(256)]);
    await sdk.client.send(new PutObjectCommand({ Bucket: 'data', Key: 'k', Body: 'x' }));
    await sdk.client.send(new PutObjectTaggingCommand({ Bucket: 'data', Key: 'k', Tagging: { TagSet: tags(...pairs) } }));
    expect(await tagsOf('k')).toEqual(tags(...pairs));
    const symbols = tags(['名前 é_.:/=+-@', 'Ωmega 42 ٣']);
    await sdk.client.send(new PutObjectTaggingCommand({ Bucket: 'data', Key: 'k', Tagging: { TagSet: symbols } }));
    expect(await tagsOf('k')).toEqual(symbols);
  });

  it('round-trips any tag set S3 accepts, through the header and the document alike', async () => {
    const text = (max: number) => fc.stringMatching(new RegExp(`^[a-zA-Z0-9 _.:/=+@é名-]{0,${max}}$`));
    const tagSet = fc.uniqueArray(
      fc.tuple(
        text(128).filter((key) => key !== '' && !key.toLowerCase().startsWith('aws:')),
        text(256),
      ),
      {
        maxLength: 10,
        selector: ([key]) => key,
      },
    );
    await fc.assert(
      fc.asyncProperty(tagSet, async (pairs) => {
        const header = pairs.map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(value)}`).join('&');
        await sdk.client.send(new PutObjectCommand({ Bucket: 'data', Key: 'p', Body: 'x', Tagging: header }));
        expect(await tagsOf('p')).toEqual(tags(...pairs));
        await sdk.client.send(new PutObjectTaggingCommand({ Bucket: 'data', Key: 'p', Tagging: { TagSet: tags(...pairs) } }));
        expect(await tagsOf('p')).toEqual(tags(...pairs));
      }),
      { numRuns: 25 },
    );
  });
});

describe('the store calls of a tagging call', () => {
  it('Put- and DeleteObjectTagging look the object up once, under its lock (the update itself), missing or not', async () => {
    const { client, calls, close } = await watchedEngine();
    try {
      await client.send(new PutObjectCommand({ Bucket: 'data', Key: 'k', Body: 'x' }));
      const objectCalls = async (command: PutObjectTaggingCommand | DeleteObjectTaggingCommand) => {
        calls.length = 0;
        await client.send(command as PutObjectTaggingCommand).catch(() => undefined);
        return calls.filter((name) => name !== 'getBucket');
      };
      expect(await objectCalls(new PutObjectTaggingCommand({ Bucket: 'data', Key: 'k', Tagging: { TagSet: tags(['a', '1']) } }))).toEqual([
        'updateObjectMetadata',
      ]);
      expect(await objectCalls(new DeleteObjectTaggingCommand({ Bucket: 'data', Key: 'k' }))).toEqual(['updateObjectMetadata']);
      expect(await objectCalls(new DeleteObjectTaggingCommand({ Bucket: 'data', Key: 'missing' }))).toEqual(['updateObjectMetadata']);
    } finally {
      await close();
    }
  });
});

describe('an SSE-C object', () => {
  it('is tagged and its tags read without its key (the tagging operations take no SSE-C members)', async () => {
    await sdk.client.send(
      new PutBucketEncryptionCommand({
        Bucket: 'data',
        ServerSideEncryptionConfiguration: {
          Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' }, BlockedEncryptionTypes: { EncryptionType: ['NONE'] } }],
        },
      }),
    );
    const key = randomBytes(32);
    const sse = { SSECustomerAlgorithm: 'AES256', SSECustomerKey: key.toString('base64') };
    await sdk.client.send(new PutObjectCommand({ Bucket: 'data', Key: 'c', Body: 'secret', Tagging: 'a=1', ...sse }));
    const before = await sdk.client.send(new HeadObjectCommand({ Bucket: 'data', Key: 'c', ...sse }));
    expect(await tagsOf('c')).toEqual(tags(['a', '1']));
    clock.advance(LATER);
    await sdk.client.send(new DeleteObjectTaggingCommand({ Bucket: 'data', Key: 'c' }));
    clock.advance(LATER);
    await sdk.client.send(new PutObjectTaggingCommand({ Bucket: 'data', Key: 'c', Tagging: { TagSet: tags(['b', '2']) } }));
    // A tagging call leaves the encrypted object as it was: its ETag, time and key.
    const head = await sdk.client.send(new HeadObjectCommand({ Bucket: 'data', Key: 'c', ...sse }));
    expect([head.TagCount, head.ETag, head.LastModified, head.SSECustomerKeyMD5]).toEqual([1, before.ETag, before.LastModified, before.SSECustomerKeyMD5]);
    const got = await sdk.client.send(new GetObjectCommand({ Bucket: 'data', Key: 'c', ...sse }));
    expect(await got.Body?.transformToString()).toBe('secret');
    const keyless = await sdkError(sdk.client.send(new GetObjectCommand({ Bucket: 'data', Key: 'c' })));
    expect(keyless.$metadata.httpStatusCode).toBe(400);
  });
});

describe('bucket policies', () => {
  const deny = (action: string) =>
    JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Deny', Principal: '*', Action: action, Resource: 'arn:aws:s3:::data/*' }],
    });

  it('a Deny of s3:PutObjectTagging refuses PutObjectTagging and a PutObject naming tags, not an untagged PutObject', async () => {
    await sdk.client.send(new PutObjectCommand({ Bucket: 'data', Key: 'k', Body: 'x' }));
    await sdk.client.send(new PutBucketPolicyCommand({ Bucket: 'data', Policy: deny('s3:PutObjectTagging') }));
    const refused = await sdkError(sdk.client.send(new PutObjectTaggingCommand({ Bucket: 'data', Key: 'k', Tagging: { TagSet: tags(['a', '1']) } })));
    expect([refused.name, refused.$metadata.httpStatusCode]).toEqual(['AccessDenied', 403]);
    const tagged = await sdkError(sdk.client.send(new PutObjectCommand({ Bucket: 'data', Key: 'tagged', Body: 'x', Tagging: 'a=1' })));
    expect(tagged.name).toBe('AccessDenied');
    await sdk.client.send(new PutObjectCommand({ Bucket: 'data', Key: 'untagged', Body: 'x' }));
    expect(await tagsOf('k')).toEqual([]);
  });

  // "You must have s3:GetObjectTagging permission for the source object and s3:PutObjectTagging
  // permission for objects in the destination bucket" (AWS Knowledge Center,
  // s3-troubleshoot-copy-between-buckets; ceph/ceph#47897 and scality/cloudserver#747 agree).
  describe('CopyObject needs the tagging permissions for the tags it copies or sets', () => {
    const refusedCopy = async (destination: string, input: { TaggingDirective?: 'COPY' | 'REPLACE'; Tagging?: string }) => {
      const error = await sdkError(sdk.client.send(new CopyObjectCommand({ Bucket: 'data', Key: destination, CopySource: 'data/src', ...input })));
      expect([error.name, error.$metadata.httpStatusCode]).toEqual(['AccessDenied', 403]);
      const missing = await sdkError(sdk.client.send(new HeadObjectCommand({ Bucket: 'data', Key: destination })));
      expect(missing.$metadata.httpStatusCode).toBe(404);
    };

    it('a Deny of s3:PutObjectTagging refuses a COPY of a tagged source and a REPLACE naming tags; nothing is stored', async () => {
      await sdk.client.send(new PutObjectCommand({ Bucket: 'data', Key: 'src', Body: 'x', Tagging: 'a=1' }));
      await sdk.client.send(new PutBucketPolicyCommand({ Bucket: 'data', Policy: deny('s3:PutObjectTagging') }));
      await refusedCopy('copied', {});
      await refusedCopy('replaced', { TaggingDirective: 'REPLACE', Tagging: 'b=2' });
      // Without tags on the destination, no tagging permission is needed.
      await sdk.client.send(new CopyObjectCommand({ Bucket: 'data', Key: 'cleared', CopySource: 'data/src', TaggingDirective: 'REPLACE' }));
      expect(await tagsOf('cleared')).toEqual([]);
    });

    it('a Deny of s3:GetObjectTagging refuses a COPY of a tagged source, not a REPLACE; nothing is stored', async () => {
      await sdk.client.send(new PutObjectCommand({ Bucket: 'data', Key: 'src', Body: 'x', Tagging: 'a=1' }));
      await sdk.client.send(new PutBucketPolicyCommand({ Bucket: 'data', Policy: deny('s3:GetObjectTagging') }));
      await refusedCopy('copied', {});
      await refusedCopy('explicit', { TaggingDirective: 'COPY' });
      await sdk.client.send(new CopyObjectCommand({ Bucket: 'data', Key: 'replaced', CopySource: 'data/src', TaggingDirective: 'REPLACE', Tagging: 'b=2' }));
      const got = await sdk.client.send(new GetObjectCommand({ Bucket: 'data', Key: 'replaced' }));
      expect(await got.Body?.transformToString()).toBe('x');
    });

    it('an untagged source is copied under a Deny of both', async () => {
      await sdk.client.send(new PutObjectCommand({ Bucket: 'data', Key: 'src', Body: 'x' }));
      await sdk.client.send(new PutBucketPolicyCommand({ Bucket: 'data', Policy: deny('s3:*ObjectTagging') }));
      await sdk.client.send(new CopyObjectCommand({ Bucket: 'data', Key: 'copied', CopySource: 'data/src' }));
      const got = await sdk.client.send(new GetObjectCommand({ Bucket: 'data', Key: 'copied' }));
      expect([await got.Body?.transformToString(), got.TagCount]).toEqual(['x', undefined]);
    });
  });

  // TagCount is "The number of tags, if any, on the object, when you have the relevant permission
  // to read object tags" (GetObject API reference): the read itself is not refused.
  it('a Deny of s3:GetObjectTagging refuses GetObjectTagging, not GetObject, whose answers then carry no tag count', async () => {
    await sdk.client.send(new PutObjectCommand({ Bucket: 'data', Key: 'k', Body: 'x', Tagging: 'a=1' }));
    await sdk.client.send(new PutBucketPolicyCommand({ Bucket: 'data', Policy: deny('s3:GetObjectTagging') }));
    const refused = await sdkError(sdk.client.send(new GetObjectTaggingCommand({ Bucket: 'data', Key: 'k' })));
    expect([refused.name, refused.$metadata.httpStatusCode]).toEqual(['AccessDenied', 403]);
    expect(await tagCounts('k')).toEqual([undefined, undefined]);
  });

  it('a user who may read objects but not their tags gets no tag count; one who may read both does', async () => {
    await sdk.client.send(new PutObjectCommand({ Bucket: 'data', Key: 'k', Body: 'x', Tagging: 'a=1&b=2' }));
    const user = (name: string, actions: string[]) =>
      principalFromArn(`arn:aws:iam::${ACCOUNT}:user/${name}`, {
        identityPolicy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: actions, Resource: 'arn:aws:s3:::data/*' }] }),
      });
    const counts = async (caller: ReturnType<typeof principalFromArn>) => {
      const got = await sdk.engine.s3.getObject({ Bucket: 'data', Key: 'k' }, { caller });
      expect(await got.Body.transformToString()).toBe('x');
      return [got.TagCount, (await sdk.engine.s3.headObject({ Bucket: 'data', Key: 'k' }, { caller })).TagCount];
    };
    expect(await counts(user('reader', ['s3:GetObject']))).toEqual([undefined, undefined]);
    expect(await counts(user('tagreader', ['s3:GetObject', 's3:GetObjectTagging']))).toEqual([2, 2]);
  });
});
