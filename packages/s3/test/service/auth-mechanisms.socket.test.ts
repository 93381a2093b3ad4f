/**
 * The requests presenting a credential two ways that no SDK sends, over a real socket: the two query
 * forms together (a presigned URL's `X-Amz-Algorithm` beside SigV2's `Signature`, no header), an
 * empty `Authorization` header beside a presigned URL, a percent-encoded `X-Amz-Algorithm`, and a
 * HEAD naming a subresource. S3 answers each with 400 InvalidArgument "Only one auth mechanism
 * allowed; …", `ArgumentName` `Authorization`, and `ArgumentValue` the header when one was sent (an
 * empty one included), ahead of every other credential check and of a HEAD's 405 (brekkylab/backlot
 * `backlot/auth.py`, `resolve_sigv4`, measured against S3 us-east-1 2026-09-29). An engine served
 * without an authenticator answers the same.
 */

import { createS3Handler, S3 } from '@strongbox/s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCOUNT, argued, listen, openAndStrict, REGION } from '../helpers/wire.ts';

const ONE_MECHANISM =
  'Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified';

/** A presigned URL's query (not verified before the refusal, which comes first). */
const PRESIGNED =
  'X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=test%2F20261207%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20261207T000000Z&X-Amz-Expires=300&X-Amz-SignedHeaders=host&X-Amz-Signature=00';
const HEADER = 'AWS4-HMAC-SHA256 Credential=test/20261207/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=00';

async function answer(
  url: string,
  method: string,
  headers: Record<string, string> = {},
): Promise<[number, string | undefined, string | undefined, string | undefined]> {
  const response = await fetch(url, { method, headers });
  const text = await response.text();
  return [response.status, /<Code>([^<]*)</.exec(text)?.[1], /<Message>([^<]*)</.exec(text)?.[1], /<\/Message>(.*?)<RequestId>/.exec(text)?.[1]];
}

describe('a credential presented two ways, on the wire', () => {
  const endpoints = openAndStrict();

  it('X-Amz-Algorithm beside Signature, no header: 400, ArgumentName without ArgumentValue', async () => {
    for (const { server } of [endpoints.open, endpoints.strict]) {
      expect(await answer(`${server.url}/wire/k?${PRESIGNED}&AWSAccessKeyId=test&Signature=c2ln&Expires=4102444800`, 'GET')).toEqual([
        400,
        'InvalidArgument',
        ONE_MECHANISM,
        argued('Authorization'),
      ]);
    }
  });

  it('an empty Authorization header beside a presigned URL: 400, the empty value named', async () => {
    expect(await answer(`${endpoints.strict.server.url}/wire/k?${PRESIGNED}`, 'GET', { authorization: '' })).toEqual([
      400,
      'InvalidArgument',
      ONE_MECHANISM,
      argued('Authorization', ''),
    ]);
  });

  it('a percent-encoded X-Amz-Algorithm beside a header counts as one', async () => {
    expect(await answer(`${endpoints.strict.server.url}/wire/k?X-Amz-%41lgorithm=AWS4-HMAC-SHA256`, 'GET', { authorization: HEADER })).toEqual([
      400,
      'InvalidArgument',
      ONE_MECHANISM,
      argued('Authorization', HEADER),
    ]);
  });

  it("a HEAD naming a subresource: the 400 ahead of the subresource's 405", async () => {
    const response = await fetch(`${endpoints.open.server.url}/wire?acl&${PRESIGNED}`, { method: 'HEAD', headers: { authorization: HEADER } });
    expect([response.status, response.headers.get('allow')]).toEqual([400, null]);
  });

  it('an ordinary query beside a header, or Signature alone, is no second mechanism', async () => {
    expect((await answer(`${endpoints.strict.server.url}/wire/k?Signature=c2ln`, 'GET'))[1]).toBe('AccessDenied');
    expect((await answer(`${endpoints.strict.server.url}/wire/k?x-id=GetObject`, 'GET', { authorization: HEADER }))[1]).not.toBe('InvalidArgument');
  });
});

describe('a credential presented two ways, to an engine without an authenticator', () => {
  let server: Awaited<ReturnType<typeof listen>>;
  let s3: S3;
  beforeAll(async () => {
    s3 = new S3({ account: ACCOUNT, region: REGION });
    server = await listen(createS3Handler(s3));
  });
  afterAll(async () => {
    await server.close();
    await s3.close();
  });

  it('is refused as S3 refuses it, nothing stored', async () => {
    expect(await answer(`${server.url}/wire`, 'PUT')).toEqual([200, undefined, undefined, undefined]);
    const put = await fetch(`${server.url}/wire/k?${PRESIGNED}`, {
      method: 'PUT',
      headers: { authorization: HEADER, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' },
      body: 'x',
    });
    expect([put.status, /<Code>([^<]*)</.exec(await put.text())?.[1]]).toEqual([400, 'InvalidArgument']);
    expect((await fetch(`${server.url}/wire/k`, { method: 'HEAD' })).status).toBe(404);
  });
});
