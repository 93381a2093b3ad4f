/**
 * The POST policy signature: AWS's own worked example (S3 API reference, "Example: Browser-Based
 * Upload using HTTP POST (Using AWS Signature Version 4)": its credentials, base64 policy and
 * signature), and the refusals of `createPostPolicyVerifier`.
 */

import { describe, expect, it } from 'vitest';
import { createPostPolicyVerifier, NO_USERS, parseUsers, ServiceError } from '../../src/index.ts';

/** The example's policy as the page gives it base64-encoded (the string signed). */
const EXAMPLE_POLICY =
  'eyAiZXhwaXJhdGlvbiI6ICIyMDE1LTEyLTMwVDEyOjAwOjAwLjAwMFoiLA0KICAiY29uZGl0aW9ucyI6IFsNCiAgICB7ImJ1Y2tldCI6ICJzaWd2NGV4YW1wbGVidWNrZXQifSwNCiAgICBbInN0YXJ0cy13aXRoIiwgIiRrZXkiLCAidXNlci91c2VyMS8iXSwNCiAgICB7ImFjbCI6ICJwdWJsaWMtcmVhZCJ9LA0KICAgIHsic3VjY2Vzc19hY3Rpb25fcmVkaXJlY3QiOiAiaHR0cDovL3NpZ3Y0ZXhhbXBsZWJ1Y2tldC5zMy5hbWF6b25hd3MuY29tL3N1Y2Nlc3NmdWxfdXBsb2FkLmh0bWwifSwNCiAgICBbInN0YXJ0cy13aXRoIiwgIiRDb250ZW50LVR5cGUiLCAiaW1hZ2UvIl0sDQogICAgeyJ4LWFtei1tZXRhLXV1aWQiOiAiMTQzNjUxMjM2NTEyNzQifSwNCiAgICB7IngtYW16LXNlcnZlci1zaWRlLWVuY3J5cHRpb24iOiAiQUVTMjU2In0sDQogICAgWyJzdGFydHMtd2l0aCIsICIkeC1hbXotbWV0YS10YWciLCAiIl0sDQoNCiAgICB7IngtYW16LWNyZWRlbnRpYWwiOiAiQUtJQUlPU0ZPRE5ON0VYQU1QTEUvMjAxNTEyMjkvdXMtZWFzdC0xL3MzL2F3czRfcmVxdWVzdCJ9LA0KICAgIHsieC1hbXotYWxnb3JpdGhtIjogIkFXUzQtSE1BQy1TSEEyNTYifSwNCiAgICB7IngtYW16LWRhdGUiOiAiMjAxNTEyMjlUMDAwMDAwWiIgfQ0KICBdDQp9';
const EXAMPLE_SIGNATURE = '8afdbf4008c03f22c2cd3cdb72e4afbb1f6a588f3255ac628749a66d7f09699e';
const EXAMPLE_FORM = {
  policy: EXAMPLE_POLICY,
  algorithm: 'AWS4-HMAC-SHA256',
  credential: 'AKIAIOSFODNN7EXAMPLE/20151229/us-east-1/s3/aws4_request',
  date: '20151229T000000Z',
  signature: EXAMPLE_SIGNATURE,
};

const users = parseUsers({
  users: [
    { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', principal: 'arn:aws:iam::111122223333:user/example' },
  ],
});
const verify = createPostPolicyVerifier({ users, strict: true, account: '111122223333', service: 's3' });

async function refusal(promise: Promise<unknown>): Promise<ServiceError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ServiceError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('createPostPolicyVerifier', () => {
  it("verifies AWS's worked example: the signer, its Region and the signing time", async () => {
    const identity = await verify(EXAMPLE_FORM);
    expect(identity.caller.arn).toBe('arn:aws:iam::111122223333:user/example');
    expect(identity.region).toBe('us-east-1');
    expect(identity.signedAt).toBe(Date.UTC(2015, 11, 29));
  });

  it('refuses a changed policy with SignatureDoesNotMatch naming the policy as the string to sign', async () => {
    const tampered = `${EXAMPLE_POLICY.slice(0, -4)}fQ==`;
    const error = await refusal(verify({ ...EXAMPLE_FORM, policy: tampered }));
    expect(error.code).toBe('SignatureDoesNotMatch');
    expect(error.fields.map(([name]) => name)).toEqual(['AWSAccessKeyId', 'StringToSign', 'SignatureProvided', 'StringToSignBytes']);
    expect(error.fields[1]).toEqual(['StringToSign', tampered]);
    expect(error.fields[3]?.[1].startsWith('65 79 41 69')).toBe(true);
  });

  it('refuses another day, Region or service in the scope (the signing key differs, or the scope is not S3)', async () => {
    expect((await refusal(verify({ ...EXAMPLE_FORM, credential: 'AKIAIOSFODNN7EXAMPLE/20151229/eu-west-1/s3/aws4_request' }))).code).toBe(
      'SignatureDoesNotMatch',
    );
    const service = await refusal(verify({ ...EXAMPLE_FORM, credential: 'AKIAIOSFODNN7EXAMPLE/20151229/us-east-1/kms/aws4_request' }));
    expect([service.code, service.fields[0]]).toEqual(['InvalidArgument', ['ArgumentName', 'X-Amz-Credential']]);
    const day = await refusal(verify({ ...EXAMPLE_FORM, date: '20151230T000000Z' }));
    expect(day.code).toBe('InvalidArgument');
  });

  it('refuses an empty access key, a malformed date and another algorithm with InvalidArgument', async () => {
    const empty = await refusal(verify({ ...EXAMPLE_FORM, credential: '/20151229/us-east-1/s3/aws4_request' }));
    expect(empty.message).toBe('a non-empty Access Key (AKID) must be provided in the credential.');
    const date = await refusal(verify({ ...EXAMPLE_FORM, date: '2015-12-29' }));
    expect([date.message, date.fields]).toEqual([
      'X-Amz-Date must be formated via ISO8601 Long format',
      [
        ['ArgumentName', 'X-Amz-Date'],
        ['ArgumentValue', '2015-12-29'],
      ],
    ]);
    expect((await refusal(verify({ ...EXAMPLE_FORM, algorithm: 'AWS4-HMAC-SHA1' }))).code).toBe('InvalidArgument');
  });

  it('refuses an unknown key under strict mode; without it the key stands for the account root, unverified', async () => {
    const stranger = { ...EXAMPLE_FORM, credential: 'AKIDSTRANGER/20151229/us-east-1/s3/aws4_request' };
    const error = await refusal(verify(stranger));
    expect([error.code, error.fields]).toEqual(['InvalidAccessKeyId', [['AWSAccessKeyId', 'AKIDSTRANGER']]]);
    const lenient = createPostPolicyVerifier({ users: NO_USERS, strict: false, account: '111122223333', service: 's3' });
    const identity = await lenient({ ...stranger, signature: 'anything' });
    expect([identity.caller.arn, identity.caller.accessKeyId]).toEqual(['arn:aws:iam::111122223333:root', 'AKIDSTRANGER']);
  });
});
