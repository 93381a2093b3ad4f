/**
 * Header signatures verified again and again by one authenticator (which keeps a signer, and so
 * its derived signing key, per key and scope): every request is still checked against the secret
 * the directory holds at the time, in the JSON and in the S3 mode.
 */

import { createHash } from 'node:crypto';
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import { describe, expect, it } from 'vitest';
import { createSigV4Authenticator, type HttpRequest, ManualClock, parseUsers, type UserDirectory } from '../../src/index.ts';

const NOW = Date.UTC(2026, 11, 6, 10, 0, 0);
const ACCESS_KEY = 'AKIAIOSFODNN7EXAMPLE';

/** A directory whose one user's secret can be changed (a users file reloaded). */
function directory(secret: { value: string }): UserDirectory {
  return {
    lookup: (accessKeyId) =>
      accessKeyId === ACCESS_KEY
        ? parseUsers({ users: [{ accessKeyId: ACCESS_KEY, secretAccessKey: secret.value, principal: 'arn:aws:iam::111122223333:user/example' }] }).lookup(
            ACCESS_KEY,
          )
        : undefined,
    get entries() {
      return [];
    },
  };
}

async function signed(secretAccessKey: string, service: string, body: string, signingDate: Date): Promise<HttpRequest> {
  const bytes = new TextEncoder().encode(body);
  const signer = new SignatureV4({
    service,
    region: 'us-east-1',
    credentials: { accessKeyId: ACCESS_KEY, secretAccessKey },
    sha256: Hash.bind(null, 'sha256'),
  });
  const payloadHash = createHash('sha256').update(bytes).digest('hex');
  const request = await signer.sign(
    {
      method: 'PUT',
      protocol: 'http:',
      hostname: 'localhost',
      path: '/b/k',
      query: {},
      headers: { host: 'localhost', 'x-amz-content-sha256': payloadHash },
      body: bytes,
    },
    { signingDate },
  );
  const headers = Object.create(null) as Record<string, string>;
  for (const [name, value] of Object.entries(request.headers)) headers[name.toLowerCase()] = value;
  return { method: 'PUT', path: '/b/k', headers, body: bytes };
}

describe.each(['json', 's3'] as const)('a header-signing authenticator (%s mode) verifying many requests', (payloadMode) => {
  const service = payloadMode === 's3' ? 's3' : 'kms';

  it('accepts each correctly signed request, and refuses one signed with the secret the directory no longer holds', async () => {
    const secret = { value: 'first-secret' };
    const clock = new ManualClock(NOW);
    const authenticate = createSigV4Authenticator({
      users: directory(secret),
      strict: true,
      account: '111122223333',
      region: 'us-east-1',
      service,
      clock,
      payloadMode,
    });
    for (let index = 0; index < 3; index++) {
      const identity = await authenticate(await signed('first-secret', service, `body ${index}`, new Date(NOW)));
      expect(identity.caller.arn).toBe('arn:aws:iam::111122223333:user/example');
    }
    await expect(authenticate(await signed('wrong-secret', service, 'body', new Date(NOW)))).rejects.toThrow();
    secret.value = 'second-secret';
    await expect(authenticate(await signed('first-secret', service, 'body', new Date(NOW)))).rejects.toThrow();
    expect((await authenticate(await signed('second-secret', service, 'body', new Date(NOW)))).caller.arn).toBe('arn:aws:iam::111122223333:user/example');
  });

  it('verifies a request signed on the next day (a new signing key) with the same signer', async () => {
    const clock = new ManualClock(NOW);
    const authenticate = createSigV4Authenticator({
      users: directory({ value: 's' }),
      strict: true,
      account: '111122223333',
      region: 'us-east-1',
      service,
      clock,
      payloadMode,
    });
    await authenticate(await signed('s', service, 'today', new Date(NOW)));
    clock.advance(24 * 3_600_000);
    expect((await authenticate(await signed('s', service, 'tomorrow', new Date(NOW + 24 * 3_600_000)))).caller.arn).toBe(
      'arn:aws:iam::111122223333:user/example',
    );
    await expect(authenticate(await signed('s', service, 'yesterday', new Date(NOW)))).rejects.toThrow();
  });
});
