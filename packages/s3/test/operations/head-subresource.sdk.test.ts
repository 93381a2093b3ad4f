/**
 * A HEAD naming a subresource is refused before the bucket or the key is looked up: one is 405 (no
 * subresource has a HEAD form), two are the conflict's 400, each as its status alone. Two come
 * before any credential; the 405 comes after a credential that is sent and does not verify (its
 * 403), and an unsigned request gets it too. A bucket's `?partNumber` alone is 400, beside
 * `uploadId` the 405.
 *
 * brekkylab/backlot, measured against S3 (us-east-1, 2026-09-29; `backlot/routers/s3.py` at commit
 * 07bef4332838e4c4ee55118732a8ac1520f70d16, `_head_refusal`, `_read_refusal`,
 * `_signature_refusal`, `_bucket_selected`, `_BUCKET_READ_REFUSED`): "real S3 answers
 * `HEAD /{bucket}?versioning` and `HEAD /{key}?acl` 405 with an empty `application/xml` body,
 * whether or not the bucket or the key exists, and two selectors at once with the conflict's 400";
 * 40 selectors "each on a GET and a HEAD at a bucket nobody owns and at a key in it, 160
 * requests"; selector refusals "each sent signed, unsigned, signed over a bad secret and with an
 * unknown key ... the bad secret and the unknown key each turned into their 403" for the 405, the
 * conflict "whether each was signed, unsigned, signed over a bad secret or sent with an unknown key".
 */

import { describe, expect, it } from 'vitest';
import { served, withOpenAndStrict, wronglySigned } from '../helpers/wire.ts';

describe('a HEAD naming a subresource', () => {
  it.each([
    ['/wire?versions', 405],
    ['/absent?versions', 405],
    ['/wire?versioning', 405],
    ['/wire?acl', 405],
    ['/wire?uploads', 405],
    ['/wire?tagging', 405],
    ['/wire?delete', 405],
    ['/wire?uploadId=x', 405],
    ['/wire?versions&max-keys=abc', 405],
    ['/wire/k?uploadId=x', 405],
    ['/absent/k?uploadId=x&max-parts=abc', 405],
    ['/wire/k?acl', 405],
    ['/wire/k?tagging', 405],
    ['/wire/k?versioning', 405],
    ['/wire/k?uploadId=x&partNumber=1', 405],
    ['/wire?acl&versioning', 400],
    ['/wire/k?acl&tagging', 400],
    ['/wire?partNumber=1', 400],
    ['/wire?partNumber=1&uploadId=x', 405],
  ])('HEAD %s: %i, before the bucket and the key, unsigned too', async (path, status) => {
    await withOpenAndStrict(async ({ open, strict }) => {
      const head = async (url: string): Promise<[number, string]> => {
        const response = await fetch(url, { method: 'HEAD' });
        return [response.status, await response.text()];
      };
      expect({ open: await head(`${open.server.url}${path}`), unsigned: await head(`${strict.server.url}${path}`) }).toEqual({
        open: [status, ''],
        unsigned: [status, ''],
      });
    });
  });

  it('over a wrong secret: 403 for one subresource, the 400 for two', async () => {
    const { server, close } = await served('wire', { strict: true });
    try {
      const head = async (path: string): Promise<number> => {
        const url = `${server.url}${path}`;
        return (await fetch(url, { method: 'HEAD', headers: await wronglySigned(url, 'HEAD') })).status;
      };
      expect({ one: await head('/wire?versions'), key: await head('/wire/k?uploadId=x'), two: await head('/wire?acl&versioning') }).toEqual({
        one: 403,
        key: 403,
        two: 400,
      });
    } finally {
      await close();
    }
  });

  it('a HEAD naming none is still HeadBucket and HeadObject', async () => {
    const { server, close } = await served('wire');
    try {
      await fetch(`${server.url}/wire/k`, { method: 'PUT', body: 'x' });
      expect({
        bucket: (await fetch(`${server.url}/wire?x-id=HeadBucket`, { method: 'HEAD' })).status,
        object: (await fetch(`${server.url}/wire/k?partNumber=1`, { method: 'HEAD' })).status,
        version: (await fetch(`${server.url}/wire/k?versionId=null`, { method: 'HEAD' })).status,
      }).toEqual({ bucket: 200, object: 206, version: 200 });
    } finally {
      await close();
    }
  });
});
