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
    const { grant, key } = await findGrant(input, context);
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

async function findGrant(input: RetireGrantRequest, context: OperationContext): Promise<{ grant: GrantRecord; key: KeyRecord }> {
  if (input.GrantToken !== undefined) {
    const grantId = grantIdOfToken(input.GrantToken);
    if (grantId === undefined) throw invalidGrantToken();
    const grant = context.state.grant(grantId);
    const key = grant && grant.region === context.region ? context.state.key(grant.keyId, grant.region) : undefined;
    // A well-formed token whose grant is gone (retired, revoked, key deleted). Text UNCONFIRMED.
    if (grant === undefined || key === undefined) throw new KmsError('NotFoundException', `Grant '${grantId}' does not exist`);
    if (input.GrantId !== undefined && input.GrantId !== grantId) throw invalidGrantId(input.GrantId);
    return { grant, key };
  }
  if (input.KeyId === undefined || input.GrantId === undefined) {
    // Text UNCONFIRMED (LocalStack's): KMS needs a token, or a key and a grant id.
    throw new KmsError('ValidationException', 'Grant token OR (grant ID, key ID) must be specified');
  }
  const key = await context.resolveKey(input.KeyId, 'key');
  const grant = context.state.grant(input.GrantId);
  if (grant === undefined || grant.keyId !== key.keyId || grant.region !== key.region) throw invalidGrantId(input.GrantId);
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
