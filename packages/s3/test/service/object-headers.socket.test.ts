/**
 * The headers an object keeps, read back over a real socket, byte for byte. S3 takes each byte of
 * a request header as one ISO-8859-1 character and answers the bytes it stored (its refusal of
 * what it cannot write says so: "Header value cannot be represented using ISO-8859-1.",
 * guardian/grid#1716). node:http re-reads a Content-Disposition after Content-Length as UTF-8
 * (nodejs/node#46528): the kernel's writer must not let it, or such an object answers 500 on
 * every GET and HEAD.
 */

import { Readable } from 'node:stream';
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterEach, describe, expect, it } from 'vitest';
import { rawExchange, served, type WireOptions } from '../helpers/wire.ts';

const closing: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closing.splice(0)) await close();
});

async function start(options: WireOptions = {}) {
  const fixture = await served('files', options);
  closing.push(fixture.close);
  return fixture;
}

/** A header's value bytes in a raw response (`undefined` without it). */
function headerBytes(raw: Buffer, name: string): Buffer | undefined {
  const head = raw.subarray(0, raw.indexOf('\r\n\r\n'));
  const start = head.indexOf(`\r\n${name}: `);
  if (start < 0) return undefined;
  const from = start + name.length + 4;
  const end = head.indexOf('\r\n', from);
  return head.subarray(from, end < 0 ? head.length : end);
}

const read = (port: number, method: 'GET' | 'HEAD', key: string) =>
  rawExchange(port, Buffer.from(`${method} /files/${key} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`));

describe('a non-ASCII Content-Disposition over a socket', () => {
  it('set by PutObjectCommand (a streamed body: the header goes as Latin-1) reads back byte for byte, in process alike', async () => {
    const { client, server, inProcess } = await start();
    const disposition = 'attachment; filename="résumé.pdf"';
    await client.send(
      new PutObjectCommand({ Bucket: 'files', Key: 'resume', Body: Readable.from([Buffer.from('x')]), ContentLength: 1, ContentDisposition: disposition }),
    );
    for (const method of ['GET', 'HEAD'] as const) {
      const raw = await read(server.port, method, 'resume');
      expect(raw.subarray(0, 15).toString()).toBe('HTTP/1.1 200 OK');
      expect(headerBytes(raw, 'content-disposition')).toEqual(Buffer.from(disposition, 'latin1'));
    }
    expect((await client.send(new HeadObjectCommand({ Bucket: 'files', Key: 'resume' }))).ContentDisposition).toBe(disposition);
    expect((await client.send(new GetObjectCommand({ Bucket: 'files', Key: 'resume' }))).ContentDisposition).toBe(disposition);
    expect((await inProcess.send(new GetObjectCommand({ Bucket: 'files', Key: 'resume' }))).ContentDisposition).toBe(disposition);
    expect((await inProcess.send(new HeadObjectCommand({ Bucket: 'files', Key: 'resume' }))).ContentDisposition).toBe(disposition);
  });

  it('sent as raw UTF-8 bytes (curl, a browser) reads back as those bytes, and Cache-Control, Content-Language and Expires too', async () => {
    const { server } = await start();
    const utf8 = (text: string) => Buffer.from(text, 'utf8');
    const put = Buffer.concat([
      Buffer.from('PUT /files/raw HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1\r\nConnection: close\r\nContent-Disposition: attachment; filename="'),
      utf8('é'),
      Buffer.from('.txt"\r\nCache-Control: private, x="'),
      utf8('ü'),
      Buffer.from('"\r\nContent-Language: de\r\nExpires: '),
      utf8('Déc'),
      Buffer.from('\r\n\r\nx'),
    ]);
    expect((await rawExchange(server.port, put)).subarray(0, 15).toString()).toBe('HTTP/1.1 200 OK');
    for (const method of ['GET', 'HEAD'] as const) {
      const raw = await read(server.port, method, 'raw');
      expect(raw.subarray(0, 15).toString()).toBe('HTTP/1.1 200 OK');
      expect(headerBytes(raw, 'content-disposition')).toEqual(Buffer.concat([Buffer.from('attachment; filename="'), utf8('é'), Buffer.from('.txt"')]));
      expect(headerBytes(raw, 'cache-control')).toEqual(Buffer.concat([Buffer.from('private, x="'), utf8('ü'), Buffer.from('"')]));
      expect(headerBytes(raw, 'content-language')?.toString()).toBe('de');
      expect(headerBytes(raw, 'expires')).toEqual(utf8('Déc'));
    }
  });

  it('left empty on a PUT (Cache-Control, Content-Disposition, Content-Language, Expires) are not kept: no read answers them', async () => {
    const { server } = await start();
    const put = Buffer.from(
      'PUT /files/empty HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1\r\nConnection: close\r\nCache-Control:\r\nContent-Disposition: \r\nContent-Language:\r\nExpires:\r\n\r\nx',
    );
    expect((await rawExchange(server.port, put)).subarray(0, 15).toString()).toBe('HTTP/1.1 200 OK');
    const raw = await read(server.port, 'HEAD', 'empty');
    expect(raw.subarray(0, 15).toString()).toBe('HTTP/1.1 200 OK');
    for (const name of ['cache-control', 'content-disposition', 'content-language', 'expires']) expect(headerBytes(raw, name)).toBeUndefined();
  });

  it('set by PutObjectCommand with a byte body: node:http mangles the header in the client, so the signature fails (as against S3)', async () => {
    // The SDK hands the body to request.end(), which makes node:http re-read Content-Disposition
    // as UTF-8 in the client too (nodejs/node#46528): `é` leaves as 0xFD, while the signature
    // covers the UTF-8 of `é`. S3 signs the bytes it receives (taken as ISO-8859-1, then UTF-8:
    // knox#223's StringToSign), so it answers SignatureDoesNotMatch (aws-sdk-js#1648), as here.
    const { client } = await start({ strict: true });
    const sent = client.send(
      new PutObjectCommand({ Bucket: 'files', Key: 'mangled', Body: Buffer.from('x'), ContentDisposition: 'attachment; filename="é.pdf"' }),
    );
    await expect(sent).rejects.toMatchObject({ name: 'SignatureDoesNotMatch', $metadata: { httpStatusCode: 403 } });
  });
});
