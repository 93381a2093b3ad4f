/**
 * User metadata a presigned PutObject URL carries in its query string. `getSignedUrl` from
 * `@aws-sdk/s3-request-presigner` hoists every `x-amz-meta-*` header of the command into the query
 * by default, and S3 stores the object with that metadata: an SDK maintainer's upload to S3 through
 * such a URL kept it (aws/aws-sdk-js-v3#4694, 2023: "the object was uploaded with the metadata even
 * without signing that particular header"), and LocalStack, validated against AWS, reads every
 * hoisted `x-amz-*` parameter but the checksums as a header (`presigned_url.py`,
 * localstack/localstack#544). Opened on the REST handler under strict SigV4, as a browser would.
 */

import { CreateBucketCommand, HeadObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { BodyStream } from '@strongbox/service-kernel';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { inProcessClient, type WireEngine, wireEngine } from '../helpers/wire.ts';

let engine: WireEngine;
let client: S3Client;

beforeEach(async () => {
  engine = wireEngine({ strict: true });
  client = inProcessClient(engine.handler);
  await client.send(new CreateBucketCommand({ Bucket: 'data' }));
});
afterEach(async () => {
  client.destroy();
  await engine.close();
});

/** PUTs `body` to a presigned URL on the in-process handler, as `fetch` would; the status. */
async function put(url: string, body: string, headers: Record<string, string> = {}): Promise<number> {
  const { host, pathname, search } = new URL(url);
  const bytes = Buffer.from(body);
  const stream: BodyStream = (async function* () {
    yield bytes;
  })();
  const response = await engine.handler({
    method: 'PUT',
    path: pathname + search,
    headers: { host, 'content-length': String(bytes.length), ...headers },
    body: stream,
    secure: true,
  });
  return response.status;
}

describe('a presigned PutObject with Metadata', () => {
  it('stores the metadata getSignedUrl hoisted into the query, as S3 does', async () => {
    const url = await getSignedUrl(client, new PutObjectCommand({ Bucket: 'data', Key: 'k', Metadata: { owner: 'ana maria', 'trace-id': 'a/b+c' } }));
    expect(new URL(url).searchParams.get('x-amz-meta-owner')).toBe('ana maria');
    expect(await put(url, 'hello')).toBe(200);
    const stored = await client.send(new HeadObjectCommand({ Bucket: 'data', Key: 'k' }));
    expect(stored.Metadata).toEqual({ owner: 'ana maria', 'trace-id': 'a/b+c' });
  });

  it('a metadata parameter added after signing is refused (403 SignatureDoesNotMatch), nothing stored', async () => {
    const url = new URL(await getSignedUrl(client, new PutObjectCommand({ Bucket: 'data', Key: 'k' })));
    url.searchParams.set('x-amz-meta-owner', 'mallory');
    expect(await put(url.toString(), 'hello')).toBe(403);
    await expect(client.send(new HeadObjectCommand({ Bucket: 'data', Key: 'k' }))).rejects.toMatchObject({ name: 'NotFound' });
  });

  it('beside metadata kept as a signed header (unhoistableHeaders), which the client must send', async () => {
    const url = await getSignedUrl(client, new PutObjectCommand({ Bucket: 'data', Key: 'k', Metadata: { owner: 'query', color: 'red' } }), {
      unhoistableHeaders: new Set(['x-amz-meta-color']),
    });
    expect(new URL(url).searchParams.get('X-Amz-SignedHeaders')).toBe('host;x-amz-meta-color');
    expect(await put(url, 'hello')).toBe(403);
    expect(await put(url, 'hello', { 'x-amz-meta-color': 'red' })).toBe(200);
    const stored = await client.send(new HeadObjectCommand({ Bucket: 'data', Key: 'k' }));
    expect(stored.Metadata).toEqual({ owner: 'query', color: 'red' });
  });
});
