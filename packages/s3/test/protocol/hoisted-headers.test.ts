/**
 * `hoistedHeaders`: which query parameters of a request head are read as SSE headers. The SDK
 * suite (test/service/presigned-hoisted-sse.sdk.test.ts) pins the behaviour end to end; these pin
 * the parsing: presigned URLs only (SigV4, or SigV2's form), names in any case or percent-encoded, values decoded as the
 * signature check decodes them, headers winning, repeats folded.
 */

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hoistedHeaders } from '../../src/protocol/hoisted-headers.ts';

const PRESIGNED = 'X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=test%2F20261207%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-SignedHeaders=host';

describe('hoistedHeaders', () => {
  it('reads the SSE and SSE-C parameters of a presigned URL, in any case, percent-encoded names included', () => {
    const path =
      `/b/k?${PRESIGNED}&x-amz-server-side-encryption=aws%3Akms&X-Amz-Server-Side-Encryption-Aws-Kms-Key-Id=alias%2Fa` +
      '&x-amz-server-side-encryption-customer-key-MD5=a%2Bb%3D%3D&x%2Damz%2Dserver%2Dside%2Dencryption%2Dcustomer%2Dalgorithm=AES256' +
      '&x-amz-server-side-encryption-customer-key=k+y';
    expect(hoistedHeaders({ method: 'PUT', path, headers: { host: 'h' } })).toEqual({
      host: 'h',
      'x-amz-server-side-encryption': 'aws:kms',
      'x-amz-server-side-encryption-aws-kms-key-id': 'alias/a',
      'x-amz-server-side-encryption-customer-key-md5': 'a+b==',
      'x-amz-server-side-encryption-customer-algorithm': 'AES256',
      // A literal `+` is a plus sign, as the signature was verified (SigV4 writes a space as %20).
      'x-amz-server-side-encryption-customer-key': 'k+y',
    });
  });

  it('leaves the context, the bucket-key flag and every other x-amz-* parameter alone', () => {
    const path = `/b/k?${PRESIGNED}&x-amz-server-side-encryption-context=e30%3D&x-amz-server-side-encryption-bucket-key-enabled=true&x-amz-tagging=a%3Db&x-amz-checksum-crc32=AAAAAA%3D%3D`;
    const head = { method: 'PUT', path, headers: { host: 'h' } };
    expect(hoistedHeaders(head)).toBe(head.headers);
  });

  it('reads user metadata (x-amz-meta-*) in any case, percent-encoded names included; a bare prefix is no name', () => {
    const path = `/b/k?${PRESIGNED}&x-amz-meta-owner=ana%20maria&X-Amz-Meta-Trace=a%2Fb&x%2Damz%2Dmeta%2Dcolor=red&x-amz-meta-=x`;
    expect(hoistedHeaders({ method: 'PUT', path, headers: { host: 'h', 'x-amz-meta-color': 'blue' } })).toEqual({
      host: 'h',
      'x-amz-meta-owner': 'ana maria',
      'x-amz-meta-trace': 'a/b',
      'x-amz-meta-color': 'blue',
    });
  });

  it('a header of the same name wins; a repeated parameter is folded as a repeated header', () => {
    const path = `/b/k?${PRESIGNED}&x-amz-server-side-encryption=aws%3Akms&x-amz-server-side-encryption-aws-kms-key-id=a&X-AMZ-SERVER-SIDE-ENCRYPTION-AWS-KMS-KEY-ID=b`;
    expect(hoistedHeaders({ method: 'PUT', path, headers: { 'x-amz-server-side-encryption': 'AES256' } })).toEqual({
      'x-amz-server-side-encryption': 'AES256',
      'x-amz-server-side-encryption-aws-kms-key-id': 'a, b',
    });
  });

  it('reads the SSE parameters of a URL in SigV2 presigned form, where botocore puts every x-amz-* header it signed', () => {
    const path = '/b/k?AWSAccessKeyId=test&Signature=J2DBL5Fgnk9793ZtU1sBvcWyRls%3D&x-amz-server-side-encryption=aws%3Akms&Expires=1796672244';
    expect(hoistedHeaders({ method: 'PUT', path, headers: { host: 'h' } })).toEqual({ host: 'h', 'x-amz-server-side-encryption': 'aws:kms' });
    // One of SigV2's two parameters alone is no presigned URL.
    const half = { method: 'PUT', path: '/b/k?Signature=x&x-amz-server-side-encryption=aws%3Akms', headers: {} };
    expect(hoistedHeaders(half)).toBe(half.headers);
  });

  it('reads nothing from a request that is not a presigned URL (header-signed, unsigned)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('', 'AWSAccessKeyId=AKIA&Expires=1&', 'x-id=PutObject&'),
        fc.boolean(),
        fc.stringMatching(/^[A-Za-z0-9%:+/=-]{0,20}$/),
        (prefix, authorization, value) => {
          const head = {
            method: 'PUT',
            path: `/b/k?${prefix}x-amz-server-side-encryption=${value}${authorization ? `&${PRESIGNED}` : ''}`,
            headers: authorization ? { authorization: 'AWS4-HMAC-SHA256 Credential=…' } : {},
          };
          expect(hoistedHeaders(head)).toBe(head.headers);
        },
      ),
    );
  });
});
