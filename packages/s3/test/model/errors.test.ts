import { ServiceError } from '@strongbox/service-kernel';
import { describe, expect, it } from 'vitest';
import { S3_ERRORS, S3Error, type S3ErrorReason, toS3Error } from '../../src/index.ts';
import { toWireError } from '../../src/protocol/errors.ts';

describe('the S3 error table', () => {
  it('every reason has an S3 code, a 4xx/5xx status (304 only for NotModified, 301 for the Region redirect) and a non-empty message', () => {
    for (const [reason, wire] of Object.entries(S3_ERRORS)) {
      const error = new S3Error(reason as S3ErrorReason, { detail: { keyId: 'k' } });
      expect(error.code).toMatch(/^(KMS\.)?[A-Z][A-Za-z0-9]+$/);
      const lowest = reason === 'NotModified' ? 304 : reason === 'WrongRegionEndpoint' ? 301 : 400;
      expect(wire.status).toBeGreaterThanOrEqual(lowest);
      expect(error.message.length).toBeGreaterThan(0);
    }
  });

  it('KMS errors quote the key as S3 does', () => {
    const arn = 'arn:aws:kms:us-east-1:111122223333:key/01234567-89ab-cdef-0123-456789abcdef';
    expect(new S3Error('KmsDisabled', { detail: { keyId: arn } }).message).toBe(`${arn} is disabled.`);
    expect(new S3Error('KmsPendingDeletion', { detail: { keyId: arn } }).message).toBe(`${arn} is pending deletion.`);
    expect(new S3Error('KmsKeyDoesNotExist', { detail: { keyId: arn } }).message).toBe(`Key '${arn}' does not exist`);
    expect(new S3Error('KmsDisabled').code).toBe('KMS.DisabledException');
  });

  it('bucket conflicts are 409 with the texts of the S3 error list', () => {
    expect([new S3Error('BucketAlreadyExists').status, new S3Error('BucketAlreadyOwnedByYou').code, new S3Error('BucketNotEmpty').message]).toEqual([
      409,
      'BucketAlreadyOwnedByYou',
      'The bucket you tried to delete is not empty',
    ]);
  });

  it('ArgumentName comes first, then the given fields', () => {
    expect(new S3Error('SseCAlgorithmNotAes256', { fields: [['ArgumentValue', 'x']] }).fields).toEqual([
      ['ArgumentName', 'x-amz-server-side-encryption'],
      ['ArgumentValue', 'x'],
    ]);
  });

  it('anything that is not an S3Error becomes InternalError, the cause kept but not in the message', () => {
    const error = toS3Error(new Error('secret detail'));
    expect([error.status, error.code]).toEqual([500, 'InternalError']);
    expect(error.message).not.toContain('secret');
    expect((error.cause as Error).message).toBe('secret detail');
    const s3 = new S3Error('NoSuchKey');
    expect(toS3Error(s3)).toBe(s3);
  });

  it("the kernel's own failures (a lost lease, a change not made durable) reach the wire as InternalError, their message kept out", () => {
    for (const code of ['LEASE_LOST', 'NOT_DURABLE', 'DIRECTORY_LOCKED'] as const) {
      const kernel = new ServiceError(code, 'The data directory /srv/secret-path was taken over by process 42');
      for (const thrown of [kernel, toS3Error(kernel)]) {
        const wire = toWireError(thrown);
        expect([wire.code, wire.status], code).toEqual(['InternalError', 500]);
        expect(wire.message).not.toContain('secret-path');
      }
    }
  });

  it("an authenticator's refusal of a request signed both ways reaches the wire in S3's words, not as a malformed header", () => {
    const wire = toWireError(
      new ServiceError('InvalidSignatureException', "Found both 'X-Amz-Algorithm' as a query-string param and 'Authorization' as HTTP header."),
    );
    expect([wire.status, wire.code, wire.message.slice(0, 32), wire.fields]).toEqual([
      400,
      'InvalidArgument',
      'Only one auth mechanism allowed;',
      [['ArgumentName', 'Authorization']],
    ]);
  });
});
