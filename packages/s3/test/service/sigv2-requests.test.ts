/**
 * Requests in AWS Signature Version 2's presigned form (`AWSAccessKeyId`, `Signature`, `Expires`
 * in the query), which botocore's `generate_presigned_url` and the AWS CLI v1's `aws s3 presign`
 * still make by default (boto/botocore#3791, 2026): S3 refuses any such request touching an
 * SSE-KMS or DSSE-KMS object with 400 InvalidArgument "Requests specifying Server Side Encryption
 * with AWS KMS managed keys require AWS Signature Version 4." (aws/aws-cli#2622 and
 * boto/boto3#2680, a presigned GET; aws/aws-cli#1006, the error document with `ArgumentName`
 * `Authorization` and `ArgumentValue` `null`). Strongbox does not verify SigV2, so without strict
 * authentication such a request acts as the account root, as an unsigned one does; the KMS
 * refusal still follows the form the request was sent in. A SigV2 `Authorization` header gets
 * S3's answer where it takes SigV4 only (400 InvalidRequest, ravsau/aws-labs#4).
 */

import { CreateBucketCommand, GetObjectCommand, HeadObjectCommand, PutBucketEncryptionCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { Kms } from '@strongbox/kms';
import type { BodyStream } from '@strongbox/service-kernel';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { inProcessClient, sdkError, type WireEngine, wireEngine } from '../helpers/wire.ts';

let kms: Kms;
let engine: WireEngine;
let client: S3Client;

beforeEach(async () => {
  kms = new Kms({});
  engine = wireEngine({ engine: { kms, auditTrail: kms.auditTrail } });
  client = inProcessClient(engine.handler);
  await client.send(new CreateBucketCommand({ Bucket: 'data' }));
  await client.send(new PutObjectCommand({ Bucket: 'data', Key: 'kms', Body: 'sealed by KMS', ServerSideEncryption: 'aws:kms' }));
  await client.send(new PutObjectCommand({ Bucket: 'data', Key: 'dsse', Body: 'sealed twice', ServerSideEncryption: 'aws:kms:dsse' }));
  await client.send(new PutObjectCommand({ Bucket: 'data', Key: 's3', Body: 'sealed by S3' }));
});
afterEach(async () => {
  client.destroy();
  await engine.close();
  await kms.close();
});

/** The query botocore's SigV2 presigner appends (the signature's value does not matter unverified). */
const SIGV2_QUERY = 'AWSAccessKeyId=test&Signature=yPldY9Mc38UFwsQ8Zg51SCcRO2M%3D&Expires=1896672145';

const REFUSAL =
  '<Code>InvalidArgument</Code><Message>Requests specifying Server Side Encryption with AWS KMS managed keys require AWS Signature Version 4.</Message>' +
  '<ArgumentName>Authorization</ArgumentName><ArgumentValue>null</ArgumentValue>';

/** Sends one request to the REST handler over TLS, as a client opening the URL would. */
async function open(
  method: string,
  path: string,
  options: { body?: string; headers?: Record<string, string>; to?: WireEngine } = {},
): Promise<{ status: number; text: string; headers: Record<string, string | undefined> }> {
  const bytes = new TextEncoder().encode(options.body ?? '');
  const stream: BodyStream = (async function* () {
    if (bytes.length > 0) yield bytes;
  })();
  const headers: Record<string, string> = {
    host: 'strongbox.localhost',
    ...(method === 'PUT' ? { 'content-length': String(bytes.length) } : {}),
    ...options.headers,
  };
  const response = await (options.to ?? engine).handler({ method, path, headers, body: stream, secure: true });
  const chunks: Buffer[] = [];
  if (typeof response.body === 'string' || response.body instanceof Uint8Array) chunks.push(Buffer.from(response.body));
  else for await (const chunk of response.body) chunks.push(Buffer.from(chunk));
  return { status: response.status, text: Buffer.concat(chunks).toString('utf8'), headers: response.headers };
}

describe('a SigV2 presigned URL and SSE-KMS', () => {
  it('a GET of an SSE-KMS or DSSE-KMS object is 400 InvalidArgument: KMS requires Signature Version 4', async () => {
    for (const key of ['kms', 'dsse']) {
      const got = await open('GET', `/data/${key}?${SIGV2_QUERY}`);
      expect(got.status, key).toBe(400);
      expect(got.text, key).toContain(REFUSAL);
    }
  });

  it('a HEAD of an SSE-KMS object is refused with the status alone', async () => {
    const headed = await open('HEAD', `/data/kms?${SIGV2_QUERY}`);
    expect([headed.status, headed.text]).toEqual([400, '']);
  });

  it('a PUT naming aws:kms is refused and stores nothing', async () => {
    const put = await open('PUT', `/data/new?${SIGV2_QUERY}`, { body: 'x', headers: { 'x-amz-server-side-encryption': 'aws:kms' } });
    expect(put.status).toBe(400);
    expect(put.text).toContain(REFUSAL);
    expect((await sdkError(client.send(new HeadObjectCommand({ Bucket: 'data', Key: 'new' })))).$metadata.httpStatusCode).toBe(404);
  });

  it('a PUT whose URL names aws:kms in its query (botocore moves the signed x-amz-* headers there) is refused, not stored as SSE-S3', async () => {
    const put = await open('PUT', `/data/query-kms?${SIGV2_QUERY}&x-amz-server-side-encryption=aws%3Akms`, { body: 'x' });
    expect([put.status, put.text.includes(REFUSAL)]).toEqual([400, true]);
    expect((await sdkError(client.send(new HeadObjectCommand({ Bucket: 'data', Key: 'query-kms' })))).$metadata.httpStatusCode).toBe(404);
    const aes = await open('PUT', `/data/query-aes?${SIGV2_QUERY}&x-amz-server-side-encryption=AES256`, { body: 'x' });
    expect(aes.status).toBe(200);
  });

  it('a PUT naming no encryption to a bucket whose default is aws:kms is refused and stores nothing', async () => {
    // Abheenash/serverless-file-share, docs/stage3.md: boto3's SigV2 presigned PUTs (no SSE
    // parameter) were refused once the bucket's default became aws:kms (second-hand).
    await client.send(new CreateBucketCommand({ Bucket: 'kms-default' }));
    await client.send(
      new PutBucketEncryptionCommand({
        Bucket: 'kms-default',
        ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms' } }] },
      }),
    );
    const put = await open('PUT', `/kms-default/new?${SIGV2_QUERY}`, { body: 'x' });
    expect([put.status, put.text.includes(REFUSAL)]).toEqual([400, true]);
    expect((await sdkError(client.send(new HeadObjectCommand({ Bucket: 'kms-default', Key: 'new' })))).$metadata.httpStatusCode).toBe(404);
  });

  it('a URL whose SigV2 parameter names are percent-encoded is told apart as SigV2 too, as its SSE parameters are read', async () => {
    // `%41` is `A`, `%53` is `S`: the names decode to AWSAccessKeyId and Signature, as the hoisted
    // SSE parameters' names are decoded.
    const encoded = '%41WSAccessKeyId=test&%53ignature=yPldY9Mc38UFwsQ8Zg51SCcRO2M%3D&Expires=1896672145';
    const got = await open('GET', `/data/kms?${encoded}`);
    expect([got.status, got.text.includes(REFUSAL)]).toEqual([400, true]);
    const put = await open('PUT', `/data/encoded-kms?${encoded}&x-amz-server-side-encryption=aws%3Akms`, { body: 'x' });
    expect([put.status, put.text.includes(REFUSAL)]).toEqual([400, true]);
    expect((await sdkError(client.send(new HeadObjectCommand({ Bucket: 'data', Key: 'encoded-kms' })))).$metadata.httpStatusCode).toBe(404);
  });

  it('an SSE-S3 object is served as to an unsigned request', async () => {
    const got = await open('GET', `/data/s3?${SIGV2_QUERY}`);
    expect([got.status, got.text]).toEqual([200, 'sealed by S3']);
  });

  it('a SigV4 request for the same SSE-KMS object is served', async () => {
    const got = await client.send(new GetObjectCommand({ Bucket: 'data', Key: 'kms' }));
    expect(await got.Body?.transformToString()).toBe('sealed by KMS');
  });
});

describe('a SigV2 presigned URL as a signed request', () => {
  // GetObject API reference: response-* overrides "cannot be used with an unsigned (anonymous)
  // request"; a SigV2 URL is signed (boto3's presigned GETs commonly carry
  // response-content-disposition), so they are served, though Strongbox does not verify SigV2.
  it('may override response headers, which an unsigned GET may not', async () => {
    const disposition = 'attachment; filename="s3.txt"';
    const query = `response-content-disposition=${encodeURIComponent(disposition)}`;
    const got = await open('GET', `/data/s3?${SIGV2_QUERY}&${query}`);
    expect([got.status, got.headers['content-disposition']]).toEqual([200, disposition]);
    const unsigned = await open('GET', `/data/s3?${query}`);
    expect(unsigned.status).toBe(400);
  });

  // S3 User Guide, "Identifying Amazon S3 Signature Version 2 requests by using CloudTrail":
  // `additionalEventData.SignatureVersion` is how AWS says to find SigV2 callers.
  it('is recorded in CloudTrail as SigV2 by query string', async () => {
    const recorded = wireEngine({ engine: { dataEvents: true } });
    try {
      const signed = inProcessClient(recorded.handler);
      await signed.send(new CreateBucketCommand({ Bucket: 'data' }));
      await signed.send(new PutObjectCommand({ Bucket: 'data', Key: 's3', Body: 'sealed by S3' }));
      signed.destroy();
      expect((await open('GET', `/data/s3?${SIGV2_QUERY}`, { to: recorded })).status).toBe(200);
      const [record] = recorded.s3.auditTrail.lookup({ eventName: 'GetObject' }).records;
      expect(record?.additionalEventData).toMatchObject({ SignatureVersion: 'SigV2', AuthenticationMethod: 'QueryString' });
    } finally {
      await recorded.close();
    }
  });
});

describe('an unsigned request and SSE-KMS', () => {
  // AWS Knowledge Center "s3-kms-signature-version-error": S3 answers an anonymous request for an
  // SSE-KMS object (an object URL opened in a browser or curl) with the same 400 as a SigV2 one,
  // once a bucket policy lets the anonymous caller read it (ryanto/next-s3-upload#115,
  // pottava/aws-s3-proxy#46); one no policy allows is 403 AccessDenied first.
  it('without strict authentication acts as the account root and is served, as any unsigned request is', async () => {
    const got = await open('GET', '/data/kms');
    expect([got.status, got.text]).toEqual([200, 'sealed by KMS']);
  });

  it('under strict authentication is 403 AccessDenied, as S3 answers an anonymous caller before the KMS check', async () => {
    const strict = wireEngine({ strict: true, engine: { kms, auditTrail: kms.auditTrail } });
    try {
      const signed = inProcessClient(strict.handler);
      await signed.send(new CreateBucketCommand({ Bucket: 'data' }));
      await signed.send(new PutObjectCommand({ Bucket: 'data', Key: 'kms', Body: 'sealed by KMS', ServerSideEncryption: 'aws:kms' }));
      signed.destroy();
      const got = await open('GET', '/data/kms', { to: strict });
      expect(got.status).toBe(403);
      expect(got.text).toContain('<Code>AccessDenied</Code><Message>Access Denied</Message>');
    } finally {
      await strict.close();
    }
  });
});

describe('a SigV2 presigned URL under strict authentication', () => {
  it('is 400 InvalidRequest "authorization mechanism … not supported", as a SigV2 Authorization header is', async () => {
    const strict = wireEngine({ strict: true, engine: { kms, auditTrail: kms.auditTrail } });
    try {
      const got = await open('GET', `/data/s3?${SIGV2_QUERY}`, { to: strict });
      expect(got.status).toBe(400);
      expect(got.text).toContain(
        '<Code>InvalidRequest</Code><Message>The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.</Message>',
      );
    } finally {
      await strict.close();
    }
  });
});

describe('a SigV2 Authorization header', () => {
  it('is 400 InvalidRequest "authorization mechanism … not supported", as S3 answers where SigV2 is not taken', async () => {
    const headers = { authorization: 'AWS test:yPldY9Mc38UFwsQ8Zg51SCcRO2M=', date: 'Mon, 07 Dec 2026 18:00:00 GMT' };
    for (const key of ['s3', 'kms']) {
      const got = await open('GET', `/data/${key}`, { headers });
      expect(got.status, key).toBe(400);
      expect(got.text, key).toContain(
        '<Code>InvalidRequest</Code><Message>The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.</Message>',
      );
    }
    const put = await open('PUT', '/data/s3', { body: 'replaced', headers });
    expect(put.status).toBe(400);
    const kept = await open('GET', '/data/s3');
    expect([kept.status, kept.text]).toEqual([200, 'sealed by S3']);
  });

  // brekkylab/backlot `backlot/auth.py`, `resolve_sigv4`, measured against S3 us-east-1
  // 2026-09-29: the header's scheme is "matched without case", V2's `AWS` among them.
  it('in lower or mixed case is read as SigV2 all the same: the same 400, nothing written', async () => {
    for (const scheme of ['aws', 'Aws']) {
      const headers = { authorization: `${scheme} test:yPldY9Mc38UFwsQ8Zg51SCcRO2M=`, date: 'Mon, 07 Dec 2026 18:00:00 GMT' };
      const got = await open('PUT', '/data/s3', { body: 'replaced', headers });
      expect(got.status, scheme).toBe(400);
      expect(got.text, scheme).toContain(
        '<Code>InvalidRequest</Code><Message>The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.</Message>',
      );
    }
    const kept = await open('GET', '/data/s3');
    expect([kept.status, kept.text]).toEqual([200, 'sealed by S3']);
  });
});
