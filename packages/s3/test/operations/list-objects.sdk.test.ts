// biome-ignore-all lint/style/noNonNullAssertion: each page's fields are asserted just before use.
/**
 * ListObjects (version 1) through the official `@aws-sdk/client-s3` `ListObjectsCommand` by the
 * kernel's in-process handler: paging by `Marker` / `NextMarker` (the latter only with a
 * delimiter, AWS: "This element is returned only if you have the delimiter request parameter
 * specified"), prefixes and delimiters, `EncodingType: url`, `MaxKeys` 0, each object's `Owner`,
 * `s3:ListBucket` with its condition keys in identity and bucket policies, the bucket owner
 * condition, and the route: a bucket GET without `list-type=2` is ListObjects, with it
 * ListObjectsV2. Strongbox answered every bare bucket GET 405.
 */

import {
  ListObjectsCommand,
  type ListObjectsCommandInput,
  type ListObjectsCommandOutput,
  ListObjectsV2Command,
  PutBucketPolicyCommand,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import type { HttpRequest as SdkHttpRequest } from '@smithy/types';
import { parseUsers } from '@strongbox/service-kernel';
import { describe, expect, it } from 'vitest';
import { useInProcessS3 } from '../helpers/sdk-fixture.ts';
import { ACCOUNT, inProcessClient, sdkError } from '../helpers/wire.ts';

/** An IAM user of the bucket's account who may list only under `public/`, 10 keys a page at most. */
const LISTER = {
  accessKeyId: 'AKIALISTER',
  secretAccessKey: 'lister-secret',
  principal: `arn:aws:iam::${ACCOUNT}:user/lister`,
  policy: {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: 's3:ListBucket',
        Resource: 'arn:aws:s3:::data',
        Condition: { StringLike: { 's3:prefix': 'public/*' }, NumericLessThanEquals: { 's3:max-keys': '10' } },
      },
    ],
  },
};

const sdk = useInProcessS3({ buckets: ['data'], strict: true, users: parseUsers({ users: [LISTER] }) });

async function put(...keys: string[]): Promise<void> {
  for (const Key of keys) await sdk.client.send(new PutObjectCommand({ Bucket: 'data', Key, Body: `body of ${Key}` }));
}

const list = (input: Omit<ListObjectsCommandInput, 'Bucket'> = {}, client: S3Client = sdk.client): Promise<ListObjectsCommandOutput> =>
  client.send(new ListObjectsCommand({ Bucket: 'data', ...input }));

/** What a page lists: its keys, common prefixes, truncation, echoed marker and next marker. */
const shape = (page: ListObjectsCommandOutput): unknown[] => [
  page.Contents?.map((object) => object.Key),
  page.CommonPrefixes?.map((common) => common.Prefix),
  page.IsTruncated,
  page.Marker,
  page.NextMarker,
];

describe('paging', () => {
  it('without a delimiter: no NextMarker; the last Key is the next Marker, and the Marker is echoed ("" when none)', async () => {
    await put('test_0', 'test_1', 'test_2');
    const first = await list({ MaxKeys: 2 });
    expect(shape(first)).toEqual([['test_0', 'test_1'], undefined, true, '', undefined]);
    const rest = await list({ MaxKeys: 2, Marker: first.Contents!.at(-1)!.Key! });
    expect(shape(rest)).toEqual([['test_2'], undefined, false, 'test_1', undefined]);
    // An empty marker lists from the start (LS-snapshot test_list_objects_next_marker).
    expect(shape(await list({ MaxKeys: 1, Marker: '' }))).toEqual([['test_0'], undefined, true, '', undefined]);
    // Any string is a marker: the keys after it (ceph s3-tests test_bucket_list_marker_not_in_list, _after_list).
    expect(shape(await list({ Marker: 'test_0x' }))).toEqual([['test_1', 'test_2'], undefined, false, 'test_0x', undefined]);
    expect(shape(await list({ Marker: 'zzz' }))).toEqual([undefined, undefined, false, 'zzz', undefined]);
  });

  it('with a delimiter: NextMarker names the page’s last key or common prefix, only while truncated (ceph test_bucket_list_delimiter_prefix)', async () => {
    await put('asdf', 'boo/bar', 'boo/baz/xyzzy', 'cquux/thud', 'cquux/bla');
    const pages: unknown[][] = [];
    let marker: string | undefined = '';
    while (marker !== undefined) {
      const page = await list({ Delimiter: '/', MaxKeys: 1, Marker: marker });
      pages.push(shape(page));
      expect(page.Delimiter).toBe('/');
      marker = page.NextMarker;
    }
    expect(pages).toEqual([
      [['asdf'], undefined, true, '', 'asdf'],
      [undefined, ['boo/'], true, 'asdf', 'boo/'],
      [undefined, ['cquux/'], false, 'boo/', undefined],
    ]);
    expect(shape(await list({ Delimiter: '/', MaxKeys: 2 }))).toEqual([['asdf'], ['boo/'], true, '', 'boo/']);
    expect(shape(await list({ Prefix: 'boo/', Delimiter: '/', MaxKeys: 2 }))).toEqual([['boo/bar'], ['boo/baz/'], false, '', undefined]);
  });

  it('a marker inside a rolled-up prefix continues after the prefix (LS-snapshot test_list_objects_marker_common_prefixes)', async () => {
    await put('folder/aSubfolder/subFile1', 'folder/aSubfolder/subFile2', 'folder/file1', 'folder/file2');
    const inside = await list({ Prefix: 'folder/', Delimiter: '/', MaxKeys: 1, Marker: 'folder/aSubfolder/subFile1' });
    expect(shape(inside)).toEqual([['folder/file1'], undefined, true, 'folder/aSubfolder/subFile1', 'folder/file1']);
    const start = await list({ Prefix: 'folder/', Delimiter: '/', MaxKeys: 1 });
    expect(shape(start)).toEqual([undefined, ['folder/aSubfolder/'], true, '', 'folder/aSubfolder/']);
    expect(shape(await list({ Prefix: 'folder/', Delimiter: '/', MaxKeys: 1, Marker: start.NextMarker! }))).toEqual([
      ['folder/file1'],
      undefined,
      true,
      'folder/aSubfolder/',
      'folder/file1',
    ]);
  });

  it('MaxKeys 0 is an empty page that is not truncated; MaxKeys is echoed, 1000 by default', async () => {
    await put('a', 'b');
    const empty = await list({ MaxKeys: 0 });
    expect([empty.Contents, empty.IsTruncated, empty.MaxKeys, empty.Marker, empty.Prefix, empty.Name]).toEqual([undefined, false, 0, '', '', 'data']);
    expect((await list()).MaxKeys).toBe(1000);
  });
});

it('each object has its Owner (the bucket owner’s canonical id), its checksum’s algorithm and type, plaintext size and class', async () => {
  await put('k');
  const [object] = (await list()).Contents ?? [];
  expect(object).toEqual({
    Key: 'k',
    LastModified: expect.any(Date),
    ETag: expect.stringMatching(/^"[0-9a-f]{32}"$/),
    ChecksumAlgorithm: ['CRC32'],
    ChecksumType: 'FULL_OBJECT',
    Size: 'body of k'.length,
    StorageClass: 'STANDARD',
    Owner: { ID: expect.stringMatching(/^[0-9a-f]{64}$/) },
  });
  // ListObjectsV2 lists the same owner only with FetchOwner.
  const v2 = await sdk.client.send(new ListObjectsV2Command({ Bucket: 'data', FetchOwner: true }));
  expect(v2.Contents?.[0]?.Owner).toEqual(object?.Owner);
});

it('EncodingType url percent-encodes Key, Prefix, Marker, Delimiter, NextMarker and the common prefixes, keeping /', async () => {
  await put('a/😀 x', 'a/+%', 'a/b c/d', 'a/z');
  const page = await list({ Prefix: 'a/', Delimiter: ' ', Marker: 'a/!', MaxKeys: 2, EncodingType: 'url' });
  expect(page).toMatchObject({ Prefix: 'a/', Delimiter: '%20', Marker: 'a/%21', EncodingType: 'url', IsTruncated: true });
  expect(page.Contents?.map((object) => object.Key)).toEqual(['a/%2B%25']);
  expect([page.CommonPrefixes, page.NextMarker]).toEqual([[{ Prefix: 'a/b%20' }], 'a/b%20']);
  // Without it the answer is the text itself.
  expect((await list({ Prefix: 'a/😀' })).Contents?.map((object) => object.Key)).toEqual(['a/😀 x']);
});

it('refuses a bad EncodingType and a missing bucket as ListObjectsV2 does; another expected owner is 403', async () => {
  const wrong = await sdkError(list({ EncodingType: 'value' as 'url' }));
  expect([wrong.name, wrong.$metadata.httpStatusCode, wrong.message]).toEqual(['InvalidArgument', 400, 'Invalid Encoding Method specified in Request']);
  const missing = await sdkError(sdk.client.send(new ListObjectsCommand({ Bucket: 'absent' })));
  expect([missing.name, missing.$metadata.httpStatusCode]).toEqual(['NoSuchBucket', 404]);
  const owner = await sdkError(list({ ExpectedBucketOwner: '111122223333' }));
  expect([owner.name, owner.$metadata.httpStatusCode]).toEqual(['AccessDenied', 403]);
  expect((await list({ ExpectedBucketOwner: ACCOUNT })).Name).toBe('data');
});

describe('authorization: s3:ListBucket with s3:prefix, s3:delimiter and s3:max-keys', () => {
  it('an identity policy’s conditions see the request’s prefix and max-keys', async () => {
    await put('public/a', 'private/b');
    const lister = inProcessClient(sdk.engine.handler, { credentials: { accessKeyId: LISTER.accessKeyId, secretAccessKey: LISTER.secretAccessKey } });
    try {
      expect((await list({ Prefix: 'public/', MaxKeys: 10 }, lister)).Contents?.map((object) => object.Key)).toEqual(['public/a']);
      for (const input of [{ Prefix: 'private/', MaxKeys: 10 }, { MaxKeys: 10 }, { Prefix: 'public/', MaxKeys: 11 }, { Prefix: 'public/' }]) {
        const refused = await sdkError(list(input, lister));
        expect([refused.name, refused.$metadata.httpStatusCode], JSON.stringify(input)).toEqual(['AccessDenied', 403]);
      }
    } finally {
      lister.destroy();
    }
  });

  it('a bucket policy Deny on s3:delimiter refuses the owner too', async () => {
    await put('a/b');
    const deny = {
      Effect: 'Deny',
      Principal: '*',
      Action: 's3:ListBucket',
      Resource: 'arn:aws:s3:::data',
      Condition: { StringEquals: { 's3:delimiter': '|' } },
    };
    await sdk.client.send(new PutBucketPolicyCommand({ Bucket: 'data', Policy: JSON.stringify({ Version: '2012-10-17', Statement: [deny] }) }));
    expect((await sdkError(list({ Delimiter: '|' }))).name).toBe('AccessDenied');
    expect((await list({ Delimiter: '/' })).CommonPrefixes).toEqual([{ Prefix: 'a/' }]);
  });
});

/** A client whose requests carry the query parameter `name=value` (added before signing). */
function withQuery(name: string, value: string): S3Client {
  const client = inProcessClient(sdk.engine.handler);
  client.middlewareStack.add(
    (next) => async (args) => {
      const request = args.request as SdkHttpRequest;
      request.query = { ...request.query, [name]: value };
      return next(args);
    },
    { step: 'build', name: 'addQueryParameter' },
  );
  return client;
}

it('max-keys that is not a number is 400 InvalidArgument (ceph s3-tests test_bucket_list_maxkeys_invalid)', async () => {
  const client = withQuery('max-keys', 'blah');
  try {
    const error = await sdkError(list({}, client));
    expect([error.name, error.$metadata.httpStatusCode]).toEqual(['InvalidArgument', 400]);
  } finally {
    client.destroy();
  }
});

it('x-amz-optional-object-attributes is accepted and changes nothing (no object here is archived), as on ListObjectsV2', async () => {
  await put('k');
  const page = await list({ OptionalObjectAttributes: ['RestoreStatus'] });
  expect(page.Contents?.map((object) => [object.Key, object.RestoreStatus])).toEqual([['k', undefined]]);
});

describe('the route: ListObjects unless list-type is 2', () => {
  const withListType = (value: string): S3Client => withQuery('list-type', value);

  it('list-type 1, 0 or a word answers ListObjects; 2 answers ListObjectsV2 (KeyCount, no Marker)', async () => {
    await put('k');
    for (const value of ['1', '0', 'bogus']) {
      const client = withListType(value);
      try {
        const page = await list({}, client);
        expect([page.Marker, page.Contents?.[0]?.Owner?.ID?.length], value).toEqual(['', 64]);
      } finally {
        client.destroy();
      }
    }
    const v2 = withListType('2');
    try {
      const page = await v2.send(new ListObjectsV2Command({ Bucket: 'data' }));
      expect([page.KeyCount, page.Contents?.[0]?.Owner]).toEqual([1, undefined]);
      const asV1 = await list({}, v2);
      expect([asV1.Marker, asV1.Contents?.[0]?.Owner]).toEqual([undefined, undefined]);
    } finally {
      v2.destroy();
    }
  });
});
