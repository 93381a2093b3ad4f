/**
 * @module
 * Member shapes many operations share, with the constraints of the KMS model.
 */

import type { Shape } from '../../protocol/shapes.ts';
import { boolean, enumOf, list, map, string } from '../../protocol/shapes.ts';

/** `KeyIdType`: 1..2048 characters. */
export const KEY_ID: Shape = string({ min: 1, max: 2048 });
/** `EncryptionContextType`: a string-to-string map. */
export const ENCRYPTION_CONTEXT: Shape = map(string(), string());
/** `GrantTokenList`: 0..10 tokens of 1..8192 characters. */
export const GRANT_TOKENS: Shape = list(string({ min: 1, max: 8192 }), { min: 0, max: 10 });
/** `EncryptionAlgorithmSpec`. */
export const ENCRYPTION_ALGORITHM: Shape = enumOf(['SYMMETRIC_DEFAULT', 'RSAES_OAEP_SHA_1', 'RSAES_OAEP_SHA_256', 'SM2PKE']);
/** `DryRun`. */
export const DRY_RUN: Shape = boolean();
