/** The signature facts the wire hands the policy keys. */

import { describe, expect, it } from 'vitest';
import { signatureFactsOf } from '../../src/service/signature-facts.ts';

describe('signatureFactsOf', () => {
  it('an Authorization header is REST-HEADER, aged from x-amz-date, with the declared payload hash', () => {
    const facts = signatureFactsOf({
      method: 'PUT',
      path: '/b/k',
      headers: {
        authorization: 'AWS4-HMAC-SHA256 Credential=test/20261206/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=00',
        'x-amz-date': '20261206T050000Z',
        'x-amz-content-sha256': 'UNSIGNED-PAYLOAD',
      },
    });
    expect(facts).toEqual({
      authType: 'REST-HEADER',
      signatureVersion: 'AWS4-HMAC-SHA256',
      signedAt: Date.UTC(2026, 11, 6, 5, 0, 0),
      contentSha256: 'UNSIGNED-PAYLOAD',
    });
  });

  it('a presigned URL is REST-QUERY-STRING, aged from X-Amz-Date, its payload UNSIGNED-PAYLOAD', () => {
    const facts = signatureFactsOf({
      method: 'GET',
      path: '/b/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Date=20261206T051500Z&X-Amz-Signature=00',
      headers: {},
    });
    expect(facts).toEqual({
      authType: 'REST-QUERY-STRING',
      signatureVersion: 'AWS4-HMAC-SHA256',
      signedAt: Date.UTC(2026, 11, 6, 5, 15, 0),
      contentSha256: 'UNSIGNED-PAYLOAD',
    });
  });

  it('an unsigned request has none; a malformed date gives no age', () => {
    expect(signatureFactsOf({ method: 'GET', path: '/b/k', headers: {} })).toBeUndefined();
    expect(signatureFactsOf({ method: 'GET', path: '/b/k', headers: { authorization: 'AWS4-HMAC-SHA256 x', 'x-amz-date': 'yesterday' } })).toEqual({
      authType: 'REST-HEADER',
      signatureVersion: 'AWS4-HMAC-SHA256',
    });
  });

  it('a header-signed request with an ordinary query is REST-HEADER; one that also presigns (even percent-encoded) is refused', () => {
    const headers = {
      authorization: 'AWS4-HMAC-SHA256 Credential=test/20261206/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=00',
      'x-amz-date': '20261206T050000Z',
    };
    expect(signatureFactsOf({ method: 'PUT', path: '/b/k?x-id=PutObject', headers })?.authType).toBe('REST-HEADER');
    expect(() => signatureFactsOf({ method: 'GET', path: '/b/k?X-Amz-Algorithm=AWS4-HMAC-SHA256', headers })).toThrow(/Found both/);
    expect(() => signatureFactsOf({ method: 'GET', path: '/b/k?X-Amz-%41lgorithm=AWS4-HMAC-SHA256', headers })).toThrow(/Found both/);
  });

  it('each request gets its own date: requests in different seconds are aged from their own X-Amz-Date', () => {
    const at = (date: string) =>
      signatureFactsOf({ method: 'GET', path: '/b/k', headers: { authorization: 'AWS4-HMAC-SHA256 x', 'x-amz-date': date } })?.signedAt;
    expect(at('20261206T050000Z')).toBe(Date.UTC(2026, 11, 6, 5, 0, 0));
    expect(at('20261206T050001Z')).toBe(Date.UTC(2026, 11, 6, 5, 0, 1));
    expect(at('20261206T050000Z')).toBe(Date.UTC(2026, 11, 6, 5, 0, 0));
  });
});
