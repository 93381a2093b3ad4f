/**
 * @module
 * What the cryptographic operations hand authorization about a request's encryption context and
 * grant tokens (grant constraints and `kms:EncryptionContext*` conditions read the context), built
 * member by member: GenerateDataKey and Decrypt authorize on every call.
 */

import type { EncryptionContext } from '@strongbox/envelope';
import type { RequestConditions } from '@strongbox/service-kernel';
import type { AuthorizationDetails } from '../types.ts';

/** The context a request without one is authorized with (read only, so one frozen object serves all). */
const NO_CONTEXT: EncryptionContext = Object.freeze({});

/**
 * The authorization details of a request with an encryption context (absent: empty), its grant
 * tokens if any, and extra condition keys if any.
 * @example contextDetails({ purpose: 'test' }, undefined) // { encryptionContext: { purpose: 'test' } }
 */
export function contextDetails(
  encryptionContext: EncryptionContext | undefined,
  grantTokens: readonly string[] | undefined,
  conditions?: RequestConditions,
): AuthorizationDetails {
  const details: { -readonly [K in keyof AuthorizationDetails]: AuthorizationDetails[K] } = { encryptionContext: encryptionContext ?? NO_CONTEXT };
  if (conditions !== undefined) details.conditions = conditions;
  if (grantTokens !== undefined) details.grantTokens = grantTokens;
  return details;
}
