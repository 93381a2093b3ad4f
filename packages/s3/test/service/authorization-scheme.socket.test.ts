/**
 * An `Authorization` header that is no AWS signature, over a real socket (no SDK sends one). S3
 * reads an empty header, with no credential in the query, as no credential: the request is
 * unsigned. A header whose scheme is not `AWS4-HMAC-SHA256`, `AWS4-ECDSA-P256-SHA256` or SigV2's
 * `AWS`, matched without case (a `Bearer` token, `AWS4-HMAC-SHA512`), is 400 InvalidArgument
 * "Unsupported Authorization Type", `ArgumentName` `Authorization`, `ArgumentValue` the header,
 * ahead of the SigV4 header's own checks (a missing `x-amz-content-sha256`) (brekkylab/backlot
 * `backlot/auth.py`, `resolve_sigv4`, measured against S3 us-east-1 2026-09-29/30: "with no
 * credential in the query, every one measured read the request as unsigned ... anything but
 * `AWS4-HMAC-SHA256`, `AWS4-ECDSA-P256-SHA256` and V2's `AWS` is `InvalidArgument`, \"Unsupported
 * Authorization Type\", Bearer and `AWS4-HMAC-SHA512` alike").
 */

import { beforeAll, describe, expect, it } from 'vitest';
import { argued, openAndStrict } from '../helpers/wire.ts';

async function answer(url: string, headers: Record<string, string> = {}): Promise<[number, string | undefined, string | undefined, string | undefined]> {
  const response = await fetch(url, { headers });
  const text = await response.text();
  return [response.status, /<Code>([^<]*)</.exec(text)?.[1], /<Message>([^<]*)</.exec(text)?.[1], /<\/Message>(.*?)<RequestId>/.exec(text)?.[1]];
}

describe('an Authorization header that is no AWS signature', () => {
  const endpoints = openAndStrict();
  beforeAll(async () => {
    await fetch(`${endpoints.open.server.url}/wire/k`, { method: 'PUT', body: 'kept' });
  });

  it('an empty header is no credential: the open endpoint serves it, the strict one answers as unsigned', async () => {
    const open = await fetch(`${endpoints.open.server.url}/wire/k`, { headers: { authorization: '' } });
    expect([open.status, await open.text()]).toEqual([200, 'kept']);
    const unsigned = await answer(`${endpoints.strict.server.url}/wire/k`);
    expect(await answer(`${endpoints.strict.server.url}/wire/k`, { authorization: '' })).toEqual(unsigned);
  });

  it.each(['Bearer x', 'AWS4-HMAC-SHA512 Credential=test/20261207/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=00'])(
    'Authorization: %s is 400 Unsupported Authorization Type, naming the header',
    async (header) => {
      for (const { server } of [endpoints.open, endpoints.strict]) {
        expect(await answer(`${server.url}/wire/k`, { authorization: header })).toEqual([
          400,
          'InvalidArgument',
          'Unsupported Authorization Type',
          argued('Authorization', header),
        ]);
      }
    },
  );
});
