/**
 * @module
 * What GenerateMac and VerifyMac share: the members and the checks before the HMAC, with AWS's
 * answers (LocalStack's AWS-validated snapshots): "<arn> key usage is ENCRYPT_DECRYPT which is not
 * valid for GenerateMac." and "Algorithm HMAC_SHA_256 is incompatible with key spec HMAC_224.",
 * both InvalidKeyUsageException.
 */

import { type MacAlgorithm, usageAlgorithms } from '../../model/key-types/spec-table.ts';
import type { KeyRecord } from '../../model/records.ts';
import type { AuthorizationDetails } from '../../policy/request-context.ts';
import { blob, enumOf, type Shape } from '../../protocol/shapes.ts';
import { incompatibleAlgorithm, requireKeyUsage } from './key-usage.ts';

/** `Message`: 1..4096 bytes, never logged. */
export const MAC_MESSAGE: Shape = blob({ min: 1, max: 4096, sensitive: true });
/**
 * `MacAlgorithm`, listed in the order AWS's validation message lists it ("Member must satisfy enum
 * value set: [HMAC_SHA_384, HMAC_SHA_256, HMAC_SHA_224, HMAC_SHA_512]").
 */
export const MAC_ALGORITHM: Shape = enumOf(['HMAC_SHA_384', 'HMAC_SHA_256', 'HMAC_SHA_224', 'HMAC_SHA_512']);

/**
 * Checks that `key` is an HMAC key offering `algorithm`.
 * @returns the HMAC key (secret).
 * @throws KmsError InvalidKeyUsageException.
 */
export function checkMacRequest(key: KeyRecord, operation: 'GenerateMac' | 'VerifyMac', algorithm: string): Uint8Array {
  requireKeyUsage(key, 'GENERATE_VERIFY_MAC', operation);
  // With the usage checked, whether the algorithm is offered depends on the key spec alone: the
  // pair last found compatible is remembered (two strings, no key), so a run of calls with one
  // kind of key skips the spec table's lookup.
  if (key.keySpec !== compatibleSpec || algorithm !== compatibleAlgorithm) {
    if (!(usageAlgorithms(key.keySpec, key.keyUsage)?.mac ?? []).includes(algorithm as MacAlgorithm)) throw incompatibleAlgorithm(key, algorithm);
    compatibleSpec = key.keySpec;
    compatibleAlgorithm = algorithm;
  }
  if (key.macKey === undefined) throw new RangeError(`key ${key.keyId} has no HMAC key`);
  return key.macKey;
}

let compatibleSpec: string | undefined;
let compatibleAlgorithm: string | undefined;

/** One frozen authorization details object per MAC algorithm (validated: one of four). */
const MAC_DETAILS = new Map<string, AuthorizationDetails>();

/**
 * What GenerateMac and VerifyMac authorize with: the `kms:MacAlgorithm` condition key and the
 * request's grant tokens. Without grant tokens (most calls) the details depend on the algorithm
 * alone and are made once per algorithm: authorization only reads them.
 */
export function macAuthorization(algorithm: string, grantTokens: readonly string[] | undefined): AuthorizationDetails {
  if (grantTokens !== undefined) return { conditions: { 'kms:MacAlgorithm': algorithm }, grantTokens };
  // Calls mostly repeat the previous one's algorithm: answered without the map lookup.
  if (algorithm === lastAlgorithm && lastDetails !== undefined) return lastDetails;
  let details = MAC_DETAILS.get(algorithm);
  if (details === undefined) {
    details = Object.freeze({ conditions: Object.freeze({ 'kms:MacAlgorithm': algorithm }) });
    MAC_DETAILS.set(algorithm, details);
  }
  lastAlgorithm = algorithm;
  lastDetails = details;
  return details;
}

let lastAlgorithm: string | undefined;
let lastDetails: AuthorizationDetails | undefined;
