/** S3's actions, their resource types, and what a policy's Action entry covers. */

import { describe, expect, it } from 'vitest';
import { actionResourceTypes, OPERATION_NAMES, resourceTypeOf } from '../../src/index.ts';
import { OPERATIONS } from '../../src/operations/index.ts';

describe('the S3 action catalogue', () => {
  it('knows the resource type each action is granted on, case-insensitively', () => {
    expect(resourceTypeOf('s3:GetObject')).toBe('object');
    expect(resourceTypeOf('S3:getobject')).toBe('object');
    expect(resourceTypeOf('s3:ListBucket')).toBe('bucket');
    expect(resourceTypeOf('s3:ListAllMyBuckets')).toBe('account');
    expect(resourceTypeOf('s3:DescribeWidget')).toBeUndefined();
    expect(resourceTypeOf('kms:Decrypt')).toBeUndefined();
  });

  it('expands wildcards against the catalogue; a pattern naming no S3 action covers nothing', () => {
    expect([...actionResourceTypes('s3:*')].sort()).toEqual(['account', 'bucket', 'object']);
    expect([...actionResourceTypes('*')].sort()).toEqual(['account', 'bucket', 'object']);
    expect([...actionResourceTypes('s3:GetObject*')]).toEqual(['object']);
    expect([...actionResourceTypes('s3:ListBucket?ersions')]).toEqual(['bucket']);
    expect(actionResourceTypes('s3:Frobnicate*').size).toBe(0);
    expect(actionResourceTypes('kms:*').size).toBe(0);
    expect(actionResourceTypes('GetObject').size).toBe(0);
  });

  it('every operation declares an S3 action whose resource type fits its declared resource', () => {
    const fits = { object: ['object'], objects: ['object'], bucket: ['bucket'], newBucket: ['bucket'], none: ['account'] } as const;
    for (const name of OPERATION_NAMES) {
      const { access } = OPERATIONS[name];
      const type = resourceTypeOf(access.action);
      expect(type, `${name} declares ${access.action}`).toBeDefined();
      expect(fits[access.resource] as readonly string[], `${name}: ${access.action} on ${access.resource}`).toContain(type);
    }
  });

  it('operations carry the actions of the S3 API reference', () => {
    const declared = Object.fromEntries(OPERATION_NAMES.map((name) => [name, OPERATIONS[name].access.action]));
    expect(declared).toMatchObject({
      CreateBucket: 's3:CreateBucket',
      DeleteBucketEncryption: 's3:PutEncryptionConfiguration',
      GetBucketEncryption: 's3:GetEncryptionConfiguration',
      HeadBucket: 's3:ListBucket',
      HeadObject: 's3:GetObject',
      ListBuckets: 's3:ListAllMyBuckets',
      PutObject: 's3:PutObject',
      PutBucketPolicy: 's3:PutBucketPolicy',
      GetBucketPolicy: 's3:GetBucketPolicy',
      DeleteBucketPolicy: 's3:DeleteBucketPolicy',
    });
  });
});
