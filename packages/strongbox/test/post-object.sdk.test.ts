/**
 * Browser-based uploads (S3 POST Object) through `strongbox serve`'s HTTPS listener, the way a web
 * app does it: a form made by `@aws-sdk/s3-presigned-post`'s `createPresignedPost` with the
 * encryption fields, posted over TLS (SSE-KMS and SSE-C are refused over plain HTTP, as S3 refuses
 * them), then read back with `S3Client`: SSE-KMS with a key id, context and bucket key (KMS called
 * on the signer's behalf and recorded in the trail), SSE-C, and SSE-C refused by a bucket's SSE-C
 * block exactly as PutObject is.
 */

import { createHash, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { Agent, request as httpsRequest } from 'node:https';
import { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { CreateBucketCommand, GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, PutBucketEncryptionCommand, type S3Client } from '@aws-sdk/client-s3';
import { createPresignedPost, type PresignedPost } from '@aws-sdk/s3-presigned-post';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../src/index.ts';
import { failureOf, s3Client } from './helpers/cli.ts';

type Server = Awaited<ReturnType<typeof startServer>>;

let server: Server;
let ca: string;
let url: string;
let s3: S3Client;

beforeAll(async () => {
  server = await startServer({ port: 0, https: { port: 0 } });
  const https = server.https;
  if (https === undefined) throw new Error('no https listener');
  url = https.url;
  ca = await readFile(https.certificate.path, 'utf8');
  s3 = s3Client(url, ca);
});

afterAll(async () => {
  s3.destroy();
  await server.close();
});

const CONFIG = () => ({
  endpoint: url,
  region: 'us-east-1',
  credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  requestHandler: { httpsAgent: new Agent({ ca }) },
});

interface Answer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

/** Posts the form (file last) over TLS, encoded as `fetch` and browsers encode `FormData`. */
async function post(presigned: PresignedPost, file: string): Promise<Answer> {
  const form = new FormData();
  for (const [name, value] of Object.entries(presigned.fields)) form.append(name, value);
  form.append('file', new Blob([file]), 'upload.bin');
  const encoded = new Request(presigned.url, { method: 'POST', body: form });
  const body = Buffer.from(await encoded.arrayBuffer());
  return await new Promise<Answer>((resolve, reject) => {
    const outgoing = httpsRequest(
      presigned.url,
      { method: 'POST', ca, headers: { 'content-type': encoded.headers.get('content-type') as string, 'content-length': String(body.length) } },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

async function keysIn(bucket: string): Promise<string[]> {
  return ((await s3.send(new ListObjectsV2Command({ Bucket: bucket }))).Contents ?? []).map((object) => object.Key as string);
}

describe('POST Object over HTTPS with encryption fields', () => {
  it('SSE-KMS with a key id, context and bucket key: stored under that key, KMS called and recorded', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'kms-uploads' }));
    const kms = new KMSClient(CONFIG());
    const trail = new CloudTrailClient(CONFIG());
    try {
      const key = (await kms.send(new CreateKeyCommand({}))).KeyMetadata;
      const before =
        (await trail.send(new LookupEventsCommand({ LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'GenerateDataKey' }] }))).Events ?? [];
      const context = Buffer.from(JSON.stringify({ app: 'browser' })).toString('base64');
      const fields = {
        'x-amz-server-side-encryption': 'aws:kms',
        'x-amz-server-side-encryption-aws-kms-key-id': key?.KeyId as string,
        'x-amz-server-side-encryption-context': context,
        'x-amz-server-side-encryption-bucket-key-enabled': 'true',
      };
      const presigned = await createPresignedPost(s3, {
        Bucket: 'kms-uploads',
        Key: 'report.csv',
        Fields: fields,
        Conditions: Object.entries(fields).map(([name, value]) => ({ [name]: value })),
      });
      const answer = await post(presigned, 'a,b\n1,2\n');
      expect(answer.status).toBe(204);
      expect(answer.headers).toMatchObject({
        'x-amz-server-side-encryption': 'aws:kms',
        'x-amz-server-side-encryption-aws-kms-key-id': key?.Arn,
        'x-amz-server-side-encryption-bucket-key-enabled': 'true',
      });
      const head = await s3.send(new HeadObjectCommand({ Bucket: 'kms-uploads', Key: 'report.csv' }));
      expect(head).toMatchObject({ ServerSideEncryption: 'aws:kms', SSEKMSKeyId: key?.Arn, BucketKeyEnabled: true });
      const got = await s3.send(new GetObjectCommand({ Bucket: 'kms-uploads', Key: 'report.csv' }));
      expect(await got.Body?.transformToString()).toBe('a,b\n1,2\n');
      const after =
        (await trail.send(new LookupEventsCommand({ LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'GenerateDataKey' }] }))).Events ?? [];
      expect(after.length).toBeGreaterThan(before.length);
    } finally {
      kms.destroy();
      trail.destroy();
    }
  });

  it('SSE-C: stored under the customer key, unreadable without it', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'ssec-uploads' }));
    await s3.send(
      new PutBucketEncryptionCommand({
        Bucket: 'ssec-uploads',
        ServerSideEncryptionConfiguration: {
          Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' }, BlockedEncryptionTypes: { EncryptionType: ['NONE'] } }],
        },
      }),
    );
    const raw = randomBytes(32);
    const customer = { SSECustomerAlgorithm: 'AES256', SSECustomerKey: raw.toString('base64') };
    const fields = {
      'x-amz-server-side-encryption-customer-algorithm': 'AES256',
      'x-amz-server-side-encryption-customer-key': raw.toString('base64'),
      'x-amz-server-side-encryption-customer-key-MD5': createHash('md5').update(raw).digest('base64'),
    };
    const presigned = await createPresignedPost(s3, {
      Bucket: 'ssec-uploads',
      Key: 'secret',
      Fields: fields,
      Conditions: Object.entries(fields).map(([name, value]) => ({ [name]: value })),
    });
    const answer = await post(presigned, 'for my eyes');
    expect(answer.status).toBe(204);
    expect(answer.headers).toMatchObject({
      'x-amz-server-side-encryption-customer-algorithm': 'AES256',
      'x-amz-server-side-encryption-customer-key-md5': fields['x-amz-server-side-encryption-customer-key-MD5'],
    });
    const head = await s3.send(new HeadObjectCommand({ Bucket: 'ssec-uploads', Key: 'secret', ...customer }));
    expect(head).toMatchObject({ SSECustomerAlgorithm: 'AES256', SSECustomerKeyMD5: fields['x-amz-server-side-encryption-customer-key-MD5'] });
    const got = await s3.send(new GetObjectCommand({ Bucket: 'ssec-uploads', Key: 'secret', ...customer }));
    expect(await got.Body?.transformToString()).toBe('for my eyes');
    expect(await failureOf(s3.send(new GetObjectCommand({ Bucket: 'ssec-uploads', Key: 'secret' })))).toMatchObject({ name: 'InvalidRequest', status: 400 });
  });

  it("SSE-C refused by a new bucket's SSE-C block: 403 as for PutObject, nothing stored", async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'blocked-uploads' }));
    const raw = randomBytes(32);
    const fields = {
      'x-amz-server-side-encryption-customer-algorithm': 'AES256',
      'x-amz-server-side-encryption-customer-key': raw.toString('base64'),
      'x-amz-server-side-encryption-customer-key-MD5': createHash('md5').update(raw).digest('base64'),
    };
    const presigned = await createPresignedPost(s3, {
      Bucket: 'blocked-uploads',
      Key: 'k',
      Fields: fields,
      Conditions: Object.entries(fields).map(([name, value]) => ({ [name]: value })),
    });
    const answer = await post(presigned, 'refused');
    expect(answer.status).toBe(403);
    expect(answer.body).toContain('<Code>AccessDenied</Code>');
    expect(answer.body).toContain(
      'is not authorized to perform: s3:PutObject on resource: &quot;arn:aws:s3:::blocked-uploads/k&quot; because this bucket has blocked upload requests that specify Server Side Encryption with Customer provided keys (SSE-C).',
    );
    // The customer key never reaches the answer.
    expect(answer.body).not.toContain(raw.toString('base64'));
    expect(await keysIn('blocked-uploads')).toEqual([]);
  });
});

describe('POST Object fields stored as PutObject stores its headers', () => {
  it('Cache-Control, Content-Disposition, Expires, the website redirect and a SHA-256 checksum, read back with S3Client', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'field-uploads' }));
    const file = 'col\n1\n';
    const fields = {
      'Content-Type': 'text/csv',
      'Cache-Control': 'no-cache',
      'Content-Disposition': 'inline',
      Expires: 'Wed, 02 Jan 2030 03:04:05 GMT',
      'x-amz-website-redirect-location': 'https://example.com/moved',
      'x-amz-checksum-algorithm': 'SHA256',
      'x-amz-checksum-sha256': createHash('sha256').update(file).digest('base64'),
    };
    const presigned = await createPresignedPost(s3, { Bucket: 'field-uploads', Key: 'data.csv', Fields: fields });
    const answer = await post(presigned, file);
    expect(answer.status).toBe(204);
    expect(answer.headers['x-amz-checksum-sha256']).toBe(fields['x-amz-checksum-sha256']);
    const head = await s3.send(new HeadObjectCommand({ Bucket: 'field-uploads', Key: 'data.csv', ChecksumMode: 'ENABLED' }));
    expect(head).toMatchObject({
      ContentType: 'text/csv',
      CacheControl: 'no-cache',
      ContentDisposition: 'inline',
      ExpiresString: fields.Expires,
      WebsiteRedirectLocation: 'https://example.com/moved',
      ChecksumSHA256: fields['x-amz-checksum-sha256'],
    });
    const wrong = await post(
      await createPresignedPost(s3, { Bucket: 'field-uploads', Key: 'wrong.csv', Fields: { 'x-amz-checksum-sha256': fields['x-amz-checksum-sha256'] } }),
      'other',
    );
    expect(wrong.status).toBe(400);
    expect(wrong.body).toContain('<Code>BadDigest</Code>');
    expect(await keysIn('field-uploads')).toEqual(['data.csv']);
  });
});
