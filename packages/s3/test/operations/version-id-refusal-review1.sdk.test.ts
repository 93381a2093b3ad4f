/**
 * Review of `RouteTable.refuseVersionId` (review1) against the source its commit cites,
 * brekkylab/backlot's table of S3's answers (us-east-1, 2026-09-29/30, `s3.py`):
 *
 * - `_VERSION_AFTER_THE_BUCKET`: "real answered `PUT ?acl&versionId=x` and `POST ?restore&versionId=x`
 *   with `NoSuchBucket` for a name nobody owns and 'Invalid version id specified' on the public
 *   bucket, where `DELETE ?acl`, `PUT ?versioning`, `DELETE ?cors`, `PUT ?tagging` and a bare
 *   `DELETE` refused it before the bucket, and a bare `POST ?versionId=x` was the 412".
 * - `_versions_parse` then `_version_id_refusal`: ListObjectVersions' marker shape is refused before
 *   the version id ("after ... the listings' parses").
 * - `bucket_get`: the version id is refused on every GET at a bucket's path (a bucket's `partNumber`
 *   apart), `?uploadId` and `?torrent` included; `_KEY_VERSIONLESS`: at a key, `?uploads` too.
 *
 * Each case fails on s3text at bf894af.
 */

import { describe, expect, it } from 'vitest';
import { served, wireRefusal } from '../helpers/wire.ts';

const NOT_ACCEPTED = 'This operation does not accept a version-id.';

describe('a versionId S3 reads after the credential (review1)', () => {
  it('PUT ?acl&versionId=x is not refused before the credential: unsigned, it is what PUT ?acl is', async () => {
    const { server, close } = await served('wire', { strict: true });
    try {
      const withVersion = await wireRefusal(await fetch(`${server.url}/wire?acl&versionId=x`, { method: 'PUT', body: 'x' }));
      const without = await wireRefusal(await fetch(`${server.url}/wire?acl`, { method: 'PUT', body: 'x' }));
      expect(withVersion[2]).not.toBe(NOT_ACCEPTED);
      expect(withVersion.slice(0, 2)).toEqual(without.slice(0, 2));
    } finally {
      await close();
    }
  });

  it('a bare POST ?versionId=x that is no form is the 412, as POST without it', async () => {
    const { server, close } = await served('wire');
    try {
      const withVersion = await wireRefusal(await fetch(`${server.url}/wire?versionId=x`, { method: 'POST', body: 'x' }));
      const without = await wireRefusal(await fetch(`${server.url}/wire`, { method: 'POST', body: 'x' }));
      expect(without.slice(0, 2)).toEqual([412, 'PreconditionFailed']);
      expect(withVersion.slice(0, 2)).toEqual(without.slice(0, 2));
    } finally {
      await close();
    }
  });
});

describe('a versionId S3 refuses before the credential that Strongbox does not (review1)', () => {
  it.each([['/wire?uploadId=x&versionId=y'], ['/wire?torrent&versionId=y'], ['/wire/k?uploads&versionId=y']])('GET %s unsigned: 400, not 403', async (path) => {
    const { server, close } = await served('wire', { strict: true });
    try {
      const [status, , message] = await wireRefusal(await fetch(`${server.url}${path}`));
      expect([status, message]).toEqual([400, NOT_ACCEPTED]);
    } finally {
      await close();
    }
  });

  it('ListObjectVersions: a version-id-marker without a key-marker is refused before the versionId', async () => {
    const { server, close } = await served('wire');
    try {
      const [status, , message] = await wireRefusal(await fetch(`${server.url}/wire?versions&version-id-marker=v&versionId=y`));
      expect([status, message]).toEqual([400, 'A version-id marker cannot be specified without a key marker.']);
    } finally {
      await close();
    }
  });
});
