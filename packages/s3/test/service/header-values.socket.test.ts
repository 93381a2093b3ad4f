/**
 * A text a GET or HEAD would answer as a header is refused before anything is stored when no
 * answer could carry it: a line break or another control character, or (outside user metadata,
 * which is answered RFC 2047-encoded) a character beyond ISO-8859-1, S3's answer for such a
 * response-content-disposition being 400 InvalidArgument "Header value cannot be represented using
 * ISO-8859-1." (guardian/grid#1716). HTTP headers cannot hold them; a POST form's fields and the
 * engine API can. A form's fields are text (UTF-8: "UTF-8 when you are using SOAP or browser-based
 * uploads via POST", S3 User Guide on user-defined metadata), so `é` in a field is one character,
 * answered as the byte E9.
 */

import { connect } from 'node:net';
import { HeadObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { afterEach, describe, expect, it } from 'vitest';
import type { S3Error } from '../../src/index.ts';
import { served } from '../helpers/wire.ts';

const closing: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closing.splice(0)) await close();
});

async function start() {
  const fixture = await served('uploads');
  closing.push(fixture.close);
  return fixture;
}

async function post(client: S3Client, key: string, fields: Record<string, string>): Promise<{ status: number; body: string }> {
  const presigned = await createPresignedPost(client, { Bucket: 'uploads', Key: key, Fields: fields });
  const form = new FormData();
  for (const [name, value] of Object.entries(presigned.fields)) form.append(name, value);
  form.append('file', new Blob(['x']), 'upload.bin');
  const response = await fetch(presigned.url, { method: 'POST', body: form });
  return { status: response.status, body: await response.text() };
}

const element = (body: string, name: string) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(body)?.[1];

async function keys(client: S3Client): Promise<string[]> {
  return ((await client.send(new ListObjectsV2Command({ Bucket: 'uploads' }))).Contents ?? []).map((object) => object.Key as string);
}

/** The raw head of a HEAD answer. */
function rawHead(port: number, key: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.end(`HEAD /uploads/${key} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`));
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => resolve(Buffer.concat(chunks)));
  });
}

describe('a POST form field no answer could carry', () => {
  it.each([
    ['Cache-Control', 'no-cache\r\nSet-Cookie: evil=1', 'The header Cache-Control has an invalid value.'],
    ['Content-Disposition', 'attachment; filename="日本.txt"', 'Header value cannot be represented using ISO-8859-1.'],
    ['Content-Type', 'text/plain\r\nx', 'The header Content-Type has an invalid value.'],
    ['x-amz-meta-a', 'x\r\ny', 'The header x-amz-meta-a has an invalid value.'],
  ])('%s: 400 InvalidArgument, nothing stored', async (field, value, message) => {
    const { client } = await start();
    const answer = await post(client, 'refused', { [field]: value });
    expect(answer.status).toBe(400);
    expect(element(answer.body, 'Code')).toBe('InvalidArgument');
    expect(element(answer.body, 'Message')).toBe(message);
    expect(element(answer.body, 'ArgumentName')?.toLowerCase()).toBe(field.toLowerCase());
    expect(await keys(client)).toEqual([]);
  });

  it('metadata beyond ISO-8859-1 is kept (answered RFC 2047-encoded), and a Content-Disposition `é` is answered as the byte E9', async () => {
    const { client, server } = await start();
    expect((await post(client, 'kept', { 'x-amz-meta-a': '日本', 'Content-Disposition': 'attachment; filename="é.txt"' })).status).toBe(204);
    const head = await client.send(new HeadObjectCommand({ Bucket: 'uploads', Key: 'kept' }));
    expect(head.Metadata).toEqual({ a: `=?UTF-8?B?${Buffer.from('日本').toString('base64')}?=` });
    expect(head.ContentDisposition).toBe('attachment; filename="é.txt"');
    const raw = await rawHead(server.port, 'kept');
    expect(raw.includes(Buffer.from('content-disposition: attachment; filename="\u00e9.txt"\r\n', 'latin1'))).toBe(true);
  });
});

describe('the engine API', () => {
  it.each([
    [{ CacheControl: 'a\r\nb' }, 'InvalidHeaderValue'],
    [{ ContentDisposition: '日本' }, 'HeaderValueNotLatin1'],
    [{ ContentType: 'text/\u0000' }, 'InvalidHeaderValue'],
    [{ Metadata: { 'a b': 'x' } }, 'InvalidHeaderValue'],
    [{ Metadata: { a: 'x\ny' } }, 'InvalidHeaderValue'],
  ])('refuses PutObject %o before storing (%s)', async (members, reason) => {
    const { engine, client } = await start();
    const error = (await engine.s3
      .send('PutObject', { Bucket: 'uploads', Key: 'k', Body: new Uint8Array([1]), ...members })
      .catch((e: unknown) => e)) as S3Error;
    expect(error.reason).toBe(reason);
    expect(error.code).toBe('InvalidArgument');
    expect(await keys(client)).toEqual([]);
  });

  it('refuses CreateMultipartUpload and CopyObject REPLACE the same way', async () => {
    const { engine } = await start();
    const upload = (await engine.s3
      .send('CreateMultipartUpload', { Bucket: 'uploads', Key: 'k', ContentLanguage: 'x\ry' })
      .catch((e: unknown) => e)) as S3Error;
    expect(upload.reason).toBe('InvalidHeaderValue');
    await engine.s3.send('PutObject', { Bucket: 'uploads', Key: 'src', Body: new Uint8Array([1]) });
    const copy = (await engine.s3
      .send('CopyObject', { Bucket: 'uploads', Key: 'dst', CopySource: 'uploads/src', MetadataDirective: 'REPLACE', Expires: 'Ω' })
      .catch((e: unknown) => e)) as S3Error;
    expect(copy.reason).toBe('HeaderValueNotLatin1');
  });
});
