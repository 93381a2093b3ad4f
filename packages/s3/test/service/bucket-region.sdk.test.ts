/**
 * A request signed for another Region than its bucket's: S3 answers 301 PermanentRedirect with
 * the bucket's Region in `x-amz-bucket-region` (captures in yanganto/s3rs#18 and
 * awslabs/mountpoint-s3#1), which the SDK for JavaScript follows with `followRegionRedirects`
 * (`@aws-sdk/middleware-sdk-s3` `regionRedirectMiddleware`: a 301 carrying the header). Through
 * the REST handler and the kernel's in-process SDK handler, under strict SigV4.
 */

import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetBucketLocationCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListBucketsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { inProcessClient, listen, sdkError, type WireEngine, wireEngine } from '../helpers/wire.ts';

let engine: WireEngine;
let west: S3Client;
let east: S3Client;

beforeEach(async () => {
  engine = wireEngine({ strict: true });
  west = inProcessClient(engine.handler, { region: 'eu-west-1' });
  east = inProcessClient(engine.handler, { region: 'us-east-1' });
  await west.send(new CreateBucketCommand({ Bucket: 'west-data', CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' } }));
  await west.send(new PutObjectCommand({ Bucket: 'west-data', Key: 'k', Body: 'hello' }));
});
afterEach(async () => {
  west.destroy();
  east.destroy();
  await engine.close();
});

/** A handler response's body as text. */
async function bodyText(response: { body?: unknown }): Promise<string> {
  const body = response.body;
  if (body === undefined || typeof body === 'string') return body ?? '';
  if (body instanceof Uint8Array) return Buffer.from(body).toString();
  let text = '';
  for await (const chunk of body as AsyncIterable<Uint8Array | string>) text += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString();
  return text;
}

/** The error's `x-amz-bucket-region` header, as the SDK's redirect middleware reads it. */
function bucketRegionOf(error: { $response?: unknown }): string | undefined {
  return (error.$response as { headers?: Record<string, string> } | undefined)?.headers?.['x-amz-bucket-region'];
}

describe('a client of another Region than the bucket', () => {
  it('gets 301 PermanentRedirect naming the bucket Region on object and listing calls', async () => {
    for (const command of [
      new GetObjectCommand({ Bucket: 'west-data', Key: 'k' }),
      new PutObjectCommand({ Bucket: 'west-data', Key: 'other', Body: 'x' }),
      new ListObjectsV2Command({ Bucket: 'west-data' }),
      new DeleteObjectCommand({ Bucket: 'west-data', Key: 'k' }),
    ]) {
      // biome-ignore lint/suspicious/noExplicitAny: one loop over commands of several types.
      const error = await sdkError(east.send(command as any));
      expect([error.name, error.$metadata.httpStatusCode, bucketRegionOf(error)]).toEqual(['PermanentRedirect', 301, 'eu-west-1']);
    }
    // Nothing changed: the object is still there, the other key was not written.
    const got = await west.send(new GetObjectCommand({ Bucket: 'west-data', Key: 'k' }));
    expect(await got.Body?.transformToString()).toBe('hello');
    await expect(west.send(new HeadObjectCommand({ Bucket: 'west-data', Key: 'other' }))).rejects.toMatchObject({ name: 'NotFound' });
  });

  it('gets a bodiless 301 with the bucket Region on HEAD', async () => {
    for (const command of [new HeadObjectCommand({ Bucket: 'west-data', Key: 'k' }), new HeadBucketCommand({ Bucket: 'west-data' })]) {
      // biome-ignore lint/suspicious/noExplicitAny: one loop over commands of two types.
      const error = await sdkError(east.send(command as any));
      expect([error.$metadata.httpStatusCode, bucketRegionOf(error)]).toEqual([301, 'eu-west-1']);
    }
    // The SDK hides the body: the handler's own answer shows there is none.
    for (const command of [new HeadObjectCommand({ Bucket: 'west-data', Key: 'k' }), new HeadBucketCommand({ Bucket: 'west-data' })]) {
      // biome-ignore lint/suspicious/noExplicitAny: one loop over commands of two types.
      const url = await getSignedUrl(east, command as any);
      const { host, pathname, search } = new URL(url);
      const response = await engine.handler({ method: 'HEAD', path: pathname + search, headers: { host }, body: (async function* () {})(), secure: true });
      expect([response.status, response.headers['x-amz-bucket-region'], await bodyText(response)]).toEqual([301, 'eu-west-1', '']);
    }
  });

  it('is served once the SDK follows the redirect (followRegionRedirects)', async () => {
    const following = inProcessClient(engine.handler, { region: 'us-east-1', followRegionRedirects: true });
    // The status of every response the client saw, redirects included.
    const statuses: number[] = [];
    following.middlewareStack.add(
      (next) => async (args) => {
        try {
          const out = await next(args);
          statuses.push((out.response as { statusCode: number }).statusCode);
          return out;
        } catch (error) {
          statuses.push((error as { $metadata: { httpStatusCode: number } }).$metadata.httpStatusCode);
          throw error;
        }
      },
      { step: 'finalizeRequest', name: 'recordStatuses' },
    );
    await following.send(new PutObjectCommand({ Bucket: 'west-data', Key: 'followed', Body: 'across' }));
    const got = await following.send(new GetObjectCommand({ Bucket: 'west-data', Key: 'followed' }));
    expect(await got.Body?.transformToString()).toBe('across');
    expect((await following.send(new HeadObjectCommand({ Bucket: 'west-data', Key: 'followed' }))).ContentLength).toBe(6);
    expect((await following.send(new HeadBucketCommand({ Bucket: 'west-data' }))).BucketRegion).toBe('eu-west-1');
    const listed = await following.send(new ListObjectsV2Command({ Bucket: 'west-data' }));
    expect(listed.Contents?.map((entry) => entry.Key)).toEqual(['followed', 'k']);
    await following.send(new DeleteObjectCommand({ Bucket: 'west-data', Key: 'followed' }));
    await expect(west.send(new HeadObjectCommand({ Bucket: 'west-data', Key: 'followed' }))).rejects.toMatchObject({ name: 'NotFound' });
    // Each of the six calls was redirected once, then served in eu-west-1.
    expect(statuses).toEqual([301, 200, 301, 200, 301, 200, 301, 200, 301, 200, 301, 204]);
    following.destroy();
  });

  it('still lists every Region bucket and locates the bucket', async () => {
    const listed = await east.send(new ListBucketsCommand({}));
    expect(listed.Buckets?.map((bucket) => [bucket.Name, bucket.BucketRegion])).toEqual([['west-data', 'eu-west-1']]);
    expect((await east.send(new GetBucketLocationCommand({ Bucket: 'west-data' }))).LocationConstraint).toBe('eu-west-1');
  });

  it('answers NoSuchBucket, not a redirect, for a bucket that does not exist', async () => {
    const error = await sdkError(east.send(new GetObjectCommand({ Bucket: 'nowhere-data', Key: 'k' })));
    expect([error.name, error.$metadata.httpStatusCode, bucketRegionOf(error)]).toEqual(['NoSuchBucket', 404, undefined]);
  });
});

describe("HeadBucket's 403 for an existing bucket", () => {
  // HeadBucket answers the bucket's Region "regardless of the permissions on the bucket" (S3 API
  // reference, HeadBucket), and botocore's `get_bucket_region` reads the header off a refused
  // HeadBucket too.
  it('carries the bucket Region, without a body, for an unsigned caller', async () => {
    const response = await engine.handler({
      method: 'HEAD',
      path: '/west-data',
      headers: { host: 'strongbox.localhost' },
      body: (async function* () {})(),
      secure: true,
    });
    expect([response.status, response.headers['x-amz-bucket-region'], await bodyText(response)]).toEqual([403, 'eu-west-1', '']);
  });

  it('carries the bucket Region when another account is expected to own the bucket', async () => {
    const error = await sdkError(west.send(new HeadBucketCommand({ Bucket: 'west-data', ExpectedBucketOwner: '111122223333' })));
    expect([error.$metadata.httpStatusCode, bucketRegionOf(error)]).toEqual([403, 'eu-west-1']);
  });

  it('is 404 without a Region for a bucket that does not exist', async () => {
    const error = await sdkError(west.send(new HeadBucketCommand({ Bucket: 'nowhere-data' })));
    expect([error.$metadata.httpStatusCode, bucketRegionOf(error)]).toEqual([404, undefined]);
  });
});

describe('the 301 on the wire', () => {
  it('names the endpoint and the bucket in the error document, and the Region in the header', async () => {
    const url = await getSignedUrl(east, new GetObjectCommand({ Bucket: 'west-data', Key: 'k' }));
    const { host, pathname, search } = new URL(url);
    const response = await engine.handler({ method: 'GET', path: pathname + search, headers: { host }, body: (async function* () {})(), secure: true });
    expect(response.status).toBe(301);
    expect(response.headers['x-amz-bucket-region']).toBe('eu-west-1');
    let text = '';
    for await (const chunk of response.body as AsyncIterable<Uint8Array | string>) text += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString();
    expect(text).toContain(
      '<Code>PermanentRedirect</Code><Message>The bucket you are attempting to access must be addressed using the specified endpoint. Please send all future requests to this endpoint.</Message><Endpoint>west-data.s3-eu-west-1.amazonaws.com</Endpoint><Bucket>west-data</Bucket><RequestId>',
    );
  });

  it('serves a presigned URL signed for the bucket Region', async () => {
    const url = await getSignedUrl(west, new GetObjectCommand({ Bucket: 'west-data', Key: 'k' }));
    const { host, pathname, search } = new URL(url);
    const response = await engine.handler({ method: 'GET', path: pathname + search, headers: { host }, body: (async function* () {})(), secure: true });
    expect(response.status).toBe(200);
  });
});

describe('a POST Object form', () => {
  /** Posts a form presigned by a client of `region` on a socket; its status and Region header. */
  async function postIn(region: string, key: string): Promise<[number, string | null]> {
    const server = await listen(engine.handler);
    const client = inProcessClient(engine.handler, { region, endpoint: server.url });
    try {
      const presigned = await createPresignedPost(client, { Bucket: 'west-data', Key: key });
      const form = new FormData();
      for (const [name, value] of Object.entries(presigned.fields)) form.append(name, value);
      form.append('file', 'form bytes');
      const response = await fetch(presigned.url, { method: 'POST', body: form, redirect: 'manual' });
      await response.text();
      return [response.status, response.headers.get('x-amz-bucket-region')];
    } finally {
      client.destroy();
      await server.close();
    }
  }

  it('signed for another Region is redirected, and stores nothing', async () => {
    expect(await postIn('us-east-1', 'posted')).toEqual([301, 'eu-west-1']);
    await expect(west.send(new HeadObjectCommand({ Bucket: 'west-data', Key: 'posted' }))).rejects.toMatchObject({ name: 'NotFound' });
    expect(await postIn('eu-west-1', 'posted')).toEqual([204, null]);
  });
});
