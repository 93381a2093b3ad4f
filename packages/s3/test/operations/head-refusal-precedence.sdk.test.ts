/**
 * What S3 refuses on a HEAD ahead of, or beside, the subresource's 405 and the HeadBucket 200,
 * each as its status alone.
 *
 * brekkylab/backlot, measured against S3 (us-east-1; `backlot/routers/s3.py` at commit
 * 07bef4332838e4c4ee55118732a8ac1520f70d16):
 * - `head_bucket`: "A `versionId` and a valued `website` are the 400 ahead of a selector's 405, as
 *   on real (same date)" (2026-09-29); `_website_refusal`: "`?website` with a value, which real
 *   refused at a bucket's path and at a key's, on a GET, a HEAD and a `PUT`, before the credential
 *   and the bucket" (2026-09-29).
 * - `_object_parse`: an empty `versionId`, "Version id cannot be the empty string", before the
 *   credential and the bucket, "A HEAD is refused each of the others as its status alone"
 *   (2026-09-29/30); that it comes ahead of a key's subresource 405 is backlot's code
 *   (`object_get` passes it to `_read_refusal` as `first`).
 * - `head_bucket`: "then an `encoding-type` or a `continuation-token` it cannot read after the
 *   bucket ... (all measured 2026-09-29, beside the GET ...)".
 */

import { describe, expect, it } from 'vitest';
import { served, withOpenAndStrict } from '../helpers/wire.ts';

async function headStatus(url: string): Promise<number> {
  return (await fetch(url, { method: 'HEAD' })).status;
}

describe('a HEAD refused ahead of the subresource 405', () => {
  it('HEAD ?website=x at a bucket and at a key: 400 before the credential and the bucket', async () => {
    await withOpenAndStrict(async ({ open, strict }) => {
      expect({
        bucket: await headStatus(`${open.server.url}/wire?website=x`),
        absent: await headStatus(`${open.server.url}/absent?website=x`),
        key: await headStatus(`${open.server.url}/wire/k?website=x`),
        unsigned: await headStatus(`${strict.server.url}/wire?website=x`),
        empty: await headStatus(`${open.server.url}/wire?website=`),
      }).toEqual({ bucket: 400, absent: 400, key: 400, unsigned: 400, empty: 405 });
    });
  });

  it('HEAD of a key naming a subresource with an empty versionId: 400, unsigned too', async () => {
    await withOpenAndStrict(async ({ open, strict }) => {
      expect({
        tagging: await headStatus(`${open.server.url}/wire/k?tagging&versionId=`),
        acl: await headStatus(`${open.server.url}/wire/k?acl&versionId=`),
        unsigned: await headStatus(`${strict.server.url}/wire/k?tagging&versionId=`),
      }).toEqual({ tagging: 400, acl: 400, unsigned: 400 });
    });
  });
});

describe('a key’s annotationName without annotation read as a subresource', () => {
  // brekkylab/backlot `_key_selected` (same commit): `annotationName` without `annotation` is a
  // selector at a key, alone the 400 on a HEAD ("90 HEADs ... were all the 400", 2026-09-29) and
  // beside another selector the conflict; with `annotation` it is that subresource's argument.
  it('HEAD /k?annotationName=a: 400, beside a subresource 400, with annotation the 405', async () => {
    const { server, close } = await served('wire');
    try {
      expect({
        alone: await headStatus(`${server.url}/wire/k?annotationName=a`),
        withAcl: await headStatus(`${server.url}/wire/k?annotationName=a&acl`),
        withAnnotation: await headStatus(`${server.url}/wire/k?annotation&annotationName=a`),
        atBucket: await headStatus(`${server.url}/wire?annotationName=a`),
      }).toEqual({ alone: 400, withAcl: 400, withAnnotation: 405, atBucket: 200 });
    } finally {
      await close();
    }
  });
});

describe('HeadBucket under list-type=2 reads the listing’s continuation token', () => {
  it('HEAD ?list-type=2 with a continuation token that does not decode: 400, where a readable page is 200', async () => {
    const { server, close } = await served('wire');
    try {
      expect({
        garbage: await headStatus(`${server.url}/wire?list-type=2&continuation-token=garbage`),
        empty: await headStatus(`${server.url}/wire?list-type=2&continuation-token=`),
        absent: await headStatus(`${server.url}/absent?list-type=2&continuation-token=garbage`),
        plain: await headStatus(`${server.url}/wire?list-type=2`),
      }).toEqual({ garbage: 400, empty: 400, absent: 404, plain: 200 });
    } finally {
      await close();
    }
  });
});
