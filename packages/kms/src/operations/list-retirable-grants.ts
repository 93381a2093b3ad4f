/**
 * @module
 * ListRetirableGrants: every grant in the Region whose retiring principal is the one named, on
 * keys of any account (API reference). Authorized by the caller's IAM permission
 * kms:ListRetirableGrants, whose resource is the retiring principal named in the request.
 */

import { constraintFailure, structure, validationError } from '../protocol/shapes.ts';
import type { ListGrantsResponse } from './list-grants.ts';
import { type GrantListEntry, grantListEntry, grantPageSize, PRINCIPAL_ID, SERVICE_PRINCIPAL } from './shared/grants.ts';
import { LIMIT, MARKER, paginate } from './shared/pagination.ts';
import type { OperationDefinition } from './types.ts';

/** ListRetirableGrants request. */
export interface ListRetirableGrantsRequest {
  RetiringPrincipal?: string;
  RetiringServicePrincipal?: string;
  Limit?: number;
  Marker?: string;
}

/** ListRetirableGrants. */
export const listRetirableGrants: OperationDefinition<'ListRetirableGrants', ListRetirableGrantsRequest, ListGrantsResponse> = {
  name: 'ListRetirableGrants',
  quota: { perSecond: 100 },
  readOnly: true,
  keyState: 'any',
  input: structure({ Limit: LIMIT, Marker: MARKER, RetiringPrincipal: PRINCIPAL_ID, RetiringServicePrincipal: SERVICE_PRINCIPAL }),

  handler(input, context) {
    const principal = input.RetiringPrincipal;
    if (principal === undefined && input.RetiringServicePrincipal === undefined) {
      // The model made RetiringPrincipal optional in 2025 (RetiringServicePrincipal is the
      // alternative); without either, answer as the service did while it was required.
      throw validationError([constraintFailure('retiringPrincipal', undefined, 'Member must not be null')]);
    }
    context.authorize('kms:ListRetirableGrants', undefined, { resourceArn: principal ?? input.RetiringServicePrincipal! });
    const entries: GrantListEntry[] = [];
    // Strongbox grants have no service-principal retirees, so RetiringServicePrincipal matches none.
    if (principal !== undefined) {
      for (const grant of context.state.grants()) {
        if (grant.retiringPrincipal !== principal) continue;
        const key = grant.region === context.region ? context.state.key(grant.keyId, grant.region) : undefined;
        if (key !== undefined) entries.push(grantListEntry(grant, key));
      }
    }
    const page = paginate(entries, grantPageSize(input.Limit), input.Marker);
    return { Grants: page.items, ...(page.nextMarker === undefined ? {} : { NextMarker: page.nextMarker }), Truncated: page.truncated };
  },
};
