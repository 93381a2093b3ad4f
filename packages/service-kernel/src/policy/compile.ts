/**
 * @module
 * Policies compiled once and cached by their text, so that deciding a request costs a map lookup
 * and a few set probes. `evaluatePolicy` applies one policy to one request: an explicit Deny, an
 * Allow for the caller itself, an Allow for the caller's account (delegation to IAM), or nothing.
 * A statement without `Action` or `Resource` has no effect (PutKeyPolicy API reference: "If either
 * of the required Resource or Action elements are missing from a key policy statement, the policy
 * statement has no effect").
 */

import type { Principal } from '../principal.ts';
import { type CompiledCondition, type ConditionLookup, compileCondition } from './conditions.ts';
import { type PolicySpec, parsePolicy, type StatementSpec } from './document.ts';
import { compilePatterns, type Matcher } from './patterns.ts';
import { type CompiledPrincipals, compilePrincipals, type PrincipalMatch } from './principals.ts';
import { parseTemplate, resolvedToRegExp } from './variables.ts';

/** Whether a statement's Resource (or NotResource) entries cover a resource, in a request's context (policy variables). */
type ResourceTest = (resource: string, lookup: ConditionLookup) => boolean;

/** One compiled statement. */
interface CompiledStatement {
  readonly allow: boolean;
  /** `undefined`: the statement names no principal (identity policies). */
  readonly principals: CompiledPrincipals | undefined;
  readonly notPrincipal: boolean;
  readonly actions: Matcher;
  readonly notAction: boolean;
  readonly resources: ResourceTest;
  readonly notResource: boolean;
  readonly conditions: readonly CompiledCondition[];
}

/** A compiled policy. */
export interface CompiledPolicy {
  readonly statements: readonly CompiledStatement[];
  /** No Deny statement at all. */
  readonly noDeny: boolean;
  /**
   * Accounts whose root this policy allows every `kms:` action on every resource without
   * conditions (the default key policy's statement): the evaluation fast path.
   */
  readonly unconditionalRootAccounts: ReadonlySet<string>;
}

/** What one policy says about one request. */
export interface PolicyVerdict {
  /** An applicable Deny statement. */
  readonly deny: boolean;
  /** An applicable Allow naming the caller itself (or everybody, or no principal at all). */
  readonly allowDirect: boolean;
  /** An applicable Allow naming only the caller's account: the caller's identity policy decides. */
  readonly allowAccount: boolean;
}

/** The request a policy is applied to. */
export interface PolicyRequest {
  readonly caller: Principal;
  /** `<service>:<Action>`, e.g. `kms:Encrypt`. */
  readonly action: string;
  /** The resource ARN, or `*` for actions on no resource. */
  readonly resource: string;
  readonly lookup: ConditionLookup;
}

const EMPTY: CompiledPolicy = Object.freeze({ statements: [], noDeny: true, unconditionalRootAccounts: new Set<string>() });
const CACHE_LIMIT = 1024;
const cache = new Map<string, CompiledPolicy>();

/**
 * The compiled form of a policy text, from the cache. Text that does not parse compiles to a
 * policy that allows and denies nothing (stored key policies were validated already; identity
 * policies are the embedder's input).
 * @example compiledPolicy(defaultKeyPolicy('us-east-1', '111122223333')).noDeny // true
 */
export function compiledPolicy(text: string): CompiledPolicy {
  let compiled = cache.get(text);
  if (compiled === undefined) {
    try {
      compiled = compilePolicy(parsePolicy(text));
    } catch {
      compiled = EMPTY;
    }
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(text, compiled);
  }
  return compiled;
}

/**
 * Compiles a parsed policy.
 * @throws TypeError for an unknown condition operator (parsed documents have none).
 */
export function compilePolicy(spec: PolicySpec): CompiledPolicy {
  // Policy variables exist in the 2012-10-17 language only; elsewhere `${...}` is plain text.
  const variables = spec.version === '2012-10-17';
  const statements = spec.statements.filter(hasEffect).map((statement) => compileStatement(statement, variables));
  const unconditionalRootAccounts = new Set<string>();
  for (const statement of spec.statements) {
    if (statement.effect !== 'Allow' || statement.conditions.length > 0 || statement.principal === undefined) continue;
    if (!(statement.action ?? []).some((a) => a === '*' || a.toLowerCase() === 'kms:*')) continue;
    if (!(statement.resource ?? []).includes('*')) continue;
    for (const entry of statement.principal.aws) {
      const root = /^(?:arn:[\w-]+:iam::(\d{12}):root|(\d{12}))$/.exec(entry);
      const account = root?.[1] ?? root?.[2];
      if (account !== undefined) unconditionalRootAccounts.add(account);
    }
  }
  return { statements, noDeny: statements.every((s) => s.allow), unconditionalRootAccounts };
}

function hasEffect(statement: StatementSpec): boolean {
  return (statement.action !== undefined || statement.notAction !== undefined) && (statement.resource !== undefined || statement.notResource !== undefined);
}

function compileStatement(statement: StatementSpec, variables: boolean): CompiledStatement {
  const principalSpec = statement.principal ?? statement.notPrincipal;
  return {
    allow: statement.effect === 'Allow',
    principals: principalSpec === undefined ? undefined : compilePrincipals(principalSpec),
    notPrincipal: statement.notPrincipal !== undefined,
    actions: compilePatterns(statement.action ?? statement.notAction ?? [], true),
    notAction: statement.notAction !== undefined,
    resources: compileResources(statement.resource ?? statement.notResource ?? [], variables),
    notResource: statement.notResource !== undefined,
    conditions: statement.conditions.map((condition) => compileCondition(condition, variables)),
  };
}

function compileResources(patterns: readonly string[], variables: boolean): ResourceTest {
  if (patterns.includes('*')) return () => true;
  const templates = variables ? patterns.map(parseTemplate) : [];
  const fixed: Matcher = compilePatterns(
    patterns.filter((_, index) => templates[index] === undefined),
    false,
  );
  const dynamic = templates.filter((template) => template !== undefined);
  if (dynamic.length === 0) return (resource) => fixed.matches(resource);
  return (resource, lookup) =>
    fixed.matches(resource) ||
    dynamic.some((template) => {
      const parts = template.resolve(lookup);
      return parts !== undefined && resolvedToRegExp(parts).test(resource);
    });
}

/**
 * Applies a policy to a request.
 * @param usePrincipals - `true` for resource-based (key) policies; identity policies name none.
 */
export function evaluatePolicy(policy: CompiledPolicy, request: PolicyRequest, usePrincipals: boolean): PolicyVerdict {
  let allowDirect = false;
  let allowAccount = false;
  for (const statement of policy.statements) {
    if (statement.actions.matches(request.action) === statement.notAction) continue;
    if (statement.resources(request.resource, request.lookup) === statement.notResource) continue;
    let match: PrincipalMatch = 'direct';
    if (usePrincipals && statement.principals !== undefined) {
      const named = statement.principals.match(request.caller);
      // NotPrincipal: the statement applies to everybody it does not name.
      match = statement.notPrincipal ? (named === undefined ? 'direct' : undefined) : named;
      if (match === undefined) continue;
    }
    if (!statement.conditions.every((condition) => condition(request.lookup))) continue;
    if (!statement.allow) return { deny: true, allowDirect: false, allowAccount: false };
    if (match === 'direct') allowDirect = true;
    else allowAccount = true;
  }
  return { deny: false, allowDirect, allowAccount };
}
