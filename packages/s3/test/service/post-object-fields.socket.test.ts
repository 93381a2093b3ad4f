/**
 * A POST form's fields are PutObject's headers ("Parameters that are passed to PUT through HTTP
 * headers are instead passed as form fields to POST", S3 API reference, POST Object): each one
 * checked and stored as PutObject checks and stores the header, and read back with `S3Client`.
 * Forms made by `@aws-sdk/s3-presigned-post`'s `createPresignedPost` (each field named by a policy
 * condition), sent with `fetch` and `FormData` over a real socket, as a browser sends them.
 */

import { createHash } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { afterEach, describe, expect, it } from 'vitest';
import { served } from '../helpers/wire.ts';

const closing: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closing.splice(0)) await close();
});

async function start(): Promise<S3Client> {
  const fixture = await served('uploads');
  closing.push(fixture.close);
  return fixture.client;
}

/** Posts a form presigned with `fields` (each also a condition), the file last. */
async function post(client: S3Client, key: string, fields: Record<string, string>, file: string): Promise<{ status: number; body: string }> {
  const presigned = await createPresignedPost(client, { Bucket: 'uploads', Key: key, Fields: fields });
  const form = new FormData();
  for (const [name, value] of Object.entries(presigned.fields)) form.append(name, value);
  form.append('file', new Blob([file]), 'upload.bin');
  const response = await fetch(presigned.url, { method: 'POST', body: form });
  return { status: response.status, body: await response.text() };
}

const ENTITIES: Readonly<Record<string, string>> = { quot: '"', apos: "'", lt: '<', gt: '>', amp: '&' };

/** The error document's code and message, unescaped. */
function codeOf(answer: { body: string }): [string | undefined, string | undefined] {
  const text = (value: string | undefined) => value?.replace(/&(quot|apos|lt|gt|amp);/g, (_, name: string) => ENTITIES[name] as string);
  return [text(/<Code>([^<]*)<\/Code>/.exec(answer.body)?.[1]), text(/<Message>([^<]*)<\/Message>/.exec(answer.body)?.[1])];
}

async function keys(client: S3Client): Promise<string[]> {
  return ((await client.send(new ListObjectsV2Command({ Bucket: 'uploads' }))).Contents ?? []).map((object) => object.Key as string);
}

const base64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');
const sha256 = (text: string): string => base64(createHash('sha256').update(text).digest());
const crc32Of = (text: string): string => {
  const value = Buffer.alloc(4);
  value.writeUInt32BE(crc32(text));
  return base64(value);
};

describe('a POST form’s fields, stored as PutObject stores its headers', () => {
  it('Content-Type, Cache-Control, Content-Disposition, Content-Encoding, Expires and the website redirect are answered by GetObject and HeadObject', async () => {
    const client = await start();
    const fields = {
      'Content-Type': 'text/csv',
      'Cache-Control': 'max-age=60',
      'Content-Disposition': 'attachment; filename="report.csv"',
      'Content-Encoding': 'identity',
      Expires: 'Wed, 02 Jan 2030 03:04:05 GMT',
      'x-amz-website-redirect-location': '/moved.html',
    };
    expect((await post(client, 'report.csv', fields, 'a,b\n')).status).toBe(204);
    const expected = {
      ContentType: 'text/csv',
      CacheControl: 'max-age=60',
      ContentDisposition: 'attachment; filename="report.csv"',
      ContentEncoding: 'identity',
      ExpiresString: 'Wed, 02 Jan 2030 03:04:05 GMT',
      WebsiteRedirectLocation: '/moved.html',
    };
    const head = await client.send(new HeadObjectCommand({ Bucket: 'uploads', Key: 'report.csv' }));
    expect(head).toMatchObject(expected);
    const got = await client.send(new GetObjectCommand({ Bucket: 'uploads', Key: 'report.csv' }));
    expect(got).toMatchObject(expected);
    expect(await got.Body?.transformToString()).toBe('a,b\n');
  });

  it('a website redirect PutObject refuses: 400 InvalidRedirectLocation, nothing stored', async () => {
    const client = await start();
    const answer = await post(client, 'k', { 'x-amz-website-redirect-location': 'moved.html' }, 'x');
    expect([answer.status, ...codeOf(answer)]).toEqual([
      400,
      'InvalidRedirectLocation',
      "The website redirect location must have a prefix of 'http://' or 'https://' or '/'.",
    ]);
    expect(await keys(client)).toEqual([]);
  });

  it('x-amz-storage-class is checked as PutObject checks it: 400 InvalidStorageClass for a class S3 lacks, a valid one accepted', async () => {
    const client = await start();
    const refused = await post(client, 'k', { 'x-amz-storage-class': 'PRECIOUS' }, 'x');
    expect([refused.status, ...codeOf(refused)]).toEqual([400, 'InvalidStorageClass', 'The storage class you specified is not valid']);
    expect(await keys(client)).toEqual([]);
    expect((await post(client, 'k', { 'x-amz-storage-class': 'STANDARD_IA' }, 'x')).status).toBe(204);
  });

  it('x-amz-checksum-sha256: the file is checked against it and the checksum stored; a mismatch is 400 BadDigest, nothing stored', async () => {
    const client = await start();
    const refused = await post(client, 'k', { 'x-amz-checksum-sha256': sha256('other') }, 'file');
    expect([refused.status, ...codeOf(refused)]).toEqual([400, 'BadDigest', 'The SHA256 you specified did not match the calculated checksum.']);
    expect(await keys(client)).toEqual([]);
    expect((await post(client, 'k', { 'x-amz-checksum-sha256': sha256('file') }, 'file')).status).toBe(204);
    const head = await client.send(new HeadObjectCommand({ Bucket: 'uploads', Key: 'k', ChecksumMode: 'ENABLED' }));
    expect([head.ChecksumSHA256, head.ChecksumType]).toEqual([sha256('file'), 'FULL_OBJECT']);
  });

  it('x-amz-checksum-algorithm with its x-amz-checksum-crc32 value: checked and stored as the algorithm names', async () => {
    const client = await start();
    const refused = await post(client, 'k', { 'x-amz-checksum-algorithm': 'CRC32', 'x-amz-checksum-crc32': crc32Of('other') }, 'file');
    expect([refused.status, ...codeOf(refused)]).toEqual([400, 'BadDigest', 'The CRC32 you specified did not match the calculated checksum.']);
    expect(await keys(client)).toEqual([]);
    expect((await post(client, 'k', { 'x-amz-checksum-algorithm': 'CRC32', 'x-amz-checksum-crc32': crc32Of('file') }, 'file')).status).toBe(204);
    const head = await client.send(new HeadObjectCommand({ Bucket: 'uploads', Key: 'k', ChecksumMode: 'ENABLED' }));
    expect(head.ChecksumCRC32).toBe(crc32Of('file'));
  });

  it('x-amz-checksum-algorithm alone: the file’s checksum computed with that algorithm and stored', async () => {
    const client = await start();
    expect((await post(client, 'k', { 'x-amz-checksum-algorithm': 'SHA256' }, 'file')).status).toBe(204);
    const head = await client.send(new HeadObjectCommand({ Bucket: 'uploads', Key: 'k', ChecksumMode: 'ENABLED' }));
    expect(head.ChecksumSHA256).toBe(sha256('file'));
  });
});
