/**
 * @module
 * The origin check of the import operations: only keys created with `Origin: EXTERNAL` take
 * imported material ("<key ARN> origin is AWS_KMS which is not valid for this operation.",
 * LocalStack's AWS-validated `test_get_parameters_for_import`, 2024-04-11 and 2025-11-10).
 */

import { KmsError } from '../../errors.ts';
import type { KeyRecord } from '../../model/records.ts';

/**
 * Refuses keys whose material KMS generated.
 * @throws KmsError UnsupportedOperationException unless the key's origin is EXTERNAL.
 */
export function requireExternalOrigin(key: KeyRecord): void {
  if (key.origin === 'EXTERNAL') return;
  throw new KmsError('UnsupportedOperationException', `${key.arn} origin is ${key.origin} which is not valid for this operation.`);
}
