/** PutBucketPolicy's validation: S3's MalformedPolicy answers. */

import { describe, expect, it } from 'vitest';
import { MAX_BUCKET_POLICY_BYTES, validateBucketPolicy } from '../../src/index.ts';
import { catchS3 } from '../helpers/errors.ts';

const BUCKET = 'reports';

function policy(...statements: unknown[]): string {
  return JSON.stringify({ Version: '2012-10-17', Statement: statements });
}

function statement(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:root' }, Action: 's3:GetObject', Resource: `arn:aws:s3:::${BUCKET}/*`, ...overrides };
}

function refusal(text: string): { code: string; status: number; message: string } {
  const error = catchS3(() => validateBucketPolicy(text, BUCKET));
  return { code: error.code, status: error.status, message: error.message };
}

describe('valid bucket policies', () => {
  it.each([
    [
      'the published require-HTTPS policy',
      policy(
        statement({
          Effect: 'Deny',
          Principal: '*',
          Action: 's3:*',
          Resource: [`arn:aws:s3:::${BUCKET}`, `arn:aws:s3:::${BUCKET}/*`],
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        }),
      ),
    ],
    ['a single statement object', JSON.stringify({ Statement: statement() })],
    [
      'Principal {"AWS": "*"}, an account id, a user, a role session, a service',
      policy(
        statement({
          Principal: {
            AWS: ['*', '111122223333', 'arn:aws:iam::111122223333:user/alice', 'arn:aws:sts::111122223333:assumed-role/app/s1'],
            Service: 'logging.s3.amazonaws.com',
          },
        }),
      ),
    ],
    [
      'wildcards in actions and resources',
      policy(statement({ Action: ['s3:Get*', 's3:List*'], Resource: [`arn:aws:s3:::${BUCKET}`, `arn:aws:s3:::${BUCKET}/home/*`] })),
    ],
    ['a bucket pattern matching this bucket', policy(statement({ Resource: 'arn:aws:s3:::rep*' }))],
    ['"Action": "*" and "Resource": "*"', policy(statement({ Action: '*', Resource: '*' }))],
    [
      'NotPrincipal, NotAction and NotResource',
      policy(
        statement({
          Effect: 'Deny',
          Principal: undefined,
          NotPrincipal: { AWS: 'arn:aws:iam::111122223333:root' },
          Action: undefined,
          NotAction: 's3:GetObject',
          Resource: undefined,
          NotResource: `arn:aws:s3:::${BUCKET}/public/*`,
        }),
      ),
    ],
    ['leading whitespace', `\n  ${policy(statement())}`],
    ['Version 2008-10-17', JSON.stringify({ Version: '2008-10-17', Statement: [statement()] })],
  ])('accepts %s', (_name, text) => {
    expect(() => validateBucketPolicy(text, BUCKET)).not.toThrow();
  });
});

describe('MalformedPolicy', () => {
  it.each([
    ['text that is not JSON', 'not json', "Policies must be valid JSON and the first byte must be '{'"],
    ['a JSON array', '[]', "Policies must be valid JSON and the first byte must be '{'"],
    ['truncated JSON', policy(statement()).slice(0, -2), "Policies must be valid JSON and the first byte must be '{'"],
    ['no Statement', '{"Version":"2012-10-17"}', 'Missing required field Statement'],
    ['an empty Statement list', '{"Statement":[]}', 'Could not parse the policy: Statement is empty!'],
    ['no Effect', policy(statement({ Effect: undefined })), 'Missing required field Effect'],
    ['no Principal', policy(statement({ Principal: undefined })), 'Missing required field Principal'],
    ['no Action', policy(statement({ Action: undefined })), 'Missing required field Action'],
    ['no Resource', policy(statement({ Resource: undefined })), 'Missing required field Resource'],
    ['an unknown element', policy(statement({ Condtion: {} })), 'Unknown field Condtion'],
    ['an Effect other than Allow or Deny', policy(statement({ Effect: 'Permit' })), 'Invalid effect: Permit'],
    ['an unknown Version', JSON.stringify({ Version: '2020-01-01', Statement: [statement()] }), 'The policy must contain a valid version string'],
    ['a principal that is not an ARN', policy(statement({ Principal: { AWS: 'alice' } })), 'Invalid principal in policy'],
    ['a principal ARN with a wildcard', policy(statement({ Principal: { AWS: 'arn:aws:iam::111122223333:user/*' } })), 'Invalid principal in policy'],
    [
      'a CloudFront identity with spaces',
      policy(statement({ Principal: { AWS: 'arn:aws:iam::cloudfront:user/CloudFront Origin Access Identity E1' } })),
      'Invalid principal in policy',
    ],
    ['a principal kind IAM does not have', policy(statement({ Principal: { User: 'alice' } })), 'Invalid principal in policy'],
    ['a bare principal string other than *', policy(statement({ Principal: '111122223333' })), 'Invalid principal in policy'],
    ['an action of another service', policy(statement({ Action: 'kms:Decrypt' })), 'Policy has invalid action'],
    ['an S3 action that does not exist', policy(statement({ Action: 's3:GetWidget' })), 'Policy has invalid action'],
    ['an action without a service prefix', policy(statement({ Action: 'GetObject' })), 'Policy has invalid action'],
    ['another bucket', policy(statement({ Resource: 'arn:aws:s3:::other/*' })), 'Policy has invalid resource'],
    ['another bucket whose name starts like this one', policy(statement({ Resource: `arn:aws:s3:::${BUCKET}2/*` })), 'Policy has invalid resource'],
    ['a resource of another service', policy(statement({ Resource: 'arn:aws:kms:us-east-1:111122223333:key/k' })), 'Policy has invalid resource'],
    ['a resource that is not an ARN', policy(statement({ Resource: BUCKET })), 'Policy has invalid resource'],
    [
      'an object action on the bucket only',
      policy(statement({ Action: 's3:GetObject', Resource: `arn:aws:s3:::${BUCKET}` })),
      'Action does not apply to any resource(s) in statement',
    ],
    [
      'a bucket action on objects only',
      policy(statement({ Action: 's3:ListBucket', Resource: `arn:aws:s3:::${BUCKET}/*` })),
      'Action does not apply to any resource(s) in statement',
    ],
    [
      'a condition key of another service',
      policy(statement({ Condition: { StringEquals: { 'kms:ViaService': 's3.us-east-1.amazonaws.com' } } })),
      'Policy has an invalid condition key',
    ],
    ['an unknown condition operator', policy(statement({ Condition: { StringEqualz: { 'aws:SourceIp': '1.2.3.4' } } })), 'Invalid policy syntax.'],
  ])('refuses %s', (_name, text, message) => {
    expect(refusal(text)).toEqual({ code: 'MalformedPolicy', status: 400, message });
  });

  it('refuses a policy over 20 KB (20,480 bytes of UTF-8), and accepts one at the limit', () => {
    const base = policy(statement({ Sid: '' }));
    const padding = (size: number): string => base.replace('"Sid":""', `"Sid":"${'x'.repeat(size - Buffer.byteLength(base))}"`);
    expect(Buffer.byteLength(padding(MAX_BUCKET_POLICY_BYTES))).toBe(MAX_BUCKET_POLICY_BYTES);
    expect(() => validateBucketPolicy(padding(MAX_BUCKET_POLICY_BYTES), BUCKET)).not.toThrow();
    expect(refusal(padding(MAX_BUCKET_POLICY_BYTES + 1))).toEqual({
      code: 'MalformedPolicy',
      status: 400,
      message: 'Policy exceeds the maximum allowed document size.',
    });
  });

  it('counts bytes, not characters', () => {
    const base = policy(statement({ Sid: '' }));
    const chars = Math.ceil((MAX_BUCKET_POLICY_BYTES - Buffer.byteLength(base)) / 2) + 1;
    const text = base.replace('"Sid":""', `"Sid":"${'é'.repeat(chars)}"`);
    expect(text.length).toBeLessThan(MAX_BUCKET_POLICY_BYTES);
    expect(refusal(text).message).toBe('Policy exceeds the maximum allowed document size.');
  });

  it('reads __proto__ as an element name, not a prototype', () => {
    expect(refusal('{"__proto__":{"Statement":[]},"Statement":[]}').message).toBe('Unknown field __proto__');
  });
});
