/**
 * @module
 * ListAliases: the aliases of the caller's account in this Region, sorted by name (as in AWS's
 * ListAliases example), or only those of one key (`KeyId`: key id or key ARN). The predefined
 * `alias/aws/*` aliases are listed too; until AWS creates their key they have no `TargetKeyId`
 * ("The response might also include aliases that have no TargetKeyId field. These are predefined
 * aliases that Amazon Web Services has created but has not yet associated with a KMS key", API
 * doc; a 2019 capture shows them with `AliasName` and `AliasArn` only). `Limit` is 1..100 per the
 * API doc (default 50); the model allows 1..1000, so larger values pass validation and the page
 * is capped at 100. Needs kms:ListAliases (IAM policy) only.
 */

import { PREDEFINED_AWS_ALIASES } from '../model/aws-managed-keys.ts';
import { aliasArn } from '../model/identifiers.ts';
import { structure } from '../protocol/shapes.ts';
import { type AliasListEntry, aliasListEntry } from './shared/aliases.ts';
import { KEY_ID } from './shared/members.ts';
import { LIMIT, MARKER, paginate } from './shared/pagination.ts';
import type { OperationDefinition } from './types.ts';

/** ListAliases request. */
export interface ListAliasesRequest {
  KeyId?: string;
  Limit?: number;
  Marker?: string;
}

/** ListAliases response. */
export interface ListAliasesResponse {
  Aliases: AliasListEntry[];
  NextMarker?: string;
  Truncated: boolean;
}

const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 100;

/** ListAliases. */
export const listAliases: OperationDefinition<'ListAliases', ListAliasesRequest, ListAliasesResponse> = {
  name: 'ListAliases',
  quota: { perSecond: 500 },
  readOnly: true,
  keyState: 'any',
  input: structure({ KeyId: KEY_ID, Limit: LIMIT, Marker: MARKER }),

  async handler(input, context) {
    context.authorize('kms:ListAliases', undefined);
    const { account } = context.caller;
    const { region } = context;
    // With KeyId the answer is that key's aliases; predefined aliases without a key never match.
    const key = input.KeyId === undefined ? undefined : context.resolveKey(input.KeyId, 'key');
    const aliases = context.state.aliases(account, region).filter((alias) => key === undefined || alias.targetKeyId === key.keyId);
    const entries = aliases.map(aliasListEntry);
    if (key === undefined) {
      const existing = new Set(aliases.map((alias) => alias.aliasName));
      for (const aliasName of PREDEFINED_AWS_ALIASES) {
        if (!existing.has(aliasName)) entries.push({ AliasName: aliasName, AliasArn: aliasArn(region, account, aliasName) });
      }
    }
    entries.sort((a, b) => (a.AliasName < b.AliasName ? -1 : a.AliasName > b.AliasName ? 1 : 0));
    const page = paginate(entries, Math.min(input.Limit ?? DEFAULT_LIMIT, MAX_LIMIT), input.Marker);
    return { Aliases: page.items, ...(page.nextMarker === undefined ? {} : { NextMarker: page.nextMarker }), Truncated: page.truncated };
  },
};
