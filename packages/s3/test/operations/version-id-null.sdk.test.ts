/**
 * `versionId=null` through `@aws-sdk/client-s3` and the in-process handler. In a bucket never
 * versioned, every object's version id is `null`, and S3 takes `versionId=null` as the current
 * object on GetObject, HeadObject, DeleteObject, DeleteObjects, the three tagging calls,
 * GetObjectAttributes and a copy source, without answering a version id (LS-snapshot
 * `test_get_object_with_version_unversioned_bucket`). Any other id is refused and changes nothing:
 * 400 InvalidArgument "Invalid version id specified" (LS-snapshots `..._unversioned_bucket`,
 * `test_delete_object`), an entry's NoSuchVersion in DeleteObjects (LS-snapshot
 * `test_delete_objects`); an operation that takes none refuses one, `null` included (captured
 * against S3). A request naming a version needs the version's permission.
 */

import {
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  DeleteObjectTaggingCommand,
  GetObjectAttributesCommand,
  GetObjectCommand,
  GetObjectTaggingCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  ListPartsCommand,
  PutBucketPolicyCommand,
  PutObjectCommand,
  PutObjectTaggingCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { parseUsers } from '@strongbox/service-kernel';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { useInProcessS3 } from '../helpers/sdk-fixture.ts';
import { ACCOUNT, argued, inProcessClient, sdkError, served, type WireEngine, wireEngine, wireRefusal } from '../helpers/wire.ts';

/** A well-formed S3 version id (LS-snapshot), of no object here. */
const OTHER = 'HPniJFCxqTsMuIH9KX8K8wEjNUgmABCD';

const sdk = useInProcessS3({ buckets: ['data'] });
beforeEach(async () => {
  await sdk.client.send(new PutObjectCommand({ Bucket: 'data', Key: 'k', Body: 'current', Tagging: 'a=1' }));
});

async function exists(key: string): Promise<boolean> {
  const head = sdk.client.send(new HeadObjectCommand({ Bucket: 'data', Key: key }));
  return head.then(
    () => true,
    async () => (await sdkError(head)).$metadata.httpStatusCode !== 404,
  );
}

async function tags(): Promise<string[]> {
  const { TagSet = [] } = await sdk.client.send(new GetObjectTaggingCommand({ Bucket: 'data', Key: 'k' }));
  return TagSet.map((tag) => `${tag.Key}=${tag.Value}`);
}

/** The 400 S3 answers a version id it cannot read, named by `argument`. */
function expectInvalidVersion(error: Awaited<ReturnType<typeof sdkError>>, value: string, argument = 'versionId'): void {
  expect([error.name, error.message, error.$metadata.httpStatusCode]).toEqual(['InvalidArgument', 'Invalid version id specified', 400]);
  expect(error).toMatchObject({ ArgumentName: argument, ArgumentValue: value });
}

describe('versionId=null is the current object', () => {
  it('GetObject and HeadObject answer it, with no version id (as S3 answers a bucket never versioned)', async () => {
    const got = await sdk.client.send(new GetObjectCommand({ Bucket: 'data', Key: 'k', VersionId: 'null' }));
    expect([await got.Body?.transformToString(), got.VersionId, got.TagCount]).toEqual(['current', undefined, 1]);
    const head = await sdk.client.send(new HeadObjectCommand({ Bucket: 'data', Key: 'k', VersionId: 'null' }));
    expect([head.ContentLength, head.VersionId]).toEqual([7, undefined]);
  });

  it('a missing key with versionId=null is still 404 NoSuchKey', async () => {
    const error = await sdkError(sdk.client.send(new GetObjectCommand({ Bucket: 'data', Key: 'absent', VersionId: 'null' })));
    expect([error.name, error.$metadata.httpStatusCode]).toEqual(['NoSuchKey', 404]);
  });

  it('DeleteObject deletes it (204)', async () => {
    const deleted = await sdk.client.send(new DeleteObjectCommand({ Bucket: 'data', Key: 'k', VersionId: 'null' }));
    expect([deleted.$metadata.httpStatusCode, deleted.VersionId]).toEqual([204, undefined]);
    expect(await exists('k')).toBe(false);
  });

  it("DeleteObjects deletes an entry's null version and answers the entry with it", async () => {
    const answer = await sdk.client.send(new DeleteObjectsCommand({ Bucket: 'data', Delete: { Objects: [{ Key: 'k', VersionId: 'null' }] } }));
    expect([answer.Deleted, answer.Errors]).toEqual([[{ Key: 'k', VersionId: 'null' }], undefined]);
    expect(await exists('k')).toBe(false);
  });

  it('the tagging calls read, replace and delete its tags', async () => {
    const got = await sdk.client.send(new GetObjectTaggingCommand({ Bucket: 'data', Key: 'k', VersionId: 'null' }));
    expect(got.TagSet).toEqual([{ Key: 'a', Value: '1' }]);
    await sdk.client.send(new PutObjectTaggingCommand({ Bucket: 'data', Key: 'k', VersionId: 'null', Tagging: { TagSet: [{ Key: 'b', Value: '2' }] } }));
    expect(await tags()).toEqual(['b=2']);
    await sdk.client.send(new DeleteObjectTaggingCommand({ Bucket: 'data', Key: 'k', VersionId: 'null' }));
    expect(await tags()).toEqual([]);
  });

  it('GetObjectAttributes and a copy source ?versionId=null read it', async () => {
    const attributes = await sdk.client.send(new GetObjectAttributesCommand({ Bucket: 'data', Key: 'k', VersionId: 'null', ObjectAttributes: ['ObjectSize'] }));
    expect(attributes.ObjectSize).toBe(7);
    await sdk.client.send(new CopyObjectCommand({ Bucket: 'data', Key: 'copy', CopySource: 'data/k?versionId=null' }));
    const copy = await sdk.client.send(new GetObjectCommand({ Bucket: 'data', Key: 'copy' }));
    expect(await copy.Body?.transformToString()).toBe('current');
  });
});

describe('any other version id is refused and changes nothing', () => {
  it('GetObject: 400 InvalidArgument "Invalid version id specified" naming versionId and the value (LS-snapshot); HeadObject: 400', async () => {
    expectInvalidVersion(await sdkError(sdk.client.send(new GetObjectCommand({ Bucket: 'data', Key: 'k', VersionId: OTHER }))), OTHER);
    // A HEAD answer has no body: the status is all the SDK sees.
    const head = await sdkError(sdk.client.send(new HeadObjectCommand({ Bucket: 'data', Key: 'k', VersionId: OTHER })));
    expect(head.$metadata.httpStatusCode).toBe(400);
    // Checked before the key is looked up.
    expectInvalidVersion(await sdkError(sdk.client.send(new GetObjectCommand({ Bucket: 'data', Key: 'absent', VersionId: 'NULL' }))), 'NULL');
  });

  it('DeleteObject: 400 InvalidArgument (LS-snapshot test_delete_object), the object stays', async () => {
    expectInvalidVersion(await sdkError(sdk.client.send(new DeleteObjectCommand({ Bucket: 'data', Key: 'k', VersionId: OTHER }))), OTHER);
    expect(await exists('k')).toBe(true);
  });

  it("DeleteObjects: the entry's NoSuchVersion (LS-snapshot test_delete_objects), the object stays, the other entries are deleted", async () => {
    await sdk.client.send(new PutObjectCommand({ Bucket: 'data', Key: 'other', Body: 'x' }));
    const answer = await sdk.client.send(
      new DeleteObjectsCommand({
        Bucket: 'data',
        Delete: {
          Objects: [
            { Key: 'k', VersionId: OTHER },
            { Key: 'other', VersionId: 'null' },
          ],
        },
      }),
    );
    expect(answer.Errors).toEqual([{ Key: 'k', VersionId: OTHER, Code: 'NoSuchVersion', Message: 'The specified version does not exist.' }]);
    expect(answer.Deleted).toEqual([{ Key: 'other', VersionId: 'null' }]);
    expect([await exists('k'), await exists('other')]).toEqual([true, false]);
  });

  it('the tagging calls and GetObjectAttributes: 400 InvalidArgument, the tags kept', async () => {
    for (const command of [
      new GetObjectTaggingCommand({ Bucket: 'data', Key: 'k', VersionId: OTHER }),
      new PutObjectTaggingCommand({ Bucket: 'data', Key: 'k', VersionId: OTHER, Tagging: { TagSet: [] } }),
      new DeleteObjectTaggingCommand({ Bucket: 'data', Key: 'k', VersionId: OTHER }),
      new GetObjectAttributesCommand({ Bucket: 'data', Key: 'k', VersionId: OTHER, ObjectAttributes: ['ObjectSize'] }),
    ]) {
      expectInvalidVersion(await sdkError(sdk.client.send(command as GetObjectTaggingCommand)), OTHER);
    }
    expect(await tags()).toEqual(['a=1']);
  });

  it('UploadPart takes no version id, null included: 400 "This operation does not accept a version-id." (captured against S3), no part kept', async () => {
    const { server, client, close } = await served('wire');
    try {
      const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket: 'wire', Key: 'k' }));
      const response = await fetch(`${server.url}/wire/k?partNumber=1&uploadId=${encodeURIComponent(UploadId ?? '')}&versionId=null`, {
        method: 'PUT',
        body: 'part',
      });
      expect(response.status).toBe(400);
      expect(await response.text()).toContain(
        '<Code>InvalidArgument</Code><Message>This operation does not accept a version-id.</Message><ArgumentName>versionId</ArgumentName><ArgumentValue>null</ArgumentValue>',
      );
      expect((await client.send(new ListPartsCommand({ Bucket: 'wire', Key: 'k', UploadId }))).Parts).toBeUndefined();
    } finally {
      await close();
    }
  });

  it('an empty versionId= is 400 InvalidArgument "Version id cannot be the empty string" (captured against S3)', async () => {
    const { server, close } = await served('wire');
    try {
      const response = await fetch(`${server.url}/wire/k?versionId=`);
      expect(response.status).toBe(400);
      const text = await response.text();
      expect(text).toContain(
        '<Code>InvalidArgument</Code><Message>Version id cannot be the empty string</Message><ArgumentName>versionId</ArgumentName><ArgumentValue></ArgumentValue>',
      );
    } finally {
      await close();
    }
  });
});

describe('versionId where no operation takes one: 400 "This operation does not accept a version-id.", not 501', () => {
  const NOT_ACCEPTED = 'This operation does not accept a version-id.';

  // Captured against S3 (us-east-1, 2026-09-29): `?versions&versionId=x`, `?versioning&versionId=null`
  // and `?versioning&versionId=` are each this 400, naming versionId and the value as sent;
  // so is a bucket that does not exist (checked before the bucket).
  it.each([
    ['ListObjectVersions', 'wire?versions&versionId=x', 'x'],
    ['GetBucketVersioning', 'wire?versioning&versionId=null', 'null'],
    ['GetBucketVersioning, empty', 'wire?versioning&versionId=', ''],
    ['ListObjectsV2', 'wire?list-type=2&versionId=x', 'x'],
    ['ListMultipartUploads, a missing bucket', 'absent?uploads&versionId=x', 'x'],
  ])('%s', async (_name, path, value) => {
    const { server, close } = await served('wire');
    try {
      const response = await fetch(`${server.url}/${path}`);
      expect(await wireRefusal(response)).toEqual([400, 'InvalidArgument', NOT_ACCEPTED, argued('versionId', value)]);
    } finally {
      await close();
    }
  });

  // PutObject, CreateMultipartUpload and CompleteMultipartUpload take none either
  // (scality/cloudserver `checkQueryVersionId` in objectPut, initiateMultipartUpload,
  // completeMultipartUpload, same text); UploadPart's is captured against S3 (above).
  it('PutObject ?versionId=null: 400, nothing written', async () => {
    const { server, client, close } = await served('wire');
    try {
      const response = await fetch(`${server.url}/wire/k?versionId=null`, { method: 'PUT', body: 'x' });
      expect(await wireRefusal(response)).toEqual([400, 'InvalidArgument', NOT_ACCEPTED, argued('versionId', 'null')]);
      const listed = await client.send(new ListObjectsV2Command({ Bucket: 'wire' }));
      expect(listed.KeyCount).toBe(0);
    } finally {
      await close();
    }
  });

  it('CreateMultipartUpload ?versionId=null: 400', async () => {
    const { server, close } = await served('wire');
    try {
      const response = await fetch(`${server.url}/wire/k?uploads&versionId=null`, { method: 'POST' });
      expect(await wireRefusal(response)).toEqual([400, 'InvalidArgument', NOT_ACCEPTED, argued('versionId', 'null')]);
    } finally {
      await close();
    }
  });

  it('CopyObject with its own ?versionId: 400, nothing copied (the source names its version in x-amz-copy-source)', async () => {
    const { server, client, close } = await served('wire');
    try {
      await client.send(new PutObjectCommand({ Bucket: 'wire', Key: 'k', Body: 'x' }));
      const response = await fetch(`${server.url}/wire/copy?versionId=null`, { method: 'PUT', headers: { 'x-amz-copy-source': '/wire/k' } });
      expect(await wireRefusal(response)).toEqual([400, 'InvalidArgument', NOT_ACCEPTED, argued('versionId', 'null')]);
      expect((await client.send(new ListObjectsV2Command({ Bucket: 'wire' }))).Contents?.map((object) => object.Key)).toEqual(['k']);
    } finally {
      await close();
    }
  });
});

describe('a request naming a version needs the version permission', () => {
  /** An IAM user of the bucket's account allowed `actions` on the bucket's objects. */
  function user(name: string, actions: readonly string[]) {
    return {
      accessKeyId: `AKIA${name.toUpperCase()}`,
      secretAccessKey: `${name}-secret`,
      principal: `arn:aws:iam::${ACCOUNT}:user/${name}`,
      policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: actions, Resource: 'arn:aws:s3:::data/*' }] },
    };
  }
  const PLAIN = user('plain', ['s3:GetObject', 's3:DeleteObject', 's3:GetObjectTagging', 's3:PutObjectTagging', 's3:DeleteObjectTagging', 's3:PutObject']);
  const VERSIONS = user('versions', [
    's3:GetObjectVersion',
    's3:DeleteObjectVersion',
    's3:GetObjectVersionTagging',
    's3:PutObjectVersionTagging',
    's3:DeleteObjectVersionTagging',
    's3:PutObject',
    // A copy's destination takes the source's tags.
    's3:PutObjectTagging',
  ]);
  // Reads the object and each version, and tags by s3:GetObjectTagging only.
  const MIXED = user('mixed', ['s3:GetObject', 's3:GetObjectVersion', 's3:GetObjectTagging']);
  let engine: WireEngine;
  let owner: S3Client;
  let plain: S3Client;
  let versions: S3Client;
  let mixed: S3Client;
  const clientOf = (who: typeof PLAIN): S3Client =>
    inProcessClient(engine.handler, { credentials: { accessKeyId: who.accessKeyId, secretAccessKey: who.secretAccessKey } });
  beforeEach(async () => {
    engine = wireEngine({ strict: true, users: parseUsers({ users: [PLAIN, VERSIONS, MIXED] }) });
    owner = inProcessClient(engine.handler);
    plain = clientOf(PLAIN);
    versions = clientOf(VERSIONS);
    mixed = clientOf(MIXED);
    await owner.send(new CreateBucketCommand({ Bucket: 'data' }));
    await owner.send(new PutObjectCommand({ Bucket: 'data', Key: 'k', Body: 'current', Tagging: 'a=1' }));
  });
  afterEach(async () => {
    for (const client of [owner, plain, versions, mixed]) client.destroy();
    await engine.close();
  });

  const denied = async (promise: Promise<unknown>, action: string): Promise<void> => {
    const error = await sdkError(promise);
    expect([error.name, error.$metadata.httpStatusCode]).toEqual(['AccessDenied', 403]);
    expect(error.message).toContain(`is not authorized to perform: ${action}`);
  };

  it('GetObject: s3:GetObject is not enough for versionId=null (403 naming s3:GetObjectVersion); s3:GetObjectVersion is', async () => {
    await denied(plain.send(new GetObjectCommand({ Bucket: 'data', Key: 'k', VersionId: 'null' })), 's3:GetObjectVersion');
    const got = await versions.send(new GetObjectCommand({ Bucket: 'data', Key: 'k', VersionId: 'null' }));
    expect(await got.Body?.transformToString()).toBe('current');
    // And the other way round: without a version id, s3:GetObject.
    await denied(versions.send(new GetObjectCommand({ Bucket: 'data', Key: 'k' })), 's3:GetObject');
  });

  // GetObject API reference, x-amz-tagging-count: "when you have the relevant permission to read
  // object tags"; GetObjectTagging API reference: to read the tags of a version "you also need
  // permission for the s3:GetObjectVersionTagging action".
  it('GetObject versionId=null by a caller allowed s3:GetObjectVersion and s3:GetObjectVersionTagging answers TagCount', async () => {
    const got = await versions.send(new GetObjectCommand({ Bucket: 'data', Key: 'k', VersionId: 'null' }));
    expect(await got.Body?.transformToString()).toBe('current');
    expect(got.TagCount).toBe(1);
    expect((await versions.send(new HeadObjectCommand({ Bucket: 'data', Key: 'k', VersionId: 'null' }))).TagCount).toBe(1);
  });

  it('the tag count of a read naming a version needs s3:GetObjectVersionTagging: s3:GetObjectTagging answers it only without a version id', async () => {
    const got = await mixed.send(new GetObjectCommand({ Bucket: 'data', Key: 'k', VersionId: 'null' }));
    expect([await got.Body?.transformToString(), got.TagCount]).toEqual(['current', undefined]);
    expect((await mixed.send(new HeadObjectCommand({ Bucket: 'data', Key: 'k', VersionId: 'null' }))).TagCount).toBeUndefined();
    expect((await mixed.send(new GetObjectCommand({ Bucket: 'data', Key: 'k' }))).TagCount).toBe(1);
    expect((await mixed.send(new HeadObjectCommand({ Bucket: 'data', Key: 'k' }))).TagCount).toBe(1);
  });

  it('HeadObject: 403 without s3:GetObjectVersion', async () => {
    const error = await sdkError(plain.send(new HeadObjectCommand({ Bucket: 'data', Key: 'k', VersionId: 'null' })));
    expect(error.$metadata.httpStatusCode).toBe(403);
    expect((await versions.send(new HeadObjectCommand({ Bucket: 'data', Key: 'k', VersionId: 'null' }))).ContentLength).toBe(7);
  });

  it('DeleteObject and DeleteObjects: s3:DeleteObjectVersion; refused, the object stays', async () => {
    await denied(plain.send(new DeleteObjectCommand({ Bucket: 'data', Key: 'k', VersionId: 'null' })), 's3:DeleteObjectVersion');
    const batch = await plain.send(new DeleteObjectsCommand({ Bucket: 'data', Delete: { Objects: [{ Key: 'k', VersionId: 'null' }] } }));
    expect(batch.Errors?.map((entry) => [entry.Key, entry.VersionId, entry.Code])).toEqual([['k', 'null', 'AccessDenied']]);
    expect((await owner.send(new HeadObjectCommand({ Bucket: 'data', Key: 'k' }))).ContentLength).toBe(7);
    await versions.send(new DeleteObjectsCommand({ Bucket: 'data', Delete: { Objects: [{ Key: 'k', VersionId: 'null' }] } }));
    expect((await sdkError(owner.send(new HeadObjectCommand({ Bucket: 'data', Key: 'k' })))).$metadata.httpStatusCode).toBe(404);
  });

  it('the tagging calls: s3:Get/Put/DeleteObjectVersionTagging', async () => {
    await denied(plain.send(new GetObjectTaggingCommand({ Bucket: 'data', Key: 'k', VersionId: 'null' })), 's3:GetObjectVersionTagging');
    await denied(
      plain.send(new PutObjectTaggingCommand({ Bucket: 'data', Key: 'k', VersionId: 'null', Tagging: { TagSet: [] } })),
      's3:PutObjectVersionTagging',
    );
    await denied(plain.send(new DeleteObjectTaggingCommand({ Bucket: 'data', Key: 'k', VersionId: 'null' })), 's3:DeleteObjectVersionTagging');
    expect((await versions.send(new GetObjectTaggingCommand({ Bucket: 'data', Key: 'k', VersionId: 'null' }))).TagSet).toEqual([{ Key: 'a', Value: '1' }]);
  });

  it('a copy source ?versionId=null: s3:GetObjectVersion on the source (and s3:GetObjectVersionTagging for its tags)', async () => {
    await denied(plain.send(new CopyObjectCommand({ Bucket: 'data', Key: 'copy', CopySource: 'data/k?versionId=null' })), 's3:GetObjectVersion');
    await versions.send(new CopyObjectCommand({ Bucket: 'data', Key: 'copy', CopySource: 'data/k?versionId=null' }));
    expect((await owner.send(new HeadObjectCommand({ Bucket: 'data', Key: 'copy' }))).ContentLength).toBe(7);
  });

  it('the request carries s3:versionid: a bucket policy denying the null version refuses it', async () => {
    const policy = {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Deny',
          Principal: '*',
          Action: 's3:GetObjectVersion',
          Resource: 'arn:aws:s3:::data/*',
          Condition: { StringEquals: { 's3:versionid': 'null' } },
        },
      ],
    };
    await owner.send(new PutBucketPolicyCommand({ Bucket: 'data', Policy: JSON.stringify(policy) }));
    await denied(versions.send(new GetObjectCommand({ Bucket: 'data', Key: 'k', VersionId: 'null' })), 's3:GetObjectVersion');
  });
});
