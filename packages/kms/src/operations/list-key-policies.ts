/**
 * @module
 * ListKeyPolicies: a key has exactly one policy, named `default` (API reference; AWS-validated
 * LocalStack test `test_get_put_list_key_policies`: `["default"]`, `Truncated: false`).
 */

import { structure } from '../protocol/shapes.ts';
import { KEY_ID } from './shared/members.ts';
import { LIMIT, MARKER, paginate } from './shared/pagination.ts';
import { DEFAULT_POLICY_NAME } from './shared/policy-members.ts';
import type { OperationDefinition } from './types.ts';

/** ListKeyPolicies request. */
export interface ListKeyPoliciesRequest {
  KeyId: string;
  Limit?: number;
  Marker?: string;
}

/** ListKeyPolicies response. */
export interface ListKeyPoliciesResponse {
  PolicyNames: string[];
  NextMarker?: string;
  Truncated: boolean;
}

/** ListKeyPolicies. */
export const listKeyPolicies: OperationDefinition<'ListKeyPolicies', ListKeyPoliciesRequest, ListKeyPoliciesResponse> = {
  name: 'ListKeyPolicies',
  quota: { perSecond: 100 },
  readOnly: true,
  keyState: 'any',
  input: structure({ KeyId: KEY_ID, Limit: LIMIT, Marker: MARKER }, ['KeyId']),

  async handler(input, context) {
    const key = context.resolveKey(input.KeyId, 'key');
    context.touch(key);
    context.authorize('kms:ListKeyPolicies', key);
    context.requireKeyState(key);
    const page = paginate([DEFAULT_POLICY_NAME], input.Limit, input.Marker);
    return { PolicyNames: page.items, ...(page.nextMarker === undefined ? {} : { NextMarker: page.nextMarker }), Truncated: page.truncated };
  },
};
