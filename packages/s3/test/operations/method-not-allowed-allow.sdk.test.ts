/**
 * S3's 405 MethodNotAllowed names the methods the resource takes in `Allow` (RFC 9110 §15.5.6: the
 * origin server MUST send one). A subresource's are the methods that are an operation there, GET
 * among them where it has a GET form: a HEAD naming one gets the same `Allow` a GET would (UploadPart
 * `Allow: PUT`); the service's is `GET`; a bucket's `HEAD, DELETE, POST, GET, PUT`, which is the
 * order a Java `HashSet` of the names iterates them, the order kept for every subset (UNCONFIRMED
 * for the subsets). The conflict's 400 has none.
 *
 * brekkylab/backlot, measured against S3 (us-east-1, 2026-09-23 and 2026-09-29, `backlot/routers/s3.py`
 * at commit 07bef4332838e4c4ee55118732a8ac1520f70d16): `_BUCKET_WRITE_SELECTORS` ("with an `Allow`
 * that is exactly the set plus `GET` where the selector has a GET form"), `_BUCKET_READ_REFUSED`
 * ("a HEAD answered each with the 405 and the same `Allow`"), `_head_refusal` ("Real S3 also sends
 * an `Allow` naming the methods that sub-resource takes, GET and PUT and DELETE among them"),
 * `_UPLOAD_PART` ("the 405 naming `PART` with `Allow: PUT`"), the method table ("HEAD at the root |
 * 405, `Allow: GET`"), `_ALLOW_BUCKET` ("real names its own methods there (`HEAD, DELETE, POST, GET,
 * PUT` on a bucket)").
 */

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ServedEngine, served } from '../helpers/wire.ts';

describe("a 405's Allow", () => {
  let engine: ServedEngine;
  beforeAll(async () => {
    engine = await served('wire');
  });
  afterAll(async () => {
    await engine.close();
  });

  const allow = async (method: string, path: string): Promise<[number, string | null]> => {
    const response = await fetch(`${engine.server.url}${path}`, { method });
    await response.arrayBuffer();
    return [response.status, response.headers.get('allow')];
  };

  it.each([
    ['/wire?versioning', 'GET, PUT'],
    ['/wire?cors', 'DELETE, GET, PUT'],
    ['/wire?encryption', 'DELETE, GET, PUT'],
    ['/wire?location', 'GET'],
    ['/wire?versions', 'GET'],
    ['/wire?uploads', 'POST, GET'],
    ['/wire?delete', 'POST'],
    ['/wire?restore', 'POST'],
    ['/wire?metadataConfiguration', 'DELETE, POST, GET'],
    ['/wire?metadataJournalTable', 'PUT'],
    ['/wire?partNumber=1&uploadId=x', 'PUT'],
    ['/wire/k?acl', 'GET, PUT'],
    ['/wire/k?tagging', 'DELETE, GET, PUT'],
    ['/wire/k?encryption', 'PUT'],
    ['/wire/k?select', 'POST'],
    ['/wire/k?attributes', 'GET'],
    ['/wire/k?uploadId=x', 'DELETE, POST, GET'],
    ['/wire/k?uploadId=x&partNumber=1', 'PUT'],
    ['/wire/k?cors', 'DELETE, GET, PUT'],
  ])('HEAD %s: 405, Allow: %s', async (path, methods) => {
    expect(await allow('HEAD', path)).toEqual([405, methods]);
  });

  it('the conflict names none', async () => {
    expect(await allow('HEAD', '/wire?acl&versioning')).toEqual([400, null]);
  });

  it('at the service: GET', async () => {
    expect({ head: await allow('HEAD', '/'), put: await allow('PUT', '/'), delete: await allow('DELETE', '/') }).toEqual({
      head: [405, 'GET'],
      put: [405, 'GET'],
      delete: [405, 'GET'],
    });
  });

  // backlot `service_method_refusal` (measured 2026-09-23): "A `HEAD` is the same 405, with or
  // without `?acl` or `?versioning`", and "the same with a selector on `PATCH`, `POST` and `PUT`".
  it('at the service, a subresource named on a HEAD or a write: still the 405, GET', async () => {
    expect({
      headAcl: await allow('HEAD', '/?acl'),
      headVersioning: await allow('HEAD', '/?versioning'),
      putAcl: await allow('PUT', '/?acl'),
      patchVersioning: await allow('PATCH', '/?versioning'),
    }).toEqual({ headAcl: [405, 'GET'], headVersioning: [405, 'GET'], putAcl: [405, 'GET'], patchVersioning: [405, 'GET'] });
  });

  // backlot's method table (measured 2026-09-23): "OPTIONS, no `Origin` | 400 BadRequest,
  // 'Insufficient information...'", the same at a bucket, a key and the service root.
  it('an OPTIONS without an Origin is no 405: 400 BadRequest, no Allow', async () => {
    const options = async (path: string): Promise<[number, string | null, string | undefined]> => {
      const response = await fetch(`${engine.server.url}${path}`, { method: 'OPTIONS' });
      return [response.status, response.headers.get('allow'), /<Code>([^<]*)</.exec(await response.text())?.[1]];
    };
    expect({ service: await options('/'), bucket: await options('/wire'), key: await options('/wire/k') }).toEqual({
      service: [400, null, 'BadRequest'],
      bucket: [400, null, 'BadRequest'],
      key: [400, null, 'BadRequest'],
    });
  });

  // backlot `_BUCKET_WRITE_SELECTORS`, `_OBJECT_WRITE_SELECTORS` (measured 2026-09-23): "a selector,
  // a method it lacks | 405 MethodNotAllowed naming the selector's own resource type", the `Allow`
  // the selector's set plus GET where it has a GET form.
  it.each([
    ['DELETE', '/wire?versioning', 'VERSIONING', 'GET, PUT'],
    ['POST', '/wire?encryption', 'ENCRYPTION', 'DELETE, GET, PUT'],
    ['PATCH', '/wire?policy', 'BUCKETPOLICY', 'DELETE, GET, PUT'],
    ['PUT', '/wire/k?uploadId=x', 'UPLOAD', 'DELETE, POST, GET'],
  ])('%s %s, a method the selector lacks: 405 naming %s, Allow: %s, the bucket untouched', async (method, path, type, methods) => {
    const response = await fetch(`${engine.server.url}${path}`, { method });
    const body = await response.text();
    expect([response.status, response.headers.get('allow'), /<Code>([^<]*)</.exec(body)?.[1], /<\/Message>(.*?)<RequestId>/.exec(body)?.[1]]).toEqual([
      405,
      methods,
      'MethodNotAllowed',
      `<Method>${method}</Method><ResourceType>${type}</ResourceType>`,
    ]);
    expect((await fetch(`${engine.server.url}/wire`, { method: 'HEAD' })).status).toBe(200);
  });

  it("at a bucket, a method it does not take: the bucket's", async () => {
    expect(await allow('PATCH', '/wire')).toEqual([405, 'HEAD, DELETE, POST, GET, PUT']);
  });
});
