import { describe, expect, it } from 'vitest';
import { ServiceError } from '../../src/errors.ts';
import { createSigV4Identifier, signatureFormOf } from '../../src/sigv4/verify.ts';
import { NO_USERS } from '../../src/users.ts';

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

  it('both forms at once are reported as both, for each service to refuse in its own words', () => {
    const authorization = 'AWS4-HMAC-SHA256 Credential=…';
    expect({
      both: form('/b/k?X-Amz-Algorithm=AWS4-HMAC-SHA256', { authorization }),
      encodedName: form('/b/k?X-Amz-%41lgorithm=AWS4-HMAC-SHA256', { authorization }),
      emptyHeader: form('/b/k?X-Amz-Algorithm=AWS4-HMAC-SHA256', { authorization: '' }),
    }).toEqual({ both: 'both', encodedName: 'both', emptyHeader: 'both' });
  });

  it("the kernel's authenticator refuses both forms with the JSON services' answer, in either payload mode", async () => {
    const request = {
      method: 'GET',
      path: '/b/k?X-Amz-Algorithm=AWS4-HMAC-SHA256',
      headers: { authorization: 'AWS4-HMAC-SHA256 Credential=…' },
      body: new Uint8Array(),
    };
    for (const payloadMode of ['json', 's3'] as const) {
      const identify = createSigV4Identifier({ users: NO_USERS, strict: false, account: '000000000000', region: 'us-east-1', service: 's3', payloadMode });
      expect(() => identify(request)).toThrow(
        new ServiceError('InvalidSignatureException', "Found both 'X-Amz-Algorithm' as a query-string param and 'Authorization' as HTTP header."),
      );
    }
  });
});
