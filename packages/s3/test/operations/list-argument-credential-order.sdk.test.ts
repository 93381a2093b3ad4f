/**
 * What the listings refuse of their query before the credential, as S3 does: an integer argument
 * that is no 32-bit integer (`max-keys`, `max-uploads`, `max-parts`, `part-number-marker`) and
 * ListObjectVersions' markers' shape (a `version-id-marker` without a `key-marker`, an empty one
 * beside one). An unsigned request and one signed over a wrong secret get the same 400 a signed
 * one gets, in a bucket that exists or not.
 *
 * brekkylab/backlot, measured against S3 (us-east-1, 2026-09-29; its S3 router): "an unsigned
 * request and one signed over a bad secret get the same 400 for `?uploads&max-uploads=abc`,
 * `?max-keys=abc` and `?versions&max-keys=abc`"; `?uploadId=x&max-parts=abc` "is the 400 in a
 * bucket that does not exist, unsigned and over a bad secret"; the version id markers' shape
 * "before the credential and the bucket ... on a bucket nobody owns, unsigned and over a bad
 * secret" (`_versions_parse`). `list-type=2&max-keys=abc` and `part-number-marker=abc` are read by
 * the same parser there (UNCONFIRMED that they were sent unsigned).
 */

import { describe, expect, it } from 'vitest';
import { argued, served, wireRefusal, withOpenAndStrict, wronglySigned } from '../helpers/wire.ts';

const NOT_AN_INTEGER = (name: string): string => `Provided ${name} not an integer or within integer range`;

describe('listing arguments refused before the credential (strict SigV4)', () => {
  it.each([
    ['/absent?max-keys=abc', NOT_AN_INTEGER('max-keys'), argued('max-keys', 'abc')],
    ['/wire?max-keys=2147483648', NOT_AN_INTEGER('max-keys'), argued('max-keys', '2147483648')],
    ['/absent?list-type=2&max-keys=abc', NOT_AN_INTEGER('max-keys'), argued('max-keys', 'abc')],
    ['/absent?versions&max-keys=abc', NOT_AN_INTEGER('max-keys'), argued('max-keys', 'abc')],
    ['/absent?versions&version-id-marker=null', 'A version-id marker cannot be specified without a key marker.', argued('version-id-marker', 'null')],
    ['/wire?versions&key-marker=a&version-id-marker=', 'A version-id marker cannot be empty.', argued('version-id-marker', '')],
    ['/absent?uploads&max-uploads=abc', NOT_AN_INTEGER('max-uploads'), argued('max-uploads', 'abc')],
    ['/absent/k?uploadId=x&max-parts=abc', NOT_AN_INTEGER('max-parts'), argued('max-parts', 'abc')],
    ['/wire/k?uploadId=x&part-number-marker=abc', NOT_AN_INTEGER('part-number-marker'), argued('part-number-marker', 'abc')],
  ])('GET %s, unsigned and signed over a wrong secret: 400 %s', async (path, message, members) => {
    const { server, close } = await served('wire', { strict: true });
    try {
      const url = `${server.url}${path}`;
      const unsigned = await wireRefusal(await fetch(url));
      const wrong = await wireRefusal(await fetch(url, { headers: await wronglySigned(url) }));
      expect({ unsigned, wrong }).toEqual({ unsigned: [400, 'InvalidArgument', message, members], wrong: [400, 'InvalidArgument', message, members] });
    } finally {
      await close();
    }
  });

  it.each([
    ['/wire?max-keys=5', 'AccessDenied'],
    ['/wire?versions&key-marker=a&version-id-marker=null', 'AccessDenied'],
    ['/wire/k?uploadId=x&max-parts=-1', 'AccessDenied'],
  ])('GET %s, whose arguments are well formed, is refused for its credential: %s unsigned', async (path, code) => {
    const { server, close } = await served('wire', { strict: true });
    try {
      const url = `${server.url}${path}`;
      expect((await wireRefusal(await fetch(url))).slice(0, 2)).toEqual([403, code]);
      expect((await wireRefusal(await fetch(url, { headers: await wronglySigned(url) }))).slice(0, 2)).toEqual([403, 'SignatureDoesNotMatch']);
    } finally {
      await close();
    }
  });
});

// brekkylab/backlot, measured against S3 (us-east-1, 2026-09-29, its `head_bucket`): "A HEAD reads
// the listing's parameters the way the listing's GET does, and answers each refusal as its status
// alone: `max-keys` that does not parse ... before the credential and the bucket ... The one it
// leaves is the `max-keys` range: `?max-keys=-1` is the 200".
describe('a HEAD of a bucket reads max-keys as the listing does', () => {
  it('HEAD ?max-keys that is no 32-bit integer: 400 before the credential and the bucket; a negative one is the 200', async () => {
    await withOpenAndStrict(async ({ open, strict }) => {
      const status = async (url: string): Promise<number> => (await fetch(url, { method: 'HEAD' })).status;
      expect({
        word: await status(`${open.server.url}/wire?max-keys=abc`),
        pastTheRange: await status(`${open.server.url}/wire?max-keys=2147483648`),
        absentBucket: await status(`${open.server.url}/absent?max-keys=abc`),
        unsignedStrict: await status(`${strict.server.url}/wire?max-keys=abc`),
        wrongSecret: (
          await fetch(`${strict.server.url}/wire?max-keys=abc`, {
            method: 'HEAD',
            headers: await wronglySigned(`${strict.server.url}/wire?max-keys=abc`, 'HEAD'),
          })
        ).status,
        negative: await status(`${open.server.url}/wire?max-keys=-1`),
      }).toEqual({ word: 400, pastTheRange: 400, absentBucket: 400, unsignedStrict: 400, wrongSecret: 400, negative: 200 });
    });
  });
});
