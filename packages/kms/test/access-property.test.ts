/**
 * Property: `evaluateAccess` decides exactly as a small reference oracle written here over plain
 * data (no compilation, caches, regular expressions or fast path): a request is allowed exactly
 * when the key policy (directly, or through the account statement plus the caller's identity
 * policy; both sides for another account), or a grant, allows it and no policy denies it
 * explicitly. Policies, identity policies, grants and requests are random.
 */

import type { Principal } from '@strongbox/service-kernel';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { GrantOperation, GrantRecord, KeyRecord } from '../src/model/records.ts';
import { type AccessDecision, evaluateAccess } from '../src/policy/authorize.ts';
import { defaultKeyPolicy } from '../src/policy/default-policy.ts';

const A = '111111111111';
const B = '222222222222';
const KEY_ARN = `arn:aws:kms:us-east-1:${A}:key/0b6c7a3e-5d1f-4c2a-9e8b-1a2b3c4d5e6f`;
const OTHER_KEY_ARN = `arn:aws:kms:us-east-1:${A}:key/9f8e7d6c-5b4a-4321-8fed-cba987654321`;

const CALLERS: readonly Principal[] = [
  { arn: `arn:aws:iam::${A}:root`, account: A, type: 'Root' },
  { arn: `arn:aws:iam::${A}:user/u1`, account: A, type: 'IAMUser' },
  { arn: `arn:aws:iam::${A}:user/u2`, account: A, type: 'IAMUser' },
  { arn: `arn:aws:sts::${A}:assumed-role/r1/s1`, account: A, type: 'AssumedRole' },
  { arn: `arn:aws:iam::${B}:root`, account: B, type: 'Root' },
  { arn: `arn:aws:iam::${B}:user/u3`, account: B, type: 'IAMUser' },
];
const PRINCIPAL_ENTRIES = [
  '*',
  A,
  `arn:aws:iam::${A}:root`,
  B,
  `arn:aws:iam::${B}:root`,
  `arn:aws:iam::${A}:user/u1`,
  `arn:aws:iam::${B}:user/u3`,
  `arn:aws:iam::${A}:role/r1`,
  `arn:aws:iam::${A}:role/path/r1`,
  `arn:aws:sts::${A}:assumed-role/r1/s1`,
];
const GRANTEES = [
  `arn:aws:iam::${A}:user/u1`,
  `arn:aws:iam::${A}:user/u2`,
  `arn:aws:iam::${A}:role/r1`,
  `arn:aws:iam::${A}:root`,
  `arn:aws:iam::${B}:user/u3`,
  `arn:aws:iam::${B}:root`,
];
const ACTIONS = [
  'kms:Encrypt',
  'kms:Decrypt',
  'kms:DescribeKey',
  'kms:GenerateDataKey',
  'kms:ReEncryptFrom',
  'kms:ListGrants',
  'kms:GetKeyPolicy',
  'kms:PutKeyPolicy',
] as const;
/** Actions another account may perform at all ("Cross-account use: Yes"). */
const CROSS_ACCOUNT = new Set(['kms:Encrypt', 'kms:Decrypt', 'kms:DescribeKey', 'kms:GenerateDataKey', 'kms:ReEncryptFrom', 'kms:ListGrants']);
const ACTION_PATTERNS = [...ACTIONS, 'kms:*', '*', 'kms:Gen*', 'kms:*crypt', 'kms:ReEncrypt*', 'KMS:get*', 'kms:?ncrypt', 'kms:List*'];
const RESOURCES = ['*', KEY_ARN, OTHER_KEY_ARN, `arn:aws:kms:us-east-1:${A}:key/*`, `arn:aws:kms:*:${B}:key/*`];
const GRANT_OPS: readonly GrantOperation[] = ['Encrypt', 'Decrypt', 'DescribeKey', 'GenerateDataKey', 'ReEncryptFrom', 'RetireGrant'];
/** Grant operations taking an encryption context: constraints apply only to them. */
const EC_OPS = new Set(['Encrypt', 'Decrypt', 'GenerateDataKey', 'ReEncryptFrom']);

type Condition =
  | { kind: 'ecEquals' | 'ecNotEquals'; key: string; values: string[] }
  | { kind: 'callerAccount'; account: string }
  | { kind: 'ecNull'; key: string; absent: boolean }
  | { kind: 'anyKey'; keys: string[] };

interface Statement {
  effect: 'Allow' | 'Deny';
  principals: string[] | undefined;
  actions: string[];
  notAction: boolean;
  resources: string[];
  condition: Condition | undefined;
}

type Context = Record<string, string>;

// ---------------------------------------------------------------------------------------------
// Generators
// ---------------------------------------------------------------------------------------------

const contextKey = fc.constantFrom('purpose', 'team');
const contextValue = fc.constantFrom('x', 'y', 'X');
const condition: fc.Arbitrary<Condition> = fc.oneof(
  fc.record({
    kind: fc.constantFrom('ecEquals' as const, 'ecNotEquals' as const),
    key: contextKey,
    values: fc.uniqueArray(contextValue, { minLength: 1, maxLength: 2 }),
  }),
  fc.record({ kind: fc.constant('callerAccount' as const), account: fc.constantFrom(A, B) }),
  fc.record({ kind: fc.constant('ecNull' as const), key: contextKey, absent: fc.boolean() }),
  fc.record({ kind: fc.constant('anyKey' as const), keys: fc.uniqueArray(contextKey, { minLength: 1, maxLength: 2 }) }),
);
const statement = (withPrincipals: boolean): fc.Arbitrary<Statement> =>
  fc.record({
    effect: fc.constantFrom('Allow' as const, 'Allow' as const, 'Deny' as const),
    principals: withPrincipals ? fc.uniqueArray(fc.constantFrom(...PRINCIPAL_ENTRIES), { minLength: 1, maxLength: 3 }) : fc.constant(undefined),
    actions: fc.uniqueArray(fc.constantFrom(...ACTION_PATTERNS), { minLength: 1, maxLength: 3 }),
    notAction: fc.integer({ min: 0, max: 9 }).map((n) => n === 0),
    resources: fc.uniqueArray(fc.constantFrom(...RESOURCES), { minLength: 1, maxLength: 2 }),
    condition: fc.option(condition, { nil: undefined, freq: 2 }),
  });
// Context maps never hold two keys differing only by case (KMS's constraint keys are case-insensitive).
const requestContext: fc.Arbitrary<Context> = fc
  .record({ purpose: fc.option(contextValue, { nil: undefined }), team: fc.option(contextValue, { nil: undefined }), upper: fc.boolean() })
  .map(({ purpose, team, upper }) => ({
    ...(purpose === undefined ? {} : { [upper ? 'Purpose' : 'purpose']: purpose }),
    ...(team === undefined ? {} : { team }),
  }));
const constraintMap = fc.dictionary(fc.constantFrom('purpose', 'team', 'Team'), contextValue, { maxKeys: 2 }).filter((m) => !('team' in m && 'Team' in m));
const grant: fc.Arbitrary<GrantRecord> = fc
  .record({
    grantee: fc.constantFrom(...GRANTEES),
    operations: fc.uniqueArray(fc.constantFrom(...GRANT_OPS), { minLength: 1, maxLength: 4 }),
    constraint: fc.option(fc.record({ kind: fc.constantFrom('equals', 'subset'), map: constraintMap }), { nil: undefined }),
  })
  .map(({ grantee, operations, constraint }) => ({
    grantId: '0'.repeat(64),
    keyId: 'k',
    region: 'us-east-1',
    name: '',
    creationDate: 0,
    granteePrincipal: grantee,
    issuingAccount: `arn:aws:iam::${A}:root`,
    operations,
    ...(constraint === undefined
      ? {}
      : { constraints: constraint.kind === 'equals' ? { encryptionContextEquals: constraint.map } : { encryptionContextSubset: constraint.map } }),
  }));

// ---------------------------------------------------------------------------------------------
// Rendering policies as documents
// ---------------------------------------------------------------------------------------------

function renderCondition(c: Condition): object {
  switch (c.kind) {
    case 'ecEquals':
      return { StringEquals: { [`kms:EncryptionContext:${c.key}`]: c.values } };
    case 'ecNotEquals':
      return { StringNotEquals: { [`kms:EncryptionContext:${c.key}`]: c.values } };
    case 'callerAccount':
      return { StringEquals: { 'kms:CallerAccount': c.account } };
    case 'ecNull':
      return { Null: { [`kms:EncryptionContext:${c.key}`]: String(c.absent) } };
    case 'anyKey':
      return { 'ForAnyValue:StringEquals': { 'kms:EncryptionContextKeys': c.keys } };
  }
}

function render(statements: readonly Statement[]): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: statements.map((s) => ({
      Effect: s.effect,
      ...(s.principals === undefined ? {} : { Principal: s.principals.includes('*') && s.principals.length === 1 ? '*' : { AWS: s.principals } }),
      [s.notAction ? 'NotAction' : 'Action']: s.actions,
      Resource: s.resources,
      ...(s.condition === undefined ? {} : { Condition: renderCondition(s.condition) }),
    })),
  });
}

// ---------------------------------------------------------------------------------------------
// The reference oracle
// ---------------------------------------------------------------------------------------------

/** Wildcard match by backtracking (`*` any run, `?` one character). */
function glob(pattern: string, text: string): boolean {
  if (pattern === '') return text === '';
  if (pattern[0] === '*') return glob(pattern.slice(1), text) || (text !== '' && glob(pattern, text.slice(1)));
  if (text === '') return false;
  return (pattern[0] === '?' || pattern[0] === text[0]) && glob(pattern.slice(1), text.slice(1));
}

function contextGet(context: Context, key: string): string | undefined {
  const found = Object.keys(context).find((k) => k.toLowerCase() === key.toLowerCase());
  return found === undefined ? undefined : context[found];
}

function conditionHolds(c: Condition | undefined, caller: Principal, context: Context): boolean {
  if (c === undefined) return true;
  switch (c.kind) {
    case 'ecEquals': {
      const value = contextGet(context, c.key);
      return value !== undefined && c.values.includes(value);
    }
    case 'ecNotEquals': {
      const value = contextGet(context, c.key);
      return value === undefined || !c.values.includes(value);
    }
    case 'callerAccount':
      return caller.account === c.account;
    case 'ecNull':
      return (contextGet(context, c.key) === undefined) === c.absent;
    case 'anyKey':
      return Object.keys(context).some((k) => c.keys.includes(k));
  }
}

/** `direct` (the caller itself), `account` (its account, through IAM), or `none`. */
function principalMatch(entry: string, caller: Principal): 'direct' | 'account' | 'none' {
  if (entry === '*' || entry === caller.arn) return 'direct';
  const account = /^\d{12}$/.test(entry) ? entry : /^arn:aws:iam::(\d{12}):root$/.exec(entry)?.[1];
  if (account !== undefined) return account !== caller.account ? 'none' : caller.type === 'Root' ? 'direct' : 'account';
  const role = /^arn:aws:iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/.exec(entry);
  if (role !== null && caller.arn.startsWith(`arn:aws:sts::${role[1]}:assumed-role/${role[2]}/`)) return 'direct';
  return 'none';
}

function bestMatch(entries: readonly string[], caller: Principal): 'direct' | 'account' | 'none' {
  const matches = entries.map((e) => principalMatch(e, caller));
  return matches.includes('direct') ? 'direct' : matches.includes('account') ? 'account' : 'none';
}

function applies(s: Statement, caller: Principal, action: string, resource: string, context: Context): 'direct' | 'account' | 'none' {
  const actionMatch = s.actions.some((p) => glob(p.toLowerCase(), action.toLowerCase()));
  if (actionMatch === s.notAction) return 'none';
  if (!s.resources.some((r) => glob(r, resource))) return 'none';
  const match = s.principals === undefined ? 'direct' : bestMatch(s.principals, caller);
  return match !== 'none' && conditionHolds(s.condition, caller, context) ? match : 'none';
}

function constraintsHold(g: GrantRecord, context: Context): boolean {
  const lower = (m: Readonly<Record<string, string>>) => new Map(Object.entries(m).map(([k, v]) => [k.toLowerCase(), v]));
  const request = lower(context);
  const equals = g.constraints?.encryptionContextEquals;
  const subset = g.constraints?.encryptionContextSubset;
  const contains = (outer: Map<string, string>, inner: Map<string, string>) => [...inner].every(([k, v]) => outer.get(k) === v);
  if (equals !== undefined && !(lower(equals).size === request.size && contains(request, lower(equals)))) return false;
  return subset === undefined || contains(request, lower(subset));
}

interface Scenario {
  keyPolicy: Statement[] | 'default';
  identity: Statement[] | undefined;
  grants: GrantRecord[];
  caller: Principal;
  action: string;
  context: Context;
}

function oracle(s: Scenario): AccessDecision {
  const { caller, action, context } = s;
  const keyStatements: Statement[] =
    s.keyPolicy === 'default'
      ? [{ effect: 'Allow', principals: [`arn:aws:iam::${A}:root`], actions: ['kms:*'], notAction: false, resources: ['*'], condition: undefined }]
      : s.keyPolicy;
  const keyHits = keyStatements.map((st) => ({ st, m: applies(st, caller, action, KEY_ARN, context) })).filter((h) => h.m !== 'none');
  const idHits = (s.identity ?? []).filter((st) => applies(st, caller, action, KEY_ARN, context) !== 'none');
  if (keyHits.some((h) => h.st.effect === 'Deny')) return { allowed: false, reason: 'explicitDenyInResourcePolicy' };
  if (idHits.some((st) => st.effect === 'Deny')) return { allowed: false, reason: 'explicitDenyInIdentityPolicy' };
  const crossAccount = caller.account !== A;
  if (crossAccount && !CROSS_ACCOUNT.has(action)) return { allowed: false, reason: 'noResourcePolicy' };
  const keyDirect = keyHits.some((h) => h.m === 'direct');
  const keyAccount = keyHits.some((h) => h.m === 'account');
  const iam = caller.type === 'Root' || idHits.length > 0;
  const operation = action.slice(4);
  const grantOk = s.grants.some((g) => {
    if (!(g.operations as string[]).includes(operation)) return false;
    if (EC_OPS.has(operation) && !constraintsHold(g, context)) return false;
    const m = principalMatch(g.granteePrincipal, caller);
    return m === 'direct' || (m === 'account' && iam);
  });
  const policyOk = crossAccount ? (keyDirect || keyAccount) && iam : keyDirect || (keyAccount && iam);
  if (policyOk) return { allowed: true, via: 'keyPolicy' };
  if (grantOk) return { allowed: true, via: 'grant' };
  return { allowed: false, reason: keyDirect || keyAccount ? 'noIdentityPolicy' : 'noResourcePolicy' };
}

// ---------------------------------------------------------------------------------------------
// The property
// ---------------------------------------------------------------------------------------------

const scenario: fc.Arbitrary<Scenario> = fc.record({
  keyPolicy: fc.oneof(
    { weight: 1, arbitrary: fc.constant('default' as const) },
    { weight: 4, arbitrary: fc.array(statement(true), { minLength: 1, maxLength: 4 }) },
  ),
  identity: fc.option(fc.array(statement(false), { minLength: 1, maxLength: 3 }), { nil: undefined }),
  grants: fc.array(grant, { maxLength: 3 }),
  caller: fc.constantFrom(...CALLERS),
  action: fc.constantFrom(...ACTIONS),
  context: requestContext,
});

function decide(s: Scenario): AccessDecision {
  const key: KeyRecord = {
    keyId: 'k',
    arn: KEY_ARN,
    account: A,
    region: 'us-east-1',
    creationDate: 0,
    description: '',
    keyUsage: 'ENCRYPT_DECRYPT',
    keySpec: 'SYMMETRIC_DEFAULT',
    origin: 'AWS_KMS',
    keyManager: 'CUSTOMER',
    state: 'Enabled',
    policy: s.keyPolicy === 'default' ? defaultKeyPolicy('us-east-1', A) : render(s.keyPolicy),
    tags: [],
    materials: [],
    rotation: { enabled: false, periodInDays: 365, onDemandCount: 0, history: [] },
  };
  const caller: Principal = s.identity === undefined ? s.caller : { ...s.caller, identityPolicy: render(s.identity) };
  return evaluateAccess({ caller, action: s.action as `kms:${string}`, key, region: 'us-east-1', grants: s.grants, details: { encryptionContext: s.context } });
}

/** Allowed or not, and why not; which of several allowing routes is reported does not matter. */
function outcome(decision: AccessDecision): string {
  return decision.allowed ? 'allowed' : decision.reason;
}

describe('evaluateAccess against the reference oracle', () => {
  it('allows exactly when the policies or a grant allow and nothing denies explicitly', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        expect(outcome(decide(s))).toBe(outcome(oracle(s)));
      }),
      { numRuns: 3000 },
    );
  });

  it('never lets an explicit Deny in the key policy be overridden (by identity policies or grants)', () => {
    const denyAll: Statement = { effect: 'Deny', principals: ['*'], actions: ['kms:*'], notAction: false, resources: ['*'], condition: undefined };
    fc.assert(
      fc.property(scenario, (s) => {
        const policy = s.keyPolicy === 'default' ? [] : s.keyPolicy;
        expect(decide({ ...s, keyPolicy: [...policy, denyAll] })).toEqual({ allowed: false, reason: 'explicitDenyInResourcePolicy' });
      }),
      { numRuns: 300 },
    );
  });

  it('is monotonic in grants: adding a grant never turns an allowed request into a refused one', () => {
    fc.assert(
      fc.property(scenario, grant, (s, extra) => {
        if (decide(s).allowed) expect(decide({ ...s, grants: [...s.grants, extra] }).allowed).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});
