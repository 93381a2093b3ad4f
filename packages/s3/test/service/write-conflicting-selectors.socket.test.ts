/**
 * A write naming two selectors (`PUT /{bucket}?versioning&acl`), over a real socket. S3 refuses it
 * with 400 InvalidArgument "Conflicting query string parameters: " and the two names sorted,
 * `ArgumentName` `ResourceType` and `ArgumentValue` the first of them, before the credential and
 * the bucket, a bad secret answered as a signed request (brekkylab/backlot `backlot/routers/s3.py`
 * at commit 07bef4332838e4c4ee55118732a8ac1520f70d16, `_selector_refusal`, `_conflict`, the method
 * table, measured against S3 us-east-1 2026-09-23/29: "two selectors | 400 InvalidArgument, the
 * conflict a GET gets"; "`?versioning&acl` is \"Conflicting query string parameters: acl,
 * versioning\""). Nothing is written: the bucket keeps its ACL and versioning.
 */

import { describe, expect, it } from 'vitest';
import { argued, openAndStrict, wronglySigned } from '../helpers/wire.ts';

async function answer(
  url: string,
  method: string,
  headers: Record<string, string> = {},
  body?: string,
): Promise<[number, string | undefined, string | undefined, string | undefined]> {
  const response = await fetch(url, { method, headers, ...(body === undefined ? {} : { body }) });
  const text = await response.text();
  return [response.status, /<Code>([^<]*)</.exec(text)?.[1], /<Message>([^<]*)</.exec(text)?.[1], /<\/Message>(.*?)<RequestId>/.exec(text)?.[1]];
}

const conflict = (first: string, second: string) => [
  400,
  'InvalidArgument',
  `Conflicting query string parameters: ${first}, ${second}`,
  argued('ResourceType', first),
];

describe('a write naming two selectors', () => {
  const endpoints = openAndStrict();

  it.each([
    ['PUT', '/wire?versioning&acl', 'acl', 'versioning'],
    ['DELETE', '/wire?tagging&cors', 'cors', 'tagging'],
    ['POST', '/wire?delete&restore', 'delete', 'restore'],
    ['PUT', '/wire/k?tagging&acl', 'acl', 'tagging'],
    ['DELETE', '/no-such-bucket-here?policy&lifecycle', 'lifecycle', 'policy'],
  ])('%s %s: the conflict naming them sorted', async (method, path, first, second) => {
    expect(await answer(`${endpoints.open.server.url}${path}`, method, {}, method === 'DELETE' ? undefined : '<x/>')).toEqual(conflict(first, second));
  });

  it('a DELETE naming two is not DeleteBucket: the bucket is kept', async () => {
    await fetch(`${endpoints.open.server.url}/conflict-kept`, { method: 'PUT' });
    expect(await answer(`${endpoints.open.server.url}/conflict-kept?cors&website`, 'DELETE')).toEqual(conflict('cors', 'website'));
    expect((await fetch(`${endpoints.open.server.url}/conflict-kept`, { method: 'HEAD' })).status).toBe(200);
  });

  it('unsigned or signed over a bad secret under strict authentication: the conflict, before the credential', async () => {
    const url = `${endpoints.strict.server.url}/wire?versioning&acl`;
    expect({
      unsigned: await answer(url, 'PUT', {}, '<x/>'),
      badSecret: await answer(url, 'PUT', await wronglySigned(url, 'PUT'), '<x/>'),
    }).toEqual({ unsigned: conflict('acl', 'versioning'), badSecret: conflict('acl', 'versioning') });
  });

  it("UploadPart's pair is no conflict: PATCH ?partNumber&uploadId is UploadPart's 405", async () => {
    const response = await fetch(`${endpoints.open.server.url}/wire/k?partNumber=1&uploadId=u`, { method: 'PATCH' });
    expect([response.status, response.headers.get('allow')]).toEqual([405, 'PUT']);
  });
});
