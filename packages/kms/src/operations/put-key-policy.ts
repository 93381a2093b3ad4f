/**
 * @module
 * PutKeyPolicy: replaces the key policy after validating it (policy/validate.ts: syntax,
 * principals, 32 KB quota, lockout safety check unless BypassPolicyLockoutSafetyCheck). The text
 * is stored as given; GetKeyPolicy pretty-prints it. AWS managed keys keep their policy: theirs
 * allows nobody kms:PutKeyPolicy, so the call is refused as such a policy would refuse it.
 */

import { validateKeyPolicy } from '../policy/validate.ts';
import { boolean, string, structure } from '../protocol/shapes.ts';
import { refuseAwsManagedKey } from './shared/aws-managed-access.ts';
import { putKey, updateKey } from './shared/key-update.ts';
import { KEY_ID } from './shared/members.ts';
import { POLICY_NAME, requireDefaultPolicyName } from './shared/policy-members.ts';
import type { OperationDefinition } from './types.ts';

/** PutKeyPolicy request. */
export interface PutKeyPolicyRequest {
  KeyId: string;
  PolicyName?: string;
  Policy: string;
  BypassPolicyLockoutSafetyCheck?: boolean;
}

/** PutKeyPolicy. */
export const putKeyPolicy: OperationDefinition<'PutKeyPolicy', PutKeyPolicyRequest, void> = {
  name: 'PutKeyPolicy',
  quota: { perSecond: 15 },
  readOnly: false,
  keyState: 'any',
  input: structure(
    {
      KeyId: KEY_ID,
      PolicyName: POLICY_NAME,
      // PolicyType: 1..131072 characters of [\u0009\u000A\u000D\u0020-\u00FF] (Smithy model pattern).
      Policy: string({ min: 1, max: 131072, pattern: '^[\\u0009\\u000A\\u000D\\u0020-\\u00FF]+$' }),
      BypassPolicyLockoutSafetyCheck: boolean(),
    },
    ['KeyId', 'Policy'],
  ),

  handler: (input, context) =>
    updateKey(context, input.KeyId, (key) => {
      context.touch(key);
      refuseAwsManagedKey(context, key, 'kms:PutKeyPolicy');
      context.authorize('kms:PutKeyPolicy', key);
      context.requireKeyState(key);
      requireDefaultPolicyName(input.PolicyName);
      validateKeyPolicy(input.Policy, {
        caller: context.caller,
        account: key.account,
        region: key.region,
        keyArn: key.arn,
        bypassLockoutCheck: input.BypassPolicyLockoutSafetyCheck === true,
      });
      return putKey({ ...key, policy: input.Policy }, undefined);
    }),

  auditParameters: (input) => ({
    keyId: input.KeyId,
    policyName: input.PolicyName ?? 'default',
    policy: input.Policy,
    bypassPolicyLockoutSafetyCheck: input.BypassPolicyLockoutSafetyCheck === true,
  }),
};
