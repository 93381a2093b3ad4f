/**
 * ListMultipartUploads' `max-uploads` and ListParts' `max-parts` and `part-number-marker`, refused
 * as S3 words and orders them (the sources are cited in `S3_ERRORS`):
 *
 * - not a 32-bit integer (a word, a space, past the range): "Provided <name> not an integer or
 *   within integer range", naming the argument and the value as sent, before the bucket (captured
 *   against S3, us-east-1, 2026-09-29, for `abc`; versity/versitygw#1794 and getmoto/moto#4624,
 *   verified against AWS, past the range);
 * - negative: "Argument <name> must be an integer between 0 and 2147483647", naming the value as
 *   parsed, after the bucket (moto#4624; brekkylab/backlot#176 and #192, measured);
 * - empty: taken as absent (LS-snapshot `test_list_parts_empty_part_number_marker`).
 */

import { CreateMultipartUploadCommand, ListMultipartUploadsCommand, ListPartsCommand, UploadPartCommand } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { argued, sdkError, served, wireRefusal } from '../helpers/wire.ts';

const NOT_AN_INTEGER = (name: string): string => `Provided ${name} not an integer or within integer range`;
const NEGATIVE = (name: string): string => `Argument ${name} must be an integer between 0 and 2147483647`;
const NO_SUCH_BUCKET: readonly [number, string, string, string] = [
  404,
  'NoSuchBucket',
  'The specified bucket does not exist',
  '<BucketName>absent</BucketName>',
];

describe('ListMultipartUploads max-uploads on the wire', () => {
  it.each([
    // Captured: `abc`, before the bucket.
    ['/absent?uploads&max-uploads=abc', [400, 'InvalidArgument', NOT_AN_INTEGER('max-uploads'), argued('max-uploads', 'abc')]],
    // versitygw#1794: S3's answer to a value past the 32-bit range.
    ['/wire?uploads&max-uploads=2157483647', [400, 'InvalidArgument', NOT_AN_INTEGER('max-uploads'), argued('max-uploads', '2157483647')]],
    // backlot (measured): a space is no integer, the value named as sent.
    ['/wire?uploads&max-uploads=%205', [400, 'InvalidArgument', NOT_AN_INTEGER('max-uploads'), argued('max-uploads', ' 5')]],
    // backlot (measured): a negative one after the bucket, named as parsed.
    ['/wire?uploads&max-uploads=-01', [400, 'InvalidArgument', NEGATIVE('max-uploads'), argued('max-uploads', '-1')]],
    ['/absent?uploads&max-uploads=-1', NO_SUCH_BUCKET],
  ])('GET %s', async (path, expected) => {
    const { server, close } = await served('wire');
    try {
      expect(await wireRefusal(await fetch(`${server.url}${path}`))).toEqual(expected);
    } finally {
      await close();
    }
  });

  it('an empty max-uploads is the default page; a negative one through the SDK is refused naming the value', async () => {
    const { server, client, close } = await served('wire');
    try {
      const response = await fetch(`${server.url}/wire?uploads&max-uploads=`);
      expect(response.status).toBe(200);
      expect(await response.text()).toContain('<MaxUploads>1000</MaxUploads>');
      const error = await sdkError(client.send(new ListMultipartUploadsCommand({ Bucket: 'wire', MaxUploads: -5 })));
      expect([error.$metadata.httpStatusCode, error.name, error.message]).toEqual([400, 'InvalidArgument', NEGATIVE('max-uploads')]);
      expect(error).toMatchObject({ ArgumentName: 'max-uploads', ArgumentValue: '-5' });
    } finally {
      await close();
    }
  });
});

describe('ListParts max-parts and part-number-marker', () => {
  it.each([
    // Captured: `max-parts=abc` at a bucket that does not exist, before the bucket.
    ['/absent/a.txt?uploadId=x&max-parts=abc', [400, 'InvalidArgument', NOT_AN_INTEGER('max-parts'), argued('max-parts', 'abc')]],
    // Captured: `part-number-marker=abc` for an upload that does not exist, before the upload.
    ['/wire/k?uploadId=x&part-number-marker=abc', [400, 'InvalidArgument', NOT_AN_INTEGER('part-number-marker'), argued('part-number-marker', 'abc')]],
    ['/absent/a.txt?uploadId=x&part-number-marker=1.5', [400, 'InvalidArgument', NOT_AN_INTEGER('part-number-marker'), argued('part-number-marker', '1.5')]],
    // A negative one after the bucket.
    ['/absent/a.txt?uploadId=x&max-parts=-1', NO_SUCH_BUCKET],
  ])('GET %s', async (path, expected) => {
    const { server, close } = await served('wire');
    try {
      expect(await wireRefusal(await fetch(`${server.url}${path}`))).toEqual(expected);
    } finally {
      await close();
    }
  });

  // getmoto/moto#4624 `test_multipart_list_parts_invalid_argument`, verified against AWS.
  it.each([
    [-42, NEGATIVE('max-parts'), NEGATIVE('part-number-marker')],
    [2147483647 + 42, NOT_AN_INTEGER('max-parts'), NOT_AN_INTEGER('part-number-marker')],
  ])('through the SDK, %i: %s', async (value, maxParts, marker) => {
    const { client, close } = await served('wire');
    try {
      const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket: 'wire', Key: 'the-key' }));
      const list = { Bucket: 'wire', Key: 'the-key', UploadId };
      const byMaxParts = await sdkError(client.send(new ListPartsCommand({ ...list, MaxParts: value })));
      expect([byMaxParts.$metadata.httpStatusCode, byMaxParts.name, byMaxParts.message]).toEqual([400, 'InvalidArgument', maxParts]);
      expect(byMaxParts).toMatchObject({ ArgumentName: 'max-parts', ArgumentValue: String(value) });
      const byMarker = await sdkError(client.send(new ListPartsCommand({ ...list, PartNumberMarker: String(value) })));
      expect([byMarker.$metadata.httpStatusCode, byMarker.name, byMarker.message]).toEqual([400, 'InvalidArgument', marker]);
      expect(byMarker).toMatchObject({ ArgumentName: 'part-number-marker', ArgumentValue: String(value) });
    } finally {
      await close();
    }
  });

  it('an empty part-number-marker or max-parts is taken as absent (LS-snapshot)', async () => {
    const { server, client, close } = await served('wire');
    try {
      const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket: 'wire', Key: 'k' }));
      await client.send(new UploadPartCommand({ Bucket: 'wire', Key: 'k', UploadId, PartNumber: 1, Body: 'data' }));
      for (const query of ['part-number-marker=', 'max-parts=']) {
        const response = await fetch(`${server.url}/wire/k?uploadId=${UploadId}&${query}`);
        expect(response.status).toBe(200);
        const text = await response.text();
        expect([
          text.includes('<PartNumberMarker>0</PartNumberMarker>'),
          text.includes('<MaxParts>1000</MaxParts>'),
          text.includes('<PartNumber>1</PartNumber>'),
        ]).toEqual([true, true, true]);
      }
    } finally {
      await close();
    }
  });
});
