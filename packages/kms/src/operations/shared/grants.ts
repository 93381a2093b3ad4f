/**
 * @module
 * Members, response entries and errors shared by the grant operations (CreateGrant, ListGrants,
 * ListRetirableGrants, RetireGrant, RevokeGrant), with the KMS model's constraints.
 */

import { KmsError } from '../../errors.ts';
import type { GrantRecord, KeyRecord } from '../../model/records.ts';
import { type Shape, string } from '../../protocol/shapes.ts';

/** `PrincipalIdType`: 1..256 characters of `[\w+=,.@:/-]`. */
export const PRINCIPAL_ID: Shape = string({ min: 1, max: 256, pattern: '^[\\w+=,.@:/-]+$' });
/** `ServicePrincipalType` (newest model): `service.domain[.more]`, 1..128 characters. */
export const SERVICE_PRINCIPAL: Shape = string({ min: 1, max: 128, pattern: '^([A-Za-z0-9\\-]+)\\.([A-Za-z0-9\\-]+)(\\.[A-Za-z0-9\\-]+)+$' });
/** `GrantIdType`: 1..128 characters. */
export const GRANT_ID: Shape = string({ min: 1, max: 128 });
/** `GrantTokenType`: 1..8192 characters. */
export const GRANT_TOKEN: Shape = string({ min: 1, max: 8192 });

/** `GrantConstraints` as the API spells it. */
export interface GrantConstraintsShape {
  EncryptionContextSubset?: Record<string, string>;
  EncryptionContextEquals?: Record<string, string>;
  SourceArn?: string;
}

/** `GrantListEntry`. */
export interface GrantListEntry {
  KeyId: string;
  GrantId: string;
  Name: string;
  CreationDate: Date;
  GranteePrincipal: string;
  RetiringPrincipal?: string;
  IssuingAccount: string;
  Operations: string[];
  Constraints?: GrantConstraintsShape;
}

/**
 * A grant as ListGrants and ListRetirableGrants report it: `KeyId` is the key ARN, `Name` is `""`
 * for a grant created without one (the ListGrants examples in the API reference, as LocalStack
 * reads them), `IssuingAccount` the issuing account's root ARN.
 */
export function grantListEntry(grant: GrantRecord, key: KeyRecord): GrantListEntry {
  const constraints = grant.constraints;
  return {
    KeyId: key.arn,
    GrantId: grant.grantId,
    Name: grant.name,
    CreationDate: new Date(grant.creationDate),
    GranteePrincipal: grant.granteePrincipal,
    ...(grant.retiringPrincipal === undefined ? {} : { RetiringPrincipal: grant.retiringPrincipal }),
    IssuingAccount: grant.issuingAccount,
    Operations: [...grant.operations],
    ...(constraints === undefined
      ? {}
      : {
          Constraints: {
            ...(constraints.encryptionContextSubset === undefined ? {} : { EncryptionContextSubset: { ...constraints.encryptionContextSubset } }),
            ...(constraints.encryptionContextEquals === undefined ? {} : { EncryptionContextEquals: { ...constraints.encryptionContextEquals } }),
          },
        }),
  };
}

/** Grant list pages: `Limit` defaults to 50 and KMS returns at most 100 (ListGrants API reference). */
export function grantPageSize(limit: number | undefined): number {
  return Math.min(limit ?? 50, 100);
}

/**
 * `InvalidGrantIdException` for a grant id that names no grant of the key (text UNCONFIRMED; the
 * KMS reference §2.8 records the code, LocalStack sends it without a message).
 */
export function invalidGrantId(grantId: string): KmsError {
  return new KmsError('InvalidGrantIdException', `Invalid grantId '${grantId}'`);
}
