/** KMS's errors as S3 reports them, recognised by code (the in-process Kms) or name (an AWS SDK client). */

import { describe, expect, it } from 'vitest';
import { S3Error, s3ErrorFromKms } from '../../src/index.ts';

const ARN = 'arn:aws:kms:us-east-1:000000000000:key/0b3f7c2e-8d4a-4e1f-9a6b-5c2d1e0f3a47';
const kmsError = (code: string, message: string): Error => Object.assign(new Error(message), { code });
const sdkError = (name: string, message: string): Error => Object.assign(new Error(message), { name });

describe('s3ErrorFromKms', () => {
  it.each([
    [kmsError('NotFoundException', "Invalid keyId 'fake-key-id'"), 'KMS.NotFoundException', 400, "Invalid keyId 'fake-key-id'"],
    [kmsError('NotFoundException', `Key '${ARN}' does not exist`), 'KMS.NotFoundException', 400, `Key '${ARN}' does not exist`],
    [kmsError('DisabledException', `${ARN} is disabled.`), 'KMS.DisabledException', 400, `${ARN} is disabled.`],
    [sdkError('DisabledException', `${ARN} is disabled.`), 'KMS.DisabledException', 400, `${ARN} is disabled.`],
    [kmsError('KMSInvalidStateException', `${ARN} is pending deletion.`), 'KMS.KMSInvalidStateException', 400, `${ARN} is pending deletion.`],
    [kmsError('KMSInvalidStateException', `${ARN} is pending import.`), 'KMS.KMSInvalidStateException', 400, `${ARN} is pending import.`],
    [
      kmsError('InvalidKeyUsageException', `${ARN} key usage is SIGN_VERIFY which is not valid for GenerateDataKey.`),
      'KMS.InvalidKeyUsageException',
      400,
      `${ARN} key usage is SIGN_VERIFY which is not valid for GenerateDataKey.`,
    ],
    [kmsError('AccessDeniedException', `User: x is not authorized to perform: kms:Decrypt on resource: ${ARN}`), 'AccessDenied', 403, 'Access Denied'],
    [
      sdkError('ThrottlingException', 'You have exceeded the rate at which you may call KMS. Reduce the frequency of your calls.'),
      'SlowDown',
      503,
      'Please reduce your request rate for operations involving AWS KMS.',
    ],
    [kmsError('KMSInternalException', 'boom'), 'InternalError', 500, 'We encountered an internal error. Please try again.'],
    [new TypeError('socket hang up'), 'InternalError', 500, 'We encountered an internal error. Please try again.'],
  ])('%s → %s %i', (error, code, status, message) => {
    const mapped = s3ErrorFromKms(error, 'alias/app');
    expect([mapped.code, mapped.status, mapped.message]).toEqual([code, status, message]);
    expect(mapped.cause).toBe(error);
  });

  it('passes an S3Error through, and quotes the key asked for when KMS names none', () => {
    const own = new S3Error('AccessDenied');
    expect(s3ErrorFromKms(own, undefined)).toBe(own);
    expect(s3ErrorFromKms(kmsError('DisabledException', 'disabled'), 'alias/app').message).toBe('alias/app is disabled.');
  });
});
