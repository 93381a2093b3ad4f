/**
 * Where S3 refuses a `versionId` on an operation that takes none, relative to the other checks:
 * after a malformed 32-bit integer argument of the same operation, before a negative one or an
 * unknown encoding-type, before the bucket and before the credential; and at a bucket's path for
 * the bucket operations Strongbox does not serve too (`PUT ?versioning`), not with their 501.
 *
 * Captured against S3 (us-east-1, 2026-09-29, brekkylab/backlot's table of S3's answers and its
 * router's notes, "before the credential and the bucket", 2026-09-29/30). At a key's path the
 * refusal before the credential is UNCONFIRMED: Strongbox refuses it there the same way.
 */

import { describe, expect, it } from 'vitest';
import { argued, served, wireRefusal } from '../helpers/wire.ts';

const NOT_ACCEPTED = 'This operation does not accept a version-id.';

describe('a versionId an operation does not take, in S3 order (captured, us-east-1, 2026-09-29)', () => {
  it.each([
    // A malformed integer argument of the operation is refused first.
    ['GET', '/wire?max-keys=abc&versionId=x', 'Provided max-keys not an integer or within integer range', argued('max-keys', 'abc')],
    ['GET', '/wire?versions&versionId=x&max-keys=abc', 'Provided max-keys not an integer or within integer range', argued('max-keys', 'abc')],
    ['GET', '/wire?uploads&max-uploads=abc&versionId=x', 'Provided max-uploads not an integer or within integer range', argued('max-uploads', 'abc')],
    // Then the version id, before a negative max-keys and an unknown encoding-type.
    ['GET', '/wire?versionId=x&max-keys=-1', NOT_ACCEPTED, argued('versionId', 'x')],
    ['GET', '/wire?versionId=x&encoding-type=bogus', NOT_ACCEPTED, argued('versionId', 'x')],
    // At a bucket's path, operations Strongbox does not serve answer it too, not their 501.
    ['PUT', '/absent?versioning&versionId=x', NOT_ACCEPTED, argued('versionId', 'x')],
    ['PUT', '/wire?versioning&versionId=', NOT_ACCEPTED, argued('versionId', '')],
    ['GET', '/wire?versionId=x&delete', NOT_ACCEPTED, argued('versionId', 'x')],
    ['DELETE', '/absent?versionId=x', NOT_ACCEPTED, argued('versionId', 'x')],
  ])('%s %s: 400 %s', async (method, path, message, members) => {
    const { server, close } = await served('wire');
    try {
      const body = method === 'PUT' ? '<VersioningConfiguration><Status>Enabled</Status></VersioningConfiguration>' : null;
      expect(await wireRefusal(await fetch(`${server.url}${path}`, { method, body }))).toEqual([400, 'InvalidArgument', message, members]);
    } finally {
      await close();
    }
  });

  it('PUT ?versioning without a versionId stays the 501 (PutBucketVersioning is not served)', async () => {
    const { server, close } = await served('wire');
    try {
      const response = await fetch(`${server.url}/wire?versioning`, { method: 'PUT', body: '<VersioningConfiguration/>' });
      expect((await wireRefusal(response)).slice(0, 2)).toEqual([501, 'NotImplemented']);
    } finally {
      await close();
    }
  });
});

describe('the versionId refusal comes before the credential (strict SigV4)', () => {
  /** An Authorization header for an access key no user has. */
  const UNKNOWN_KEY = {
    authorization:
      'AWS4-HMAC-SHA256 Credential=AKIAUNKNOWNKEY000000/20260929/us-east-1/s3/aws4_request, SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature=0000000000000000000000000000000000000000000000000000000000000000',
    'x-amz-content-sha256': 'UNSIGNED-PAYLOAD',
    'x-amz-date': '20260929T000000Z',
  };

  it.each([
    ['GET', '/wire?versions&versionId=x', 'x'],
    ['GET', '/wire?list-type=2&versionId=null', 'null'],
    ['PUT', '/wire?versioning&versionId=x', 'x'],
    ['DELETE', '/absent?versionId=x', 'x'],
    // At a key's path (UNCONFIRMED before the credential; one rule with the bucket's path).
    ['PUT', '/wire/k?versionId=null', 'null'],
  ])('%s %s, unsigned and with an unknown key: 400, not 403', async (method, path, value) => {
    const { server, close } = await served('wire', { strict: true });
    try {
      const body = method === 'PUT' ? 'x' : null;
      for (const headers of [{}, UNKNOWN_KEY]) {
        const response = await fetch(`${server.url}${path}`, { method, body, headers });
        expect(await wireRefusal(response)).toEqual([400, 'InvalidArgument', NOT_ACCEPTED, argued('versionId', value)]);
      }
      // The same request without the version id is refused for its credential: authentication is
      // on. (Unsigned, it is the anonymous caller, told NoSuchBucket for a bucket nobody owns.)
      const plain = await fetch(`${server.url}${path.replace(/[?&]versionId=[^&]*/, '')}`, { method, body, headers: UNKNOWN_KEY });
      expect(plain.status).toBe(403);
    } finally {
      await close();
    }
  });
});
