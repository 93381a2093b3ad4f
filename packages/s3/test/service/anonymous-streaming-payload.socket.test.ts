/**
 * An unsigned request declaring a signed streaming payload (`x-amz-content-sha256:
 * STREAMING-AWS4-HMAC-SHA256-PAYLOAD`, no `Authorization`, no presigned URL), over a real socket:
 * its chunk signatures have no seed signature to chain from, so S3 refuses it with 400
 * InvalidRequest "Anonymous requests don't support this x-amz-content-sha256 value. Please use
 * UNSIGNED-PAYLOAD or STREAMING-UNSIGNED-PAYLOAD-TRAILER.", even on a bucket whose policy lets
 * anyone write (versity/versitygw#1554 and pull request #1555, "consistent with S3 behavior",
 * `ErrUnsupportedAnonymousSignedStreaming` and its `PublicBucket_signed_streaming_payload` test).
 * Nothing is written.
 */

import { CreateBucketCommand, HeadObjectCommand, PutBucketPolicyCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { openAndStrict, sdkError, wireRefusal } from '../helpers/wire.ts';

const REFUSED = [
  400,
  'InvalidRequest',
  'Anonymous requests don&apos;t support this x-amz-content-sha256 value. Please use UNSIGNED-PAYLOAD or STREAMING-UNSIGNED-PAYLOAD-TRAILER.',
  '',
];

const SIGNED_STREAMING = [
  'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
  'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER',
  'STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD',
  'STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD-TRAILER',
];

const put = (url: string, payload: string): Promise<Response> =>
  fetch(url, { method: 'PUT', body: 'hello', headers: { 'x-amz-content-sha256': payload, 'x-amz-decoded-content-length': '5' } });

describe('an unsigned request declaring a signed streaming payload', () => {
  const endpoints = openAndStrict();

  it.each(SIGNED_STREAMING)('%s: 400 InvalidRequest, the object not written', async (payload) => {
    const url = `${endpoints.open.server.url}/wire/streamed`;
    expect(await wireRefusal(await put(url, payload))).toEqual(REFUSED);
    expect((await fetch(url)).status).toBe(404);
  });

  it('UNSIGNED-PAYLOAD is taken: the object is written', async () => {
    const url = `${endpoints.open.server.url}/wire/unsigned`;
    const response = await fetch(url, { method: 'PUT', body: 'hello', headers: { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' } });
    expect(response.status).toBe(200);
    expect(await (await fetch(url)).text()).toBe('hello');
  });

  it('under strict authentication, on a bucket whose policy lets anyone write: the same 400', async () => {
    const { client, server } = endpoints.strict;
    const policy = {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: '*', Action: ['s3:PutObject', 's3:GetObject'], Resource: 'arn:aws:s3:::wire/*' }],
    };
    await client.send(new PutBucketPolicyCommand({ Bucket: 'wire', Policy: JSON.stringify(policy) }));
    const url = `${server.url}/wire/streamed`;
    const unsigned = await fetch(`${server.url}/wire/granted`, { method: 'PUT', body: 'hello', headers: { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' } });
    expect(unsigned.status).toBe(200);
    expect(await wireRefusal(await put(url, 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD'))).toEqual(REFUSED);
    // The owner, signed, finds nothing there (an anonymous GET of a missing key is S3's 403).
    expect((await sdkError(client.send(new HeadObjectCommand({ Bucket: 'wire', Key: 'streamed' })))).$metadata.httpStatusCode).toBe(404);
  });

  // versity/versitygw `s3api/middlewares/public-bucket.go`, `AuthorizePublicBucketAccess` (the
  // code of pull request #1555): the payload hash is read only once the bucket is found to grant
  // the anonymous caller the action ("at this point the bucket is considered as public"); before
  // that, the anonymous refusal. UNCONFIRMED against S3 itself: no capture orders the two.
  it('under strict authentication, on a bucket granting anonymous callers nothing: the anonymous refusal, as without the header', async () => {
    const { client, server } = endpoints.strict;
    await client.send(new CreateBucketCommand({ Bucket: 'closed' }));
    const plain = await fetch(`${server.url}/closed/k`, { method: 'PUT', body: 'hello', headers: { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' } });
    const streamed = await put(`${server.url}/closed/k`, 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD');
    expect((await wireRefusal(streamed)).slice(0, 2)).toEqual((await wireRefusal(plain)).slice(0, 2));
  });

  // The same middleware reads the payload hash for every action it grants the anonymous caller,
  // a read included. UNCONFIRMED against S3 itself.
  it('under strict authentication, a GET the bucket grants anonymous callers: the same 400, where the plain GET is served', async () => {
    const { client, server } = endpoints.strict;
    await client.send(new CreateBucketCommand({ Bucket: 'readable' }));
    await client.send(new PutObjectCommand({ Bucket: 'readable', Key: 'k', Body: 'hello' }));
    const policy = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::readable/*' }] };
    await client.send(new PutBucketPolicyCommand({ Bucket: 'readable', Policy: JSON.stringify(policy) }));
    const plain = await fetch(`${server.url}/readable/k`);
    expect([plain.status, await plain.text()]).toEqual([200, 'hello']);
    const streamed = await fetch(`${server.url}/readable/k`, { headers: { 'x-amz-content-sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD' } });
    expect(await wireRefusal(streamed)).toEqual(REFUSED);
  });
});
