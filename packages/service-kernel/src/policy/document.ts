/**
 * @module
 * Parses an IAM policy document (key policy or identity policy) into a normalised form, following
 * the IAM JSON policy grammar (IAM User Guide, "Grammar of the IAM JSON policy language"):
 * `Version`, `Id`, `Statement` (one object or an array); each statement with `Sid`, `Effect`,
 * `Principal` / `NotPrincipal`, `Action` / `NotAction`, `Resource` / `NotResource`, `Condition`.
 * Single values and arrays are both accepted wherever the grammar allows a list. Semantic checks
 * that only key policies need (a principal in every statement, well-formed principals) live in
 * `validate.ts`.
 */

import { ServiceError } from '../errors.ts';
import { isConditionOperator } from './conditions.ts';

/** The principals a statement names, by kind. */
export interface PrincipalSpec {
  /** `"Principal": "*"` or `{"AWS": "*"}`: everybody. */
  readonly anyone: boolean;
  readonly aws: readonly string[];
  readonly service: readonly string[];
  readonly federated: readonly string[];
  readonly canonicalUser: readonly string[];
}

/** One condition test: `{ "<operator>": { "<key>": [values] } }`. */
export interface ConditionSpec {
  readonly operator: string;
  readonly key: string;
  readonly values: readonly string[];
}

/** A statement, normalised: lists are arrays, absent elements `undefined`. */
export interface StatementSpec {
  readonly sid?: string;
  readonly effect: 'Allow' | 'Deny';
  readonly principal?: PrincipalSpec;
  readonly notPrincipal?: PrincipalSpec;
  readonly action?: readonly string[];
  readonly notAction?: readonly string[];
  readonly resource?: readonly string[];
  readonly notResource?: readonly string[];
  readonly conditions: readonly ConditionSpec[];
}

/** A parsed policy document. */
export interface PolicySpec {
  readonly version?: string;
  readonly id?: string;
  readonly statements: readonly StatementSpec[];
}

const TOP_LEVEL = new Set(['Version', 'Id', 'Statement']);
const STATEMENT_ELEMENTS = new Set(['Sid', 'Effect', 'Principal', 'NotPrincipal', 'Action', 'NotAction', 'Resource', 'NotResource', 'Condition']);
type PrincipalKind = 'AWS' | 'Service' | 'Federated' | 'CanonicalUser';
const PRINCIPAL_KINDS: ReadonlySet<string> = new Set<PrincipalKind>(['AWS', 'Service', 'Federated', 'CanonicalUser']);
const isPrincipalKind = (kind: string): kind is PrincipalKind => PRINCIPAL_KINDS.has(kind);

/**
 * Parses a policy document.
 * @throws ServiceError `POLICY_SYNTAX` for text that is not JSON or not a policy;
 *   `POLICY_INVALID_PRINCIPAL` for a principal that is a bare string or of an unknown type.
 * @example parsePolicy('{"Statement":{"Effect":"Allow","Action":"kms:*","Resource":"*"}}').statements.length // 1
 */
export function parsePolicy(text: string): PolicySpec {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw syntax('the policy is not valid JSON');
  }
  if (!isObject(json)) throw syntax('the policy must be a JSON object');
  for (const name of Object.keys(json)) if (!TOP_LEVEL.has(name)) throw syntax(`unknown policy element ${name}`);
  const version = optionalString(json, 'Version');
  // IAM knows two language versions; anything else is refused.
  if (version !== undefined && version !== '2012-10-17' && version !== '2008-10-17') throw syntax(`unknown Version ${version}`);
  const id = optionalString(json, 'Id');
  const raw = json['Statement'];
  if (raw === undefined) throw syntax('the policy has no Statement');
  const list = Array.isArray(raw) ? raw : [raw];
  const statements = list.map(parseStatement);
  return { ...(version === undefined ? {} : { version }), ...(id === undefined ? {} : { id }), statements };
}

function parseStatement(raw: unknown): StatementSpec {
  if (!isObject(raw)) throw syntax('a statement must be a JSON object');
  for (const name of Object.keys(raw)) if (!STATEMENT_ELEMENTS.has(name)) throw syntax(`unknown statement element ${name}`);
  const effect = raw['Effect'];
  if (effect !== 'Allow' && effect !== 'Deny') throw syntax('Effect must be Allow or Deny');
  for (const [a, b] of [
    ['Principal', 'NotPrincipal'],
    ['Action', 'NotAction'],
    ['Resource', 'NotResource'],
  ] as const) {
    if (raw[a] !== undefined && raw[b] !== undefined) throw syntax(`a statement cannot have both ${a} and ${b}`);
  }
  const sid = optionalString(raw, 'Sid');
  const principal = raw['Principal'] === undefined ? undefined : parsePrincipal(raw['Principal']);
  const notPrincipal = raw['NotPrincipal'] === undefined ? undefined : parsePrincipal(raw['NotPrincipal']);
  const action = stringList(raw, 'Action');
  const notAction = stringList(raw, 'NotAction');
  const resource = stringList(raw, 'Resource');
  const notResource = stringList(raw, 'NotResource');
  return {
    ...(sid === undefined ? {} : { sid }),
    effect,
    ...(principal === undefined ? {} : { principal }),
    ...(notPrincipal === undefined ? {} : { notPrincipal }),
    ...(action === undefined ? {} : { action }),
    ...(notAction === undefined ? {} : { notAction }),
    ...(resource === undefined ? {} : { resource }),
    ...(notResource === undefined ? {} : { notResource }),
    conditions: parseConditions(raw['Condition']),
  };
}

function parsePrincipal(raw: unknown): PrincipalSpec {
  if (raw === '*') return { anyone: true, aws: [], service: [], federated: [], canonicalUser: [] };
  if (typeof raw === 'string') throw new ServiceError('POLICY_INVALID_PRINCIPAL', `principal ${raw} is not valid`);
  if (!isObject(raw)) throw syntax('Principal must be "*" or an object');
  const lists = { AWS: [] as string[], Service: [] as string[], Federated: [] as string[], CanonicalUser: [] as string[] };
  for (const [kind, value] of Object.entries(raw)) {
    if (!isPrincipalKind(kind)) throw new ServiceError('POLICY_INVALID_PRINCIPAL', `unknown principal type ${kind}`);
    const values = Array.isArray(value) ? value : [value];
    for (const item of values) {
      if (typeof item !== 'string') throw syntax(`${kind} principals must be strings`);
      lists[kind].push(item);
    }
  }
  const aws = lists.AWS;
  return {
    anyone: aws.includes('*'),
    aws: aws.filter((p) => p !== '*'),
    service: lists.Service,
    federated: lists.Federated,
    canonicalUser: lists.CanonicalUser,
  };
}

function parseConditions(raw: unknown): ConditionSpec[] {
  if (raw === undefined) return [];
  if (!isObject(raw)) throw syntax('Condition must be an object');
  const conditions: ConditionSpec[] = [];
  for (const [operator, block] of Object.entries(raw)) {
    if (!isConditionOperator(operator)) throw syntax(`unknown condition operator ${operator}`);
    if (!isObject(block)) throw syntax(`the ${operator} condition must be an object`);
    for (const [key, value] of Object.entries(block)) {
      const values = (Array.isArray(value) ? value : [value]).map((item: unknown) => {
        if (typeof item === 'string') return item;
        if (typeof item === 'number' || typeof item === 'boolean') return String(item);
        throw syntax(`condition values must be strings, numbers or booleans (${operator} ${key})`);
      });
      conditions.push({ operator, key, values });
    }
  }
  return conditions;
}

function stringList(raw: Record<string, unknown>, name: string): string[] | undefined {
  const value = raw[name];
  if (value === undefined) return undefined;
  const values = Array.isArray(value) ? value : [value];
  for (const item of values) if (typeof item !== 'string') throw syntax(`${name} must be a string or a list of strings`);
  return values as string[];
}

function optionalString(raw: Record<string, unknown>, name: string): string | undefined {
  const value = raw[name];
  if (value !== undefined && typeof value !== 'string') throw syntax(`${name} must be a string`);
  return value;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function syntax(detail: string): ServiceError {
  return new ServiceError('POLICY_SYNTAX', detail);
}
