/**
 * A POST form whose request head is signed (Authorization header) rather than its policy: the
 * signed x-amz-content-sha256 binds the body, as on every other signed request.
 */
import { createHash } from 'node:crypto';
import { ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import { afterEach, describe, expect, it } from 'vitest';
import { errorCode, FORM_CONTENT_TYPE, formOf, sendRaw } from '../helpers/raw-form.ts';
import { CREDENTIALS, REGION, served } from '../helpers/wire.ts';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

interface Answer {
  readonly status: number;
  readonly code: string | undefined;
}

async function send(port: number, headers: Record<string, string>, body: string): Promise<Answer> {
  const { status, body: text } = await sendRaw(port, 'POST', '/uploads', headers, body);
  return { status, code: errorCode(text) };
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
      'content-type': FORM_CONTENT_TYPE,
      'x-amz-content-sha256': createHash('sha256').update(signedBody).digest('hex'),
      'content-length': String(Buffer.byteLength(sentBody)),
    },
    body: signedBody,
  });
  return await send(port, signed.headers as Record<string, string>, sentBody);
}

async function start(): Promise<{ port: number; client: S3Client }> {
  const { server, client, close } = await served('uploads', { strict: true });
  closers.push(close);
  return { port: server.port, client };
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
