/**
 * Review of the `versions` branch (review2): answers where it differs from S3. Each test states
 * S3's answer and where it comes from; each fails on `versions` at ed242c9.
 */

import { describe, expect, it } from 'vitest';
import { served } from '../helpers/wire.ts';

/** The error S3 answers, as `Code`, `Message` and what follows it up to `RequestId`. */
async function refusal(response: Response): Promise<[number, string | undefined, string | undefined, string | undefined]> {
  const text = await response.text();
  const code = /<Code>([^<]*)<\/Code>/.exec(text)?.[1];
  const message = /<Message>([^<]*)<\/Message>/.exec(text)?.[1];
  const members = /<\/Message>(.*?)<RequestId>/.exec(text)?.[1];
  return [response.status, code, message, members];
}

const argued = (name: string, value?: string): string =>
  `<ArgumentName>${name}</ArgumentName>${value === undefined ? '' : `<ArgumentValue>${value}</ArgumentValue>`}`;

describe('ListObjectVersions refusals S3 makes (captured against S3 us-east-1, 2026-09-29)', () => {
  it('max-keys=-1: 400 "max-keys cannot be negative" naming max-keys without a value', async () => {
    const { server, close } = await served('wire');
    try {
      const response = await fetch(`${server.url}/wire?versions&max-keys=-1`);
      expect(await refusal(response)).toEqual([400, 'InvalidArgument', 'max-keys cannot be negative', argued('max-keys')]);
    } finally {
      await close();
    }
  });

  // Which refusal wins when two are sent: S3 checks the markers before encoding-type and a
  // negative max-keys, and words a max-keys that is not a number as the repository's own
  // InvalidMaxKeys does (same capture).
  it.each([
    ['versions&max-keys=-1&version-id-marker=x', 'A version-id marker cannot be specified without a key marker.', argued('version-id-marker', 'x')],
    ['versions&max-keys=abc', 'Provided max-keys not an integer or within integer range', argued('max-keys', 'abc')],
  ])('?%s: 400 %s', async (query, message, members) => {
    const { server, close } = await served('wire');
    try {
      const response = await fetch(`${server.url}/wire?${query}`);
      expect(await refusal(response)).toEqual([400, 'InvalidArgument', message, members]);
    } finally {
      await close();
    }
  });
});
