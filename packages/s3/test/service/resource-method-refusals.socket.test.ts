/**
 * A method a resource does not take, with no selector: a bucket's PATCH, a key's POST and PATCH,
 * the service root's PUT, POST, DELETE, PATCH and HEAD. S3 answers the method first: the 405
 * naming `BUCKET`, `OBJECT` or `SERVICE`, to an unsigned request as to a signed one, before the
 * bucket is looked up, where a signature that is sent and does not verify is refused first
 * (brekkylab/backlot `backlot/routers/s3.py` at commit 07bef4332838e4c4ee55118732a8ac1520f70d16,
 * the method table and `_signature_refusal`, measured against S3 us-east-1 2026-09-23/29: "an
 * unsigned `PATCH` on a bucket, on a key and at the root, an unsigned `HEAD` at the root ...
 * answered the same 405 as a signed one"; "ten method refusals at a bucket, a key and the service
 * root, which the bad secret and the unknown key each turned into their 403").
 */

import { describe, expect, it } from 'vitest';
import { openAndStrict, wronglySigned } from '../helpers/wire.ts';

async function answer(url: string, method: string, headers: Record<string, string> = {}): Promise<[number, string | null, string | undefined]> {
  const response = await fetch(url, { method, headers });
  const text = await response.text();
  return [response.status, response.headers.get('allow'), /<ResourceType>([^<]*)</.exec(text)?.[1]];
}

describe('a method a resource does not take', () => {
  const endpoints = openAndStrict();

  it.each([
    ['PATCH', '/wire', 'HEAD, DELETE, POST, GET, PUT', 'BUCKET'],
    ['PATCH', '/no-such-bucket-here', 'HEAD, DELETE, POST, GET, PUT', 'BUCKET'],
    ['POST', '/wire/k', null, 'OBJECT'],
    ['PATCH', '/wire/k', null, 'OBJECT'],
    ['DELETE', '/', 'GET', 'SERVICE'],
    ['PUT', '/', 'GET', 'SERVICE'],
    ['PATCH', '/', 'GET', 'SERVICE'],
  ])("unsigned %s %s under strict authentication: the 405, not the anonymous caller's 403", async (method, path, allow, resourceType) => {
    expect(await answer(`${endpoints.strict.server.url}${path}`, method)).toEqual([405, allow, resourceType]);
  });

  it('unsigned HEAD / under strict authentication: the 405 with Allow: GET', async () => {
    const response = await fetch(`${endpoints.strict.server.url}/`, { method: 'HEAD' });
    expect([response.status, response.headers.get('allow')]).toEqual([405, 'GET']);
  });

  it.each([
    ['PATCH', '/wire'],
    ['POST', '/wire/k'],
    ['DELETE', '/'],
  ])("%s %s signed over a bad secret: the credential's 403 first", async (method, path) => {
    const url = `${endpoints.strict.server.url}${path}`;
    const response = await fetch(url, { method, headers: await wronglySigned(url, method) });
    expect([response.status, /<Code>([^<]*)</.exec(await response.text())?.[1]]).toEqual([403, 'SignatureDoesNotMatch']);
  });
});
