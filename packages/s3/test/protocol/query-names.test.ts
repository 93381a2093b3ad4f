/** Query parameter names decoded once, for the hoisted SSE parameters and SigV2's presigned form alike. */

import { describe, expect, it } from 'vitest';
import { hoistedHeaders } from '../../src/protocol/hoisted-headers.ts';
import { decodeQueryComponent, sigV2PresignedPath, sigV2QueryOf } from '../../src/protocol/query-names.ts';

describe('sigV2PresignedPath', () => {
  it('needs both AWSAccessKeyId and Signature, spelled out or percent-encoded', () => {
    expect(sigV2PresignedPath('/b/k?AWSAccessKeyId=a&Signature=s&Expires=1')).toBe(true);
    expect(sigV2PresignedPath('/b/k?%41WSAccessKeyId=a&%53ignature=s')).toBe(true);
    expect(sigV2PresignedPath('/b/k?AWSAccessKeyId=a&Expires=1')).toBe(false);
    expect(sigV2PresignedPath('/b/k?Signature=s')).toBe(false);
    expect(sigV2PresignedPath('/b/k')).toBe(false);
  });

  it('reads a name only as a whole, case and all', () => {
    expect(sigV2PresignedPath('/b/k?awsaccesskeyid=a&signature=s')).toBe(false);
    expect(sigV2PresignedPath('/b/k?X-AWSAccessKeyId=a&X-Signature=s')).toBe(false);
  });

  it('counts a URL as SigV2 exactly when its SSE parameters are hoisted for being SigV2', () => {
    for (const query of ['%41WSAccessKeyId=a&Signature=s', 'AWSAccessKeyId=a&%53ignature=s', 'AWSAccessKeyId=a', '%41WSAccessKeyId=a']) {
      const path = `/b/k?${query}&x-amz-server-side-encryption=aws%3Akms`;
      const hoisted = hoistedHeaders({ method: 'PUT', path, headers: {} })['x-amz-server-side-encryption'] !== undefined;
      expect(hoisted, query).toBe(sigV2PresignedPath(path));
    }
  });
});

describe('sigV2QueryOf', () => {
  it('is partial for a Signature without AWSAccessKeyId or Expires, complete with both, none without a Signature', () => {
    expect(sigV2QueryOf('/b/k?Signature=s')).toBe('partial');
    expect(sigV2QueryOf('/b/k?Expires=1&Signature=s&Key-Pair-Id=APKA')).toBe('partial');
    expect(sigV2QueryOf('/b/k?AWSAccessKeyId=a&Signature=s')).toBe('partial');
    expect(sigV2QueryOf('/b/k?%45xpires=1&%53ignature=s')).toBe('partial');
    expect(sigV2QueryOf('/b/k?AWSAccessKeyId=a&Expires=1&Signature=s')).toBe('complete');
    expect(sigV2QueryOf('/b/k?AWSAccessKeyId=a&Expires=1')).toBe('none');
    expect(sigV2QueryOf('/b/k?X-Amz-Signature=s&signature=s')).toBe('none');
    expect(sigV2QueryOf('/b/k')).toBe('none');
  });
});

describe('decodeQueryComponent', () => {
  it('decodes as the kernel decodes a presigned URL: a plus stays a plus, a malformed escape stays as sent', () => {
    expect(decodeQueryComponent('aws%3Akms')).toBe('aws:kms');
    expect(decodeQueryComponent('a+b')).toBe('a+b');
    expect(decodeQueryComponent('100%')).toBe('100%');
  });
});
