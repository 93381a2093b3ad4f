/**
 * The listings' `max-keys` refusals, as S3 words and orders them.
 *
 * Captured against S3 (us-east-1, 2026-09-29, a third-party emulator's table of S3's answers):
 * `max-keys=abc` is refused before the bucket, the markers' shape next, and a negative max-keys
 * after the bucket, the version id marker and encoding-type. ListObjectVersions words a negative
 * max-keys "max-keys cannot be negative" (`max-keys`, no value), where ListObjectsV2 names `maxKeys`
 * with the value (same capture), so the two listings' answers differ.
 */

import { describe, expect, it } from 'vitest';
import { argued, served, wireRefusal } from '../helpers/wire.ts';

describe('ListObjectVersions max-keys refusals S3 makes (captured against S3 us-east-1, 2026-09-29)', () => {
  it('max-keys=-1: 400 "max-keys cannot be negative" naming max-keys without a value', async () => {
    const { server, close } = await served('wire');
    try {
      const response = await fetch(`${server.url}/wire?versions&max-keys=-1`);
      expect(await wireRefusal(response)).toEqual([400, 'InvalidArgument', 'max-keys cannot be negative', argued('max-keys')]);
    } finally {
      await close();
    }
  });

  // Which refusal wins when two are sent: S3 checks the markers before a negative max-keys, and
  // words a max-keys that is not a number as the repository's own InvalidMaxKeys does.
  it.each([
    ['versions&max-keys=-1&version-id-marker=x', 'A version-id marker cannot be specified without a key marker.', argued('version-id-marker', 'x')],
    ['versions&max-keys=abc', 'Provided max-keys not an integer or within integer range', argued('max-keys', 'abc')],
  ])('?%s: 400 %s', async (query, message, members) => {
    const { server, close } = await served('wire');
    try {
      const response = await fetch(`${server.url}/wire?${query}`);
      expect(await wireRefusal(response)).toEqual([400, 'InvalidArgument', message, members]);
    } finally {
      await close();
    }
  });
});

// The rest of the same capture's max-keys rows, and ListObjects' and ListObjectsV2's side of it:
// one decoder refusal for a max-keys that is not a 32-bit integer, on all three listings, before
// the bucket; a negative one after the bucket, worded per operation.
describe('max-keys on the wire, on the three listings (captured against S3 us-east-1, 2026-09-29)', () => {
  const NOT_AN_INTEGER = 'Provided max-keys not an integer or within integer range';
  const NAMES_MAX_KEYS = 'Argument maxKeys must be an integer between 0 and 2147483647';

  it.each([
    // Captured: ListObjectVersions' malformed max-keys wins over the markers and encoding-type, and
    // comes before the bucket.
    ['/absent?versions&max-keys=abc', 400, NOT_AN_INTEGER, argued('max-keys', 'abc')],
    ['/wire?versions&max-keys=abc&encoding-type=bogus', 400, NOT_AN_INTEGER, argued('max-keys', 'abc')],
    ['/wire?versions&key-marker=a.txt&version-id-marker=garbage&max-keys=abc', 400, NOT_AN_INTEGER, argued('max-keys', 'abc')],
    ['/wire?versions&key-marker=a.txt&version-id-marker=&max-keys=abc', 400, NOT_AN_INTEGER, argued('max-keys', 'abc')],
    // Captured: a negative one comes after the bucket and after encoding-type.
    ['/absent?versions&max-keys=-1', 404, 'The specified bucket does not exist', '<BucketName>absent</BucketName>'],
    ['/wire?versions&max-keys=-1&encoding-type=bogus', 400, 'Invalid Encoding Method specified in Request', argued('encoding-type', 'bogus')],
    // ListObjects (v1) and ListObjectsV2: the same malformed answer, before the bucket (the capture
    // has `?max-keys=abc` winning over a versionId at the bucket; jchristn/S3Server 8.0.0, recorded
    // from S3, answers it for both listings and for a value outside the 32-bit range).
    ['/absent?max-keys=abc', 400, NOT_AN_INTEGER, argued('max-keys', 'abc')],
    ['/absent?list-type=2&max-keys=1.5', 400, NOT_AN_INTEGER, argued('max-keys', '1.5')],
    ['/wire?list-type=2&max-keys=2147483648', 400, NOT_AN_INTEGER, argued('max-keys', '2147483648')],
    ['/wire?max-keys=-2147483649', 400, NOT_AN_INTEGER, argued('max-keys', '-2147483649')],
    // A negative one names maxKeys with the value (captured for `?list-type=2&max-keys=-1`), after
    // the bucket; the text as S3Server 8.0.0 recorded it for ListObjects.
    ['/wire?list-type=2&max-keys=-1', 400, NAMES_MAX_KEYS, argued('maxKeys', '-1')],
    ['/wire?max-keys=-2147483648', 400, NAMES_MAX_KEYS, argued('maxKeys', '-2147483648')],
    ['/absent?list-type=2&max-keys=-1', 404, 'The specified bucket does not exist', '<BucketName>absent</BucketName>'],
  ])('GET %s: %i %s', async (path, status, message, members) => {
    const { server, close } = await served('wire');
    try {
      expect(await wireRefusal(await fetch(`${server.url}${path}`))).toEqual([status, status === 404 ? 'NoSuchBucket' : 'InvalidArgument', message, members]);
    } finally {
      await close();
    }
  });

  it('takes 2147483647 and 0 as integers (a page of at most 1000, an empty page)', async () => {
    const { server, close } = await served('wire');
    try {
      for (const [query, maxKeys] of [
        ['list-type=2&max-keys=2147483647', '2147483647'],
        ['max-keys=0', '0'],
        ['versions&max-keys=007', '7'],
      ]) {
        const response = await fetch(`${server.url}/wire?${query}`);
        expect([response.status, /<MaxKeys>([^<]*)<\/MaxKeys>/.exec(await response.text())?.[1]]).toEqual([200, maxKeys]);
      }
    } finally {
      await close();
    }
  });
});
