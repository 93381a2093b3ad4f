/**
 * @module
 * UntagResource: removes tags by key; "if the specified tag key isn't found on the KMS key, it
 * doesn't throw an exception" (API doc). Key id or key ARN only; refused while the key is pending
 * deletion.
 */

import { list, structure } from '../protocol/shapes.ts';
import { keyIdResponse } from './shared/audit.ts';
import { putKey, unchanged, updateKey } from './shared/key-update.ts';
import { KEY_ID } from './shared/members.ts';
import { removeTags, TAG_KEY } from './shared/tags.ts';
import type { OperationDefinition } from './types.ts';

/** UntagResource request. */
export interface UntagResourceRequest {
  KeyId: string;
  TagKeys: string[];
}

/** UntagResource. */
export const untagResource: OperationDefinition<'UntagResource', UntagResourceRequest, void> = {
  name: 'UntagResource',
  quota: { perSecond: 5 },
  readOnly: false,
  keyState: 'notPendingDeletion',
  input: structure({ KeyId: KEY_ID, TagKeys: list(TAG_KEY) }, ['KeyId', 'TagKeys']),

  handler: (input, context) =>
    updateKey(context, input.KeyId, (key) => {
      context.touch(key);
      context.authorize('kms:UntagResource', key, { conditions: { 'aws:TagKeys': input.TagKeys } });
      context.requireKeyState(key);
      const tags = removeTags(key.tags, input.TagKeys);
      return tags.length === key.tags.length ? unchanged(undefined) : putKey({ ...key, tags }, undefined);
    }),
  // responseElements.keyId: the affected key's ARN (dev guide ct-untagresource, entries since
  // December 2022; its TagResource example, without that sentence, shows null).
  auditResponse: keyIdResponse,
};
