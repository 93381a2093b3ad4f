/**
 * @module
 * Evaluation of one request against a resource policy (key policy, bucket policy) and the
 * caller's identity policy, the part of IAM's policy evaluation logic every service shares (IAM
 * User Guide, "Policy evaluation logic"): an explicit Deny on either side decides first; the
 * verdicts of both sides are returned so each service applies its own allow rules (KMS: the key
 * policy must allow, directly or by delegating to the account; S3: either side allows within
 * the account, both across accounts).
 */

import type { Principal } from '../principal.ts';
import { compiledPolicy, evaluatePolicy, type PolicyRequest, type PolicyVerdict } from './compile.ts';

/** What neither side says anything about. */
export const NO_VERDICT: PolicyVerdict = Object.freeze({ deny: false, allowDirect: false, allowAccount: false });

/** Both sides' verdicts, and which side denies explicitly (resource first, as AWS reports it). */
export interface PolicySides {
  readonly resource: PolicyVerdict;
  readonly identity: PolicyVerdict;
  readonly explicitDeny: 'resource' | 'identity' | undefined;
}

/**
 * Evaluates `request` against `resourcePolicy` (with its Principal elements) and the caller's
 * identity policy (without: it is attached to the caller). The identity side is skipped when
 * the resource side denies.
 * @example evaluateSides(bucketPolicy, { caller, action: 's3:GetObject', resource: objectArn, lookup }).explicitDeny // undefined
 */
export function evaluateSides(resourcePolicy: string | undefined, request: PolicyRequest): PolicySides {
  const resource = resourcePolicy === undefined ? NO_VERDICT : evaluatePolicy(compiledPolicy(resourcePolicy), request, true);
  if (resource.deny) return { resource, identity: NO_VERDICT, explicitDeny: 'resource' };
  const identity = evaluateIdentityPolicy(request.caller, request);
  return { resource, identity, explicitDeny: identity.deny ? 'identity' : undefined };
}

/**
 * The caller's identity policy's verdict on `request` (no verdict without a policy).
 * @example evaluateIdentityPolicy(alice, { caller: alice, action: 'kms:CreateKey', resource: '*', lookup }).allowDirect
 */
export function evaluateIdentityPolicy(caller: Principal, request: PolicyRequest): PolicyVerdict {
  return caller.identityPolicy === undefined ? NO_VERDICT : evaluatePolicy(compiledPolicy(caller.identityPolicy), request, false);
}
