/**
 * ListObjects (version 1) on both stores: the same listing as ListObjectsV2 paged by marker
 * (property), any marker against a small model of version 1 paging (property), the marker and
 * next-marker rules, EncodingType and MaxKeys, errors, its data events and its route.
 */

import { CreateBucketCommand, ListObjectsCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { arnPrefixResource } from '@strongbox/service-kernel';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ListObjectsRequest, ListObjectsResponse, ListObjectsV2Response, S3 } from '../../src/index.ts';
import { OPERATIONS } from '../../src/operations/index.ts';
import type { OperationDefinition } from '../../src/operations/types.ts';
import { RouteTable } from '../../src/protocol/routes.ts';
import { BACKENDS } from '../helpers/backends.ts';
import { catchS3Async } from '../helpers/errors.ts';
import { inProcessClient, wireEngine } from '../helpers/wire.ts';

const [memory] = BACKENDS;
/** The Host the in-process SDK client sends (its endpoint, path-style). */
const HOST = 'strongbox.localhost';

/** What a page holds, in document order: its objects, then its common prefixes. */
const entries = (page: ListObjectsResponse | ListObjectsV2Response): string[] => [
  ...(page.Contents ?? []).map((object) => object.Key),
  ...(page.CommonPrefixes ?? []).map((common) => `c:${common.Prefix}`),
];

/**
 * Every page of a ListObjects listing, continued as the SDKs' paginators continue it (botocore's
 * `NextMarker || Contents[-1].Key`): from NextMarker when the page has one, else from its last key.
 * Each truncated page holds at least one entry, so a listing of `keys` keys takes at most
 * `keys + 1` pages: one more fails instead of paging forever.
 */
async function allPagesV1(s3: S3, request: ListObjectsRequest, keys: number): Promise<ListObjectsResponse[]> {
  const pages: ListObjectsResponse[] = [];
  let marker = request.Marker;
  while (pages.length <= keys) {
    const page = await s3.listObjects({ ...request, ...(marker === undefined ? {} : { Marker: marker }) });
    pages.push(page);
    expect(page.Marker).toBe(marker ?? '');
    if (!page.IsTruncated) return pages;
    marker = page.NextMarker ?? page.Contents?.at(-1)?.Key;
    expect(marker).toBeDefined();
  }
  throw new Error(`ListObjects still truncated after ${pages.length} pages of ${keys} keys`);
}

/** Every page of the same listing by ListObjectsV2, following NextContinuationToken (bounded as above). */
async function allPagesV2(s3: S3, request: ListObjectsRequest, keys: number): Promise<ListObjectsV2Response[]> {
  const pages: ListObjectsV2Response[] = [];
  let token: string | undefined;
  do {
    if (pages.length > keys) throw new Error(`ListObjectsV2 still truncated after ${pages.length} pages of ${keys} keys`);
    const page = await s3.listObjectsV2({ ...request, ...(token === undefined ? {} : { ContinuationToken: token }) });
    pages.push(page);
    token = page.NextContinuationToken;
  } while (token !== undefined);
  return pages;
}

/** A model page: its entries in document order (objects, then `c:` common prefixes), truncation and NextMarker. */
interface ModelPage {
  readonly entries: string[];
  readonly truncated: boolean;
  readonly nextMarker: string | undefined;
}

/**
 * ListObjects version 1 paging written from its documentation, independently of
 * `storage/listing.ts`: the keys after the marker (UTF-8 byte order) under the prefix, each rolled
 * up to its common prefix at the first delimiter after the prefix, a common prefix at or before
 * the marker dropped; `maxKeys` entries a page; NextMarker, the page's last entry, only with a
 * delimiter on a truncated page; the next page from NextMarker or the last key.
 */
function modelPages(keys: readonly string[], prefix: string, delimiter: string | undefined, marker: string | undefined, maxKeys: number): ModelPage[] {
  const after = (a: string, b: string): boolean => Buffer.compare(Buffer.from(a), Buffer.from(b)) > 0;
  const sorted = [...keys].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  const pages: ModelPage[] = [];
  let from = marker === '' ? undefined : marker;
  for (;;) {
    const listed: { entry: string; common: boolean }[] = [];
    for (const key of sorted) {
      if ((from !== undefined && !after(key, from)) || !key.startsWith(prefix)) continue;
      const cut = delimiter ? key.indexOf(delimiter, prefix.length) : -1;
      const entry = cut < 0 ? key : key.slice(0, cut + (delimiter as string).length);
      if (cut >= 0 && ((from !== undefined && !after(entry, from)) || listed.at(-1)?.entry === entry)) continue;
      listed.push({ entry, common: cut >= 0 });
    }
    const page = listed.slice(0, maxKeys);
    const truncated = listed.length > maxKeys;
    const last = page.at(-1);
    const nextMarker = delimiter && truncated ? last?.entry : undefined;
    const entries = [...page.filter((item) => !item.common).map((item) => item.entry), ...page.filter((item) => item.common).map((item) => `c:${item.entry}`)];
    pages.push({ entries, truncated, nextMarker });
    if (!truncated) return pages;
    from = nextMarker ?? [...page].reverse().find((item) => !item.common)?.entry;
  }
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
    for (const [MaxKeys, name] of [
      [-1, 'maxKeys'],
      [1.5, 'max-keys'],
    ] as const) {
      const error = await catchS3Async(() => s3.listObjects({ Bucket: 'list', MaxKeys }));
      expect([error.status, error.code, error.fields[0]]).toEqual([400, 'InvalidArgument', ['ArgumentName', name]]);
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

  // S3 form-encodes (a space is +, a literal + is %2B): measured against S3 in ap-northeast-2 on
  // 2026-09-14 (brekkylab/backlot#178: `a b.txt` listed as `a+b.txt`, `a+b.txt` as `a%2Bb.txt`,
  // `run books/` as `run+books/`), which is why botocore decodes these fields with `unquote_plus`.
  it('EncodingType url: a space is + and a literal + is %2B in Key, Marker, Delimiter, NextMarker and CommonPrefixes (measured S3)', async () => {
    await put('list', 'run books/x.txt', 'a b.txt', 'a+b.txt', 'x~*y');
    const page = await s3.listObjects({ Bucket: 'list', EncodingType: 'url', Delimiter: ' ', Marker: '9 9', MaxKeys: 2 });
    expect([page.Marker, page.Delimiter]).toEqual(['9+9', '+']);
    expect(page.CommonPrefixes).toEqual([{ Prefix: 'a+' }]);
    expect(page.Contents?.map((object) => object.Key)).toEqual(['a%2Bb.txt']);
    expect(page.NextMarker).toBe('a%2Bb.txt');
    const rest = await s3.listObjects({ Bucket: 'list', EncodingType: 'url', Delimiter: '/', Prefix: 'run' });
    expect(rest.CommonPrefixes).toEqual([{ Prefix: 'run+books/' }]);
  });

  it('EncodingType url keeps * and encodes ~ (MinIO s3URLEncode, the URLEncoder set)', async () => {
    await put('list', 'run books/x.txt', 'a b.txt', 'a+b.txt', 'x~*y');
    const page = await s3.listObjects({ Bucket: 'list', EncodingType: 'url', Prefix: 'x' });
    expect(page.Contents?.map((object) => object.Key)).toEqual(['x%7E*y']);
  });

  // S3 reads max-keys as a 32-bit integer. Captured against S3 (us-east-1, 2026-09-29, a
  // third-party emulator's table of S3's answers): `max-keys=abc` is "Provided max-keys not an
  // integer or within integer range" (max-keys, abc), and ListObjectsV2's `max-keys=-1` names
  // maxKeys with the value -1; the negative text "Argument maxKeys must be an integer between 0
  // and 2147483647" as jchristn/S3Server 8.0.0 recorded it from S3 for ListObjects (and MinIO
  // answers). ListObjectVersions words a negative one differently (max-keys-refusals.sdk.test.ts).
  it('refuses a max-keys above 2147483647 and takes 2147483647 (a page of 1000)', async () => {
    const error = await catchS3Async(() => s3.listObjects({ Bucket: 'list', MaxKeys: 2147483648 }));
    expect([error.status, error.code]).toEqual([400, 'InvalidArgument']);
    expect([error.message, error.fields[0]]).toEqual(['Provided max-keys not an integer or within integer range', ['ArgumentName', 'max-keys']]);
    expect(await s3.listObjects({ Bucket: 'list', MaxKeys: 2147483647 })).toMatchObject({ MaxKeys: 2147483647, IsTruncated: false });
  });

  it('names maxKeys for a negative max-keys', async () => {
    const error = await catchS3Async(() => s3.listObjects({ Bucket: 'list', MaxKeys: -1 }));
    expect([error.status, error.code, error.fields]).toEqual([
      400,
      'InvalidArgument',
      [
        ['ArgumentName', 'maxKeys'],
        ['ArgumentValue', '-1'],
      ],
    ]);
    expect(error.message).toBe('Argument maxKeys must be an integer between 0 and 2147483647');
    // Below the 32-bit range it is not an integer S3 can read at all.
    expect((await catchS3Async(() => s3.listObjects({ Bucket: 'list', MaxKeys: -2147483649 }))).fields[0]).toEqual(['ArgumentName', 'max-keys']);
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
          const v1 = await allPagesV1(s3, request, keys.length);
          const v2 = await allPagesV2(s3, request, keys.length);
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

  it('property: any marker (inside a rolled-up prefix, between keys, past every key) pages as the model of ListObjects does', async () => {
    let round = 0;
    const text = fc.array(fc.constantFrom(...ALPHABET), { minLength: 1, maxLength: 5 }).map((parts) => parts.join(''));
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(text, { maxLength: backend.name === 'memory' ? 14 : 8 }),
        fc.integer({ min: 1, max: 6 }),
        fc.constantFrom(undefined, '', '/', 'b', '😀'),
        fc.constantFrom('', 'a', 'a/', 'é'),
        // A marker of the same alphabet (anywhere), or a key with a suffix (inside its prefix or between keys).
        fc.oneof(fc.option(fc.oneof(fc.constant(''), text)), fc.tuple(fc.nat(), fc.constantFrom('', '/', 'a', '\uffff'))),
        async (keys, maxKeys, delimiter, prefix, markerSource) => {
          const marker = Array.isArray(markerSource)
            ? keys.length === 0
              ? markerSource[1]
              : `${keys[markerSource[0] % keys.length]}${markerSource[1]}`
            : (markerSource ?? undefined);
          const bucket = `marker-${backend.name}-${round++}`;
          await s3.createBucket({ Bucket: bucket });
          await put(bucket, ...keys);
          const request = {
            Bucket: bucket,
            MaxKeys: maxKeys,
            Prefix: prefix,
            ...(delimiter === undefined ? {} : { Delimiter: delimiter }),
            ...(marker === undefined ? {} : { Marker: marker }),
          };
          const pages = await allPagesV1(s3, request, keys.length);
          const expected = modelPages(keys, prefix, delimiter, marker, maxKeys);
          expect(pages.map((page) => ({ entries: entries(page), truncated: page.IsTruncated, nextMarker: page.NextMarker }))).toEqual(expected);
        },
      ),
      { numRuns: backend.name === 'memory' ? 80 : 15 },
    );
  });
});

it('the paging helper fails on a listing that never stops truncating, instead of hanging', async () => {
  const stuck = {
    listObjects: async (request: ListObjectsRequest): Promise<ListObjectsResponse> => ({
      Name: 'stuck',
      Prefix: '',
      Marker: request.Marker ?? '',
      MaxKeys: 1,
      IsTruncated: true,
      Contents: [{ Key: 'k', LastModified: new Date(0), ETag: '"e"', Size: 0, StorageClass: 'STANDARD' }],
    }),
  } as unknown as S3;
  await expect(allPagesV1(stuck, { Bucket: 'stuck' }, 3)).rejects.toThrow('ListObjects still truncated after 4 pages of 3 keys');
});

describe('the listings in the audit trail', () => {
  it('is a data event named ListObjects, with its ARN prefix then the bucket as its resources', async () => {
    const { S3: Engine } = await import('../../src/index.ts');
    const s3 = new Engine({ dataEvents: true });
    try {
      await s3.createBucket({ Bucket: 'audited' });
      await s3.listObjects({ Bucket: 'audited', Prefix: 'p/' });
      const event = s3.auditTrail.events().find((candidate) => candidate.eventName === 'ListObjects');
      expect([event?.eventSource, event?.resources, event?.errorCode]).toEqual([
        's3.amazonaws.com',
        [arnPrefixResource('arn:aws:s3:::audited/p/'), 'arn:aws:s3:::audited'],
        undefined,
      ]);
    } finally {
      await s3.close();
    }
  });

  // CloudTrail names both listings ListObjects and tells them apart by the request's parameters: a
  // captured data event of `aws s3 ls` (AWS CLI 2.36.17, which lists with ListObjectsV2) reads
  // `"eventName": "ListObjects"`, `"requestParameters": {"list-type": "2", "bucketName": …,
  // "encoding-type": "url", "prefix": "", "delimiter": "/", "Host": …}`; a ListObjects one
  // (TryHackMe AoC 2024 day 7 log) `{"bucketName": …, "Host": …, "prefix": ""}`.
  it('a ListObjectsV2 call is logged as ListObjects with list-type 2 among its request parameters', async () => {
    const s3 = (memory as NonNullable<typeof memory>).open({ dataEvents: true });
    try {
      await s3.createBucket({ Bucket: 'audited' });
      await s3.listObjectsV2({ Bucket: 'audited', Prefix: 'p/' });
      await s3.listObjects({ Bucket: 'audited', Prefix: 'p/' });
      const listings = s3.auditTrail.events().filter((event) => event.eventName.startsWith('ListObjects'));
      expect(listings.map((event) => event.eventName)).toEqual(['ListObjects', 'ListObjects']);
      expect(listings.map((event) => event.requestParameters?.['list-type'])).toEqual(['2', undefined]);
      expect(listings.map((event) => event.requestParameters?.['prefix'])).toEqual(['p/', 'p/']);
      // In process there is no Host header, and a trail lookup by name finds both calls.
      expect(listings.map((event) => event.requestParameters)).toEqual([
        { 'list-type': '2', bucketName: 'audited', prefix: 'p/' },
        { bucketName: 'audited', prefix: 'p/' },
      ]);
      expect(s3.auditTrail.events().filter((event) => event.eventName === 'ListObjectsV2')).toEqual([]);
    } finally {
      await s3.close();
    }
  });

  it('on the wire: the query as sent, by its query names, with bucketName and the Host header', async () => {
    const engine = wireEngine({ engine: { dataEvents: true } });
    const client = inProcessClient(engine.handler);
    try {
      await client.send(new CreateBucketCommand({ Bucket: 'audited' }));
      await client.send(
        new ListObjectsV2Command({ Bucket: 'audited', Prefix: '', Delimiter: '/', EncodingType: 'url', MaxKeys: 5, StartAfter: 'a', FetchOwner: true }),
      );
      await client.send(new ListObjectsCommand({ Bucket: 'audited', Prefix: 'p/', Marker: 'm', MaxKeys: 7 }));
      const listings = engine.s3.auditTrail.events().filter((event) => event.eventName === 'ListObjects');
      expect(listings.map((event) => event.requestParameters)).toEqual([
        {
          'list-type': '2',
          bucketName: 'audited',
          prefix: '',
          delimiter: '/',
          'max-keys': '5',
          'start-after': 'a',
          'fetch-owner': 'true',
          'encoding-type': 'url',
          Host: HOST,
        },
        { bucketName: 'audited', prefix: 'p/', marker: 'm', 'max-keys': '7', Host: HOST },
      ]);
    } finally {
      client.destroy();
      await engine.close();
    }
  });
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

  it('claims list-type in the route only: no request member carries it, in process or on the wire', () => {
    const members = Object.values(OPERATIONS.ListObjects.rest.request?.members ?? {});
    expect(members.filter((member) => member.in === 'query' && member.name === 'list-type')).toEqual([]);
    expect(OPERATIONS.ListObjects.rest.claims).toEqual(['list-type']);
    // @ts-expect-error ListObjectsRequest has no ListType: in process, as on the wire, list-type=2 is ListObjectsV2.
    const request: ListObjectsRequest = { Bucket: 'list', ListType: '2' };
    expect(request.Bucket).toBe('list');
  });

  it('does not serve a subresource no operation binds (?cors stays 501 NotImplemented)', async () => {
    const error = await catchS3Async(async () => route('cors'));
    expect([error.code, error.status]).toEqual(['NotImplemented', 501]);
  });
});
