/**
 * @module
 * RevokeGrant: deletes a grant; governed by the key policy and IAM (`kms:RevokeGrant`), usually
 * held by key administrators. Takes the key id or ARN and the grant id; no grant token (KMS
 * reference §2.8). Revoking takes effect at once (Strongbox is strongly consistent).
 */

import { dryRunSucceeded } from '../errors.ts';
import { structure } from '../protocol/shapes.ts';
import { GRANT_ID, invalidGrantId } from './shared/grants.ts';
import { DRY_RUN, KEY_ID } from './shared/members.ts';
import type { OperationDefinition } from './types.ts';

/** RevokeGrant request. */
export interface RevokeGrantRequest {
  KeyId: string;
  GrantId: string;
  DryRun?: boolean;
}

/** RevokeGrant. */
export const revokeGrant: OperationDefinition<'RevokeGrant', RevokeGrantRequest, void> = {
  name: 'RevokeGrant',
  quota: { perSecond: 50 },
  readOnly: false,
  keyState: 'any',
  input: structure({ KeyId: KEY_ID, GrantId: GRANT_ID, DryRun: DRY_RUN }, ['KeyId', 'GrantId']),

  async handler(input, context) {
    const key = context.resolveKey(input.KeyId, 'key');
    context.touch(key);
    context.authorize('kms:RevokeGrant', key);
    context.requireKeyState(key);
    const grant = context.state.grant(input.GrantId);
    if (grant === undefined || grant.keyId !== key.keyId || grant.region !== key.region) throw invalidGrantId(input.GrantId);
    if (input.DryRun === true) throw dryRunSucceeded();
    await context.commit({ type: 'deleteGrant', grantId: grant.grantId });
  },
};
