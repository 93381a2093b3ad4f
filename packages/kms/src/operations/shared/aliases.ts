/**
 * @module
 * Alias rules shared by CreateAlias, UpdateAlias, DeleteAlias and ListAliases: the `alias/` prefix,
 * the reserved `alias/aws/` namespace, targets that must be keys, and the 50-aliases-per-key quota,
 * each with the answer AWS gives (sources at each check).
 */

import { KmsError } from '../../errors.ts';
import { isReservedAliasName } from '../../model/aws-managed-keys.ts';
import { aliasArn, parseKeyReference } from '../../model/identifiers.ts';
import type { AliasRecord, KeyRecord } from '../../model/records.ts';
import type { KmsState } from '../../model/state.ts';
import { type Shape, string } from '../../protocol/shapes.ts';

/** `AliasNameType`: 1..256 characters of `^[a-zA-Z0-9:/_-]+$` (KMS model). */
export const ALIAS_NAME: Shape = string({ min: 1, max: 256, pattern: '^[a-zA-Z0-9:/_-]+$' });

/** Aliases per KMS key (dev guide "Resource quotas"; adjustable in AWS, fixed here). */
export const MAX_ALIASES_PER_KEY = 50;

/** The `AliasListEntry` structure. */
export interface AliasListEntry {
  AliasName: string;
  AliasArn: string;
  TargetKeyId?: string;
  CreationDate?: Date;
  LastUpdatedDate?: Date;
}

/**
 * Checks the name of an alias being created, updated or deleted.
 * @throws KmsError ValidationException without the `alias/` prefix (AWS's text, LocalStack's
 *   AWS-validated snapshot `test_create_alias`); NotAuthorizedException with no message for the
 *   reserved `alias/aws/` namespace (recorded by moto from AWS in 2015 for CreateAlias and
 *   UpdateAlias; unconfirmed today, and for DeleteAlias).
 */
export function requireCustomerAliasName(aliasName: string): void {
  if (!aliasName.startsWith('alias/')) {
    throw new KmsError(
      'ValidationException',
      'Alias must start with the prefix "alias/". Please see https://docs.aws.amazon.com/kms/latest/developerguide/kms-alias.html',
    );
  }
  if (isReservedAliasName(aliasName)) throw new KmsError('NotAuthorizedException', '');
}

/**
 * Checks the characters of a new alias name beyond the model's pattern: the pattern admits `:`,
 * but the AliasName doc lists only "alphanumeric characters, forward slashes (/), underscores (_),
 * and dashes (-)".
 * @throws KmsError ValidationException `<name> contains invalid characters for an alias` (AWS's
 *   text as recorded by moto in 2015; unconfirmed today).
 */
export function requireAliasCharacters(aliasName: string): void {
  if (aliasName.includes(':')) throw new KmsError('ValidationException', `${aliasName} contains invalid characters for an alias`);
}

/**
 * Refuses an alias as `TargetKeyId` (CreateAlias/UpdateAlias take a key id or key ARN only).
 * @throws KmsError ValidationException `Aliases must refer to keys. Not aliases` (AWS's text as
 *   recorded by moto in 2015; unconfirmed today).
 */
export function requireKeyTarget(targetKeyId: string): void {
  const reference = parseKeyReference(targetKeyId, 'any');
  if (reference.kind === 'aliasName' || reference.kind === 'aliasArn') {
    throw new KmsError('ValidationException', 'Aliases must refer to keys. Not aliases');
  }
}

/**
 * Checks that `key` can take one more alias.
 * @throws KmsError LimitExceededException with AWS's quota text (real answer, scylladb/scylla-cluster-tests#7611, 2024).
 */
export function requireAliasQuota(state: KmsState, key: KeyRecord): void {
  const count = aliasesOf(state, key).length;
  if (count >= MAX_ALIASES_PER_KEY) {
    throw new KmsError('LimitExceededException', `Aliases per key quota for this account in this region is ${MAX_ALIASES_PER_KEY}, current usage is ${count}.`);
  }
}

/** The aliases pointing at `key`. */
export function aliasesOf(state: KmsState, key: KeyRecord): AliasRecord[] {
  return state.aliases(key.account, key.region).filter((alias) => alias.targetKeyId === key.keyId);
}

/** The ListAliases entry of an alias. */
export function aliasListEntry(alias: AliasRecord): AliasListEntry {
  return {
    AliasName: alias.aliasName,
    AliasArn: aliasArn(alias.region, alias.account, alias.aliasName),
    TargetKeyId: alias.targetKeyId,
    CreationDate: new Date(alias.creationDate),
    LastUpdatedDate: new Date(alias.lastUpdatedDate),
  };
}
