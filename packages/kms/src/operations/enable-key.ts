/**
 * @module
 * EnableKey: a Disabled key becomes Enabled (an Enabled key stays so). Key id or key ARN only.
 * Refused while the key is pending deletion or pending import (key-state table).
 */

import { structure } from '../protocol/shapes.ts';
import { keyIdResponse } from './shared/audit.ts';
import { putKey, unchanged, updateKey } from './shared/key-update.ts';
import { KEY_ID } from './shared/members.ts';
import type { OperationDefinition } from './types.ts';

/** EnableKey request. */
export interface EnableKeyRequest {
  KeyId: string;
}

/** EnableKey. */
export const enableKey: OperationDefinition<'EnableKey', EnableKeyRequest, void> = {
  name: 'EnableKey',
  quota: { perSecond: 5 },
  readOnly: false,
  keyState: 'enableDisable',
  input: structure({ KeyId: KEY_ID }, ['KeyId']),

  handler: (input, context) =>
    updateKey(context, input.KeyId, (key) => {
      context.touch(key);
      context.authorize('kms:EnableKey', key);
      context.requireKeyState(key);
      return key.state === 'Enabled' ? unchanged(undefined) : putKey({ ...key, state: 'Enabled' }, undefined);
    }),
  // responseElements.keyId: the affected key's ARN (dev guide ct-enablekey, entries since December 2022).
  auditResponse: keyIdResponse,
};
