/**
 * @module
 * DisableKey: the key becomes Disabled, so cryptographic operations refuse it until EnableKey.
 * Key id or key ARN only. Refused while the key is pending deletion or pending import.
 */

import { structure } from '../protocol/shapes.ts';
import { keyIdResponse } from './shared/audit.ts';
import { putKey, unchanged, updateKey } from './shared/key-update.ts';
import { KEY_ID } from './shared/members.ts';
import type { OperationDefinition } from './types.ts';

/** DisableKey request. */
export interface DisableKeyRequest {
  KeyId: string;
}

/** DisableKey. */
export const disableKey: OperationDefinition<'DisableKey', DisableKeyRequest, void> = {
  name: 'DisableKey',
  quota: { perSecond: 5 },
  readOnly: false,
  keyState: 'enableDisable',
  input: structure({ KeyId: KEY_ID }, ['KeyId']),

  handler: (input, context) =>
    updateKey(context, input.KeyId, (key) => {
      context.touch(key);
      context.authorize('kms:DisableKey', key);
      context.requireKeyState(key);
      return key.state === 'Disabled' ? unchanged(undefined) : putKey({ ...key, state: 'Disabled' }, undefined);
    }),
  // responseElements.keyId: the affected key's ARN (dev guide ct-disablekey, entries since December 2022).
  auditResponse: keyIdResponse,
};
