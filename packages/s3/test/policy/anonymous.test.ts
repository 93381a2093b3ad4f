/**
 * The anonymous caller (an unsigned request) on S3's allow rule: no account and no identity
 * policy, so only a bucket policy statement for everybody (`"*"`, `{"AWS": "*"}`) can allow it,
 * an explicit Deny still wins, and every refusal is the plain 403 "Access Denied" (S3 User Guide,
 * "How Amazon S3 authorizes a request"; IAM User Guide, "Principal": "*" grants "anonymous access").
 */

import { ANONYMOUS_PRINCIPAL } from '@strongbox/service-kernel';
import { describe, expect, it } from 'vitest';
import { evaluateS3Access, type S3AccessRequest, s3AccessDenied } from '../../src/index.ts';
import { accessRequest, policyOf as bucketPolicy, OWNER } from '../helpers/access-request.ts';

const OBJECT_ARN = 'arn:aws:s3:::public/q1.csv';
const PUBLIC_READ = { Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::public/*' };

/** An anonymous read of `OBJECT_ARN`, with `overrides` applied. */
const request = (overrides: Partial<S3AccessRequest>): S3AccessRequest => accessRequest({ caller: ANONYMOUS_PRINCIPAL, resource: OBJECT_ARN, ...overrides });

describe('an anonymous caller', () => {
  it('is refused on a bucket without a policy, as no resource policy allows it', () => {
    expect(evaluateS3Access(request({}))).toEqual({ allowed: false, reason: 'noResourcePolicy' });
  });

  it('is allowed what a statement for "*" or {"AWS": "*"} allows, and only that', () => {
    for (const principal of ['*', { AWS: '*' }, { AWS: [`arn:aws:iam::${OWNER}:root`, '*'] }]) {
      const policy = bucketPolicy({ ...PUBLIC_READ, Principal: principal });
      expect(evaluateS3Access(request({ bucketPolicy: policy })), JSON.stringify(principal)).toEqual({ allowed: true, via: 'bucketPolicy' });
      expect(evaluateS3Access(request({ bucketPolicy: policy, action: 's3:PutObject' })).allowed).toBe(false);
      expect(evaluateS3Access(request({ bucketPolicy: policy, resource: 'arn:aws:s3:::other/q1.csv' })).allowed).toBe(false);
    }
  });

  // IAM User Guide, "NotPrincipal": an Allow with NotPrincipal grants everyone it does not name,
  // anonymous users included.
  it('is allowed by an Allow whose NotPrincipal does not name it', () => {
    const { Principal: _everybody, ...rest } = PUBLIC_READ;
    const policy = bucketPolicy({ ...rest, NotPrincipal: { AWS: `arn:aws:iam::${OWNER}:user/mallory` } });
    expect(evaluateS3Access(request({ bucketPolicy: policy }))).toEqual({ allowed: true, via: 'bucketPolicy' });
  });

  it('is not an account, a root or a user a statement can name', () => {
    for (const principal of [{ AWS: OWNER }, { AWS: `arn:aws:iam::${OWNER}:root` }, { AWS: `arn:aws:iam::${OWNER}:user/anonymous` }]) {
      const policy = bucketPolicy({ ...PUBLIC_READ, Principal: principal });
      expect(evaluateS3Access(request({ bucketPolicy: policy })), JSON.stringify(principal)).toEqual({ allowed: false, reason: 'noResourcePolicy' });
    }
  });

  it('is refused by an explicit Deny for "*" that an Allow for "*" would let in', () => {
    const policy = bucketPolicy(PUBLIC_READ, { Effect: 'Deny', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::public/q1.csv' });
    expect(evaluateS3Access(request({ bucketPolicy: policy }))).toEqual({ allowed: false, reason: 'explicitDenyInResourcePolicy' });
  });

  it('meets aws:SecureTransport as any caller does', () => {
    const policy = bucketPolicy(PUBLIC_READ, {
      Effect: 'Deny',
      Principal: '*',
      Action: 's3:*',
      Resource: 'arn:aws:s3:::public/*',
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    });
    expect(evaluateS3Access(request({ bucketPolicy: policy, secureTransport: true })).allowed).toBe(true);
    expect(evaluateS3Access(request({ bucketPolicy: policy, secureTransport: false })).allowed).toBe(false);
  });

  // IAM User Guide, global condition keys: aws:PrincipalAccount is `anonymous`, aws:PrincipalArn
  // absent, aws:PrincipalType `Anonymous`.
  it('matches no principal account or ARN condition, and its principal type is Anonymous', () => {
    const when = (Condition: object) => request({ bucketPolicy: bucketPolicy({ ...PUBLIC_READ, Condition }) });
    expect(evaluateS3Access(when({ StringEquals: { 'aws:PrincipalAccount': OWNER } })).allowed).toBe(false);
    expect(evaluateS3Access(when({ ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:*' } })).allowed).toBe(false);
    expect(evaluateS3Access(when({ StringEquals: { 'aws:PrincipalType': 'Anonymous' } })).allowed).toBe(true);
    expect(evaluateS3Access(when({ StringEquals: { 'aws:userid': 'anonymous' } })).allowed).toBe(true);
    expect(evaluateS3Access(when({ Null: { 'aws:PrincipalArn': 'true' } })).allowed).toBe(true);
  });

  // IAM User Guide, "AWS global condition context keys", aws:PrincipalAccount: "included in the
  // request context for all requests, including anonymous requests", as `anonymous`.
  it('has aws:PrincipalAccount present, as anonymous, so a Deny for its absence does not refuse it', () => {
    const denyAbsent = {
      Effect: 'Deny',
      Principal: '*',
      Action: 's3:GetObject',
      Resource: 'arn:aws:s3:::public/*',
      Condition: { Null: { 'aws:PrincipalAccount': 'true' } },
    };
    expect(evaluateS3Access(request({ bucketPolicy: bucketPolicy(PUBLIC_READ, denyAbsent) })).allowed).toBe(true);
    const when = (Condition: object) => request({ bucketPolicy: bucketPolicy({ ...PUBLIC_READ, Condition }) });
    expect(evaluateS3Access(when({ StringEquals: { 'aws:PrincipalAccount': 'anonymous' } })).allowed).toBe(true);
  });

  it('has no lock-out escape and no account-level actions', () => {
    const policy = bucketPolicy({ Effect: 'Allow', Principal: '*', Action: 's3:GetBucketPolicy', Resource: 'arn:aws:s3:::public' });
    const repair = request({ action: 's3:PutBucketPolicy', resource: 'arn:aws:s3:::public', bucketPolicy: policy });
    expect(evaluateS3Access(repair).allowed).toBe(false);
    expect(evaluateS3Access(request({ action: 's3:ListAllMyBuckets', resource: '*', bucketOwner: undefined })).allowed).toBe(false);
    expect(evaluateS3Access(request({ action: 's3:CreateBucket', resource: 'arn:aws:s3:::new', bucketOwner: undefined })).allowed).toBe(false);
  });

  it('is told "Access Denied" and nothing more, on a bucket as on the account', () => {
    for (const bucketOwner of [OWNER, undefined]) {
      const denied = s3AccessDenied(request({ bucketOwner }), 'noResourcePolicy');
      expect([denied.status, denied.code, denied.message]).toEqual([403, 'AccessDenied', 'Access Denied']);
    }
  });
});
