/**
 * Under `--strict-auth` a caller who cannot sign learns nothing about which routes exist: S3
 * authenticates a request before it routes it (a signed request's signature is checked before
 * what it names is looked up), an unsigned one is the anonymous caller, told `AccessDenied` for
 * whatever it may not do, a subresource nothing serves included, and the admin API does the same
 * (`admin-auth.ts`): no 404 or 405 before the signature checks out. The exception is what S3
 * answers before any credential: a method the resource does not take is its 405, to an unsigned
 * request as to a signed one (brekkylab/backlot's measurement of S3, cited in
 * packages/s3/test/service/resource-method-refusals.socket.test.ts). What S3 does
 * tell an anonymous caller is whether a bucket exists: `NoSuchBucket` "The specified bucket does
 * not exist" is the page a browser gets at a name nobody owns (the AWS/S3 fingerprint of
 * EdOverflow/can-i-take-over-xyz, an unsigned request).
 */

import { createStrongbox, type Strongbox } from 'strongbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let sb: Strongbox;
let url: string;
beforeAll(async () => {
  sb = await createStrongbox({ strictAuth: true });
  url = (await sb.listen()).url;
});
afterAll(() => sb.close());

async function unsigned(method: string, path: string): Promise<{ status: number; text: string }> {
  const response = await fetch(`${url}${path}`, { method });
  return { status: response.status, text: await response.text() };
}

describe('an unsigned request under --strict-auth', () => {
  it.each([
    ['PATCH', '/reports', 'BUCKET'], // no S3 operation has this method
    ['DELETE', '/', 'SERVICE'],
    ['POST', '/reports/q1.csv', 'OBJECT'], // POST on an object without ?uploads / ?restore / ...
  ])('%s %s is S3’s 405 MethodNotAllowed, answered before any credential', async (method, path, resourceType) => {
    const { status, text } = await unsigned(method, path);
    expect(status).toBe(405);
    expect(text).toContain('<Code>MethodNotAllowed</Code>');
    expect(text).toContain(`<ResourceType>${resourceType}</ResourceType>`);
  });

  it('PUT ?legal-hold, a subresource Strongbox does not serve that only routing refuses, is 403 AccessDenied', async () => {
    const { status, text } = await unsigned('PUT', '/reports?legal-hold');
    expect(status).toBe(403);
    expect(text).toContain('<Code>AccessDenied</Code>');
  });

  it.each([
    ['GET', '/no-such-bucket/key'],
    ['GET', '/reports?no-such-subresource'], // an unknown query parameter is ignored: ListObjects
  ])('%s %s is S3’s 404 NoSuchBucket, as S3 tells an anonymous caller', async (method, path) => {
    const { status, text } = await unsigned(method, path);
    expect(status).toBe(404);
    expect(text).toContain('<Code>NoSuchBucket</Code><Message>The specified bucket does not exist</Message>');
  });

  it.each([
    ['GET', '/_strongbox/nothing'],
    ['DELETE', '/_strongbox/clock'],
    ['PUT', '/_strongbox/reset'],
  ])('%s %s (admin API) is 403 MissingAuthenticationTokenException, not 404/405', async (method, path) => {
    const { status, text } = await unsigned(method, path);
    expect(status).toBe(403);
    expect(JSON.parse(text)).toEqual({ __type: 'MissingAuthenticationTokenException', message: 'Missing Authentication Token' });
  });

  it('still gets the health report, which is public in every mode', async () => {
    expect((await unsigned('GET', '/_strongbox/health')).status).toBe(200);
  });
});
