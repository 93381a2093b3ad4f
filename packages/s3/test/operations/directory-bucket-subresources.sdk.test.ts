/**
 * `?session` (CreateSession) and `?renameObject` (RenameObject) name directory-bucket operations
 * (S3 API reference, CreateSession and RenameObject: "RenameObject is only supported for objects
 * stored in the S3 Express One Zone storage class"); every bucket here is a general purpose one, on
 * which S3 answers a request naming either as the bare path (brekkylab/backlot, measured against S3
 * us-east-1, `backlot/routers/s3.py` at commit 07bef4332838e4c4ee55118732a8ac1520f70d16). A GET and
 * a HEAD (2026-09-29): `_BUCKET_SELECTORS`, "real S3 answers `GET /{bucket}?session` on a general
 * purpose bucket with the listing", and the 40-selector GET/HEAD sweep (`_BUCKET_READ_REFUSED`)
 * refused neither name. A PUT, POST, DELETE and PATCH (2026-09-23, at a bucket nobody owns):
 * `_BUCKET_WRITE_SELECTORS`, "`session` and `renameObject` answered as the bare path does". A PUT
 * naming one stays 501 (what S3 does with it on a bucket that exists is UNCONFIRMED).
 */

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ServedEngine, served } from '../helpers/wire.ts';

describe('the directory-bucket subresources on a general purpose bucket', () => {
  let engine: ServedEngine;
  beforeAll(async () => {
    engine = await served('wire');
    await fetch(`${engine.server.url}/wire/k`, { method: 'PUT', body: 'body' });
  });
  afterAll(async () => {
    await engine.close();
  });

  const status = async (method: string, path: string): Promise<[number, string]> => {
    const response = await fetch(`${engine.server.url}${path}`, { method });
    const text = await response.text();
    return [response.status, method === 'GET' && path.includes('/k') ? text : (/<(\w+)/.exec(text.replace(/^<\?xml[^>]*>\s*/, ''))?.[1] ?? '')];
  };

  it('a HEAD is HeadBucket and HeadObject', async () => {
    expect({
      session: await status('HEAD', '/wire?session'),
      absent: await status('HEAD', '/absent?session'),
      bucketRename: await status('HEAD', '/wire?renameObject'),
      rename: await status('HEAD', '/wire/k?renameObject'),
      missing: await status('HEAD', '/wire/none?renameObject'),
    }).toEqual({ session: [200, ''], absent: [404, ''], bucketRename: [200, ''], rename: [200, ''], missing: [404, ''] });
  });

  it('a GET is the listing and GetObject', async () => {
    expect({ session: await status('GET', '/wire?session'), rename: await status('GET', '/wire/k?renameObject') }).toEqual({
      session: [200, 'ListBucketResult'],
      rename: [200, 'body'],
    });
  });

  it('a version id beside ?session is refused as the listing refuses it', async () => {
    expect(await status('GET', '/wire?session&versionId=x')).toEqual([400, 'Error']);
  });

  // backlot `_BUCKET_WRITE_SELECTORS` (PUT, POST, DELETE and PATCH measured 2026-09-23 at a bucket
  // nobody owns): "`session` and `renameObject` answered as the bare path does". A PATCH's 405 and
  // a bucket POST's 412 come before the bucket, so they are the bare path's on any bucket.
  it('a PATCH, a POST or a DELETE naming one is answered as the bare path', async () => {
    expect({
      patchBucket: await status('PATCH', '/wire?session'),
      patchKey: await status('PATCH', '/wire/k?renameObject'),
      postKey: await status('POST', '/wire/k?renameObject'),
      postBucket: await status('POST', '/wire?session'),
      deleteAbsent: await status('DELETE', '/absent?session'),
    }).toEqual({
      patchBucket: await status('PATCH', '/wire'),
      patchKey: await status('PATCH', '/wire/k'),
      postKey: await status('POST', '/wire/k'),
      postBucket: [412, 'Error'],
      deleteAbsent: [404, 'Error'],
    });
  });

  it('a PUT naming one is not served', async () => {
    expect((await status('PUT', '/wire/k2?renameObject'))[0]).toBe(501);
  });
});
