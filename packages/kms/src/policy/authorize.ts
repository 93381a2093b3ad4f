/**
 * @module
 * KMS authorization (dev guide "Policy evaluation logic", "Determining access to a KMS key"):
 * every operation asks whether the caller may perform a `kms:` action on a key (or, for IAM-only
 * actions, at all). The rules:
 *
 * 1. an explicit Deny in the key policy or in the caller's identity policy wins;
 * 2. otherwise the key policy must allow the caller itself, or allow the caller's account (the
 *    `arn:aws:iam::<account>:root` statement: delegation to IAM) with the caller's identity
 *    policy allowing too — the account root needs no identity policy; a caller from another
 *    account always needs both sides; "Cross-account use: No" operations refuse other accounts;
 * 3. or a grant allows it: grantee = the caller (a role grantee covers its sessions), the action
 *    among the grant's operations, its encryption-context constraints satisfied; a grant created
 *    through a grant must stay within its parent (operations and constraints).
 *
 * IAM-only actions (CreateKey, ListKeys, ListAliases, GenerateRandom, ListRetirableGrants, the
 * alias half of the alias operations) are allowed for the account root and otherwise decided by
 * the caller's identity policy alone; a non-root caller without one is refused (callers with
 * unknown access keys are the account root, so this only affects principals set up as IAM users
 * or roles).
 */

import {
  compiledPolicy,
  evaluateIdentityPolicy,
  evaluatePolicy,
  evaluateSides,
  matchPrincipal,
  type Principal,
  type PrincipalMatch,
} from '@strongbox/service-kernel';
import { ciphertextKeyInaccessible, KmsError } from '../errors.ts';
import { constraintsSatisfied, constraintsWithin, ENCRYPTION_CONTEXT_OPERATIONS, grantIdOfToken } from '../model/grants.ts';
import type { GrantConstraints, GrantOperation, GrantRecord, KeyRecord } from '../model/records.ts';
import { type AuthorizationDetails, contextLookup, type KmsAction } from './request-context.ts';

export type { AuthorizationDetails, KmsAction } from './request-context.ts';

/** One access question. */
export interface AccessRequest {
  readonly caller: Principal;
  readonly action: KmsAction;
  /** The key acted on; `undefined` for IAM-only actions (CreateKey, ListKeys, GenerateRandom, ...). */
  readonly key: KeyRecord | undefined;
  /** The Region of the request. */
  readonly region: string;
  /** Grants on the key. */
  readonly grants: readonly GrantRecord[];
  readonly details: AuthorizationDetails;
  /** Request time, epoch ms (`aws:CurrentTime`). */
  readonly now?: number;
  /** The caller's IP address (`aws:SourceIp`). */
  readonly sourceIp?: string;
  /** For kms:CreateGrant: the grant being created, which a parent grant must cover. */
  readonly childGrant?: { readonly operations: readonly GrantOperation[]; readonly constraints?: GrantConstraints };
}

/** Why a request was refused, as AWS's AccessDenied message states it. */
export type DenialReason = 'explicitDenyInResourcePolicy' | 'explicitDenyInIdentityPolicy' | 'noResourcePolicy' | 'noIdentityPolicy';

/** The answer, with the reason AWS's AccessDenied message states. */
export type AccessDecision =
  | { readonly allowed: true; readonly via: 'keyPolicy' | 'identityPolicy' | 'grant' }
  | { readonly allowed: false; readonly reason: DenialReason };

const ALLOWED_BY_KEY_POLICY: AccessDecision = Object.freeze({ allowed: true, via: 'keyPolicy' });
const ALLOWED_BY_IDENTITY_POLICY: AccessDecision = Object.freeze({ allowed: true, via: 'identityPolicy' });
const ALLOWED_BY_GRANT: AccessDecision = Object.freeze({ allowed: true, via: 'grant' });

/** Actions KMS lets another account perform on a key ("Cross-account use: Yes" in the API reference). */
const CROSS_ACCOUNT_ACTIONS: ReadonlySet<string> = new Set([
  'kms:CreateGrant',
  'kms:Decrypt',
  'kms:DeriveSharedSecret',
  'kms:DescribeKey',
  'kms:Encrypt',
  'kms:GenerateDataKey',
  'kms:GenerateDataKeyPair',
  'kms:GenerateDataKeyPairWithoutPlaintext',
  'kms:GenerateDataKeyWithoutPlaintext',
  'kms:GenerateMac',
  'kms:GetKeyRotationStatus',
  'kms:GetPublicKey',
  'kms:ListGrants',
  'kms:ReEncryptFrom',
  'kms:ReEncryptTo',
  'kms:RetireGrant',
  'kms:RevokeGrant',
  'kms:Sign',
  'kms:Verify',
  'kms:VerifyMac',
]);

/**
 * Decides an access request. Pure: the same request always gets the same decision.
 * @example evaluateAccess({ caller: root, action: 'kms:Encrypt', key, region, grants: [], details: {} }).allowed // true
 */
export function evaluateAccess(request: AccessRequest): AccessDecision {
  const { caller, key } = request;
  if (key === undefined) return evaluateIamOnly(request);
  // Fast path: the account root of the key's account under a policy such as the default one.
  if (rootAllowedByKeyPolicy(caller, key)) return ALLOWED_BY_KEY_POLICY;
  const lookup = contextLookup(request);
  const policyRequest = { caller, action: request.action, resource: key.arn, lookup };
  // Explicit denies first, key policy then identity policy (the kernel's shared evaluation).
  const { resource: resourceSide, identity: identitySide, explicitDeny } = evaluateSides(key.policy, policyRequest);
  if (explicitDeny === 'resource') return { allowed: false, reason: 'explicitDenyInResourcePolicy' };
  if (explicitDeny === 'identity') return { allowed: false, reason: 'explicitDenyInIdentityPolicy' };
  const root = caller.type === 'Root';
  const iamAllows = root || identitySide.allowDirect;
  const crossAccount = caller.type !== 'AWSService' && caller.account !== key.account;
  if (crossAccount && !CROSS_ACCOUNT_ACTIONS.has(request.action)) return { allowed: false, reason: 'noResourcePolicy' };
  if (!crossAccount && resourceSide.allowDirect) return ALLOWED_BY_KEY_POLICY;
  if ((resourceSide.allowAccount || (crossAccount && resourceSide.allowDirect)) && iamAllows) return root ? ALLOWED_BY_KEY_POLICY : ALLOWED_BY_IDENTITY_POLICY;
  const grant = grantMatch(request);
  if (grant === 'direct' || (grant === 'account' && iamAllows)) return ALLOWED_BY_GRANT;
  const keySideAllows = resourceSide.allowDirect || resourceSide.allowAccount;
  return { allowed: false, reason: keySideAllows ? 'noIdentityPolicy' : 'noResourcePolicy' };
}

/**
 * Whether `caller` is the account root of `key`'s own account, without an identity policy, under
 * a key policy with no Deny statement that allows that root every action on every resource
 * without conditions (the default key policy): then `evaluateAccess` allows any action on the key,
 * whatever else the request says (action, grants, context, time, source address).
 * @example rootAllowedByKeyPolicy(rootPrincipal('us-east-1', key.account), keyWithDefaultPolicy) // true
 */
export function rootAllowedByKeyPolicy(caller: Principal, key: KeyRecord): boolean {
  if (caller.type !== 'Root' || caller.account !== key.account || caller.identityPolicy !== undefined) return false;
  const keyPolicy = compiledPolicy(key.policy);
  return keyPolicy.noDeny && keyPolicy.unconditionalRootAccounts.has(caller.account);
}

function evaluateIamOnly(request: AccessRequest): AccessDecision {
  const { caller } = request;
  if (caller.identityPolicy === undefined) return caller.type === 'Root' ? ALLOWED_BY_IDENTITY_POLICY : { allowed: false, reason: 'noIdentityPolicy' };
  const resource = request.details.resourceArn ?? '*';
  const verdict = evaluateIdentityPolicy(caller, { caller, action: request.action, resource, lookup: contextLookup(request) });
  if (verdict.deny) return { allowed: false, reason: 'explicitDenyInIdentityPolicy' };
  return verdict.allowDirect || caller.type === 'Root' ? ALLOWED_BY_IDENTITY_POLICY : { allowed: false, reason: 'noIdentityPolicy' };
}

/** How the best grant for this request names the caller (`account`: through its account root). */
function grantMatch(request: AccessRequest): PrincipalMatch {
  if (request.grants.length === 0) return undefined;
  const operation = request.action.slice('kms:'.length);
  const constrained = ENCRYPTION_CONTEXT_OPERATIONS.has(operation);
  let best: PrincipalMatch;
  for (const grant of request.grants) {
    if (!(grant.operations as readonly string[]).includes(operation)) continue;
    const match = matchPrincipal(grant.granteePrincipal, request.caller);
    if (match === undefined || best === 'direct') continue;
    if (constrained && !constraintsSatisfied(grant.constraints, request.details.encryptionContext ?? {})) continue;
    if (operation === 'CreateGrant' && request.childGrant !== undefined && !coversChild(grant, request.childGrant)) continue;
    best = match;
  }
  return best;
}

/**
 * Whether the caller's identity policy (alone) allows the action on the request's key: the IAM
 * side of a delegation from an account principal, used where a grant names an account.
 */
export function identityPolicyAllows(request: AccessRequest): boolean {
  const { caller } = request;
  if (caller.type === 'Root') return true;
  if (caller.identityPolicy === undefined) return false;
  const resource = request.key?.arn ?? request.details.resourceArn ?? '*';
  const verdict = evaluatePolicy(compiledPolicy(caller.identityPolicy), { caller, action: request.action, resource, lookup: contextLookup(request) }, false);
  return !verdict.deny && verdict.allowDirect;
}

/** A grant's CreateGrant permission covers a new grant with a subset of its operations and constraints at least as strict. */
function coversChild(parent: GrantRecord, child: NonNullable<AccessRequest['childGrant']>): boolean {
  return child.operations.every((op) => parent.operations.includes(op)) && constraintsWithin(child.constraints, parent.constraints);
}

/**
 * Decides a request and raises AWS's AccessDeniedException when it is refused. Grant tokens are
 * checked for form first (Strongbox is strongly consistent, so a grant works as soon as it is
 * created and a token is never needed; a malformed one is still refused as KMS does).
 * @throws KmsError InvalidGrantTokenException, AccessDeniedException.
 */
export function authorizeAccess(request: AccessRequest): AccessDecision {
  const tokens = request.details.grantTokens;
  if (tokens !== undefined) {
    for (const token of tokens) if (grantIdOfToken(token) === undefined) throw invalidGrantToken();
  }
  const decision = evaluateAccess(request);
  if (!decision.allowed) throw accessDenied(request, decision.reason);
  return decision;
}

/** `InvalidGrantTokenException` (text UNCONFIRMED against AWS; KMS's model: "the specified grant token is not valid"). */
export function invalidGrantToken(): KmsError {
  return new KmsError('InvalidGrantTokenException', 'Invalid grant token');
}

/** The AccessDeniedException for a refused request. */
export function accessDenied(request: Pick<AccessRequest, 'caller' | 'action' | 'key' | 'details'>, reason: DenialReason): KmsError {
  // Decrypt of a ciphertext whose key belongs to another account that does not let the caller in:
  // KMS answers as if the key did not exist (the text users report for cross-account Decrypt,
  // e.g. data-dot-all/dataall#539). Same-account refusals use the "User: ..." text, as recorded
  // for Decrypt from real AWS in 2025 (aws/aws-nitro-enclaves-sdk-c#157, milvus-io/milvus#44981).
  if (
    request.action === 'kms:Decrypt' &&
    request.key !== undefined &&
    request.key.account !== request.caller.account &&
    (reason === 'noResourcePolicy' || reason === 'explicitDenyInResourcePolicy')
  ) {
    return ciphertextKeyInaccessible();
  }
  return new KmsError('AccessDeniedException', accessDeniedMessage(request, { allowed: false, reason }));
}

/**
 * AWS's AccessDenied text: `User: <caller ARN> is not authorized to perform: <action> on resource:
 * <ARN> <reason>` (real captures in the KMS reference §2.9; no trailing period).
 */
export function accessDeniedMessage(
  request: Pick<AccessRequest, 'caller' | 'action' | 'key' | 'details'>,
  decision: Extract<AccessDecision, { allowed: false }>,
): string {
  const resource = request.key?.arn ?? request.details.resourceArn ?? '*';
  const because = {
    explicitDenyInResourcePolicy: 'with an explicit deny in a resource-based policy',
    explicitDenyInIdentityPolicy: 'with an explicit deny in an identity-based policy',
    noResourcePolicy: `because no resource-based policy allows the ${request.action} action`,
    noIdentityPolicy: `because no identity-based policy allows the ${request.action} action`,
  }[decision.reason];
  return `User: ${request.caller.arn} is not authorized to perform: ${request.action} on resource: ${resource} ${because}`;
}

/** What the caller's grants on a key allow. */
export interface GrantQuery {
  readonly caller: Principal;
  readonly key: KeyRecord;
  readonly grants: readonly GrantRecord[];
  readonly details: AuthorizationDetails;
}

/**
 * The grant operations the caller's own grants on the key allow for this request: grants naming
 * the caller (or its role) whose encryption-context constraints the request's context satisfies.
 */
export function grantedOperations(query: GrantQuery): ReadonlySet<GrantOperation> {
  const allowed = new Set<GrantOperation>();
  const context = query.details.encryptionContext ?? {};
  for (const grant of query.grants) {
    if (matchPrincipal(grant.granteePrincipal, query.caller) !== 'direct') continue;
    for (const operation of grant.operations) {
      if (!ENCRYPTION_CONTEXT_OPERATIONS.has(operation) || constraintsSatisfied(grant.constraints, context)) allowed.add(operation);
    }
  }
  return allowed;
}
