/**
 * @module
 * KMS errors as S3 reports them (../shared/reference/s3-sse.md §2.2, LS-snapshot captures of real
 * S3): S3 prefixes KMS's exception name with `KMS.` and keeps KMS's message (`KMS.NotFoundException`
 * `Invalid keyId '…'` / `Key '…' does not exist`, `KMS.DisabledException` `<arn> is disabled.`,
 * `KMS.KMSInvalidStateException` `<arn> is pending deletion.`), all HTTP 400; a caller KMS refuses
 * gets S3's own 403 `AccessDenied`; throttling is 503 `SlowDown` (reported, UNCONFIRMED). Errors
 * are recognised by their code or name, so any KMS client (the in-process `Kms`, an AWS SDK
 * client) maps the same way.
 */

import { S3Error } from '../errors.ts';

const DISABLED = /^(\S+) is disabled\.$/;
const PENDING_DELETION = /^(\S+) is pending deletion\.$/;
const KEY_USAGE = /^(\S+) key usage /;

/**
 * The S3 error for an error a KMS call threw.
 *
 * @param keyId - the key reference S3 asked KMS for, quoted when KMS's message names none.
 * @example
 * ```ts
 * import { s3ErrorFromKms } from '@strongbox/s3';
 * s3ErrorFromKms(Object.assign(new Error('arn:aws:kms:us-east-1:111122223333:key/… is disabled.'), { code: 'DisabledException' }), 'alias/a').code;
 * // 'KMS.DisabledException'
 * ```
 */
export function s3ErrorFromKms(error: unknown, keyId: string | undefined): S3Error {
  if (error instanceof S3Error) return error;
  const code = errorCode(error);
  const message = error instanceof Error ? error.message : '';
  switch (code) {
    case 'NotFoundException':
      return new S3Error('KmsNotFound', { detail: { value: message }, cause: error });
    case 'DisabledException': {
      const arn = DISABLED.exec(message)?.[1] ?? keyId;
      return new S3Error('KmsDisabled', { detail: { keyId: arn }, cause: error });
    }
    case 'KMSInvalidStateException': {
      const arn = PENDING_DELETION.exec(message)?.[1];
      return arn === undefined
        ? new S3Error('KmsInvalidState', { detail: { value: message }, cause: error })
        : new S3Error('KmsPendingDeletion', { detail: { keyId: arn }, cause: error });
    }
    case 'InvalidKeyUsageException':
      return new S3Error('KmsInvalidKeyUsage', {
        detail: { keyId: KEY_USAGE.exec(message)?.[1] ?? keyId, ...(message === '' ? {} : { value: message }) },
        cause: error,
      });
    case 'AccessDeniedException':
      return new S3Error('KmsAccessDenied', { cause: error });
    case 'ThrottlingException':
      return new S3Error('KmsThrottled', { cause: error });
    default:
      return new S3Error('KmsUnavailable', { cause: error });
  }
}

function errorCode(error: unknown): string {
  if (typeof error !== 'object' || error === null) return '';
  const { code, name } = error as { code?: unknown; name?: unknown };
  return typeof code === 'string' ? code : typeof name === 'string' ? name : '';
}
