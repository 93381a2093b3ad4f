/**
 * A GET naming a selector that has no GET form (`?delete`, `?restore`, a bucket's three
 * `?metadata*Table`, a key's `?select` and `?encryption`), over a real socket. S3 answers it with
 * the selector's 405 naming `GET` and the selector's resource type, its `Allow` the selector's
 * methods, before the bucket is looked up (brekkylab/backlot `backlot/routers/s3.py` at commit
 * 07bef4332838e4c4ee55118732a8ac1520f70d16, `_BUCKET_READ_REFUSED`, `_OBJECT_READ_REFUSED`,
 * measured against S3 us-east-1 2026-09-29: "a GET answered with a 405, which named the type and
 * carried an `Allow` of the write methods", the three `metadata*Table` selectors "in a later sweep
 * of every selector at both paths"). Never the listing or the object's bytes.
 */

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAndStrict, type ServedEngine, served, wronglySigned } from '../helpers/wire.ts';

describe('a GET naming a selector without a GET form', () => {
  let engine: ServedEngine;
  beforeAll(async () => {
    engine = await served('wire');
    await fetch(`${engine.server.url}/wire/kept`, { method: 'PUT', body: 'original' });
  });
  afterAll(async () => {
    await engine.close();
  });

  const answer = async (path: string): Promise<[number, string | null, string | undefined, string | undefined]> => {
    const response = await fetch(`${engine.server.url}${path}`);
    const text = await response.text();
    return [response.status, response.headers.get('allow'), /<Code>([^<]*)</.exec(text)?.[1], /<\/Message>(.*?)<RequestId>/.exec(text)?.[1]];
  };

  it.each([
    ['/wire?metadataInventoryTable', 'PUT', 'BUCKET_METADATA_INVENTORY_TABLE_CONFIGURATION'],
    ['/wire?metadataJournalTable', 'PUT', 'BUCKET_METADATA_JOURNAL_TABLE_CONFIGURATION'],
    ['/wire?metadataAnnotationTable', 'PUT', 'BUCKET_METADATA_ANNOTATION_TABLE_CONFIGURATION'],
    ['/wire?delete', 'POST', 'MULTI_OBJECT_DELETE'],
    ['/wire?restore', 'POST', 'RESTORE'],
    ['/wire/kept?restore', 'POST', 'RESTORE'],
    ['/wire/kept?select', 'POST', 'SELECT'],
    ['/wire/kept?delete', 'POST', 'MULTI_OBJECT_DELETE'],
    ['/wire/kept?encryption', 'PUT', 'OBJECT_ENCRYPTION'],
    ['/wire/kept?partNumber=1&uploadId=u', 'PUT', 'PART'],
  ])('GET %s: 405 naming GET and the selector, Allow %s', async (path, allow, resourceType) => {
    expect(await answer(path)).toEqual([405, allow, 'MethodNotAllowed', `<Method>GET</Method><ResourceType>${resourceType}</ResourceType>`]);
  });

  it('the 405 comes before the bucket: a bucket nobody has is not NoSuchBucket', async () => {
    const [status, allow, code] = await answer('/no-such-bucket-here?metadataJournalTable');
    expect([status, allow, code]).toEqual([405, 'PUT', 'MethodNotAllowed']);
  });

  it('a selector with a GET form is still served: GET ?location is the bucket location', async () => {
    const [status, , code] = await answer('/wire?location');
    expect([status, code]).toEqual([200, undefined]);
  });
});

describe('a GET naming a selector without a GET form, as the credential reads it', () => {
  const endpoints = openAndStrict();

  it("unsigned under strict authentication: the 405, not the anonymous caller's 403", async () => {
    const response = await fetch(`${endpoints.strict.server.url}/wire?delete`);
    expect([response.status, response.headers.get('allow')]).toEqual([405, 'POST']);
  });

  it("signed over a secret that is not the key's: the credential's 403 first", async () => {
    const url = `${endpoints.strict.server.url}/wire?delete`;
    const response = await fetch(url, { headers: await wronglySigned(url) });
    expect([response.status, /<Code>([^<]*)</.exec(await response.text())?.[1]]).toEqual([403, 'SignatureDoesNotMatch']);
  });
});
