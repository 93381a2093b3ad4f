/**
 * GetBucketVersioning through `@aws-sdk/client-s3` and the in-process handler: a bucket never
 * versioned (every bucket here) answers an empty configuration (no Status, no MFADelete), as S3
 * does (LS-snapshot `test_bucket_versioning_crud`); NoSuchBucket, the bucket owner condition,
 * `s3:GetBucketVersioning` and the audit trail as for the other bucket operations; the document
 * on the wire. PutBucketVersioning stays refused, 501 NotImplemented saying versioning is not
 * emulated, and changes nothing.
 */

import {
  CreateBucketCommand,
  GetBucketVersioningCommand,
  PutBucketPolicyCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { parseUsers } from '@strongbox/service-kernel';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { useInProcessS3 } from '../helpers/sdk-fixture.ts';
import { ACCOUNT, inProcessClient, sdkError, served, type WireEngine, wireEngine } from '../helpers/wire.ts';

const NAMESPACE = 'http://s3.amazonaws.com/doc/2006-03-01/';

describe('GetBucketVersioning', () => {
  const sdk = useInProcessS3({ buckets: ['data'] });

  it('answers a bucket never versioned with neither Status nor MFADelete', async () => {
    const { $metadata, ...answer } = await sdk.client.send(new GetBucketVersioningCommand({ Bucket: 'data' }));
    expect($metadata.httpStatusCode).toBe(200);
    expect(answer).toEqual({});
  });

  it('a missing bucket is 404 NoSuchBucket', async () => {
    const error = await sdkError(sdk.client.send(new GetBucketVersioningCommand({ Bucket: 'absent' })));
    expect([error.name, error.$metadata.httpStatusCode]).toEqual(['NoSuchBucket', 404]);
  });

  it('checks the expected bucket owner: 403 for another account, 200 for the owner', async () => {
    const error = await sdkError(sdk.client.send(new GetBucketVersioningCommand({ Bucket: 'data', ExpectedBucketOwner: '111122223333' })));
    expect([error.name, error.$metadata.httpStatusCode]).toEqual(['AccessDenied', 403]);
    const owned = await sdk.client.send(new GetBucketVersioningCommand({ Bucket: 'data', ExpectedBucketOwner: ACCOUNT }));
    expect(owned.Status).toBeUndefined();
  });

  // S3 User Guide, "Example: CloudTrail log file entry for Amazon S3" records GetBucketVersioning
  // with requestParameters { host, bucketName, versioning: [""] }, as this project records
  // GetBucketPolicy's `policy: ['']`.
  it('is a management event in the trail, with the bucket name and the versioning subresource in requestParameters, as S3 does', async () => {
    await sdk.client.send(new GetBucketVersioningCommand({ Bucket: 'data' }));
    const events = sdk.engine.s3.auditTrail.events().filter((event) => event.eventName === 'GetBucketVersioning');
    expect(events.map((event) => [event.eventName, event.requestParameters, event.resources])).toEqual([
      ['GetBucketVersioning', { bucketName: 'data', versioning: [''] }, ['arn:aws:s3:::data']],
    ]);
  });

  it('a bucket policy denying s3:GetBucketVersioning refuses it, 403', async () => {
    const policy = {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Deny', Principal: '*', Action: 's3:GetBucketVersioning', Resource: 'arn:aws:s3:::data' }],
    };
    await sdk.client.send(new PutBucketPolicyCommand({ Bucket: 'data', Policy: JSON.stringify(policy) }));
    const error = await sdkError(sdk.client.send(new GetBucketVersioningCommand({ Bucket: 'data' })));
    expect([error.name, error.$metadata.httpStatusCode]).toEqual(['AccessDenied', 403]);
  });
});

describe('PutBucketVersioning', () => {
  const sdk = useInProcessS3({ buckets: ['data'] });

  it.each(['Enabled', 'Suspended'] as const)('%s: 501 NotImplemented saying versioning is not emulated; the bucket stays unversioned', async (status) => {
    const error = await sdkError(sdk.client.send(new PutBucketVersioningCommand({ Bucket: 'data', VersioningConfiguration: { Status: status } })));
    expect([error.name, error.$metadata.httpStatusCode]).toEqual(['NotImplemented', 501]);
    expect(error.message).toContain('PutBucketVersioning (versioning is not emulated');
    expect((await sdk.client.send(new GetBucketVersioningCommand({ Bucket: 'data' }))).Status).toBeUndefined();
  });
});

describe('GetBucketVersioning on the wire', () => {
  it('is `<VersioningConfiguration xmlns="…2006-03-01/">` with no element inside, as application/xml', async () => {
    const { server, close } = await served('data');
    try {
      const response = await fetch(`${server.url}/data?versioning`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('application/xml');
      const text = await response.text();
      expect(text).toMatch(new RegExp(`<VersioningConfiguration xmlns="${NAMESPACE}"(/>|></VersioningConfiguration>)$`));
    } finally {
      await close();
    }
  });
});

describe('s3:GetBucketVersioning for an IAM user', () => {
  const USER = {
    accessKeyId: 'AKIAVERSIONS',
    secretAccessKey: 'versions-secret',
    principal: `arn:aws:iam::${ACCOUNT}:user/lister`,
    policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['s3:ListBucket'], Resource: 'arn:aws:s3:::data' }] },
  };
  let engine: WireEngine;
  let owner: S3Client;
  let user: S3Client;
  beforeEach(async () => {
    engine = wireEngine({ strict: true, users: parseUsers({ users: [USER] }) });
    owner = inProcessClient(engine.handler);
    user = inProcessClient(engine.handler, { credentials: { accessKeyId: USER.accessKeyId, secretAccessKey: USER.secretAccessKey } });
    await owner.send(new CreateBucketCommand({ Bucket: 'data' }));
    await owner.send(new PutObjectCommand({ Bucket: 'data', Key: 'k', Body: 'x' }));
  });
  afterEach(async () => {
    owner.destroy();
    user.destroy();
    await engine.close();
  });

  it('a user allowed s3:ListBucket only is refused, the message naming s3:GetBucketVersioning', async () => {
    const error = await sdkError(user.send(new GetBucketVersioningCommand({ Bucket: 'data' })));
    expect([error.name, error.$metadata.httpStatusCode]).toEqual(['AccessDenied', 403]);
    expect(error.message).toContain('user/lister is not authorized to perform: s3:GetBucketVersioning');
  });
});
