/**
 * Which requests S3 refuses a `versionId` on before the credential, and which it reads the version
 * on later, as brekkylab/backlot measured S3 (us-east-1, 2026-09-29/30, its `s3.py`):
 *
 * - `PUT /{bucket}?acl&versionId=x` and `POST /{bucket}?restore&versionId=x` are answered after the
 *   credential and the bucket (`NoSuchBucket` for a name nobody owns, then "Invalid version id
 *   specified"), and a bare `POST /{bucket}?versionId=x` is the 412 of a POST that is no form;
 * - every GET and HEAD at a bucket's path refuses it before the credential, `?uploadId` and
 *   `?torrent` included (a bucket's `partNumber` apart, refused for itself), and a GET's or HEAD's
 *   `?acl` words it "Invalid version id specified"; a bucket's PUT and DELETE refuse it beside any
 *   one selector but `PUT ?acl`;
 * - at a key's path a GET or HEAD refuses it beside the bucket's selectors a key answers,
 *   `?uploads`, `?uploadId` and `?torrent`, where `?acl` and `?tagging` read it after the bucket;
 * - ListObjectVersions refuses the shape of its markers (a `version-id-marker` without a
 *   `key-marker`, an empty one) before the version id.
 */

import { describe, expect, it } from 'vitest';
import { argued, served, wireRefusal } from '../helpers/wire.ts';

const NOT_ACCEPTED = 'This operation does not accept a version-id.';

describe('a versionId S3 reads after the credential', () => {
  it.each([
    ['PUT', '/wire?acl'],
    ['POST', '/wire?restore'],
  ])('%s %s&versionId=x is not refused before the credential: unsigned, it is what the request is without it', async (method, path) => {
    const { server, close } = await served('wire', { strict: true });
    try {
      const withVersion = await wireRefusal(await fetch(`${server.url}${path}&versionId=x`, { method, body: 'x' }));
      const without = await wireRefusal(await fetch(`${server.url}${path}`, { method, body: 'x' }));
      expect(withVersion[2]).not.toBe(NOT_ACCEPTED);
      expect(without.slice(0, 2)).toEqual([403, 'AccessDenied']);
      expect(withVersion.slice(0, 2)).toEqual(without.slice(0, 2));
    } finally {
      await close();
    }
  });

  it('PUT ?acl&versionId=x, authenticated, is what PUT ?acl is (PutBucketAcl is not served)', async () => {
    const { server, close } = await served('wire');
    try {
      const withVersion = await wireRefusal(await fetch(`${server.url}/wire?acl&versionId=x`, { method: 'PUT', body: 'x' }));
      const without = await wireRefusal(await fetch(`${server.url}/wire?acl`, { method: 'PUT', body: 'x' }));
      expect(without.slice(0, 2)).toEqual([501, 'NotImplemented']);
      expect(withVersion.slice(0, 3)).toEqual(without.slice(0, 3));
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
      expect(withVersion.slice(0, 3)).toEqual(without.slice(0, 3));
    } finally {
      await close();
    }
  });

  it('GET /wire/k?acl&versionId=x is not refused before the credential (S3 reads it after the bucket)', async () => {
    const { server, close } = await served('wire', { strict: true });
    try {
      const [status, code] = await wireRefusal(await fetch(`${server.url}/wire/k?acl&versionId=x`));
      expect([status, code]).toEqual([403, 'AccessDenied']);
    } finally {
      await close();
    }
  });
});

describe('a versionId S3 refuses before the credential', () => {
  it.each([
    ['GET', '/wire?uploadId=x&versionId=y'],
    ['GET', '/wire?torrent&versionId=y'],
    ['GET', '/wire?attributes&versionId=y'],
    ['DELETE', '/wire?uploadId=x&versionId=y'],
    ['DELETE', '/wire?acl&versionId=y'],
    ['PUT', '/wire?restore&versionId=y'],
    ['GET', '/wire/k?uploads&versionId=y'],
    ['GET', '/wire/k?torrent&versionId=y'],
    ['GET', '/wire/k?versioning&versionId=y'],
    ['GET', '/wire/k?cors&versionId=y'],
  ])('%s %s unsigned: 400, not 403', async (method, path) => {
    const { server, close } = await served('wire', { strict: true });
    try {
      const body = method === 'PUT' ? 'x' : null;
      const response = await fetch(`${server.url}${path}`, { method, body });
      expect(await wireRefusal(response)).toEqual([400, 'InvalidArgument', NOT_ACCEPTED, argued('versionId', 'y')]);
    } finally {
      await close();
    }
  });

  it('HEAD /wire/k?uploads&versionId=y unsigned: 400, not 403', async () => {
    const { server, close } = await served('wire', { strict: true });
    try {
      expect((await fetch(`${server.url}/wire/k?uploads&versionId=y`, { method: 'HEAD' })).status).toBe(400);
    } finally {
      await close();
    }
  });

  it.each([['x'], ['null']])('GET ?acl&versionId=%s at a bucket unsigned: 400 "Invalid version id specified"', async (value) => {
    const { server, close } = await served('wire', { strict: true });
    try {
      const response = await fetch(`${server.url}/wire?acl&versionId=${value}`);
      expect(await wireRefusal(response)).toEqual([400, 'InvalidArgument', 'Invalid version id specified', argued('versionId', value)]);
      expect((await fetch(`${server.url}/wire?acl&versionId=${value}`, { method: 'HEAD' })).status).toBe(400);
    } finally {
      await close();
    }
  });

  it.each([
    ['/wire?versions&version-id-marker=v&versionId=y', 'A version-id marker cannot be specified without a key marker.', 'v'],
    ['/wire?versions&key-marker=k&version-id-marker=&versionId=y', 'A version-id marker cannot be empty.', ''],
  ])('ListObjectVersions: %s is refused for its marker before the versionId', async (path, message, value) => {
    const { server, close } = await served('wire');
    try {
      const response = await fetch(`${server.url}${path}`);
      expect(await wireRefusal(response)).toEqual([400, 'InvalidArgument', message, argued('version-id-marker', value)]);
    } finally {
      await close();
    }
  });
});
