/**
 * @module
 * Key policy validation for CreateKey and PutKeyPolicy, with AWS's exceptions:
 *
 * - characters outside `\u0009 \u000A \u000D \u0020-\u00FF`, text that is not a policy document,
 *   unknown elements or condition operators → MalformedPolicyDocumentException with an empty
 *   message (what KMS sent for a non-JSON policy, aws/aws-sdk-ruby#1784; its current text for the
 *   other syntax errors is not recorded anywhere public);
 * - a statement without a principal → `Policy contains a statement with no principal.` and a
 *   malformed principal → `Policy contains a statement with one or more invalid principals.`
 *   (real CloudFormation/Terraform captures, "Service: Kms, Status Code: 400");
 * - more than 32 KB → LimitExceededException (CreateKey/PutKeyPolicy API reference: "If the key
 *   policy exceeds the length constraint, KMS returns a LimitExceededException");
 * - the lockout safety check, unless bypassed: the policy must let the calling principal call
 *   PutKeyPolicy later → `The new key policy will not allow you to update the key policy in the
 *   future.` (many real captures).
 */

import {
  compilePolicy,
  evaluatePolicy,
  isServiceError,
  isWellFormedPrincipal,
  type PolicySpec,
  type Principal,
  type PrincipalSpec,
  parsePolicy,
} from '@strongbox/service-kernel';
import { KmsError } from '../errors.ts';
import { keyArn } from '../model/identifiers.ts';
import { contextLookup } from './request-context.ts';

/** What a policy is checked against. */
export interface PolicyCheck {
  /** The principal setting the policy (the lockout safety check protects its access). */
  readonly caller: Principal;
  readonly account: string;
  readonly region: string;
  /** `BypassPolicyLockoutSafetyCheck`. */
  readonly bypassLockoutCheck: boolean;
  /** The key's ARN, when it exists already (PutKeyPolicy), for `Resource` elements naming it. */
  readonly keyArn?: string;
}

/** Key policy document size quota, bytes (dev guide "Resource quotas": 32 KB). */
export const MAX_KEY_POLICY_BYTES = 32_768;

/** Characters a policy may contain (KMS model, PolicyType pattern). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: tab, line feed and carriage return are exactly what KMS's pattern admits.
const POLICY_CHARACTERS = /^[\u0009\u000A\u000D\u0020-\u00FF]+$/;

const MESSAGES = {
  noPrincipal: 'Policy contains a statement with no principal.',
  invalidPrincipal: 'Policy contains a statement with one or more invalid principals.',
  lockout: 'The new key policy will not allow you to update the key policy in the future.',
} as const;

/**
 * Validates a key policy document.
 * @throws KmsError MalformedPolicyDocumentException or LimitExceededException.
 * @example validateKeyPolicy(defaultKeyPolicy('us-east-1', acct), { caller: root, account: acct, region: 'us-east-1', bypassLockoutCheck: false })
 */
export function validateKeyPolicy(policy: string, check: PolicyCheck): void {
  // Every allowed character is one byte (\u0000-\u00FF), so the length is the size in bytes.
  if (policy.length > MAX_KEY_POLICY_BYTES) {
    // Text UNCONFIRMED: AWS documents the exception, not its message.
    throw new KmsError('LimitExceededException', `The key policy exceeds the maximum size of ${MAX_KEY_POLICY_BYTES} bytes.`);
  }
  if (!POLICY_CHARACTERS.test(policy)) throw malformed('');
  let spec: PolicySpec;
  try {
    spec = parsePolicy(policy);
    checkPrincipals(spec);
  } catch (error) {
    if (isServiceError(error, 'POLICY_SYNTAX')) throw malformed('');
    if (isServiceError(error, 'POLICY_INVALID_PRINCIPAL')) throw malformed(MESSAGES.invalidPrincipal);
    throw error;
  }
  if (!check.bypassLockoutCheck && !allowsPutKeyPolicy(spec, check)) throw malformed(MESSAGES.lockout);
}

function checkPrincipals(spec: PolicySpec): void {
  for (const statement of spec.statements) {
    const principal = statement.principal ?? statement.notPrincipal;
    if (principal === undefined || isEmpty(principal)) throw malformed(MESSAGES.noPrincipal);
    const lists = [
      ['AWS', principal.aws],
      ['Service', principal.service],
      ['Federated', principal.federated],
      ['CanonicalUser', principal.canonicalUser],
    ] as const;
    for (const [kind, values] of lists) {
      for (const value of values) if (!isWellFormedPrincipal(kind, value)) throw malformed(MESSAGES.invalidPrincipal);
    }
  }
}

/** Empty principal values (`{"AWS": ""}`, `{"AWS": []}`) count as no principal, as KMS reports them. */
function isEmpty(principal: PrincipalSpec): boolean {
  if (principal.anyone) return false;
  const values = [...principal.aws, ...principal.service, ...principal.federated, ...principal.canonicalUser];
  return values.length === 0 || values.every((value) => value === '');
}

/**
 * The lockout safety check: would the caller be allowed kms:PutKeyPolicy under this key policy?
 * A statement for the caller's account counts (the account can delegate through IAM, which KMS
 * does not evaluate here); so does a statement naming the caller itself, `"*"`, or its role.
 */
function allowsPutKeyPolicy(spec: PolicySpec, check: PolicyCheck): boolean {
  const { caller } = check;
  // At CreateKey the key has no ARN yet: only statements for every key of the account can apply.
  const resource = check.keyArn ?? keyArn(check.region, check.account, '*');
  const lookup = contextLookup({ caller, action: 'kms:PutKeyPolicy', key: undefined, region: check.region, details: {} });
  const verdict = evaluatePolicy(compilePolicy(spec), { caller, action: 'kms:PutKeyPolicy', resource, lookup }, true);
  return !verdict.deny && (verdict.allowDirect || verdict.allowAccount);
}

function malformed(message: string): KmsError {
  return new KmsError('MalformedPolicyDocumentException', message);
}
