import { describe, expect, it } from 'vitest';
import { ServiceError } from '../../src/errors.ts';
import { signatureFormOf } from '../../src/sigv4/verify.ts';

describe('signatureFormOf', () => {
  const form = (path: string, headers: Record<string, string> = {}): string => signatureFormOf({ path, headers });

  it('an Authorization header is the header form, X-Amz-Algorithm in the query a presigned URL', () => {
    expect({
      header: form('/b/k?acl', { authorization: 'AWS4-HMAC-SHA256 Credential=…' }),
      presigned: form('/b/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Signature=ab'),
      withoutSignature: form('/b/k?acl&X-Amz-Algorithm=AWS4-HMAC-SHA256'),
      encodedName: form('/b/k?X-Amz-%41lgorithm=AWS4-HMAC-SHA256'),
    }).toEqual({ header: 'header', presigned: 'query', withoutSignature: 'query', encodedName: 'query' });
  });

  it('a signature parameter without X-Amz-Algorithm is unsigned, SigV2 query included', () => {
    expect({
      none: form('/b/k?acl'),
      bare: form('/b/k'),
      signatureOnly: form('/b/k?X-Amz-Signature=ab'),
      v2: form('/b/k?AWSAccessKeyId=test&Expires=4102444800&Signature=c2ln'),
    }).toEqual({ none: 'none', bare: 'none', signatureOnly: 'none', v2: 'none' });
  });

  it('both forms at once are refused', () => {
    expect(() => form('/b/k?X-Amz-Algorithm=AWS4-HMAC-SHA256', { authorization: 'AWS4-HMAC-SHA256 Credential=…' })).toThrow(ServiceError);
  });
});
