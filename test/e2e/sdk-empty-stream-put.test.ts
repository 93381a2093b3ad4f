/**
 * A PutObject whose Body is a stream that ends with no chunk (requestChecksumCalculation
 * WHEN_REQUIRED, so the SDK adds no aws-chunked framing of its own): over a socket node:http sends
 * it with `Content-Length: 0` (the head is written at the end, nothing having been written; node
 * lib/_http_outgoing.js `_storeHeader`, seen on the wire with node 20.20), and S3 stores an empty
 * object. The in-process handler must answer the same as the real port.
 */

import { Readable } from 'node:stream';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { createStrongbox, type Strongbox } from 'strongbox';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

let sb: Strongbox;
const clients: S3Client[] = [];

beforeEach(async () => {
  sb = await createStrongbox();
});

afterEach(async () => {
  for (const client of clients.splice(0)) client.destroy();
  await sb.close();
});

/** The status (or error name) of a PutObject of an empty stream of no stated length. */
async function putEmptyStream(client: S3Client, bucket: string): Promise<{ status: number | undefined; code: string | undefined }> {
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
  try {
    const put = await client.send(new PutObjectCommand({ Bucket: bucket, Key: 'k', Body: Readable.from([]) }));
    return { status: put.$metadata.httpStatusCode, code: undefined };
  } catch (error) {
    const failure = error as Error & { $metadata?: { httpStatusCode?: number } };
    return { status: failure.$metadata?.httpStatusCode, code: failure.name };
  }
}

describe('a PutObject of a stream that ends with no chunk', () => {
  it('is answered in process as over a real port: an empty object is stored', async () => {
    const inProcess = new S3Client({ ...sb.clientConfig, requestChecksumCalculation: 'WHEN_REQUIRED' });
    const listener = await sb.listen();
    const { requestHandler: _, ...portable } = sb.clientConfig;
    const overHttp = new S3Client({ ...portable, endpoint: listener.url, requestChecksumCalculation: 'WHEN_REQUIRED' });
    clients.push(inProcess, overHttp);
    const there = await putEmptyStream(overHttp, 'over-http');
    const here = await putEmptyStream(inProcess, 'in-process');
    await listener.close();
    expect(there).toEqual({ status: 200, code: undefined });
    expect(here).toEqual(there);
  });
});
