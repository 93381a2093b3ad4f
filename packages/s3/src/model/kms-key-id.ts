/**
 * @module
 * The shape of a KMS key reference in an SSE-KMS request or bucket default, checked before S3 asks
 * KMS anything (LS-snapshot, recorded against AWS): a reference that is neither a key id, a key
 * ARN nor an alias is 400 `KMS.NotFoundException` `Invalid keyId '<id>'`, and a key ARN of another
 * Region is `Invalid arn <region>`. Whether the key exists, is enabled, or is pending deletion is
 * for KMS to say when S3 calls it.
 */

import { S3Error } from '../errors.ts';

const KEY_ID = /^(?:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|mrk-[0-9a-fA-F]{32})$/;
const ALIAS = /^alias\/[a-zA-Z0-9/_-]{1,250}$/;
const KMS_ARN = /^arn:aws[a-z-]*:kms:([a-z0-9-]+):(\d{12}):(key|alias)\/(.+)$/;

/** What a checked reference names. */
export type KmsKeyReference =
  | { readonly kind: 'key-id' | 'alias'; readonly value: string }
  | { readonly kind: 'key-arn' | 'alias-arn'; readonly value: string; readonly region: string; readonly account: string };

/**
 * Checks the shape of a KMS key reference used by S3 in `region`.
 *
 * @throws S3Error KmsInvalidKeyId (malformed) or KmsInvalidArn (a KMS ARN of another Region).
 * @example
 * ```ts
 * import { checkKmsKeyId } from '@strongbox/s3';
 * checkKmsKeyId('alias/app', 'us-east-1'); // { kind: 'alias', value: 'alias/app' }
 * ```
 */
export function checkKmsKeyId(reference: string, region: string): KmsKeyReference {
  if (KEY_ID.test(reference)) return { kind: 'key-id', value: reference };
  if (ALIAS.test(reference)) return { kind: 'alias', value: reference };
  const arn = KMS_ARN.exec(reference);
  if (arn !== null) {
    const [, arnRegion = '', account = '', type, rest = ''] = arn;
    const valid = type === 'key' ? KEY_ID.test(rest) : ALIAS.test(`alias/${rest}`);
    if (valid) {
      if (arnRegion !== region) throw new S3Error('KmsInvalidArn', { detail: { keyId: arnRegion } });
      return { kind: type === 'key' ? 'key-arn' : 'alias-arn', value: reference, region: arnRegion, account };
    }
  }
  throw new S3Error('KmsInvalidKeyId', { detail: { keyId: reference } });
}
