/**
 * @module
 * The request context that policy conditions test: the values of the global `aws:` condition keys
 * and of KMS's `kms:` keys for one request (IAM User Guide, "AWS global condition context keys";
 * KMS dev guide, "AWS KMS condition keys"). Values are computed on demand, so a policy without
 * conditions costs nothing here. Keys are looked up lower-cased (condition key names are
 * case-insensitive, and so is the context-key part of `kms:EncryptionContext:<key>`, which is why
 * the dev guide points to `kms:EncryptionContextKeys` for a case-sensitive test).
 */

import type { EncryptionContext } from '@strongbox/envelope';
import { type ConditionLookup, conditionLookup, globalConditionValue, type Principal, type RequestConditions } from '@strongbox/service-kernel';
import type { KeyRecord } from '../model/records.ts';

/** A KMS permission: `kms:Encrypt`, `kms:ReEncryptFrom`, ... */
export type KmsAction = `kms:${string}`;

/** What an authorization check is about, beyond the action and the key. */
export interface AuthorizationDetails {
  /** The request's encryption context (for grant constraints and `kms:EncryptionContext:` conditions). */
  readonly encryptionContext?: EncryptionContext;
  /** Grant tokens sent with the request. */
  readonly grantTokens?: readonly string[];
  /** Extra IAM condition keys for this request (e.g. `kms:GrantOperations`). */
  readonly conditions?: RequestConditions;
  /** For operations on a resource other than the key (e.g. an alias ARN for CreateAlias's IAM check). */
  readonly resourceArn?: string;
}

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
const ALGORITHM_ACTIONS = new Set([
  'kms:encrypt',
  'kms:decrypt',
  'kms:reencryptfrom',
  'kms:reencryptto',
  'kms:generatedatakey',
  'kms:generatedatakeywithoutplaintext',
  'kms:generatedatakeypair',
  'kms:generatedatakeypairwithoutplaintext',
]);

/**
 * A lookup of condition values for one request.
 * @example contextLookup(source)('kms:calleraccount') // ['111122223333']
 */
export function contextLookup(source: ContextSource): ConditionLookup {
  return conditionLookup(source.details.conditions, (key) => builtIn(source, key));
}

/** KMS's own keys and `aws:ResourceTag/`, then the global `aws:` keys the kernel computes. */
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
      return [caller.account];
    case 'kms:viaservice':
      return caller.invokedBy === undefined ? undefined : viaServiceValue(caller.invokedBy, source.region);
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
      return kmsKey === undefined ? undefined : [String(kmsKey.multiRegion !== undefined)];
    case 'kms:multiregionkeytype':
      // PRIMARY or REPLICA; absent for single-Region keys (dev guide "kms:MultiRegionKeyType").
      if (kmsKey?.multiRegion === undefined) return undefined;
      return [kmsKey.multiRegion.primaryRegion === kmsKey.region ? 'PRIMARY' : 'REPLICA'];
    default:
      return globalConditionValue(source, key);
  }
}

function encryptionContextValue(details: AuthorizationDetails, name: string): readonly string[] | undefined {
  const context = details.encryptionContext;
  if (context === undefined) return undefined;
  for (const [k, v] of Object.entries(context)) if (k.toLowerCase() === name) return [v];
  return undefined;
}

// The value asked for last (S3's calls ask for the same one, call after call): frozen, as every
// condition value is only read.
let lastInvokedBy: string | undefined;
let lastRegion: string | undefined;
let lastViaService: readonly string[] = [];

/** `kms:ViaService`'s value for a call `invokedBy` a service, in `region`. */
function viaServiceValue(invokedBy: string, region: string): readonly string[] {
  if (invokedBy !== lastInvokedBy || region !== lastRegion) {
    lastViaService = Object.freeze([viaService(invokedBy, region)]);
    lastInvokedBy = invokedBy;
    lastRegion = region;
  }
  return lastViaService;
}

/** `s3.amazonaws.com` → `s3.<region>.amazonaws.com`, the form `kms:ViaService` takes. */
function viaService(invokedBy: string, region: string): string {
  const match = /^([a-z0-9-]+)\.amazonaws\.com(\.cn)?$/.exec(invokedBy);
  return match === null ? invokedBy : `${match[1]}.${region}.amazonaws.com${match[2] ?? ''}`;
}
