/**
 * ListObjects (version 1) on both stores: the same listing as ListObjectsV2 paged by marker
 * (property), the marker and next-marker rules, errors, and its data event.
 */

import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ListObjectsRequest, ListObjectsResponse, ListObjectsV2Response, S3 } from '../../src/index.ts';
import { OPERATIONS } from '../../src/operations/index.ts';
import type { OperationDefinition } from '../../src/operations/types.ts';
import { RouteTable } from '../../src/protocol/routes.ts';
import { BACKENDS } from '../helpers/backends.ts';
import { catchS3Async } from '../helpers/errors.ts';

/** What a page holds, in document order: its objects, then its common prefixes. */
const entries = (page: ListObjectsResponse | ListObjectsV2Response): string[] => [
  ...(page.Contents ?? []).map((object) => object.Key),
  ...(page.CommonPrefixes ?? []).map((common) => `c:${common.Prefix}`),
];

/**
 * Every page of a ListObjects listing, continued as the SDKs' paginators continue it (botocore's
 * `NextMarker || Contents[-1].Key`): from NextMarker when the page has one, else from its last key.
 */
async function allPagesV1(s3: S3, request: ListObjectsRequest): Promise<ListObjectsResponse[]> {
  const pages: ListObjectsResponse[] = [];
  let marker: string | undefined;
  for (;;) {
    const page = await s3.listObjects({ ...request, ...(marker === undefined ? {} : { Marker: marker }) });
    pages.push(page);
    expect(page.Marker).toBe(marker ?? '');
    if (!page.IsTruncated) return pages;
    marker = page.NextMarker ?? page.Contents?.at(-1)?.Key;
    expect(marker).toBeDefined();
  }
}

/** Every page of the same listing by ListObjectsV2, following NextContinuationToken. */
async function allPagesV2(s3: S3, request: ListObjectsRequest): Promise<ListObjectsV2Response[]> {
  const pages: ListObjectsV2Response[] = [];
  let token: string | undefined;
  do {
    const page = await s3.listObjectsV2({ ...request, ...(token === undefined ? {} : { ContinuationToken: token }) });
    pages.push(page);
    token = page.NextContinuationToken;
  } while (token !== undefined);
  return pages;
}

describe.each(BACKENDS)('ListObjects on the $name store', (backend) => {
  let s3: S3;
  beforeEach(async () => {
    s3 = backend.open();
    await s3.createBucket({ Bucket: 'list' });
  });
  afterEach(() => s3.close());

  async function put(bucket: string, ...keys: string[]): Promise<void> {
    for (const key of keys) await s3.putObject({ Bucket: bucket, Key: key, Body: key });
  }

  it('an empty bucket: Name, Prefix and Marker "", MaxKeys, not truncated, no Contents', async () => {
    expect(await s3.listObjects({ Bucket: 'list' })).toEqual({ Name: 'list', Prefix: '', Marker: '', MaxKeys: 1000, IsTruncated: false });
  });

  it('lists the keys strictly after the marker, in UTF-8 byte order (ceph test_bucket_list_marker_*)', async () => {
    // UTF-16 order puts 😀 (a surrogate pair) before ｡ (U+FF61); UTF-8 order, S3's, after.
    await put('list', 'bar', 'baz', 'foo', 'quxx', '｡', '😀');
    const after = async (Marker: string) => (await s3.listObjects({ Bucket: 'list', Marker })).Contents?.map((object) => object.Key);
    expect(await after('baz')).toEqual(['foo', 'quxx', '｡', '😀']);
    expect(await after('blah')).toEqual(['foo', 'quxx', '｡', '😀']);
    expect(await after('\n')).toEqual(['bar', 'baz', 'foo', 'quxx', '｡', '😀']);
    expect(await after('｡')).toEqual(['😀']);
    expect(await after('😀')).toBeUndefined();
  });

  it('refuses a negative or fractional MaxKeys and a bad EncodingType with 400 InvalidArgument naming the argument', async () => {
    for (const MaxKeys of [-1, 1.5]) {
      const error = await catchS3Async(() => s3.listObjects({ Bucket: 'list', MaxKeys }));
      expect([error.status, error.code, error.fields[0]]).toEqual([400, 'InvalidArgument', ['ArgumentName', 'max-keys']]);
    }
    const error = await catchS3Async(() => s3.listObjects({ Bucket: 'list', EncodingType: '' }));
    expect([error.status, error.code, error.fields]).toEqual([
      400,
      'InvalidArgument',
      [
        ['ArgumentName', 'encoding-type'],
        ['ArgumentValue', ''],
      ],
    ]);
  });

  it('answers NoSuchBucket, and AccessDenied for a caller of another account', async () => {
    expect((await catchS3Async(() => s3.listObjects({ Bucket: 'absent' }))).code).toBe('NoSuchBucket');
    const error = await catchS3Async(() => s3.listObjects({ Bucket: 'list' }, { caller: 'arn:aws:iam::111122223333:user/mallory' }));
    expect([error.status, error.code]).toEqual([403, 'AccessDenied']);
  });

  const ALPHABET = ['a', 'b', '/', 'é', '｡', '😀'];
  it('property: paging by marker yields exactly ListObjectsV2’s pages, NextMarker only with a delimiter and while truncated', async () => {
    let round = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(
          fc.array(fc.constantFrom(...ALPHABET), { minLength: 1, maxLength: 5 }).map((parts) => parts.join('')),
          { maxLength: backend.name === 'memory' ? 14 : 8 },
        ),
        fc.integer({ min: 1, max: 6 }),
        fc.constantFrom(undefined, '', '/', 'b', '😀'),
        fc.constantFrom('', 'a', 'a/', 'é'),
        async (keys, maxKeys, delimiter, prefix) => {
          const bucket = `prop-${backend.name}-${round++}`;
          await s3.createBucket({ Bucket: bucket });
          await put(bucket, ...keys);
          const request = { Bucket: bucket, MaxKeys: maxKeys, Prefix: prefix, ...(delimiter === undefined ? {} : { Delimiter: delimiter }) };
          const v1 = await allPagesV1(s3, request);
          const v2 = await allPagesV2(s3, request);
          expect(v1.map(entries)).toEqual(v2.map(entries));
          expect(v1.map((page) => page.IsTruncated)).toEqual(v2.map((page) => page.IsTruncated));
          for (const page of v1) {
            const delimited = delimiter !== undefined && delimiter !== '';
            expect(page.NextMarker !== undefined).toBe(delimited && page.IsTruncated);
            // Each object carries its owner, as ListObjectsV2's carry it only with FetchOwner.
            expect((page.Contents ?? []).every((object) => object.Owner?.ID !== undefined)).toBe(true);
          }
        },
      ),
      { numRuns: backend.name === 'memory' ? 60 : 15 },
    );
  });
});

it('is a data event named ListObjects, with the bucket as its resource', async () => {
  const { S3: Engine } = await import('../../src/index.ts');
  const s3 = new Engine({ dataEvents: true });
  try {
    await s3.createBucket({ Bucket: 'audited' });
    await s3.listObjects({ Bucket: 'audited', Prefix: 'p/' });
    const event = s3.auditTrail.events().find((candidate) => candidate.eventName === 'ListObjects');
    expect([event?.eventSource, event?.resources, event?.errorCode]).toEqual(['s3.amazonaws.com', ['arn:aws:s3:::audited'], undefined]);
  } finally {
    await s3.close();
  }
});

describe('the bucket GET route', () => {
  const table = new RouteTable(Object.values(OPERATIONS as Record<string, OperationDefinition>));
  const route = (search: string): string => table.resolve({ method: 'GET', target: 'bucket', query: new Map(new URLSearchParams(search)), headers: {} }).name;

  it('is ListObjects without list-type=2, whatever else the query holds; ListObjectsV2 with it', () => {
    for (const search of ['', 'prefix=a&marker=b', 'list-type=1', 'list-type=', 'list-type=3&max-keys=2', 'x-id=ListObjects', 'start-after=a']) {
      expect(route(search), search).toBe('ListObjects');
    }
    expect(route('list-type=2&prefix=a')).toBe('ListObjectsV2');
    expect(route('uploads')).toBe('ListMultipartUploads');
    expect(route('location')).toBe('GetBucketLocation');
  });

  it('does not serve a subresource no operation binds (?cors stays 501 NotImplemented)', async () => {
    const error = await catchS3Async(async () => route('cors'));
    expect([error.code, error.status]).toEqual(['NotImplemented', 501]);
  });
});
