/**
 * @module
 * Encryption algorithm checks: symmetric keys support only SYMMETRIC_DEFAULT.
 */

import { KmsError } from '../../errors.ts';
import type { KeyRecord } from '../../model/records.ts';

/**
 * Throws unless `algorithm` is absent or SYMMETRIC_DEFAULT, the only algorithm of a symmetric key.
 * @throws KmsError InvalidKeyUsageException.
 */
export function requireSymmetricAlgorithm(key: KeyRecord, algorithm: string | undefined): void {
  if (algorithm === undefined || algorithm === 'SYMMETRIC_DEFAULT') return;
  throw new KmsError('InvalidKeyUsageException', `Algorithm ${algorithm} is incompatible with key spec ${key.keySpec}.`);
}
