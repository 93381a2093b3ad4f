/**
 * RestoreObject through the official `@aws-sdk/client-s3` by the kernel's in-process handler, the
 * engine on a `ControlledClock` that each test advances instead of waiting: 202 for a new restore,
 * 409 RestoreAlreadyInProgress while it runs, `x-amz-restore` on HeadObject and GetObject, the
 * object readable (every encryption mode, SSE-C still with its key) and copyable once restored,
 * 200 and a new expiry when restored again, archived again after the expiry (a midnight UTC);
 * the refusals (a class that is not archived, Expedited on DEEP_ARCHIVE, a missing key, a policy
 * denying s3:RestoreObject) and the malformed documents on the wire, each changing nothing.
 */

import {
  CopyObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsCommand,
  ListObjectsV2Command,
  PutBucketEncryptionCommand,
  PutBucketPolicyCommand,
  PutObjectCommand,
  type PutObjectCommandInput,
  RestoreObjectCommand,
  type StorageClass,
  type Tier,
} from '@aws-sdk/client-s3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ALLOW_SSE_C } from '../helpers/backends.ts';
import { type ClockedEngine, clockedEngine, DAY, HOUR, MINUTE } from '../helpers/clocked.ts';
import { members, sseC } from '../helpers/engine.ts';
import { listen, sdkError } from '../helpers/wire.ts';

/** 2026-12-07 10:30 UTC: the restores below complete and expire at times worked out by hand. */
const START = Date.UTC(2026, 11, 7, 10, 30);

let sandbox: ClockedEngine;
let clock: ClockedEngine['clock'];
let kms: ClockedEngine['kms'];
let engine: ClockedEngine['engine'];
let client: ClockedEngine['client'];

beforeEach(async () => {
  sandbox = await clockedEngine('data', START);
  ({ clock, kms, engine, client } = sandbox);
});
afterEach(() => sandbox.close());

async function put(key: string, storageClass: StorageClass, extra: Partial<PutObjectCommandInput> = {}): Promise<void> {
  await client.send(new PutObjectCommand({ Bucket: 'data', Key: key, Body: `bytes of ${key}`, StorageClass: storageClass, ...extra }));
}

function restore(key: string, days: number, tier?: Tier) {
  return client.send(
    new RestoreObjectCommand({
      Bucket: 'data',
      Key: key,
      RestoreRequest: { Days: days, ...(tier === undefined ? {} : { GlacierJobParameters: { Tier: tier } }) },
    }),
  );
}

async function restoreHeader(key: string): Promise<string | undefined> {
  return (await client.send(new HeadObjectCommand({ Bucket: 'data', Key: key }))).Restore;
}

async function read(key: string): Promise<string> {
  const got = await client.send(new GetObjectCommand({ Bucket: 'data', Key: key }));
  return (await got.Body?.transformToString()) ?? '';
}

describe('a GLACIER object restored (Standard: 5 hours here)', () => {
  it('is 202, in progress, readable once done, restorable again with 200, then archived again', async () => {
    await put('cold', 'GLACIER');
    const accepted = await restore('cold', 3);
    expect(accepted.$metadata.httpStatusCode).toBe(202);
    expect(await restoreHeader('cold')).toBe('ongoing-request="true"');
    // Still archived while the restore runs, and a second request is refused.
    expect((await sdkError(read('cold'))).name).toBe('InvalidObjectState');
    const again = await sdkError(restore('cold', 3));
    expect([again.name, again.message, again.$metadata.httpStatusCode]).toEqual(['RestoreAlreadyInProgress', 'Object restore is already in progress.', 409]);

    clock.advance(5 * HOUR);
    // Completed 2026-12-07 15:30 UTC + 3 days = Dec 10 15:30, rounded up to Dec 11 00:00 UTC.
    expect(await restoreHeader('cold')).toBe('ongoing-request="false", expiry-date="Fri, 11 Dec 2026 00:00:00 GMT"');
    const got = await client.send(new GetObjectCommand({ Bucket: 'data', Key: 'cold' }));
    expect(await got.Body?.transformToString()).toBe('bytes of cold');
    expect([got.Restore, got.StorageClass]).toEqual(['ongoing-request="false", expiry-date="Fri, 11 Dec 2026 00:00:00 GMT"', 'GLACIER']);
    await client.send(new CopyObjectCommand({ Bucket: 'data', Key: 'warm', CopySource: 'data/cold' }));
    expect(await read('warm')).toBe('bytes of cold');
    // The copy is a new STANDARD object: no restore of its own.
    expect(await restoreHeader('warm')).toBeUndefined();

    // Restored again two days later: 200, the expiry moved relative to now (Dec 9 15:30 + 10 days).
    clock.advance(2 * DAY);
    const renewed = await restore('cold', 10);
    expect(renewed.$metadata.httpStatusCode).toBe(200);
    expect(await restoreHeader('cold')).toBe('ongoing-request="false", expiry-date="Sun, 20 Dec 2026 00:00:00 GMT"');

    // At the expiry the copy is gone: archived as before any restore.
    clock.set(Date.UTC(2026, 11, 20) - 1);
    expect(await read('cold')).toBe('bytes of cold');
    clock.advance(1);
    expect(await restoreHeader('cold')).toBeUndefined();
    expect((await sdkError(read('cold'))).name).toBe('InvalidObjectState');
    const copy = await sdkError(client.send(new CopyObjectCommand({ Bucket: 'data', Key: 'warm2', CopySource: 'data/cold' })));
    expect(copy.name).toBe('ObjectNotInActiveTierError');
    // And it can be restored anew.
    expect((await restore('cold', 1, 'Expedited')).$metadata.httpStatusCode).toBe(202);
  });

  it('keeps Last-Modified and the ETag as they were', async () => {
    await put('cold', 'GLACIER');
    const before = await client.send(new HeadObjectCommand({ Bucket: 'data', Key: 'cold' }));
    clock.advance(MINUTE * 10);
    await restore('cold', 1, 'Expedited');
    const after = await client.send(new HeadObjectCommand({ Bucket: 'data', Key: 'cold' }));
    expect([after.LastModified, after.ETag]).toEqual([before.LastModified, before.ETag]);
  });
});

describe('each tier takes its fixed documented time', () => {
  it.each([
    ['GLACIER', 'Expedited', 5 * MINUTE],
    ['GLACIER', 'Standard', 5 * HOUR],
    ['GLACIER', 'Bulk', 12 * HOUR],
    ['DEEP_ARCHIVE', 'Standard', 12 * HOUR],
    ['DEEP_ARCHIVE', 'Bulk', 48 * HOUR],
    ['DEEP_ARCHIVE', undefined, 12 * HOUR],
  ] as const)('%s %s: %i ms', async (storageClass, tier, duration) => {
    await put('cold', storageClass);
    expect((await restore('cold', 1, tier)).$metadata.httpStatusCode).toBe(202);
    clock.advance(duration - 1);
    expect(await restoreHeader('cold')).toBe('ongoing-request="true"');
    clock.advance(1);
    expect(await restoreHeader('cold')).toMatch(/^ongoing-request="false", expiry-date="/);
    expect(await read('cold')).toBe('bytes of cold');
  });
});

describe('a restored object keeps its encryption', () => {
  it('SSE-C: readable with its key only', async () => {
    const key = sseC();
    await client.send(new PutBucketEncryptionCommand({ Bucket: 'data', ...ALLOW_SSE_C }));
    await put('secret', 'GLACIER', members(key));
    await restore('secret', 1, 'Expedited');
    clock.advance(5 * MINUTE);
    expect((await sdkError(read('secret'))).$metadata.httpStatusCode).toBe(400);
    const got = await client.send(new GetObjectCommand({ Bucket: 'data', Key: 'secret', ...members(key) }));
    expect(await got.Body?.transformToString()).toBe('bytes of secret');
    expect(got.SSECustomerKeyMD5).toBe(key.SSECustomerKeyMD5);
  });

  it('SSE-KMS: decrypted through KMS as any read', async () => {
    const { KeyMetadata } = await kms.createKey({});
    await put('kms', 'DEEP_ARCHIVE', { ServerSideEncryption: 'aws:kms', SSEKMSKeyId: KeyMetadata?.KeyId });
    await restore('kms', 1, 'Bulk');
    clock.advance(48 * HOUR);
    const got = await client.send(new GetObjectCommand({ Bucket: 'data', Key: 'kms' }));
    expect(await got.Body?.transformToString()).toBe('bytes of kms');
    expect(got.ServerSideEncryption).toBe('aws:kms');
  });
});

describe('refused restores change nothing', () => {
  // S3's answer, captured: "403 (InvalidObjectState): Restore is not allowed for the object's
  // current storage class" (s3tools/s3cmd#1375; getmoto/moto#4670).
  it.each(['STANDARD', 'STANDARD_IA', 'GLACIER_IR'] as const)('%s: 403 InvalidObjectState', async (storageClass) => {
    await put('warm', storageClass);
    const error = await sdkError(restore('warm', 1));
    expect([error.name, error.message, error.$metadata.httpStatusCode]).toEqual([
      'InvalidObjectState',
      "Restore is not allowed for the object's current storage class",
      403,
    ]);
    expect(await restoreHeader('warm')).toBeUndefined();
  });

  it('INTELLIGENT_TIERING without Days (never in an archive tier here): 403 ObjectAlreadyInActiveTierError', async () => {
    await put('it', 'INTELLIGENT_TIERING');
    const error = await sdkError(client.send(new RestoreObjectCommand({ Bucket: 'data', Key: 'it', RestoreRequest: {} })));
    expect([error.name, error.message, error.$metadata.httpStatusCode]).toEqual([
      'ObjectAlreadyInActiveTierError',
      'This action is not allowed against this storage tier',
      403,
    ]);
    expect(await restoreHeader('it')).toBeUndefined();
  });

  it('Expedited on DEEP_ARCHIVE: 400 InvalidArgument, no restore begun', async () => {
    await put('deep', 'DEEP_ARCHIVE');
    const error = await sdkError(restore('deep', 1, 'Expedited'));
    expect([error.name, error.$metadata.httpStatusCode]).toEqual(['InvalidArgument', 400]);
    expect(await restoreHeader('deep')).toBeUndefined();
    expect((await restore('deep', 1, 'Bulk')).$metadata.httpStatusCode).toBe(202);
  });

  it('a missing key: 404 NoSuchKey', async () => {
    const error = await sdkError(restore('nothing', 1));
    expect([error.name, error.$metadata.httpStatusCode]).toEqual(['NoSuchKey', 404]);
  });

  it('a policy denying s3:RestoreObject: 403 AccessDenied', async () => {
    await put('cold', 'GLACIER');
    const Policy = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Deny', Principal: '*', Action: 's3:RestoreObject', Resource: 'arn:aws:s3:::data/*' }],
    });
    await client.send(new PutBucketPolicyCommand({ Bucket: 'data', Policy }));
    const error = await sdkError(restore('cold', 1));
    expect([error.name, error.$metadata.httpStatusCode]).toEqual(['AccessDenied', 403]);
    expect(await restoreHeader('cold')).toBeUndefined();
  });

  it('versionId=null is the object; another version id is refused', async () => {
    await put('cold', 'GLACIER');
    const error = await sdkError(client.send(new RestoreObjectCommand({ Bucket: 'data', Key: 'cold', VersionId: 'v1', RestoreRequest: { Days: 1 } })));
    expect(error.$metadata.httpStatusCode).toBe(400);
    expect(await restoreHeader('cold')).toBeUndefined();
    const accepted = await client.send(new RestoreObjectCommand({ Bucket: 'data', Key: 'cold', VersionId: 'null', RestoreRequest: { Days: 1 } }));
    expect(accepted.$metadata.httpStatusCode).toBe(202);
  });
});

describe('listings with OptionalObjectAttributes=RestoreStatus', () => {
  it('answer RestoreStatus for objects restoring or restored, nothing for the others', async () => {
    await put('a-restoring', 'DEEP_ARCHIVE');
    await put('b-restored', 'GLACIER');
    await put('c-archived', 'GLACIER');
    await put('d-warm', 'STANDARD');
    await restore('b-restored', 1, 'Expedited');
    clock.advance(5 * MINUTE);
    await restore('a-restoring', 1);
    const expected = [
      ['a-restoring', { IsRestoreInProgress: true }],
      // Restored Dec 7 10:35 UTC for a day: Dec 8 10:35, rounded up to Dec 9 00:00 UTC.
      ['b-restored', { IsRestoreInProgress: false, RestoreExpiryDate: new Date(Date.UTC(2026, 11, 9)) }],
      ['c-archived', undefined],
      ['d-warm', undefined],
    ];
    const v2 = await client.send(new ListObjectsV2Command({ Bucket: 'data', OptionalObjectAttributes: ['RestoreStatus'] }));
    expect((v2.Contents ?? []).map((object) => [object.Key, object.RestoreStatus])).toEqual(expected);
    const v1 = await client.send(new ListObjectsCommand({ Bucket: 'data', OptionalObjectAttributes: ['RestoreStatus'] }));
    expect((v1.Contents ?? []).map((object) => [object.Key, object.RestoreStatus])).toEqual(expected);
    // Not asked for: not answered.
    const plain = await client.send(new ListObjectsV2Command({ Bucket: 'data' }));
    expect((plain.Contents ?? []).map((object) => object.RestoreStatus)).toEqual([undefined, undefined, undefined, undefined]);
  });

  it('refuse a value outside the enum with 400', async () => {
    const server = await listen(engine.handler);
    try {
      const response = await fetch(`${server.url}/data?list-type=2`, { headers: { 'x-amz-optional-object-attributes': 'Owner' } });
      expect(response.status).toBe(400);
    } finally {
      await server.close();
    }
  });
});

describe('RestoreRequest documents on the wire', () => {
  const xml = (inner: string) => `<RestoreRequest xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${inner}</RestoreRequest>`;
  it.each([
    ['no document', 400, 'MalformedXML', ''],
    ['not XML', 400, 'MalformedXML', '<RestoreRequest>'],
    ['no Days', 400, 'MalformedXML', xml('<GlacierJobParameters><Tier>Standard</Tier></GlacierJobParameters>')],
    ['Days 0', 400, 'InvalidArgument', xml('<Days>0</Days>')],
    ['Days -1', 400, 'InvalidArgument', xml('<Days>-1</Days>')],
    ['Days past year 9999', 400, 'InvalidArgument', xml('<Days>3000000</Days>')],
    ['Days not a number', 400, 'MalformedXML', xml('<Days>two</Days>')],
    ['an unknown tier', 400, 'MalformedXML', xml('<Days>1</Days><GlacierJobParameters><Tier>Fast</Tier></GlacierJobParameters>')],
    ['GlacierJobParameters without a Tier', 400, 'MalformedXML', xml('<Days>1</Days><GlacierJobParameters></GlacierJobParameters>')],
    ['a top-level Tier without SELECT', 400, 'MalformedXML', xml('<Days>1</Days><Tier>Expedited</Tier>')],
    ['a Type other than SELECT', 400, 'MalformedXML', xml('<Days>1</Days><Type>RESTORE</Type>')],
    [
      'the SELECT type',
      501,
      'NotImplemented',
      xml('<Type>SELECT</Type><Tier>Standard</Tier><SelectParameters><Expression>select *</Expression></SelectParameters>'),
    ],
  ] as const)('%s: %i %s, nothing begun', async (_name, status, code, body) => {
    await put('cold', 'GLACIER');
    const server = await listen(engine.handler);
    try {
      const response = await fetch(`${server.url}/data/cold?restore`, { method: 'POST', body });
      expect(response.status).toBe(status);
      expect(await response.text()).toContain(`<Code>${code}</Code>`);
    } finally {
      await server.close();
    }
    expect(await restoreHeader('cold')).toBeUndefined();
  });

  it('202 with no body for a new restore, 200 for a restored object', async () => {
    await put('cold', 'GLACIER');
    const server = await listen(engine.handler);
    try {
      const post = () =>
        fetch(`${server.url}/data/cold?restore`, {
          method: 'POST',
          body: xml('<Days>2</Days><GlacierJobParameters><Tier>Expedited</Tier></GlacierJobParameters>'),
        });
      const first = await post();
      expect([first.status, await first.text()]).toEqual([202, '']);
      clock.advance(5 * MINUTE);
      const second = await post();
      expect([second.status, await second.text()]).toEqual([200, '']);
      const head = await fetch(`${server.url}/data/cold`, { method: 'HEAD' });
      expect(head.headers.get('x-amz-restore')).toBe('ongoing-request="false", expiry-date="Thu, 10 Dec 2026 00:00:00 GMT"');
    } finally {
      await server.close();
    }
  });
});

describe('an extension and the clock', () => {
  it('extending a restored DEEP_ARCHIVE copy ignores the tier it asks for: 200, Expedited included', async () => {
    await put('deep', 'DEEP_ARCHIVE');
    await restore('deep', 1, 'Standard');
    clock.advance(12 * HOUR);
    expect((await restore('deep', 3, 'Expedited')).$metadata.httpStatusCode).toBe(200);
    // Extended from now (2026-12-07 22:30) by 3 days, rounded up to midnight UTC.
    expect(await restoreHeader('deep')).toBe('ongoing-request="false", expiry-date="Fri, 11 Dec 2026 00:00:00 GMT"');
  });

  it('a clock moved back before the request: no restore, archived and restorable again', async () => {
    clock.advance(365 * DAY);
    await put('cold', 'GLACIER');
    await restore('cold', 1, 'Expedited');
    clock.advance(5 * MINUTE);
    expect(await read('cold')).toBe('bytes of cold');
    clock.set(START, { allowBackwards: true });
    expect(await restoreHeader('cold')).toBeUndefined();
    expect((await sdkError(read('cold'))).name).toBe('InvalidObjectState');
    expect((await restore('cold', 1, 'Expedited')).$metadata.httpStatusCode).toBe(202);
  });

  it('with the clock past 9999-12-31, Days 1 is refused as an expiry too late, not as a bad number', async () => {
    await put('cold', 'GLACIER');
    clock.set(Date.UTC(10000, 0, 5));
    const error = await sdkError(restore('cold', 1, 'Expedited'));
    expect([error.name, error.$metadata.httpStatusCode]).toEqual(['InvalidArgument', 400]);
    expect(error.message).toMatch(/9999-12-31/);
    expect(await restoreHeader('cold')).toBeUndefined();
  });
});
