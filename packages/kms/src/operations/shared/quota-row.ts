/**
 * @module
 * The quota row a cryptographic request counts against once its key is known ("Request quotas"):
 * Encrypt, Decrypt and ReEncrypt count against the symmetric row with a symmetric key and the RSA
 * row with an RSA key; Sign and Verify against the RSA, ECC or ML-DSA row; DeriveSharedSecret
 * against the ECC row; Encapsulate and Decapsulate against the ML-KEM row (UNCONFIRMED: the page
 * has no ML-KEM row). These operations' definitions say `quota: { byHandler: true }`, and their
 * handlers call `throttleForKey` right after resolving the key, before authorizing.
 */

import { KEY_SPEC_TABLE } from '../../model/key-types/spec-table.ts';
import { cryptographicRowOf, type QuotaClass } from '../../model/quotas.ts';
import type { KeyRecord } from '../../model/records.ts';
import type { OperationContext } from '../types.ts';

/** The row `key`'s cryptographic operations count against. */
export function quotaRowOf(key: KeyRecord): QuotaClass {
  return cryptographicRowOf(KEY_SPEC_TABLE[key.keySpec].quota);
}

/**
 * Counts the request against `key`'s row.
 * @throws KmsError ThrottlingException.
 */
export function throttleForKey(context: OperationContext, key: KeyRecord): void {
  context.throttle(quotaRowOf(key));
}
