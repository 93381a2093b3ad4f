/**
 * @module
 * The `Condition` element: IAM's condition operators (IAM User Guide, "Condition operators"),
 * the `...IfExists` suffix and the `ForAllValues:` / `ForAnyValue:` set operators ("Multivalued
 * context keys"). Rules this module owns:
 *
 * - several operators, and several keys under one operator, are ANDed; several values for one key
 *   are ORed, except under a negated operator (`StringNotEquals`, ...) where they are NORed;
 * - a key absent from the request makes a condition false, or true for a negated operator; with
 *   `IfExists` an absent key makes it true; `Null` tests presence itself;
 * - `ForAllValues:` is true when every request value matches (so also for an absent key),
 *   `ForAnyValue:` when at least one does (so false for an absent key).
 *
 * Condition key names are case-insensitive (the caller looks values up by lower-cased key).
 */

import { BlockList, isIP } from 'node:net';
import type { ConditionSpec } from './document.ts';
import { compileArnPattern, globToRegExp } from './patterns.ts';
import { parseTemplate, type ResolvedPart, resolvedToRegExp, resolvedToText } from './variables.ts';

/** Request values for condition keys: `undefined` (or an empty list) when the key is absent. */
export type ConditionLookup = (lowerCaseKey: string) => readonly string[] | undefined;

/** A compiled condition test. */
export type CompiledCondition = (lookup: ConditionLookup) => boolean;

type Comparison = (policyValue: string) => ((requestValue: string) => boolean) | undefined;

interface BaseOperator {
  /** Builds the positive test for one policy value (`undefined`: the value can never match). */
  readonly compare: Comparison;
  readonly negated: boolean;
}

const stringEquals: Comparison = (p) => (r) => r === p;
const stringEqualsIgnoreCase: Comparison = (p) => {
  const lower = p.toLowerCase();
  return (r) => r.toLowerCase() === lower;
};
const stringLike: Comparison = (p) => {
  if (!p.includes('*') && !p.includes('?')) return (r) => r === p;
  const expression = globToRegExp(p);
  return (r) => expression.test(r);
};
const arnLike: Comparison = (p) => compileArnPattern(p);

function numeric(test: (r: number, p: number) => boolean): Comparison {
  return (p) => {
    const want = Number(p);
    if (p.trim() === '' || Number.isNaN(want)) return undefined;
    return (r) => r.trim() !== '' && test(Number(r), want);
  };
}

function date(test: (r: number, p: number) => boolean): Comparison {
  return (p) => {
    const want = parseDate(p);
    if (want === undefined) return undefined;
    return (r) => {
      const got = parseDate(r);
      return got !== undefined && test(got, want);
    };
  };
}

const bool: Comparison = (p) => {
  const want = p.toLowerCase();
  return (r) => r.toLowerCase() === want;
};

const ipAddress: Comparison = (p) => {
  const [address, bits] = p.split('/');
  const family = isIP(address ?? '');
  if (family === 0) return undefined;
  const type = family === 4 ? 'ipv4' : 'ipv6';
  const prefix = bits === undefined ? (family === 4 ? 32 : 128) : Number(bits);
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > (family === 4 ? 32 : 128)) return undefined;
  const list = new BlockList();
  list.addSubnet(address!, prefix, type);
  return (r) => {
    // Node reports IPv4 peers of dual-stack sockets as IPv4-mapped IPv6 (`::ffff:10.0.0.1`).
    const address = r.startsWith('::ffff:') && isIP(r.slice(7)) === 4 ? r.slice(7) : r;
    const got = isIP(address);
    return got !== 0 && list.check(address, got === 4 ? 'ipv4' : 'ipv6');
  };
};

/** IAM's base operators (without `IfExists` and set prefixes); `Null` is handled apart. */
const OPERATORS: ReadonlyMap<string, BaseOperator> = new Map<string, BaseOperator>(
  Object.entries({
    StringEquals: { compare: stringEquals, negated: false },
    StringNotEquals: { compare: stringEquals, negated: true },
    StringEqualsIgnoreCase: { compare: stringEqualsIgnoreCase, negated: false },
    StringNotEqualsIgnoreCase: { compare: stringEqualsIgnoreCase, negated: true },
    StringLike: { compare: stringLike, negated: false },
    StringNotLike: { compare: stringLike, negated: true },
    NumericEquals: { compare: numeric((r, p) => r === p), negated: false },
    NumericNotEquals: { compare: numeric((r, p) => r === p), negated: true },
    NumericLessThan: { compare: numeric((r, p) => r < p), negated: false },
    NumericLessThanEquals: { compare: numeric((r, p) => r <= p), negated: false },
    NumericGreaterThan: { compare: numeric((r, p) => r > p), negated: false },
    NumericGreaterThanEquals: { compare: numeric((r, p) => r >= p), negated: false },
    DateEquals: { compare: date((r, p) => r === p), negated: false },
    DateNotEquals: { compare: date((r, p) => r === p), negated: true },
    DateLessThan: { compare: date((r, p) => r < p), negated: false },
    DateLessThanEquals: { compare: date((r, p) => r <= p), negated: false },
    DateGreaterThan: { compare: date((r, p) => r > p), negated: false },
    DateGreaterThanEquals: { compare: date((r, p) => r >= p), negated: false },
    Bool: { compare: bool, negated: false },
    BinaryEquals: { compare: stringEquals, negated: false },
    IpAddress: { compare: ipAddress, negated: false },
    NotIpAddress: { compare: ipAddress, negated: true },
    ArnEquals: { compare: arnLike, negated: false },
    ArnLike: { compare: arnLike, negated: false },
    ArnNotEquals: { compare: arnLike, negated: true },
    ArnNotLike: { compare: arnLike, negated: true },
  }),
);

interface OperatorParts {
  readonly set: 'all' | 'any' | undefined;
  readonly base: string;
  readonly ifExists: boolean;
}

function splitOperator(operator: string): OperatorParts | undefined {
  let rest = operator;
  let set: OperatorParts['set'];
  if (rest.startsWith('ForAllValues:')) [set, rest] = ['all', rest.slice('ForAllValues:'.length)];
  else if (rest.startsWith('ForAnyValue:')) [set, rest] = ['any', rest.slice('ForAnyValue:'.length)];
  const ifExists = rest.endsWith('IfExists') && rest !== 'IfExists';
  const base = ifExists ? rest.slice(0, -'IfExists'.length) : rest;
  if (base === 'Null') return ifExists ? undefined : { set, base, ifExists };
  return OPERATORS.has(base) ? { set, base, ifExists } : undefined;
}

/**
 * Whether `operator` is a condition operator IAM knows (with its optional prefix and suffix).
 * @example isConditionOperator('ForAnyValue:StringLikeIfExists') // true
 */
export function isConditionOperator(operator: string): boolean {
  return splitOperator(operator) !== undefined;
}

/**
 * Compiles one condition test.
 * @param variables - resolve policy variables (`${aws:username}`) in the values: 2012-10-17 policies.
 * @throws TypeError for an unknown operator (documents are parsed with `parsePolicy` first).
 */
export function compileCondition(spec: ConditionSpec, variables = false): CompiledCondition {
  const parts = splitOperator(spec.operator);
  if (parts === undefined) throw new TypeError(`unknown condition operator ${spec.operator}`);
  const key = spec.key.toLowerCase();
  if (parts.base === 'Null') {
    const wantsAbsent = spec.values.some((v) => v.toLowerCase() === 'true');
    const wantsPresent = spec.values.some((v) => v.toLowerCase() === 'false');
    return (lookup) => {
      const values = lookup(key);
      const present = values !== undefined && values.length > 0;
      return (wantsAbsent && !present) || (wantsPresent && present);
    };
  }
  const operator = OPERATORS.get(parts.base);
  // parseOperator accepted the name, so it is in the table; a missing entry matches nothing.
  if (operator === undefined) return () => false;
  const templates = variables ? spec.values.map(parseTemplate) : [];
  const tests = spec.values
    .filter((_, index) => templates[index] === undefined)
    .map(operator.compare)
    .filter((test) => test !== undefined);
  const dynamic = templates.filter((template) => template !== undefined);
  const { negated } = operator;
  const { set, ifExists } = parts;
  const fixedMatch = (value: string): boolean => tests.some((test) => test(value));
  return (lookup) => {
    let matchesAny = fixedMatch;
    if (dynamic.length > 0) {
      // Values with policy variables are resolved for this request; an unresolved one matches nothing.
      const resolved = [
        ...tests,
        ...dynamic.map((template) => templateTest(parts.base, operator, template.resolve(lookup))).filter((test) => test !== undefined),
      ];
      matchesAny = (value) => resolved.some((test) => test(value));
    }
    const values = lookup(key);
    if (values === undefined || values.length === 0) return ifExists || set === 'all' ? true : set === 'any' ? false : negated;
    if (set === 'all') return values.every((value) => matchesAny(value) !== negated);
    if (set === 'any') return values.some((value) => matchesAny(value) !== negated);
    return values.some(matchesAny) !== negated;
  };
}

/**
 * The test for one resolved policy value: wildcard operators read only the policy's own text as
 * wildcards (substituted values and `${*}` match literally); the others compare the text.
 */
function templateTest(base: string, operator: BaseOperator, parts: readonly ResolvedPart[] | undefined): ((requestValue: string) => boolean) | undefined {
  if (parts === undefined) return undefined;
  if (base === 'StringLike' || base === 'StringNotLike') {
    const expression = resolvedToRegExp(parts);
    return (r) => expression.test(r);
  }
  return operator.compare(resolvedToText(parts));
}

/** IAM dates: ISO 8601 (`2026-01-01T00:00:00Z`, `2026-01-01`) or epoch seconds. */
function parseDate(text: string): number | undefined {
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text) * 1000;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms;
}
