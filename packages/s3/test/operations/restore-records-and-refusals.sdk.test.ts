/**
 * RestoreObject beyond the first suite: an overwrite, a copy or a delete never hands the new
 * object the old one's restore; a restore keeps the record's tags, metadata and parts; the refusal
 * for a class that is not archived is S3's captured `InvalidObjectState`; `Days` forms on the
 * wire; an expiry near the `Days` bound stays readable by the SDK in a listing. Through
 * `@aws-sdk/client-s3` by the in-process handler, the engine on a `ControlledClock` that each test
 * advances instead of waiting.
 */

import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  GetObjectTaggingCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  PutObjectCommand,
  PutObjectTaggingCommand,
  RestoreObjectCommand,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ClockedEngine, clockedEngine, DAY, HOUR, MINUTE } from '../helpers/clocked.ts';
import { listen, sdkError } from '../helpers/wire.ts';

const START = Date.UTC(2026, 11, 7, 10, 30);

let sandbox: ClockedEngine;
let clock: ClockedEngine['clock'];
let engine: ClockedEngine['engine'];
let client: ClockedEngine['client'];

beforeEach(async () => {
  sandbox = await clockedEngine('data', START);
  ({ clock, engine, client } = sandbox);
});
afterEach(() => sandbox.close());

const restore = (Key: string, Days = 1, Tier: 'Standard' | 'Bulk' | 'Expedited' = 'Expedited') =>
  client.send(new RestoreObjectCommand({ Bucket: 'data', Key, RestoreRequest: { Days, GlacierJobParameters: { Tier } } }));
const head = async (Key: string) => (await client.send(new HeadObjectCommand({ Bucket: 'data', Key }))).Restore;
const read = async (Key: string, PartNumber?: number) =>
  (await (await client.send(new GetObjectCommand({ Bucket: 'data', Key, PartNumber }))).Body?.transformToString()) ?? '';

describe('a new object at the key never inherits a restore', () => {
  it('PutObject while a restore is pending: the new GLACIER object is archived, restorable with 202', async () => {
    await client.send(new PutObjectCommand({ Bucket: 'data', Key: 'k', Body: 'old', StorageClass: 'GLACIER' }));
    await restore('k', 1, 'Standard');
    await client.send(new PutObjectCommand({ Bucket: 'data', Key: 'k', Body: 'new', StorageClass: 'GLACIER' }));
    clock.advance(5 * HOUR);
    expect(await head('k')).toBeUndefined();
    expect((await sdkError(read('k'))).name).toBe('InvalidObjectState');
    expect((await restore('k')).$metadata.httpStatusCode).toBe(202);
  });

  it('a restored object copied onto itself as STANDARD, and copied to a GLACIER key: no restore on either', async () => {
    await client.send(new PutObjectCommand({ Bucket: 'data', Key: 'k', Body: 'bytes', StorageClass: 'GLACIER' }));
    await restore('k');
    clock.advance(5 * MINUTE);
    await client.send(new CopyObjectCommand({ Bucket: 'data', Key: 'cold-copy', CopySource: 'data/k', StorageClass: 'GLACIER' }));
    expect(await head('cold-copy')).toBeUndefined();
    expect((await sdkError(read('cold-copy'))).name).toBe('InvalidObjectState');
    await client.send(new CopyObjectCommand({ Bucket: 'data', Key: 'k', CopySource: 'data/k', StorageClass: 'STANDARD' }));
    expect(await head('k')).toBeUndefined();
    expect(await read('k')).toBe('bytes');
  });

  it('DeleteObject then PutObject: archived again', async () => {
    await client.send(new PutObjectCommand({ Bucket: 'data', Key: 'k', Body: 'a', StorageClass: 'DEEP_ARCHIVE' }));
    await restore('k', 1, 'Standard');
    await client.send(new DeleteObjectCommand({ Bucket: 'data', Key: 'k' }));
    await client.send(new PutObjectCommand({ Bucket: 'data', Key: 'k', Body: 'b', StorageClass: 'DEEP_ARCHIVE' }));
    clock.advance(12 * HOUR);
    expect(await head('k')).toBeUndefined();
  });
});

describe("a restore keeps the rest of the object's record", () => {
  it('tags, user metadata and content type; a tag update keeps the restore', async () => {
    await client.send(
      new PutObjectCommand({ Bucket: 'data', Key: 'k', Body: 'x', StorageClass: 'GLACIER', Tagging: 'a=1', Metadata: { m: 'v' }, ContentType: 'text/x' }),
    );
    await restore('k');
    clock.advance(5 * MINUTE);
    const got = await client.send(new HeadObjectCommand({ Bucket: 'data', Key: 'k' }));
    expect([got.Metadata, got.ContentType]).toEqual([{ m: 'v' }, 'text/x']);
    expect((await client.send(new GetObjectTaggingCommand({ Bucket: 'data', Key: 'k' }))).TagSet).toEqual([{ Key: 'a', Value: '1' }]);
    await client.send(new PutObjectTaggingCommand({ Bucket: 'data', Key: 'k', Tagging: { TagSet: [{ Key: 'b', Value: '2' }] } }));
    expect(await head('k')).toMatch(/^ongoing-request="false"/);
  });

  it('a multipart GLACIER object: readable part by part once restored', async () => {
    const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket: 'data', Key: 'mp', StorageClass: 'GLACIER' }));
    const part1 = 'a'.repeat(5 * 1024 * 1024);
    const p1 = await client.send(new UploadPartCommand({ Bucket: 'data', Key: 'mp', UploadId, PartNumber: 1, Body: part1 }));
    const p2 = await client.send(new UploadPartCommand({ Bucket: 'data', Key: 'mp', UploadId, PartNumber: 2, Body: 'tail' }));
    await client.send(
      new CompleteMultipartUploadCommand({
        Bucket: 'data',
        Key: 'mp',
        UploadId,
        MultipartUpload: {
          Parts: [
            { PartNumber: 1, ETag: p1.ETag },
            { PartNumber: 2, ETag: p2.ETag },
          ],
        },
      }),
    );
    await restore('mp');
    clock.advance(5 * MINUTE);
    expect(await read('mp', 2)).toBe('tail');
  });
});

describe('the refusal for a class that is not archived', () => {
  // S3's answer, captured: "botocore.errorfactory.InvalidObjectState: An error occurred
  // (InvalidObjectState) when calling the RestoreObject operation: Restore is not allowed for the
  // object's current storage class" (getmoto/moto#4670), "S3 error: 403 (InvalidObjectState):
  // Restore is not allowed for the object's current storage class" (s3tools/s3cmd#1375). moto and
  // LocalStack answer InvalidObjectState too.
  it('STANDARD: 403 InvalidObjectState', async () => {
    await client.send(new PutObjectCommand({ Bucket: 'data', Key: 'warm', Body: 'w' }));
    const error = await sdkError(restore('warm'));
    expect([error.name, error.message, error.$metadata.httpStatusCode]).toEqual([
      'InvalidObjectState',
      "Restore is not allowed for the object's current storage class",
      403,
    ]);
  });
});

describe('INTELLIGENT_TIERING with Days', () => {
  // "S3 error: 400 (InvalidArgument): INTELLIGENT_TIERING objects are not subject to restore
  // expiry. Do not specify Days when restoring this object" (s3tools/s3cmd#1377, a capture of S3);
  // the RestoreObject API reference: Intelligent-Tiering restores take no Days.
  it('400 InvalidArgument, not 403', async () => {
    await client.send(new PutObjectCommand({ Bucket: 'data', Key: 'it', Body: 'i', StorageClass: 'INTELLIGENT_TIERING' }));
    const error = await sdkError(restore('it'));
    expect([error.name, error.message, error.$metadata.httpStatusCode]).toEqual([
      'InvalidArgument',
      'INTELLIGENT_TIERING objects are not subject to restore expiry. Do not specify Days when restoring this object',
      400,
    ]);
    expect(await head('it')).toBeUndefined();
  });
});

describe('ListObjectVersions with OptionalObjectAttributes=RestoreStatus', () => {
  // The S3 API model gives ListObjectVersions the same `x-amz-optional-object-attributes` header
  // and each `ObjectVersion` a `RestoreStatus`, as ListObjects and ListObjectsV2.
  it('answers the restore as the other listings do', async () => {
    await client.send(new PutObjectCommand({ Bucket: 'data', Key: 'k', Body: 'x', StorageClass: 'GLACIER' }));
    await restore('k');
    const listed = await client.send(new ListObjectVersionsCommand({ Bucket: 'data', OptionalObjectAttributes: ['RestoreStatus'] }));
    expect(listed.Versions?.[0]?.RestoreStatus).toEqual({ IsRestoreInProgress: true });
  });
});

describe('Days on the wire', () => {
  const xml = (inner: string, ns = true) => `<RestoreRequest${ns ? ' xmlns="http://s3.amazonaws.com/doc/2006-03-01/"' : ''}>${inner}</RestoreRequest>`;
  it.each([
    ['1.5', 400],
    ['1e3', 400],
  ])('Days %s: %i, nothing begun', async (days, status) => {
    await client.send(new PutObjectCommand({ Bucket: 'data', Key: 'k', Body: 'x', StorageClass: 'GLACIER' }));
    const server = await listen(engine.handler);
    try {
      const response = await fetch(`${server.url}/data/k?restore`, { method: 'POST', body: xml(`<Days>${days}</Days>`) });
      expect(response.status).toBe(status);
    } finally {
      await server.close();
    }
    expect(await head('k')).toBeUndefined();
  });

  it('a document without the namespace is taken', async () => {
    await client.send(new PutObjectCommand({ Bucket: 'data', Key: 'k', Body: 'x', StorageClass: 'GLACIER' }));
    const server = await listen(engine.handler);
    try {
      const response = await fetch(`${server.url}/data/k?restore`, { method: 'POST', body: xml('<Days>2</Days>', false) });
      expect(response.status).toBe(202);
      const got = await fetch(`${server.url}/data/k`, { method: 'HEAD' });
      expect(got.headers.get('x-amz-restore')).toBe('ongoing-request="true"');
    } finally {
      await server.close();
    }
  });

  it('Days are bounded by the expiry the record keeps (from completion): past 9999-12-31 refused, the largest taken listed', async () => {
    await client.send(new PutObjectCommand({ Bucket: 'data', Key: 'k', Body: 'x', StorageClass: 'DEEP_ARCHIVE' }));
    // A Bulk restore requested 2026-12-07 10:30 completes 2026-12-09 10:30; its copy's expiry is
    // that plus Days, rounded up to midnight UTC. Counted from the request instead, `tooMany`
    // would land on 9999-12-31; from completion it is 10000-01-02, which no HTTP date writes.
    const tooMany = (Date.UTC(9999, 11, 31) - Date.UTC(2026, 11, 8)) / DAY;
    const largest = (Date.UTC(9999, 11, 31) - Date.UTC(2026, 11, 10)) / DAY;
    const refused = await sdkError(restore('k', tooMany, 'Bulk'));
    expect([refused.name, refused.$metadata.httpStatusCode]).toEqual(['InvalidArgument', 400]);
    expect(await head('k')).toBeUndefined();
    expect((await restore('k', largest, 'Bulk')).$metadata.httpStatusCode).toBe(202);
    clock.advance(48 * HOUR);
    const header = await head('k');
    const listed = await client.send(new ListObjectsV2Command({ Bucket: 'data', OptionalObjectAttributes: ['RestoreStatus'] }));
    const expiry = listed.Contents?.[0]?.RestoreStatus?.RestoreExpiryDate;
    expect([header, expiry?.toISOString()]).toEqual([expect.stringMatching(/ 31 Dec 9999 00:00:00 GMT"$/), '9999-12-31T00:00:00.000Z']);
  });
});
