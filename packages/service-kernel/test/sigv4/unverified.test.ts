/**
 * Non-strict mode: a request signed with an access key nobody knows cannot be verified and acts as
 * the default account's root, carrying that key, in the Region its scope names.
 */

import { describe, expect, it } from 'vitest';
import { createSigV4Authenticator, type HttpRequest, NO_USERS } from '../../src/index.ts';

const NOW = Date.now();

function request(accessKeyId: string, region: string): HttpRequest {
  const date = new Date(NOW)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
  const scope = `${accessKeyId}/${date.slice(0, 8)}/${region}/s3/aws4_request`;
  return {
    method: 'GET',
    path: '/b/k?x-id=GetObject',
    headers: {
      host: 'localhost',
      'x-amz-date': date,
      'x-amz-content-sha256': 'UNSIGNED-PAYLOAD',
      authorization: `AWS4-HMAC-SHA256 Credential=${scope}, SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature=${'0'.repeat(64)}`,
    },
    body: new Uint8Array(0),
  };
}

describe('an unknown access key in non-strict mode', () => {
  const authenticate = createSigV4Authenticator({
    users: NO_USERS,
    strict: false,
    account: '111122223333',
    region: 'us-east-1',
    service: 's3',
    payloadMode: 's3',
  });

  it("acts as the root of the default account, with its own key and its scope's Region, call after call", async () => {
    for (const [key, region] of [
      ['AKIDFIRST', 'eu-west-1'],
      ['AKIDSECOND', 'eu-west-1'],
      ['AKIDFIRST', 'us-west-2'],
      ['AKIDFIRST', 'eu-west-1'],
    ] as const) {
      const identity = await authenticate(request(key, region));
      expect(identity.caller).toMatchObject({ account: '111122223333', type: 'Root', accessKeyId: key });
      expect(identity.region).toBe(region);
      expect(identity.payload).toEqual({ contentSha256: 'UNSIGNED-PAYLOAD' });
    }
  });
});
