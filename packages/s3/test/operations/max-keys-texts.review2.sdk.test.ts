/**
 * review2's tests of ListObjectVersions' `max-keys` refusals (REVIEW2 M3).
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
