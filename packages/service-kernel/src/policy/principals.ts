/**
 * @module
 * Matching a caller against the principals a statement (or a grant) names. AWS semantics this
 * module owns (IAM User Guide, "AWS JSON policy elements: Principal"; KMS dev guide "Key
 * policies"):
 *
 * - an account (`111122223333` or `arn:aws:iam::111122223333:root`) names *the account*: its root
 *   is matched directly, any other principal of the account only through delegation to IAM (the
 *   caller's identity policy must allow too) — the `account` match;
 * - a role ARN matches every session of the role (`arn:aws:sts::<acct>:assumed-role/<role>/<s>`),
 *   whatever the role's path;
 * - a user, session or service principal matches exactly; `"*"` matches everybody.
 */

import type { Principal } from '../principal.ts';
import type { PrincipalSpec } from './document.ts';

/** How a caller matches: itself (`direct`), only as a member of a named account, or not at all. */
export type PrincipalMatch = 'direct' | 'account' | undefined;

/** A compiled principal list. */
export interface CompiledPrincipals {
  match(caller: Principal): PrincipalMatch;
}

const ACCOUNT = /^\d{12}$/;
const IAM_ARN = /^arn:(aws|aws-cn|aws-us-gov):iam::(\d{12}):(root|user\/[\w+=,.@/-]+|role\/[\w+=,.@/-]+|federated-user\/[\w+=,.@-]+)$/;
const STS_ARN = /^arn:(aws|aws-cn|aws-us-gov):sts::(\d{12}):(assumed-role\/[\w+=,.@-]+\/[\w+=,.@-]+|federated-user\/[\w+=,.@-]+)$/;
const SERVICE = /^[a-z0-9-]+(\.[a-z0-9-]+)*\.amazonaws\.com(\.cn)?$/;

/**
 * Whether a principal value is well formed for its kind (`AWS`, `Service`, ...), as KMS requires
 * of key policies: accounts, IAM/STS principal ARNs without wildcards, service names.
 * @example isWellFormedPrincipal('AWS', 'arn:aws:iam::111122223333:role/*') // false
 */
export function isWellFormedPrincipal(kind: 'AWS' | 'Service' | 'Federated' | 'CanonicalUser', value: string): boolean {
  switch (kind) {
    case 'AWS':
      return ACCOUNT.test(value) || IAM_ARN.test(value) || STS_ARN.test(value);
    case 'Service':
      return SERVICE.test(value);
    case 'Federated':
      return value.length > 0 && !value.includes('*');
    case 'CanonicalUser':
      return /^[0-9a-f]{64}$/.test(value);
  }
}

/** Normalised form of one named principal. */
type Target =
  | { readonly kind: 'account'; readonly account: string }
  | { readonly kind: 'role'; readonly role: string }
  | { readonly kind: 'exact'; readonly arn: string };

function targetOf(entry: string): Target {
  if (ACCOUNT.test(entry)) return { kind: 'account', account: entry };
  const iam = /^arn:[\w-]+:iam::(\d{12}):(root|role\/(?:.*\/)?([^/]+))$/.exec(entry);
  const [, account, resource, role] = iam ?? [];
  if (account !== undefined) return resource === 'root' ? { kind: 'account', account } : { kind: 'role', role: `${account}/${role}` };
  return { kind: 'exact', arn: entry };
}

/**
 * The `<account>/<role name>` a caller acts as, for role-named statements: an assumed-role session,
 * or a role ARN given as the caller directly.
 */
export function roleOf(caller: Principal): string | undefined {
  const match = /^arn:[\w-]+:(?:sts::(\d{12}):assumed-role\/([^/]+)\/|iam::(\d{12}):role\/(?:.*\/)?([^/]+)$)/.exec(caller.arn);
  if (match === null) return undefined;
  return match[1] !== undefined ? `${match[1]}/${match[2]}` : `${match[3]}/${match[4]}`;
}

/**
 * Compiles a statement's principals.
 * @example compilePrincipals({ anyone: false, aws: ['111122223333'], service: [], federated: [], canonicalUser: [] })
 */
export function compilePrincipals(spec: PrincipalSpec): CompiledPrincipals {
  if (spec.anyone) return { match: () => 'direct' };
  const accounts = new Set<string>();
  const roles = new Set<string>();
  const exact = new Set<string>(spec.service);
  for (const entry of spec.aws) {
    const target = targetOf(entry);
    if (target.kind === 'account') accounts.add(target.account);
    else if (target.kind === 'role') roles.add(target.role);
    else exact.add(target.arn);
  }
  return {
    match(caller: Principal): PrincipalMatch {
      if (exact.has(caller.arn)) return 'direct';
      if (roles.size > 0) {
        const role = roleOf(caller);
        if (role !== undefined && roles.has(role)) return 'direct';
      }
      if (accounts.has(caller.account) && caller.type !== 'AWSService') return caller.type === 'Root' ? 'direct' : 'account';
      return undefined;
    },
  };
}

/**
 * How a caller matches one principal ARN (a grant's grantee or retiring principal).
 * @example matchPrincipal('arn:aws:iam::111122223333:role/app', sessionOfApp) // 'direct'
 */
export function matchPrincipal(entry: string, caller: Principal): PrincipalMatch {
  if (entry === caller.arn) return 'direct';
  const target = targetOf(entry);
  switch (target.kind) {
    case 'account':
      if (target.account !== caller.account || caller.type === 'AWSService') return undefined;
      return caller.type === 'Root' ? 'direct' : 'account';
    case 'role':
      return roleOf(caller) === target.role ? 'direct' : undefined;
    case 'exact':
      return undefined;
  }
}
