/** S3's allow rule on the kernel's policy engine: both sides, accounts, explicit deny, the lock-out escape. */

import { principalFromArn, rootPrincipal } from '@strongbox/service-kernel';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluateS3Access, s3AccessDenied } from '../../src/index.ts';
import { OBJECT_ARN, OWNER, policyOf, accessRequest as request } from '../helpers/access-request.ts';

const OTHER = '444455556666';
const BUCKET_ARN = 'arn:aws:s3:::reports';

const ownerRoot = rootPrincipal('us-east-1', OWNER);
const otherRoot = rootPrincipal('us-east-1', OTHER);
const identity = policyOf;
const alice = (policy?: string) => principalFromArn(`arn:aws:iam::${OWNER}:user/alice`, policy === undefined ? {} : { identityPolicy: policy });
const bob = (policy?: string) => principalFromArn(`arn:aws:iam::${OTHER}:user/bob`, policy === undefined ? {} : { identityPolicy: policy });
const bucketPolicy = policyOf;

const ALLOW_GET = { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::reports/*' };

describe('within the bucket owner account', () => {
  it('the account root may do anything on its buckets without any policy', () => {
    expect(evaluateS3Access(request({}))).toEqual({ allowed: true, via: 'root' });
  });

  it('an IAM user needs an Allow on either side', () => {
    expect(evaluateS3Access(request({ caller: alice() }))).toEqual({ allowed: false, reason: 'noIdentityPolicy' });
    expect(evaluateS3Access(request({ caller: alice(identity(ALLOW_GET)) }))).toEqual({ allowed: true, via: 'identityPolicy' });
    const policy = bucketPolicy({ ...ALLOW_GET, Principal: { AWS: `arn:aws:iam::${OWNER}:user/alice` } });
    expect(evaluateS3Access(request({ caller: alice(), bucketPolicy: policy }))).toEqual({ allowed: true, via: 'bucketPolicy' });
  });

  it('a bucket policy naming only the account delegates to IAM: the user still needs an identity Allow', () => {
    const policy = bucketPolicy({ ...ALLOW_GET, Principal: { AWS: OWNER } });
    expect(evaluateS3Access(request({ caller: alice(), bucketPolicy: policy })).allowed).toBe(false);
    expect(evaluateS3Access(request({ caller: alice(identity(ALLOW_GET)), bucketPolicy: policy })).allowed).toBe(true);
  });

  it('an identity Allow covers only its actions and resources', () => {
    const caller = alice(identity(ALLOW_GET));
    expect(evaluateS3Access(request({ caller, action: 's3:PutObject' })).allowed).toBe(false);
    expect(evaluateS3Access(request({ caller, resource: 'arn:aws:s3:::other/q1.csv' })).allowed).toBe(false);
  });
});

describe('from another account', () => {
  const crossAllow = bucketPolicy({ ...ALLOW_GET, Principal: { AWS: OTHER } });

  it('needs the bucket policy to allow: nothing else lets another account in', () => {
    expect(evaluateS3Access(request({ caller: otherRoot }))).toEqual({ allowed: false, reason: 'noResourcePolicy' });
    expect(evaluateS3Access(request({ caller: bob(identity({ ...ALLOW_GET, Resource: '*' })) }))).toEqual({ allowed: false, reason: 'noResourcePolicy' });
  });

  it("the other account's root needs only the bucket policy; its users need their identity policy too", () => {
    expect(evaluateS3Access(request({ caller: otherRoot, bucketPolicy: crossAllow }))).toEqual({ allowed: true, via: 'bucketPolicy' });
    expect(evaluateS3Access(request({ caller: bob(), bucketPolicy: crossAllow }))).toEqual({ allowed: false, reason: 'noIdentityPolicy' });
    expect(evaluateS3Access(request({ caller: bob(identity(ALLOW_GET)), bucketPolicy: crossAllow })).allowed).toBe(true);
  });

  it('a bucket policy naming the user itself still needs the user’s identity Allow (both sides, across accounts)', () => {
    const policy = bucketPolicy({ ...ALLOW_GET, Principal: { AWS: `arn:aws:iam::${OTHER}:user/bob` } });
    expect(evaluateS3Access(request({ caller: bob(), bucketPolicy: policy })).allowed).toBe(false);
    expect(evaluateS3Access(request({ caller: bob(identity(ALLOW_GET)), bucketPolicy: policy })).allowed).toBe(true);
  });

  it('gets the plain Access Denied; the owner account gets the message naming the policy type', () => {
    expect(s3AccessDenied({ caller: otherRoot, action: 's3:GetObject', resource: OBJECT_ARN, bucketOwner: OWNER }, 'noResourcePolicy').message).toBe(
      'Access Denied',
    );
    const same = s3AccessDenied({ caller: alice(), action: 's3:GetObject', resource: OBJECT_ARN, bucketOwner: OWNER }, 'noIdentityPolicy');
    expect([same.code, same.status, same.message]).toEqual([
      'AccessDenied',
      403,
      `User: arn:aws:iam::${OWNER}:user/alice is not authorized to perform: s3:GetObject on resource: "${OBJECT_ARN}" because no identity-based policy allows the s3:GetObject action`,
    ]);
    expect(
      s3AccessDenied({ caller: ownerRoot, action: 's3:PutObject', resource: OBJECT_ARN, bucketOwner: OWNER }, 'explicitDenyInResourcePolicy').message,
    ).toBe(
      `User: arn:aws:iam::${OWNER}:root is not authorized to perform: s3:PutObject on resource: "${OBJECT_ARN}" with an explicit deny in a resource-based policy`,
    );
  });
});

describe('explicit deny', () => {
  const denyAll = { Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: ['arn:aws:s3:::reports', 'arn:aws:s3:::reports/*'] };

  it('in the bucket policy wins over the root and over every Allow', () => {
    const policy = bucketPolicy({ ...ALLOW_GET, Principal: '*' }, denyAll);
    expect(evaluateS3Access(request({ bucketPolicy: policy }))).toEqual({ allowed: false, reason: 'explicitDenyInResourcePolicy' });
    expect(evaluateS3Access(request({ caller: alice(identity(ALLOW_GET)), bucketPolicy: policy }))).toEqual({
      allowed: false,
      reason: 'explicitDenyInResourcePolicy',
    });
  });

  it('in the identity policy wins over a bucket policy Allow', () => {
    const policy = bucketPolicy({ ...ALLOW_GET, Principal: { AWS: `arn:aws:iam::${OWNER}:user/alice` } });
    const caller = alice(identity({ Effect: 'Deny', Action: 's3:GetObject', Resource: '*' }));
    expect(evaluateS3Access(request({ caller, bucketPolicy: policy }))).toEqual({ allowed: false, reason: 'explicitDenyInIdentityPolicy' });
  });

  it("does not stop the owner's root from Get/Put/DeleteBucketPolicy (the lock-out escape), nor lets anyone else through", () => {
    const policy = bucketPolicy(denyAll);
    for (const action of ['s3:GetBucketPolicy', 's3:PutBucketPolicy', 's3:DeleteBucketPolicy'] as const) {
      expect(evaluateS3Access(request({ action, resource: BUCKET_ARN, bucketPolicy: policy }))).toEqual({ allowed: true, via: 'lockoutEscape' });
      expect(
        evaluateS3Access(
          request({ caller: alice(identity({ Effect: 'Allow', Action: 's3:*', Resource: '*' })), action, resource: BUCKET_ARN, bucketPolicy: policy }),
        ).allowed,
      ).toBe(false);
      expect(evaluateS3Access(request({ caller: otherRoot, action, resource: BUCKET_ARN, bucketPolicy: policy })).allowed).toBe(false);
    }
    expect(evaluateS3Access(request({ action: 's3:PutEncryptionConfiguration', resource: BUCKET_ARN, bucketPolicy: policy })).allowed).toBe(false);
  });
});

describe('wildcards', () => {
  it('in Principal, Action and Resource', () => {
    const policy = bucketPolicy({ Effect: 'Deny', Principal: { AWS: '*' }, Action: 's3:Put*', Resource: 'arn:aws:s3:::reports/tmp/*' });
    expect(evaluateS3Access(request({ action: 's3:PutObject', resource: 'arn:aws:s3:::reports/tmp/x' })).allowed).toBe(true);
    expect(evaluateS3Access(request({ action: 's3:PutObject', resource: 'arn:aws:s3:::reports/tmp/x', bucketPolicy: policy })).allowed).toBe(false);
    expect(evaluateS3Access(request({ action: 's3:putobjecttagging', resource: 'arn:aws:s3:::reports/tmp/x', bucketPolicy: policy })).allowed).toBe(false);
    expect(evaluateS3Access(request({ action: 's3:PutObject', resource: 'arn:aws:s3:::reports/keep/x', bucketPolicy: policy })).allowed).toBe(true);
    expect(evaluateS3Access(request({ action: 's3:GetObject', resource: 'arn:aws:s3:::reports/tmp/x', bucketPolicy: policy })).allowed).toBe(true);
  });

  it('? matches exactly one character', () => {
    const policy = bucketPolicy({ Effect: 'Deny', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::reports/q?.csv' });
    expect(evaluateS3Access(request({ bucketPolicy: policy })).allowed).toBe(false);
    expect(evaluateS3Access(request({ bucketPolicy: policy, resource: 'arn:aws:s3:::reports/q10.csv' })).allowed).toBe(true);
  });
});

describe('an explicit Deny of an action cannot be bypassed (property)', () => {
  const ACTIONS = ['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:ListBucket'] as const;
  const actionPattern = fc.constantFrom('*', 's3:*', 's3:Get*', 's3:Put*', 's3:*Object', 's3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:ListBucket');
  const principal = fc.constantFrom<unknown>(
    '*',
    { AWS: '*' },
    { AWS: OWNER },
    { AWS: OTHER },
    { AWS: `arn:aws:iam::${OWNER}:user/alice` },
    { AWS: `arn:aws:iam::${OTHER}:user/bob` },
  );
  const resource = fc.constantFrom('*', 'arn:aws:s3:::reports', 'arn:aws:s3:::reports/*', 'arn:aws:s3:::rep*', 'arn:aws:s3:::reports/q1.csv');
  const allow = fc.record({
    Effect: fc.constant('Allow'),
    Principal: principal,
    Action: fc.array(actionPattern, { minLength: 1, maxLength: 3 }),
    Resource: resource,
  });
  const callers = [ownerRoot, otherRoot, alice(), bob()];

  it('whatever Allow statements the bucket and identity policies hold, for every caller', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...ACTIONS),
        fc.array(allow, { maxLength: 5 }),
        fc.array(allow, { maxLength: 3 }),
        fc.constantFrom(...callers),
        fc.boolean(),
        fc.nat({ max: 5 }),
        (action, allows, identityAllows, caller, denyInBucket, position) => {
          const deny = { Effect: 'Deny', Principal: '*', Action: action, Resource: '*' };
          const bucketStatements: object[] = [...allows];
          const identityStatements: object[] = identityAllows.map(({ Principal: _p, ...rest }) => rest);
          if (denyInBucket) bucketStatements.splice(Math.min(position, bucketStatements.length), 0, deny);
          else identityStatements.splice(Math.min(position, identityStatements.length), 0, { Effect: 'Deny', Action: action, Resource: '*' });
          const who = identityStatements.length === 0 ? caller : { ...caller, identityPolicy: identity(...identityStatements) };
          const resourceArn = action === 's3:ListBucket' ? BUCKET_ARN : OBJECT_ARN;
          const decision = evaluateS3Access(request({ caller: who, action, resource: resourceArn, bucketPolicy: bucketPolicy(...bucketStatements) }));
          expect(decision.allowed).toBe(false);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('condition keys given as a function', () => {
  const DENY_WITHOUT_SSE = {
    Effect: 'Deny',
    Principal: '*',
    Action: 's3:PutObject',
    Resource: 'arn:aws:s3:::reports/*',
    Condition: { Null: { 's3:x-amz-server-side-encryption': 'true' } },
  };

  it('are not computed for a request no policy applies to', () => {
    let computed = 0;
    const conditions = (): Record<string, string> => {
      computed++;
      return {};
    };
    expect(evaluateS3Access(request({ action: 's3:PutObject', conditions })).allowed).toBe(true);
    expect(computed).toBe(0);
  });

  it('decide exactly as the same keys given as an object when a policy is evaluated', () => {
    for (const keys of [{}, { 's3:x-amz-server-side-encryption': 'AES256' }]) {
      let computed = 0;
      const lazy = (): Record<string, string> => {
        computed++;
        return keys;
      };
      const policy = bucketPolicy(DENY_WITHOUT_SSE);
      const eager = evaluateS3Access(request({ action: 's3:PutObject', bucketPolicy: policy, conditions: keys }));
      expect(evaluateS3Access(request({ action: 's3:PutObject', bucketPolicy: policy, conditions: lazy }))).toEqual(eager);
      expect(eager.allowed).toBe('s3:x-amz-server-side-encryption' in keys);
      expect(computed).toBe(1);
    }
  });
});
