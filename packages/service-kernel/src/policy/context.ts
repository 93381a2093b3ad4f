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
  let extra: Map<string, readonly string[]> | undefined;
  return (key) => {
    extra ??= lowerCaseConditions(conditions);
    return extra.get(key) ?? builtIn(key);
  };
}

function lowerCaseConditions(conditions: RequestConditions): Map<string, readonly string[]> {
  const map = new Map<string, readonly string[]>();
  for (const [k, v] of Object.entries(conditions)) {
    map.set(k.toLowerCase(), Array.isArray(v) ? v.map(String) : [String(v)]);
  }
  return map;
}
