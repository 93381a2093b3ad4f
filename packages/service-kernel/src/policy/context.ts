/**
 * @module
 * The global `aws:` condition keys every service's policies can test (IAM User Guide, "AWS global
 * condition context keys"), computed on demand for one request, and the lookup that puts a
 * request's own keys (`kms:GrantOperations`, `s3:prefix`) in front of them. Keys are looked up
 * lower-cased: condition key names are case-insensitive.
 */

import type { Principal } from '../principal.ts';
import type { ConditionLookup } from './conditions.ts';
import { roleOf } from './principals.ts';

/** What the global condition values are derived from. */
export interface GlobalContextSource {
  readonly caller: Principal;
  readonly region: string;
  /** Request time, epoch ms (for `aws:CurrentTime`, `aws:EpochTime`). */
  readonly now?: number;
  /** The caller's IP address (for `aws:SourceIp`). */
  readonly sourceIp?: string;
  /**
   * Whether the request came over TLS (for `aws:SecureTransport`, which AWS puts in every request
   * context); a service that does not say leaves the key absent.
   */
  readonly secureTransport?: boolean;
}

/** Extra condition values a request carries (booleans and numbers are compared as text). */
export type RequestConditions = Readonly<Record<string, string | readonly string[] | boolean | number>>;

const PRINCIPAL_TYPES: Readonly<Record<Principal['type'], string | undefined>> = {
  Root: 'Account',
  IAMUser: 'User',
  AssumedRole: 'AssumedRole',
  AWSService: undefined,
  Anonymous: 'Anonymous',
};

/**
 * The value of a global `aws:` key (lower-cased), or `undefined` when the request has none.
 * @example globalConditionValue({ caller, region: 'us-east-1' }, 'aws:requestedregion') // ['us-east-1']
 */
export function globalConditionValue(source: GlobalContextSource, key: string): readonly string[] | undefined {
  const { caller } = source;
  switch (key) {
    case 'aws:principalaccount':
      return [caller.account];
    case 'aws:principalarn': {
      // "Anonymous requests do not include this key" (IAM User Guide, global condition keys).
      if (caller.type === 'Anonymous') return undefined;
      // For a role session, aws:PrincipalArn is the role's ARN, not the session's.
      const role = roleOf(caller);
      if (role === undefined) return [caller.arn];
      const [account = '', name = ''] = role.split('/');
      return [`arn:${caller.arn.split(':')[1] ?? 'aws'}:iam::${account}:role/${name}`];
    }
    case 'aws:principaltype': {
      const type = PRINCIPAL_TYPES[caller.type];
      return type === undefined ? undefined : [type];
    }
    case 'aws:username':
      return caller.type === 'IAMUser' ? [caller.arn.slice(caller.arn.lastIndexOf('/') + 1)] : undefined;
    case 'aws:userid':
      // IAM User Guide, "Principal key values": `anonymous` for an anonymous caller. Known
      // difference: the other principals' unique ids (account id, AIDA…, AROA…:session) are not
      // given, so a policy testing this key matches none of them.
      return caller.type === 'Anonymous' ? ['anonymous'] : undefined;
    case 'aws:calledvia':
    case 'aws:calledviafirst':
    case 'aws:calledvialast':
      return caller.invokedBy === undefined ? undefined : [caller.invokedBy];
    case 'aws:viaawsservice':
      return [String(caller.invokedBy !== undefined)];
    case 'aws:requestedregion':
      return [source.region];
    case 'aws:securetransport':
      return source.secureTransport === undefined ? undefined : [String(source.secureTransport)];
    case 'aws:sourceip':
      return source.sourceIp === undefined ? undefined : [source.sourceIp];
    case 'aws:currenttime':
      return source.now === undefined ? undefined : [new Date(source.now).toISOString()];
    case 'aws:epochtime':
      return source.now === undefined ? undefined : [String(Math.floor(source.now / 1000))];
    default:
      return undefined;
  }
}

/**
 * A lookup that answers from the request's own `conditions` first, then from `builtIn` (the
 * service's keys, falling back to `globalConditionValue`).
 * @example conditionLookup({ 'kms:GrantOperations': ['Decrypt'] }, (key) => globalConditionValue(source, key))('kms:grantoperations') // ['Decrypt']
 */
export function conditionLookup(conditions: RequestConditions | undefined, builtIn: ConditionLookup): ConditionLookup {
  if (conditions === undefined) return builtIn;
  let extra: ReadonlyMap<string, readonly string[]> | undefined;
  return (key) => {
    extra ??= lowerCasedConditions(conditions);
    return extra.get(key) ?? builtIn(key);
  };
}

/**
 * The lower-cased form of each frozen conditions object whose values cannot change either (a
 * service passes the same one for many requests: KMS's `kms:EncryptionAlgorithm`), made once.
 * Weak: it lives as long as the conditions object.
 */
const LOWER_CASED = new WeakMap<RequestConditions, ReadonlyMap<string, readonly string[]>>();

function lowerCasedConditions(conditions: RequestConditions): ReadonlyMap<string, readonly string[]> {
  let map = LOWER_CASED.get(conditions);
  if (map === undefined) {
    map = lowerCaseConditions(conditions);
    if (isImmutable(conditions)) LOWER_CASED.set(conditions, map);
  }
  return map;
}

function isImmutable(conditions: RequestConditions): boolean {
  if (!Object.isFrozen(conditions)) return false;
  for (const value of Object.values(conditions)) if (Array.isArray(value) && !Object.isFrozen(value)) return false;
  return true;
}

function lowerCaseConditions(conditions: RequestConditions): Map<string, readonly string[]> {
  const map = new Map<string, readonly string[]>();
  for (const [k, v] of Object.entries(conditions)) {
    // Frozen: a map made once may serve many requests (`lowerCasedConditions`).
    map.set(k.toLowerCase(), Object.freeze(Array.isArray(v) ? v.map(String) : [String(v)]));
  }
  return map;
}
