/**
 * A POST form whose request head is signed (Authorization header) rather than its policy: the
 * signed x-amz-content-sha256 binds the body, as on every other signed request.
 */
import { createHash } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { CreateBucketCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import { afterEach, describe, expect, it } from 'vitest';
import { CREDENTIALS, listen, REGION, wireEngine } from '../helpers/wire.ts';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

function formOf(key: string, file: string): string {
  return `--XB\r\nContent-Disposition: form-data; name="key"\r\n\r\n${key}\r\n--XB\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n\r\n${file}\r\n--XB--\r\n`;
}

interface Answer {
  readonly status: number;
  readonly code: string | undefined;
}

function send(port: number, headers: Record<string, string>, body: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest({ host: '127.0.0.1', port, method: 'POST', path: '/uploads', headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, code: /<Code>([^<]*)<\/Code>/.exec(Buffer.concat(chunks).toString('utf8'))?.[1] }));
    });
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

async function postSigned(port: number, signedBody: string, sentBody: string): Promise<Answer> {
  const signer = new SignatureV4({ service: 's3', region: REGION, credentials: CREDENTIALS, sha256: Hash.bind(null, 'sha256'), uriEscapePath: false });
  const signed = await signer.sign({
    method: 'POST',
    protocol: 'http:',
    hostname: `127.0.0.1:${port}`,
    path: '/uploads',
    headers: {
      host: `127.0.0.1:${port}`,
      'content-type': 'multipart/form-data; boundary=XB',
      'x-amz-content-sha256': createHash('sha256').update(signedBody).digest('hex'),
      'content-length': String(Buffer.byteLength(sentBody)),
    },
    body: signedBody,
  });
  return await send(port, signed.headers as Record<string, string>, sentBody);
}

async function start(): Promise<{ port: number; client: S3Client }> {
  const engine = wireEngine({ strict: true });
  const server = await listen(engine.handler);
  const port = Number(new URL(server.url).port);
  const client = new S3Client({ endpoint: server.url, region: REGION, credentials: CREDENTIALS, forcePathStyle: true });
  closers.push(async () => {
    client.destroy();
    await server.close();
    await engine.close();
  });
  await client.send(new CreateBucketCommand({ Bucket: 'uploads' }));
  return { port, client };
}

async function keys(client: S3Client): Promise<string[]> {
  const { Contents } = await client.send(new ListObjectsV2Command({ Bucket: 'uploads' }));
  return (Contents ?? []).map((object) => object.Key as string);
}

describe('a POST form signed in its request head', () => {
  it('is refused with XAmzContentSHA256Mismatch when its body is not the one whose hash was signed, and stores nothing', async () => {
    const { port, client } = await start();
    const answer = await postSigned(port, formOf('report.txt', 'original'), formOf('report.txt', 'tampered'));
    expect({ answer, keys: await keys(client) }).toEqual({ answer: { status: 400, code: 'XAmzContentSHA256Mismatch' }, keys: [] });
  });

  it('is stored as its signer when its body is the one signed', async () => {
    const { port, client } = await start();
    const form = formOf('report.txt', 'original');
    const answer = await postSigned(port, form, form);
    expect({ answer, keys: await keys(client) }).toEqual({ answer: { status: 204, code: undefined }, keys: ['report.txt'] });
  });
});
