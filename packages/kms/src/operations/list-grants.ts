/**
 * @module
 * ListGrants: the grants of one key (key id or ARN), optionally only one grant id or one grantee
 * principal, paginated with Limit (default 50, at most 100 returned) and Marker. Entries follow
 * `GrantListEntry` (see shared/grants.ts). A grant id that cannot be one is refused with
 * InvalidGrantIdException (in the model's error list); a well-formed one that matches nothing
 * gives an empty list.
 */

import { isGrantId } from '../model/grants.ts';
import { structure } from '../protocol/shapes.ts';
import { GRANT_ID, type GrantListEntry, grantListEntry, grantPageSize, invalidGrantId, PRINCIPAL_ID, SERVICE_PRINCIPAL } from './shared/grants.ts';
import { KEY_ID } from './shared/members.ts';
import { LIMIT, MARKER, paginate } from './shared/pagination.ts';
import type { OperationDefinition } from './types.ts';

/** ListGrants request. */
export interface ListGrantsRequest {
  KeyId: string;
  Limit?: number;
  Marker?: string;
  GrantId?: string;
  GranteePrincipal?: string;
  GranteeServicePrincipal?: string;
}

/** ListGrants response (also ListRetirableGrants'). */
export interface ListGrantsResponse {
  Grants: GrantListEntry[];
  NextMarker?: string;
  Truncated: boolean;
}

/** ListGrants. */
export const listGrants: OperationDefinition<'ListGrants', ListGrantsRequest, ListGrantsResponse> = {
  name: 'ListGrants',
  quota: { perSecond: 100 },
  readOnly: true,
  keyState: 'any',
  input: structure(
    { Limit: LIMIT, Marker: MARKER, KeyId: KEY_ID, GrantId: GRANT_ID, GranteePrincipal: PRINCIPAL_ID, GranteeServicePrincipal: SERVICE_PRINCIPAL },
    ['KeyId'],
  ),

  async handler(input, context) {
    const key = context.resolveKey(input.KeyId, 'key');
    context.touch(key);
    context.authorize('kms:ListGrants', key);
    context.requireKeyState(key);
    if (input.GrantId !== undefined && !isGrantId(input.GrantId)) throw invalidGrantId(input.GrantId);
    const grants = context.state.grantsOf(key.keyId, key.region).filter(
      (grant) =>
        (input.GrantId === undefined || grant.grantId === input.GrantId) &&
        (input.GranteePrincipal === undefined || grant.granteePrincipal === input.GranteePrincipal) &&
        // Strongbox grants have no service-principal grantees (see CreateGrant).
        input.GranteeServicePrincipal === undefined,
    );
    const page = paginate(grants, grantPageSize(input.Limit), input.Marker);
    return {
      Grants: page.items.map((grant) => grantListEntry(grant, key)),
      ...(page.nextMarker === undefined ? {} : { NextMarker: page.nextMarker }),
      Truncated: page.truncated,
    };
  },
};
