/**
 * @module
 * The request context that policy conditions test: the values of the global `aws:` condition keys
 * and of KMS's `kms:` keys for one request (IAM User Guide, "AWS global condition context keys";
 * KMS dev guide, "AWS KMS condition keys"). Values are computed on demand, so a policy without
 * conditions costs nothing here. Keys are looked up lower-cased (condition key names are
 * case-insensitive, and so is the context-key part of `kms:EncryptionContext:<key>`, which is why
 * the dev guide points to `kms:EncryptionContextKeys` for a case-sensitive test).
 */

import type { Principal } from '../model/principal.ts';
import type { KeyRecord } from '../model/records.ts';
import type { AuthorizationDetails } from '../operations/types.ts';
import type { ConditionLookup } from './conditions.ts';
import { roleOf } from './principals.ts';

/** What condition values are derived from. */
export interface ContextSource {
  readonly caller: Principal;
  readonly action: string;
  readonly key: KeyRecord | undefined;
  readonly region: string;
  readonly details: AuthorizationDetails;
  /** Request time, epoch ms (for `aws:CurrentTime`, `aws:EpochTime`). */
  readonly now?: number;
  /** The caller's IP address (for `aws:SourceIp`). */
  readonly sourceIp?: string;
}

/** Actions with an `EncryptionAlgorithm` parameter (`kms:EncryptionAlgorithm` applies to them). */
const ALGORITHM_ACTIONS = new Set(['kms:encrypt', 'kms:decrypt', 'kms:reencryptfrom', 'kms:reencryptto', 'kms:generatedatakey', 'kms:generatedatakeywithoutplaintext', 'kms:generatedatakeypair', 'kms:generatedatakeypairwithoutplaintext']);

const PRINCIPAL_TYPES: Readonly<Record<Principal['type'], string | undefined>> = { Root: 'Account', IAMUser: 'User', AssumedRole: 'AssumedRole', AWSService: undefined };

/**
 * A lookup of condition values for one request.
 * @example contextLookup(source)('kms:calleraccount') // ['111122223333']
 */
export function contextLookup(source: ContextSource): ConditionLookup {
  let extra: Map<string, readonly string[]> | undefined;
  return (key) => {
    if (source.details.conditions !== undefined) {
      extra ??= lowerCaseConditions(source.details.conditions);
      const given = extra.get(key);
      if (given !== undefined) return given;
    }
    return builtIn(source, key);
  };
}

function builtIn(source: ContextSource, key: string): readonly string[] | undefined {
  const { caller, details, key: kmsKey } = source;
  if (key.startsWith('kms:encryptioncontext:')) return encryptionContextValue(details, key.slice('kms:encryptioncontext:'.length));
  if (key.startsWith('aws:resourcetag/')) {
    const name = key.slice('aws:resourcetag/'.length);
    const tag = kmsKey?.tags.find((t) => t.key.toLowerCase() === name);
    return tag === undefined ? undefined : [tag.value];
  }
  switch (key) {
    case 'kms:calleraccount':
    case 'aws:principalaccount':
      return [caller.account];
    case 'aws:principalarn': {
      // For a role session, aws:PrincipalArn is the role's ARN, not the session's.
      const role = roleOf(caller);
      if (role === undefined) return [caller.arn];
      const [account, name] = role.split('/') as [string, string];
      return [`arn:${caller.arn.split(':')[1]}:iam::${account}:role/${name}`];
    }
    case 'aws:principaltype': {
      const type = PRINCIPAL_TYPES[caller.type];
      return type === undefined ? undefined : [type];
    }
    case 'aws:username':
      return caller.type === 'IAMUser' ? [caller.arn.slice(caller.arn.lastIndexOf('/') + 1)] : undefined;
    case 'kms:viaservice':
      return caller.invokedBy === undefined ? undefined : [viaService(caller.invokedBy, source.region)];
    case 'aws:calledvia':
    case 'aws:calledviafirst':
    case 'aws:calledvialast':
      return caller.invokedBy === undefined ? undefined : [caller.invokedBy];
    case 'aws:viaawsservice':
      return [String(caller.invokedBy !== undefined)];
    case 'kms:encryptioncontextkeys': {
      const context = details.encryptionContext;
      return context === undefined ? undefined : Object.keys(context);
    }
    case 'kms:encryptionalgorithm':
      return ALGORITHM_ACTIONS.has(source.action.toLowerCase()) ? ['SYMMETRIC_DEFAULT'] : undefined;
    case 'kms:keyspec':
    case 'kms:customermasterkeyspec':
      return kmsKey === undefined ? undefined : [kmsKey.keySpec];
    case 'kms:keyusage':
    case 'kms:customermasterkeyusage':
      return kmsKey === undefined ? undefined : [kmsKey.keyUsage];
    case 'kms:keyorigin':
      return kmsKey === undefined ? undefined : [kmsKey.origin];
    case 'kms:multiregion':
      return kmsKey === undefined ? undefined : ['false'];
    case 'aws:requestedregion':
      return [source.region];
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

function encryptionContextValue(details: AuthorizationDetails, name: string): readonly string[] | undefined {
  const context = details.encryptionContext;
  if (context === undefined) return undefined;
  for (const [k, v] of Object.entries(context)) if (k.toLowerCase() === name) return [v];
  return undefined;
}

/** `s3.amazonaws.com` → `s3.<region>.amazonaws.com`, the form `kms:ViaService` takes. */
function viaService(invokedBy: string, region: string): string {
  const match = /^([a-z0-9-]+)\.amazonaws\.com(\.cn)?$/.exec(invokedBy);
  return match === null ? invokedBy : `${match[1]}.${region}.amazonaws.com${match[2] ?? ''}`;
}

function lowerCaseConditions(conditions: NonNullable<AuthorizationDetails['conditions']>): Map<string, readonly string[]> {
  const map = new Map<string, readonly string[]>();
  for (const [k, v] of Object.entries(conditions)) {
    map.set(k.toLowerCase(), Array.isArray(v) ? v.map(String) : [String(v)]);
  }
  return map;
}
