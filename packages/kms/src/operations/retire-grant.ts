/**
 * @module
 * RetireGrant: deletes a grant, named by a grant token alone or by key ARN + grant id. The grant
 * decides who may retire it (RetireGrant API reference; dev guide "Retiring and revoking
 * grants"): its retiring principal, its grantee if the grant allows RetireGrant, and the account
 * the grant was created in (its root, or principals it delegates kms:RetireGrant to).
 */

import { matchPrincipal } from '@strongbox/service-kernel';
import { dryRunSucceeded, KmsError } from '../errors.ts';
import { grantIdOfToken } from '../model/grants.ts';
import type { GrantRecord, KeyRecord } from '../model/records.ts';
import { type AccessRequest, authorizeAccess, identityPolicyAllows, invalidGrantToken } from '../policy/authorize.ts';
import { structure } from '../protocol/shapes.ts';
import { GRANT_ID, GRANT_TOKEN, invalidGrantId } from './shared/grants.ts';
import { DRY_RUN, KEY_ID } from './shared/members.ts';
import type { OperationContext, OperationDefinition } from './types.ts';

/** RetireGrant request. */
export interface RetireGrantRequest {
  GrantToken?: string;
  KeyId?: string;
  GrantId?: string;
  DryRun?: boolean;
}

/** RetireGrant. */
export const retireGrant: OperationDefinition<'RetireGrant', RetireGrantRequest, void> = {
  name: 'RetireGrant',
  quota: { perSecond: 50 },
  readOnly: false,
  keyState: 'any',
  input: structure({ GrantToken: GRANT_TOKEN, KeyId: KEY_ID, GrantId: GRANT_ID, DryRun: DRY_RUN }),

  async handler(input, context) {
    // The grant is read, checked and deleted in one synchronous step, as RevokeGrant does, so of
    // two concurrent retires of one grant only one succeeds; the other finds it gone and is
    // refused, as it would be after the first.
    const named = input.GrantToken === undefined ? namedByKey(input, context) : undefined;
    const { grant, key } = findGrant(input, context, named);
    context.touch(key);
    // Only the grant being retired can allow it (its grantee, when it grants kms:RetireGrant).
    const request = context.accessRequest('kms:RetireGrant', key, {}, { grants: [grant] });
    if (!retiredByGrantRules(grant, request)) authorizeAccess(request);
    if (input.DryRun === true) throw dryRunSucceeded();
    await context.commit({ type: 'deleteGrant', grantId: grant.grantId });
  },
  // requestParameters: null (ct-retire-grant), so a grant token is never logged; the grant id goes
  // to additionalEventData, the id the token names when retired by token.
  auditParameters: () => null,
  auditAdditional: (input) => {
    const grantId = typeof input.GrantId === 'string' ? input.GrantId : typeof input.GrantToken === 'string' ? grantIdOfToken(input.GrantToken) : undefined;
    return grantId === undefined ? undefined : { grantId };
  },
};

/** A grant named by its key and its id. */
interface NamedByKey {
  readonly key: KeyRecord;
  readonly grantId: string;
}

/**
 * The key and grant id a RetireGrant without a token names.
 * @throws KmsError ValidationException when the key or the grant id is missing, and what
 *   `context.resolveKey` throws.
 */
function namedByKey(input: RetireGrantRequest, context: OperationContext): NamedByKey {
  const { KeyId: keyId, GrantId: grantId } = input;
  if (keyId === undefined || grantId === undefined) {
    // Text UNCONFIRMED (LocalStack's): KMS needs a token, or a key and a grant id.
    throw new KmsError('ValidationException', 'Grant token OR (grant ID, key ID) must be specified');
  }
  return { key: context.resolveKey(keyId, 'key'), grantId };
}

/**
 * The grant to retire and its key, read from the current state (synchronous: see the handler).
 * @throws KmsError InvalidGrantTokenException, NotFoundException (a well-formed token whose grant
 *   is gone) or InvalidGrantIdException.
 */
function findGrant(input: RetireGrantRequest, context: OperationContext, named: NamedByKey | undefined): { grant: GrantRecord; key: KeyRecord } {
  if (named === undefined) {
    const grantId = input.GrantToken === undefined ? undefined : grantIdOfToken(input.GrantToken);
    if (grantId === undefined) throw invalidGrantToken();
    const grant = context.state.grant(grantId);
    const key = grant && grant.region === context.region ? context.state.key(grant.keyId, grant.region) : undefined;
    // A well-formed token whose grant is gone (retired, revoked, key deleted). Text UNCONFIRMED.
    if (grant === undefined || key === undefined) throw new KmsError('NotFoundException', `Grant '${grantId}' does not exist`);
    if (input.GrantId !== undefined && input.GrantId !== grantId) throw invalidGrantId(input.GrantId);
    return { grant, key };
  }
  const { key, grantId } = named;
  const grant = context.state.grant(grantId);
  if (grant === undefined || grant.keyId !== key.keyId || grant.region !== key.region) throw invalidGrantId(grantId);
  return { grant, key };
}

/** The retiring principal, or the account the grant was created in, may retire it. */
function retiredByGrantRules(grant: GrantRecord, request: AccessRequest): boolean {
  const { caller } = request;
  if (grant.retiringPrincipal !== undefined) {
    const match = matchPrincipal(grant.retiringPrincipal, caller);
    if (match === 'direct' || (match === 'account' && identityPolicyAllows(request))) return true;
  }
  const issuing = matchPrincipal(grant.issuingAccount, caller);
  return issuing === 'direct' || (issuing === 'account' && identityPolicyAllows(request));
}
