/** The signature facts the wire hands the policy keys: the form from the request, the age and payload hash as verified. */

import { rootPrincipal } from '@strongbox/service-kernel';
import { describe, expect, it } from 'vitest';
import { signatureFactsOf } from '../../src/service/signature-facts.ts';

const caller = rootPrincipal('us-east-1', '000000000000');

describe('signatureFactsOf', () => {
  it('an Authorization header is REST-HEADER, aged from the verified signing time, with the verified payload hash', () => {
    const facts = signatureFactsOf(
      {
        method: 'PUT',
        path: '/b/k',
        headers: {
          authorization: 'AWS4-HMAC-SHA256 Credential=test/20261206/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=00',
          'x-amz-date': '20261206T050000Z',
          'x-amz-content-sha256': 'UNSIGNED-PAYLOAD',
        },
      },
      { caller, signedAt: Date.UTC(2026, 11, 6, 5, 0, 0), payload: { contentSha256: 'UNSIGNED-PAYLOAD' } },
    );
    expect(facts).toEqual({
      authType: 'REST-HEADER',
      signatureVersion: 'AWS4-HMAC-SHA256',
      signedAt: Date.UTC(2026, 11, 6, 5, 0, 0),
      contentSha256: 'UNSIGNED-PAYLOAD',
    });
  });

  it('a presigned URL is REST-QUERY-STRING, aged from the time verified, not from a date read again from the query', () => {
    const verified = Date.UTC(2026, 11, 6, 4, 0, 0);
    const facts = signatureFactsOf(
      {
        method: 'GET',
        path: '/b/k?X-Amz-Date=20261206T051500Z&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Date=20261206T040000Z&X-Amz-Signature=00',
        headers: {},
      },
      { caller, signedAt: verified, payload: { contentSha256: 'UNSIGNED-PAYLOAD' } },
    );
    expect(facts).toEqual({ authType: 'REST-QUERY-STRING', signatureVersion: 'AWS4-HMAC-SHA256', signedAt: verified, contentSha256: 'UNSIGNED-PAYLOAD' });
  });

  it('an unsigned request has none; without a verified identity there is no age', () => {
    expect(signatureFactsOf({ method: 'GET', path: '/b/k', headers: {} }, { caller })).toBeUndefined();
    const head = { method: 'GET', path: '/b/k', headers: { authorization: 'AWS4-HMAC-SHA256 x', 'x-amz-date': '20261206T050000Z' } };
    expect(signatureFactsOf(head, undefined)).toEqual({ authType: 'REST-HEADER', signatureVersion: 'AWS4-HMAC-SHA256' });
  });

  it('a SigV2 presigned URL or Authorization header reports signature version AWS (not verified: no age, no payload hash)', () => {
    const presigned = { method: 'GET', path: '/b/k?AWSAccessKeyId=test&Signature=abc%3D&Expires=1896672145', headers: {} };
    expect(signatureFactsOf(presigned, { caller })).toEqual({ authType: 'REST-QUERY-STRING', signatureVersion: 'AWS' });
    const header = { method: 'GET', path: '/b/k', headers: { authorization: 'AWS test:abc=', date: 'Mon, 07 Dec 2026 18:00:00 GMT' } };
    expect(signatureFactsOf(header, undefined)).toEqual({ authType: 'REST-HEADER', signatureVersion: 'AWS' });
    // One of the two parameters alone is an ordinary query.
    expect(signatureFactsOf({ method: 'GET', path: '/b/k?Signature=abc', headers: {} }, { caller })).toBeUndefined();
  });

  it('a header-signed request with an ordinary query is REST-HEADER; one that also presigns (even percent-encoded) is refused', () => {
    const headers = {
      authorization: 'AWS4-HMAC-SHA256 Credential=test/20261206/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=00',
      'x-amz-date': '20261206T050000Z',
    };
    expect(signatureFactsOf({ method: 'PUT', path: '/b/k?x-id=PutObject', headers }, undefined)?.authType).toBe('REST-HEADER');
    expect(() => signatureFactsOf({ method: 'GET', path: '/b/k?X-Amz-Algorithm=AWS4-HMAC-SHA256', headers }, undefined)).toThrow(
      /^Only one auth mechanism allowed/,
    );
    expect(() => signatureFactsOf({ method: 'GET', path: '/b/k?X-Amz-%41lgorithm=AWS4-HMAC-SHA256', headers }, undefined)).toThrow(
      /^Only one auth mechanism allowed/,
    );
  });
});
