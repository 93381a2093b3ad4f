/**
 * The headers an object keeps (S3 User Guide, "Working with object metadata": system-defined
 * metadata a user can set): `Cache-Control`, `Content-Disposition`, `Content-Encoding`,
 * `Content-Language`, `Expires` and `x-amz-website-redirect-location`, set by PutObject,
 * CreateMultipartUpload and CopyObject (`REPLACE`; `COPY` keeps the source's but for the redirect,
 * which is never copied) and answered by GetObject and HeadObject. Through `@aws-sdk/client-s3`
 * and the kernel's in-process handler.
 */

import { Readable } from 'node:stream';
import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  PutObjectCommand,
  type S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import type { HttpRequest } from '@smithy/types';
import { describe, expect, it } from 'vitest';
import { useInProcessS3 } from '../helpers/sdk-fixture.ts';
import { sdkError } from '../helpers/wire.ts';

const sdk = useInProcessS3({ buckets: ['data'] });

const EXPIRES = new Date('2030-01-02T03:04:05Z');
const HEADERS = {
  CacheControl: 'max-age=3600, public',
  ContentDisposition: 'attachment; filename="report.csv"',
  ContentEncoding: 'gzip',
  ContentLanguage: 'en-GB',
  Expires: EXPIRES,
  WebsiteRedirectLocation: '/elsewhere.html',
};
/** What GetObject and HeadObject answer for HEADERS (the SDK parses Expires back to a Date). */
const ANSWERED = { ...HEADERS, ExpiresString: EXPIRES.toUTCString() };

/** The kept headers as GetObject and HeadObject answer them (undefined members left out). */
async function headersOf(key: string, client: S3Client = sdk.client): Promise<Record<string, unknown>[]> {
  const pick = (output: Record<string, unknown>): Record<string, unknown> =>
    Object.fromEntries(
      ['CacheControl', 'ContentDisposition', 'ContentEncoding', 'ContentLanguage', 'Expires', 'ExpiresString', 'WebsiteRedirectLocation']
        .filter((member) => output[member] !== undefined)
        .map((member) => [member, output[member]]),
    );
  const got = await client.send(new GetObjectCommand({ Bucket: 'data', Key: key }));
  await got.Body?.transformToString();
  const head = await client.send(new HeadObjectCommand({ Bucket: 'data', Key: key }));
  return [pick(got as unknown as Record<string, unknown>), pick(head as unknown as Record<string, unknown>)];
}

describe('PutObject', () => {
  it('keeps Cache-Control, Content-Disposition, Content-Encoding, Content-Language, Expires and the website redirect', async () => {
    await sdk.client.send(new PutObjectCommand({ Bucket: 'data', Key: 'k', Body: 'x', ...HEADERS }));
    expect(await headersOf('k')).toEqual([ANSWERED, ANSWERED]);
  });

  it('an object written without them answers none', async () => {
    await sdk.client.send(new PutObjectCommand({ Bucket: 'data', Key: 'plain', Body: 'x' }));
    expect(await headersOf('plain')).toEqual([{}, {}]);
  });

  it('keeps Content-Encoding without the aws-chunked coding that framed the request body', async () => {
    const sent: string[] = [];
    sdk.client.middlewareStack.add(
      (next) => async (args) => {
        sent.push(String((args.request as HttpRequest).headers['content-encoding']));
        return next(args);
      },
      { step: 'finalizeRequest', name: 'seeContentEncoding' },
    );
    // A stream of known length: the SDK sends it aws-chunked, its CRC32 in a trailer.
    const body = () => Readable.from([Buffer.from('streamed')]);
    await sdk.client.send(new PutObjectCommand({ Bucket: 'data', Key: 'gz', Body: body(), ContentLength: 8, ContentEncoding: 'gzip' }));
    await sdk.client.send(new PutObjectCommand({ Bucket: 'data', Key: 'none', Body: body(), ContentLength: 8 }));
    expect(sent.map((value) => value.includes('aws-chunked'))).toEqual([true, true]);
    expect((await headersOf('gz'))[1]).toEqual({ ContentEncoding: 'gzip' });
    expect((await headersOf('none'))[1]).toEqual({});
  });

  it('a website redirect without /, http:// or https:// in front: 400 InvalidRedirectLocation, nothing stored', async () => {
    const error = await sdkError(sdk.client.send(new PutObjectCommand({ Bucket: 'data', Key: 'bad', Body: 'x', WebsiteRedirectLocation: 'elsewhere.html' })));
    expect([error.name, error.$metadata.httpStatusCode, error.message]).toEqual([
      'InvalidRedirectLocation',
      400,
      "The website redirect location must have a prefix of 'http://' or 'https://' or '/'.",
    ]);
    expect((await sdkError(sdk.client.send(new HeadObjectCommand({ Bucket: 'data', Key: 'bad' })))).$metadata.httpStatusCode).toBe(404);
  });
});

describe('CopyObject', () => {
  it('COPY keeps the source’s headers but not its website redirect, which only the request sets', async () => {
    await sdk.client.send(new PutObjectCommand({ Bucket: 'data', Key: 'source', Body: 'x', ...HEADERS }));
    const { WebsiteRedirectLocation: _, ...withoutRedirect } = ANSWERED;
    await sdk.client.send(new CopyObjectCommand({ Bucket: 'data', Key: 'copy', CopySource: 'data/source', CacheControl: 'ignored under COPY' }));
    expect(await headersOf('copy')).toEqual([withoutRedirect, withoutRedirect]);
    await sdk.client.send(
      new CopyObjectCommand({ Bucket: 'data', Key: 'redirected', CopySource: 'data/source', WebsiteRedirectLocation: 'https://example.com/' }),
    );
    expect((await headersOf('redirected'))[1]).toEqual({ ...withoutRedirect, WebsiteRedirectLocation: 'https://example.com/' });
  });

  it('REPLACE takes the request’s headers only', async () => {
    await sdk.client.send(new PutObjectCommand({ Bucket: 'data', Key: 'source', Body: 'x', ...HEADERS }));
    await sdk.client.send(
      new CopyObjectCommand({ Bucket: 'data', Key: 'replaced', CopySource: 'data/source', MetadataDirective: 'REPLACE', ContentLanguage: 'de' }),
    );
    expect(await headersOf('replaced')).toEqual([{ ContentLanguage: 'de' }, { ContentLanguage: 'de' }]);
  });

  it('an invalid website redirect: 400 InvalidRedirectLocation, nothing copied', async () => {
    await sdk.client.send(new PutObjectCommand({ Bucket: 'data', Key: 'source', Body: 'x' }));
    const error = await sdkError(
      sdk.client.send(new CopyObjectCommand({ Bucket: 'data', Key: 'copy', CopySource: 'data/source', WebsiteRedirectLocation: 'nowhere' })),
    );
    expect([error.name, error.$metadata.httpStatusCode]).toEqual(['InvalidRedirectLocation', 400]);
    expect((await sdkError(sdk.client.send(new HeadObjectCommand({ Bucket: 'data', Key: 'copy' })))).$metadata.httpStatusCode).toBe(404);
  });
});

describe('a multipart upload', () => {
  it('keeps the headers CreateMultipartUpload named on the completed object', async () => {
    const { UploadId } = await sdk.client.send(new CreateMultipartUploadCommand({ Bucket: 'data', Key: 'parts', ...HEADERS }));
    const { ETag } = await sdk.client.send(new UploadPartCommand({ Bucket: 'data', Key: 'parts', UploadId, PartNumber: 1, Body: 'x' }));
    await sdk.client.send(
      new CompleteMultipartUploadCommand({ Bucket: 'data', Key: 'parts', UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag }] } }),
    );
    expect(await headersOf('parts')).toEqual([ANSWERED, ANSWERED]);
  });

  it('an invalid website redirect: 400 InvalidRedirectLocation, no upload started', async () => {
    const error = await sdkError(sdk.client.send(new CreateMultipartUploadCommand({ Bucket: 'data', Key: 'parts', WebsiteRedirectLocation: 'x' })));
    expect([error.name, error.$metadata.httpStatusCode]).toEqual(['InvalidRedirectLocation', 400]);
    expect((await sdk.client.send(new ListMultipartUploadsCommand({ Bucket: 'data' }))).Uploads).toBeUndefined();
  });
});
