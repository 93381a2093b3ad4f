/**
 * Which requests S3 takes as the anonymous caller, and which it refuses for the credential they
 * carry in part. Measured against S3 us-east-1 (brekkylab/backlot `backlot/auth.py`,
 * `resolve_sigv4` and `_resolve_v2_query`, 2026-09-29): a query naming `Signature` is a Signature
 * Version 2 presigned URL, and one without `Expires` or `AWSAccessKeyId` beside it is refused with
 * 403 AccessDenied "Query-string authentication requires the Signature, Expires and AWSAccessKeyId
 * parameters" (the answer aws/aws-sdk-php#97 got for a CloudFront-style URL, `Expires`,
 * `Signature` and `Key-Pair-Id`, sent to S3), whatever the bucket policy grants `"*"`; an
 * `AWSAccessKeyId` without `Signature`, and an `X-Amz-Signature` without `X-Amz-Algorithm`, are
 * unsigned there, and a public bucket serves them.
 */

import { CreateBucketCommand, ListObjectsV2Command, PutBucketPolicyCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { BodyStream } from '@strongbox/service-kernel';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { inProcessClient, type WireEngine, wireEngine } from '../helpers/wire.ts';

let engine: WireEngine;
let owner: S3Client;

beforeEach(async () => {
  engine = wireEngine({ strict: true });
  owner = inProcessClient(engine.handler);
  await owner.send(new CreateBucketCommand({ Bucket: 'public' }));
  await owner.send(new PutObjectCommand({ Bucket: 'public', Key: 'note.txt', Body: 'for everybody' }));
  await owner.send(
    new PutBucketPolicyCommand({
      Bucket: 'public',
      Policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::public/*' }],
      }),
    }),
  );
});
afterEach(async () => {
  owner.destroy();
  await engine.close();
});

/** One request as a browser or curl sends it over TLS (a GET unless told): no Authorization header. */
async function open(
  path: string,
  { to = engine, method = 'GET', headers = {}, content = '' }: { to?: WireEngine; method?: string; headers?: Record<string, string>; content?: string } = {},
): Promise<{ status: number; text: string }> {
  const body: BodyStream = (async function* () {
    if (content !== '') yield Buffer.from(content);
  })();
  const head = { host: 'strongbox.localhost', ...headers, ...(content === '' ? {} : { 'content-length': String(Buffer.byteLength(content)) }) };
  const response = await to.handler({ method, path, headers: head, body, secure: true });
  const chunks: Buffer[] = [];
  if (typeof response.body === 'string' || response.body instanceof Uint8Array) chunks.push(Buffer.from(response.body));
  else for await (const chunk of response.body) chunks.push(Buffer.from(chunk));
  return { status: response.status, text: Buffer.concat(chunks).toString('utf8') };
}

/** The keys the owner lists in the public bucket. */
async function keys(): Promise<string[]> {
  const listed = await owner.send(new ListObjectsV2Command({ Bucket: 'public' }));
  return (listed.Contents ?? []).map((object) => object.Key ?? '');
}

const MISSING_SIGV2_PARAMETERS =
  '<Code>AccessDenied</Code><Message>Query-string authentication requires the Signature, Expires and AWSAccessKeyId parameters</Message>';

describe('an unsigned request under strict authentication that names part of a SigV2 query credential', () => {
  it.each([
    ['Signature=c2lnbmVk'],
    ['Expires=1896672145&Signature=c2lnbmVk'],
    // A CloudFront signed URL's query, sent to S3 (aws/aws-sdk-php#97).
    ['Expires=1896672145&Signature=c2lnbmVk&Key-Pair-Id=APKAEIBAERJR2EXAMPLE'],
  ])('?%s is 403 AccessDenied for its missing parameters, not a read of a public object', async (query) => {
    const answer = await open(`/public/note.txt?${query}`);
    expect(answer.status).toBe(403);
    expect(answer.text).toContain(MISSING_SIGV2_PARAMETERS);
    expect(answer.text).not.toContain('for everybody');
  });

  it.each([
    ['AWSAccessKeyId=AKIAIOSFODNN7EXAMPLE'],
    ['AWSAccessKeyId=AKIAIOSFODNN7EXAMPLE&Expires=1896672145'],
    ['X-Amz-Signature=00&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20261207%2Fus-east-1%2Fs3%2Faws4_request'],
  ])('?%s carries no signature S3 reads: the anonymous caller reads the public object', async (query) => {
    const answer = await open(`/public/note.txt?${query}`);
    expect([answer.status, answer.text]).toEqual([200, 'for everybody']);
  });
});

describe('a query naming part of a SigV2 query credential, beyond the GET under strict authentication', () => {
  it('is refused as S3 refuses it, which does not depend on strict authentication, nor serves the object', async () => {
    const lenient = wireEngine();
    try {
      const client = inProcessClient(lenient.handler);
      await client.send(new CreateBucketCommand({ Bucket: 'public' }));
      await client.send(new PutObjectCommand({ Bucket: 'public', Key: 'note.txt', Body: 'for everybody' }));
      client.destroy();
      const answer = await open('/public/note.txt?Expires=1896672145&Signature=c2lnbmVk', { to: lenient });
      expect(answer.status).toBe(403);
      expect(answer.text).toContain(MISSING_SIGV2_PARAMETERS);
      // A complete SigV2 URL still acts as unsigned without strict authentication.
      const complete = await open('/public/note.txt?AWSAccessKeyId=AKIAIOSFODNN7EXAMPLE&Expires=1896672145&Signature=c2lnbmVk', { to: lenient });
      expect([complete.status, complete.text]).toEqual([200, 'for everybody']);
    } finally {
      await lenient.close();
    }
  });

  it('without Expires beside AWSAccessKeyId and Signature is the same 403, ahead of SigV2 not being taken', async () => {
    const answer = await open('/public/note.txt?AWSAccessKeyId=AKIAIOSFODNN7EXAMPLE&Signature=c2lnbmVk');
    expect(answer.status).toBe(403);
    expect(answer.text).toContain(MISSING_SIGV2_PARAMETERS);
  });

  it('with its names percent-encoded is read by the same names, and refused', async () => {
    const answer = await open('/public/note.txt?%45xpires=1896672145&%53ignature=c2lnbmVk');
    expect(answer.status).toBe(403);
    expect(answer.text).toContain(MISSING_SIGV2_PARAMETERS);
  });

  it('on a HEAD is 403 with no body', async () => {
    const answer = await open('/public/note.txt?Signature=c2lnbmVk', { method: 'HEAD' });
    expect([answer.status, answer.text]).toEqual([403, '']);
  });

  it('on a PUT a policy for "*" allows is refused and stores nothing', async () => {
    await owner.send(
      new PutBucketPolicyCommand({
        Bucket: 'public',
        Policy: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Principal: '*', Action: ['s3:GetObject', 's3:PutObject'], Resource: 'arn:aws:s3:::public/*' }],
        }),
      }),
    );
    const answer = await open('/public/dropped.txt?Signature=c2lnbmVk', { method: 'PUT', content: 'dropped' });
    expect(answer.status).toBe(403);
    expect(answer.text).toContain(MISSING_SIGV2_PARAMETERS);
    expect(await keys()).toEqual(['note.txt']);
  });

  it('on a form upload is refused and stores nothing', async () => {
    await owner.send(
      new PutBucketPolicyCommand({
        Bucket: 'public',
        Policy: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Principal: '*', Action: ['s3:GetObject', 's3:PutObject'], Resource: 'arn:aws:s3:::public/*' }],
        }),
      }),
    );
    const form = [
      '--XB',
      'Content-Disposition: form-data; name="key"',
      '',
      'posted.txt',
      '--XB',
      'Content-Disposition: form-data; name="file"; filename="posted.txt"',
      '',
      'posted',
      '--XB--',
      '',
    ].join('\r\n');
    const answer = await open('/public?Signature=c2lnbmVk', { method: 'POST', headers: { 'content-type': 'multipart/form-data; boundary=XB' }, content: form });
    expect(answer.status).toBe(403);
    expect(answer.text).toContain(MISSING_SIGV2_PARAMETERS);
    expect(await keys()).toEqual(['note.txt']);
  });
});
