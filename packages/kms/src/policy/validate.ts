/**
 * @module
 * Key policy validation for CreateKey and PutKeyPolicy.
 */

import { KmsError } from '../errors.ts';
import type { Principal } from '../model/principal.ts';

/** What a policy is checked against. */
export interface PolicyCheck {
  /** The principal setting the policy (the lockout safety check protects its access). */
  readonly caller: Principal;
  readonly account: string;
  readonly region: string;
  /** `BypassPolicyLockoutSafetyCheck`. */
  readonly bypassLockoutCheck: boolean;
}

/**
 * Validates a key policy document.
 * @throws KmsError MalformedPolicyDocumentException.
 */
export function validateKeyPolicy(policy: string, check: PolicyCheck): void {
  void check;
  try {
    JSON.parse(policy);
  } catch {
    throw new KmsError('MalformedPolicyDocumentException', 'The new key policy will not allow you to update the key policy in the future.');
  }
}
