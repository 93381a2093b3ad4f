/** PutBucketPolicy, GetBucketPolicy and DeleteBucketPolicy. */

import { AuditTrail, principalFromArn, rootPrincipal } from '@strongbox/service-kernel';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { S3 } from '../../src/index.ts';
import { catchS3Async } from '../helpers/errors.ts';

const OWNER = '111122223333';
const OTHER = '444455556666';
const ownerRoot = rootPrincipal('us-east-1', OWNER);
const otherRoot = rootPrincipal('us-east-1', OTHER);

const DENY_EVERYTHING = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Sid: 'DenyAll', Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: ['arn:aws:s3:::reports', 'arn:aws:s3:::reports/*'] }],
});
const CROSS_ACCOUNT_POLICY_ADMIN = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Principal: { AWS: OTHER },
      Action: ['s3:GetBucketPolicy', 's3:PutBucketPolicy', 's3:DeleteBucketPolicy'],
      Resource: 'arn:aws:s3:::reports',
    },
  ],
});

let trail: AuditTrail;
let s3: S3;
beforeEach(async () => {
  trail = new AuditTrail();
  s3 = new S3({ account: OWNER, auditTrail: trail });
  await s3.createBucket({ Bucket: 'reports' });
});
afterEach(() => s3.close());

describe('the bucket policy round trip', () => {
  it('GetBucketPolicy is 404 NoSuchBucketPolicy until a policy is put, and again once it is deleted', async () => {
    const missing = await catchS3Async(() => s3.getBucketPolicy({ Bucket: 'reports' }));
    expect([missing.status, missing.code, missing.message, missing.fields]).toEqual([
      404,
      'NoSuchBucketPolicy',
      'The bucket policy does not exist',
      [['BucketName', 'reports']],
    ]);
    const sent = `{\n  "Version": "2012-10-17",\n  "Statement": [ { "Effect": "Allow", "Principal": {"AWS": "${OTHER}"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::reports/*" } ]\n}`;
    await s3.putBucketPolicy({ Bucket: 'reports', Policy: sent });
    expect((await s3.getBucketPolicy({ Bucket: 'reports' })).Policy).toBe(JSON.stringify(JSON.parse(sent)));
    await s3.deleteBucketPolicy({ Bucket: 'reports' });
    expect((await catchS3Async(() => s3.getBucketPolicy({ Bucket: 'reports' }))).code).toBe('NoSuchBucketPolicy');
  });

  it('DeleteBucketPolicy without a policy succeeds', async () => {
    await expect(s3.deleteBucketPolicy({ Bucket: 'reports' })).resolves.toBeUndefined();
  });

  it('a malformed policy changes nothing: the previous one stays', async () => {
    await s3.putBucketPolicy({ Bucket: 'reports', Policy: CROSS_ACCOUNT_POLICY_ADMIN });
    const error = await catchS3Async(() =>
      s3.putBucketPolicy({
        Bucket: 'reports',
        Policy: '{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::other/*"}]}',
      }),
    );
    expect([error.status, error.code, error.message]).toEqual([400, 'MalformedPolicy', 'Policy has invalid resource']);
    expect((await s3.getBucketPolicy({ Bucket: 'reports' })).Policy).toBe(CROSS_ACCOUNT_POLICY_ADMIN);
  });

  it('a policy that is not a string is MalformedPolicy', async () => {
    const error = await catchS3Async(() => s3.putBucketPolicy({ Bucket: 'reports', Policy: { Statement: [] } as unknown as string }));
    expect(error.message).toBe("Policies must be valid JSON and the first byte must be '{'");
  });

  it('NoSuchBucket for a bucket that does not exist, whoever asks', async () => {
    for (const caller of [ownerRoot, otherRoot]) {
      const error = await catchS3Async(() => s3.putBucketPolicy({ Bucket: 'missing', Policy: CROSS_ACCOUNT_POLICY_ADMIN }, { caller }));
      expect(error.code).toBe('NoSuchBucket');
    }
  });

  it('the policy survives other bucket configuration changes', async () => {
    await s3.putBucketPolicy({ Bucket: 'reports', Policy: CROSS_ACCOUNT_POLICY_ADMIN });
    await s3.putBucketEncryption({
      Bucket: 'reports',
      ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
    });
    await s3.deleteBucketEncryption({ Bucket: 'reports' });
    expect((await s3.getBucketPolicy({ Bucket: 'reports' })).Policy).toBe(CROSS_ACCOUNT_POLICY_ADMIN);
  });
});

describe('who may manage the policy', () => {
  it("the owner's root can always get, replace and delete a policy that denies everything (the lock-out escape)", async () => {
    await s3.putBucketPolicy({ Bucket: 'reports', Policy: DENY_EVERYTHING });
    expect((await catchS3Async(() => s3.getBucketEncryption({ Bucket: 'reports' }))).code).toBe('AccessDenied');
    expect((await s3.getBucketPolicy({ Bucket: 'reports' })).Policy).toBe(DENY_EVERYTHING);
    await s3.putBucketPolicy({ Bucket: 'reports', Policy: DENY_EVERYTHING });
    await s3.deleteBucketPolicy({ Bucket: 'reports' });
    await expect(s3.getBucketEncryption({ Bucket: 'reports' })).resolves.toBeDefined();
  });

  it('an IAM user of the owner account needs the permission, and the deny-all policy stops it even with an identity Allow', async () => {
    const admin = principalFromArn(`arn:aws:iam::${OWNER}:user/admin`, {
      identityPolicy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] }),
    });
    const nobody = principalFromArn(`arn:aws:iam::${OWNER}:user/nobody`);
    const refused = await catchS3Async(() => s3.putBucketPolicy({ Bucket: 'reports', Policy: DENY_EVERYTHING }, { caller: nobody }));
    expect([refused.status, refused.message]).toEqual([
      403,
      `User: arn:aws:iam::${OWNER}:user/nobody is not authorized to perform: s3:PutBucketPolicy on resource: "arn:aws:s3:::reports" because no identity-based policy allows the s3:PutBucketPolicy action`,
    ]);
    await s3.putBucketPolicy({ Bucket: 'reports', Policy: DENY_EVERYTHING }, { caller: admin });
    const denied = await catchS3Async(() => s3.deleteBucketPolicy({ Bucket: 'reports' }, { caller: admin }));
    expect(denied.message).toBe(
      `User: arn:aws:iam::${OWNER}:user/admin is not authorized to perform: s3:DeleteBucketPolicy on resource: "arn:aws:s3:::reports" with an explicit deny in a resource-based policy`,
    );
  });

  it('another account gets 403 Access Denied without the permission, and 405 MethodNotAllowed with it', async () => {
    for (const call of [
      () => s3.getBucketPolicy({ Bucket: 'reports' }, { caller: otherRoot }),
      () => s3.putBucketPolicy({ Bucket: 'reports', Policy: DENY_EVERYTHING }, { caller: otherRoot }),
      () => s3.deleteBucketPolicy({ Bucket: 'reports' }, { caller: otherRoot }),
    ]) {
      const error = await catchS3Async(call);
      expect([error.status, error.code, error.message]).toEqual([403, 'AccessDenied', 'Access Denied']);
    }
    await s3.putBucketPolicy({ Bucket: 'reports', Policy: CROSS_ACCOUNT_POLICY_ADMIN });
    const cases = [
      ['GET', () => s3.getBucketPolicy({ Bucket: 'reports' }, { caller: otherRoot })],
      ['PUT', () => s3.putBucketPolicy({ Bucket: 'reports', Policy: DENY_EVERYTHING }, { caller: otherRoot })],
      ['DELETE', () => s3.deleteBucketPolicy({ Bucket: 'reports' }, { caller: otherRoot })],
    ] as const;
    for (const [method, call] of cases) {
      const error = await catchS3Async(call);
      expect([error.status, error.code, error.fields, error.allow]).toEqual([405, 'MethodNotAllowed', [['Method', method]], 'DELETE, GET, PUT']);
    }
    expect((await s3.getBucketPolicy({ Bucket: 'reports' })).Policy).toBe(CROSS_ACCOUNT_POLICY_ADMIN);
  });
});

describe('CloudTrail', () => {
  it('records Put/Get/DeleteBucketPolicy as S3 management events, failures included', async () => {
    await s3.putBucketPolicy({ Bucket: 'reports', Policy: CROSS_ACCOUNT_POLICY_ADMIN });
    await s3.getBucketPolicy({ Bucket: 'reports' });
    await s3.deleteBucketPolicy({ Bucket: 'reports' });
    await catchS3Async(() => s3.getBucketPolicy({ Bucket: 'reports' }));
    await catchS3Async(() => s3.putBucketPolicy({ Bucket: 'reports', Policy: 'nope' }));
    const events = trail.events().filter((event) => event.eventName.endsWith('BucketPolicy'));
    expect(events.map((event) => [event.eventName, event.eventSource, event.readOnly, event.errorCode])).toEqual([
      ['PutBucketPolicy', 's3.amazonaws.com', false, undefined],
      ['GetBucketPolicy', 's3.amazonaws.com', true, undefined],
      ['DeleteBucketPolicy', 's3.amazonaws.com', false, undefined],
      ['GetBucketPolicy', 's3.amazonaws.com', true, 'NoSuchBucketPolicy'],
      ['PutBucketPolicy', 's3.amazonaws.com', false, 'MalformedPolicy'],
    ]);
    expect(events[0]?.requestParameters).toEqual({ bucketName: 'reports', bucketPolicy: JSON.parse(CROSS_ACCOUNT_POLICY_ADMIN), policy: [''] });
    expect(events[0]?.resources).toEqual(['arn:aws:s3:::reports']);
  });
});
