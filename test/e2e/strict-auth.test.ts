/**
 * Under `--strict-auth` a caller who cannot sign learns nothing about which routes exist: S3
 * authenticates a request before it routes it (a signed request's signature is checked before
 * what it names is looked up, and an unsigned one is `AccessDenied` whatever it asks for), and
 * the admin API does the same (`admin-auth.ts`): no 404 or 405 before the signature checks out.
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
    ['PATCH', '/reports'], // no S3 operation has this method
    ['GET', '/reports?no-such-subresource'],
    ['DELETE', '/'],
    ['POST', '/reports/q1.csv'], // POST on an object without ?uploads / ?restore / ...
    ['GET', '/no-such-bucket/key'],
  ])('%s %s is S3’s 403 AccessDenied, not a routing error', async (method, path) => {
    const { status, text } = await unsigned(method, path);
    expect(status).toBe(403);
    expect(text).toContain('<Code>AccessDenied</Code>');
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
