/**
 * The query string of a header-signed request, as the authenticator reads it to re-sign: whatever
 * pairs a client signs (plain names such as `x-id=PutObject`, escapes, repeated names, empty
 * values), the request verifies, in the JSON and in the S3 mode; a pair added after signing does not.
 */

import { createHash } from 'node:crypto';
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createSigV4Authenticator, type HttpRequest, ManualClock, parseUsers } from '../../src/index.ts';

const NOW = Date.UTC(2026, 11, 6, 10, 0, 0);
const ACCESS_KEY = 'AKIAIOSFODNN7EXAMPLE';
const SECRET = 'query-test-secret';
const users = parseUsers({ users: [{ accessKeyId: ACCESS_KEY, secretAccessKey: SECRET, principal: 'arn:aws:iam::111122223333:user/example' }] });

/** Signs a GET of `/b/k` with `query` as the SDK does, and gives its path as a client sends it. */
async function signed(service: string, query: Record<string, string | string[]>): Promise<HttpRequest> {
  const signer = new SignatureV4({
    service,
    region: 'us-east-1',
    credentials: { accessKeyId: ACCESS_KEY, secretAccessKey: SECRET },
    sha256: Hash.bind(null, 'sha256'),
  });
  const payloadHash = createHash('sha256').update('').digest('hex');
  const request = await signer.sign(
    {
      method: 'GET',
      protocol: 'http:',
      hostname: 'localhost',
      path: '/b/k',
      query,
      headers: { host: 'localhost', 'x-amz-content-sha256': payloadHash },
      body: '',
    },
    { signingDate: new Date(NOW) },
  );
  const headers = Object.create(null) as Record<string, string>;
  for (const [name, value] of Object.entries(request.headers)) headers[name.toLowerCase()] = value;
  const pairs: string[] = [];
  for (const [name, value] of Object.entries(query)) {
    for (const item of Array.isArray(value) ? value : [value])
      pairs.push(item === '' ? encodeURIComponent(name) : `${encodeURIComponent(name)}=${encodeURIComponent(item)}`);
  }
  return { method: 'GET', path: pairs.length === 0 ? '/b/k' : `/b/k?${pairs.join('&')}`, headers, body: new Uint8Array(0) };
}

const text = fc.string({ unit: fc.constantFrom('a', 'Z', '0', '-', '_', '.', '~', ' ', '+', '%', '&', '=', '/', 'é', '日'), maxLength: 6 });
const queries = fc.dictionary(
  text.filter((name) => name !== '' && !name.startsWith('X-Amz-')),
  fc.oneof(text, fc.array(text, { minLength: 2, maxLength: 3 })),
  { maxKeys: 4 },
);

describe.each(['json', 's3'] as const)('query strings of header-signed requests (%s mode)', (payloadMode) => {
  const service = payloadMode === 's3' ? 's3' : 'kms';
  const authenticate = createSigV4Authenticator({
    users,
    strict: true,
    account: '111122223333',
    region: 'us-east-1',
    service,
    clock: new ManualClock(NOW),
    payloadMode,
  });

  it('verifies every query the client signed, and refuses one with a pair added after signing', async () => {
    await fc.assert(
      fc.asyncProperty(queries, async (query) => {
        const request = await signed(service, query);
        expect((await authenticate(request)).caller.arn).toBe('arn:aws:iam::111122223333:user/example');
        const separator = request.path.includes('?') ? '&' : '?';
        await expect(authenticate({ ...request, path: `${request.path}${separator}added=1` })).rejects.toThrow();
      }),
      { numRuns: 150 },
    );
  });
});
