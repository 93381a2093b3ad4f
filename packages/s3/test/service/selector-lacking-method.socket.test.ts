/**
 * A request naming one of S3's newer selectors (`?abac`, `?metadataConfiguration` and the three
 * `?metadata*Table` at a bucket, `?annotation` at a key), over a real socket. S3 answers each
 * method the selector lacks with its 405 before the bucket, and a method it has as that selector's
 * write (brekkylab/backlot `backlot/routers/s3.py`, `_BUCKET_WRITE_SELECTORS`,
 * `_OBJECT_WRITE_SELECTORS`, measured against S3 us-east-1 2026-09-23: "a selector, a method it
 * lacks | 405 MethodNotAllowed naming the selector's own resource type"; `abac` is `BUCKET_ABAC`,
 * PUT alone; `annotation` `OBJECT_ANNOTATIONS`, no write; `metadataConfiguration` DELETE and POST).
 * None of them is the bare path's write: the bucket and the object are left as they were.
 */

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ServedEngine, served } from '../helpers/wire.ts';

describe('a request naming a newer selector', () => {
  let engine: ServedEngine;
  beforeAll(async () => {
    engine = await served('wire');
  });
  afterAll(async () => {
    await engine.close();
  });

  const answer = async (method: string, path: string, body?: string): Promise<[number, string | null, string | undefined, string | undefined]> => {
    const response = await fetch(`${engine.server.url}${path}`, { method, ...(body === undefined ? {} : { body }) });
    const text = await response.text();
    return [response.status, response.headers.get('allow'), /<Code>([^<]*)</.exec(text)?.[1], /<\/Message>(.*?)<RequestId>/.exec(text)?.[1]];
  };

  it("DELETE and PUT at a key's ?annotation: 405 naming OBJECT_ANNOTATIONS, the object kept", async () => {
    await fetch(`${engine.server.url}/wire/annotated`, { method: 'PUT', body: 'original' });
    expect([await answer('DELETE', '/wire/annotated?annotation'), await answer('PUT', '/wire/annotated?annotation', 'overwritten')]).toEqual([
      [405, 'GET', 'MethodNotAllowed', '<Method>DELETE</Method><ResourceType>OBJECT_ANNOTATIONS</ResourceType>'],
      [405, 'GET', 'MethodNotAllowed', '<Method>PUT</Method><ResourceType>OBJECT_ANNOTATIONS</ResourceType>'],
    ]);
    const kept = await fetch(`${engine.server.url}/wire/annotated`);
    expect([kept.status, await kept.text()]).toEqual([200, 'original']);
  });

  it("DELETE at a bucket's ?abac: 405 naming BUCKET_ABAC, the bucket kept", async () => {
    await fetch(`${engine.server.url}/abac-kept`, { method: 'PUT' });
    expect(await answer('DELETE', '/abac-kept?abac')).toEqual([
      405,
      'GET, PUT',
      'MethodNotAllowed',
      '<Method>DELETE</Method><ResourceType>BUCKET_ABAC</ResourceType>',
    ]);
    expect((await fetch(`${engine.server.url}/abac-kept`, { method: 'HEAD' })).status).toBe(200);
  });

  it("DELETE at a bucket's ?metadataConfiguration is that selector's write, not DeleteBucket: the bucket kept", async () => {
    await fetch(`${engine.server.url}/metadata-kept`, { method: 'PUT' });
    const [status, , code] = await answer('DELETE', '/metadata-kept?metadataConfiguration');
    expect([status, code]).toEqual([501, 'NotImplemented']);
    expect((await fetch(`${engine.server.url}/metadata-kept`, { method: 'HEAD' })).status).toBe(200);
  });

  it("PUT at a bucket's ?metadataInventoryTable is that selector's write, not CreateBucket; DELETE its 405", async () => {
    const [status, , code] = await answer('PUT', '/inventory-table-absent?metadataInventoryTable', '<InventoryTableConfiguration/>');
    expect([status, code]).toEqual([501, 'NotImplemented']);
    expect((await fetch(`${engine.server.url}/inventory-table-absent`, { method: 'HEAD' })).status).toBe(404);
    expect(await answer('DELETE', '/wire?metadataJournalTable')).toEqual([
      405,
      'PUT',
      'MethodNotAllowed',
      '<Method>DELETE</Method><ResourceType>BUCKET_METADATA_JOURNAL_TABLE_CONFIGURATION</ResourceType>',
    ]);
  });

  // S3 serves a GET of each (GetBucketAbac, GetBucketMetadataConfiguration, a key's annotations:
  // backlot's `_BUCKET_SELECTORS`, `_OBJECT_SELECTORS`, "real S3 dispatches a GET on these keys"),
  // which Strongbox does not: its 501, never the listing or the object's bytes.
  it.each(['/wire?abac', '/wire?metadataConfiguration', '/wire/annotated?annotation'])('GET %s: 501, not the listing or the object', async (path) => {
    await fetch(`${engine.server.url}/wire/annotated`, { method: 'PUT', body: 'original' });
    const [status, , code] = await answer('GET', path);
    expect([status, code]).toEqual([501, 'NotImplemented']);
  });
});
