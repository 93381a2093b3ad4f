/**
 * @module
 * GetKeyPolicy: the key policy document, pretty-printed as KMS prints it (see policy/format.ts).
 * Cross-account use: no (API reference), enforced by the authorization layer.
 */

import { prettyPolicy } from '@strongbox/service-kernel';
import { structure } from '../protocol/shapes.ts';
import { KEY_ID } from './shared/members.ts';
import { DEFAULT_POLICY_NAME, POLICY_NAME, requireDefaultPolicyName } from './shared/policy-members.ts';
import type { OperationDefinition } from './types.ts';

/** GetKeyPolicy request. */
export interface GetKeyPolicyRequest {
  KeyId: string;
  PolicyName?: string;
}

/** GetKeyPolicy response. */
export interface GetKeyPolicyResponse {
  Policy: string;
  PolicyName: string;
}

/** GetKeyPolicy. */
export const getKeyPolicy: OperationDefinition<'GetKeyPolicy', GetKeyPolicyRequest, GetKeyPolicyResponse> = {
  name: 'GetKeyPolicy',
  quota: { perSecond: 1000 },
  readOnly: true,
  keyState: 'any',
  auditDefaults: { policyName: 'default' },
  input: structure({ KeyId: KEY_ID, PolicyName: POLICY_NAME }, ['KeyId']),

  async handler(input, context) {
    const key = context.resolveKey(input.KeyId, 'key');
    context.touch(key);
    context.authorize('kms:GetKeyPolicy', key);
    context.requireKeyState(key);
    requireDefaultPolicyName(input.PolicyName);
    return { Policy: prettyPolicy(key.policy), PolicyName: DEFAULT_POLICY_NAME };
  },
};
