/**
 * @module
 * TagResource: adds tags to a customer managed key, or replaces the value of an existing tag key.
 * At most 50 tags per key; `aws:` keys are reserved; AWS managed keys cannot be tagged (API doc;
 * their key policy refuses kms:TagResource).
 * Key id or key ARN only; refused while the key is pending deletion.
 */

import { structure } from '../protocol/shapes.ts';
import { putKey, updateKey } from './shared/key-update.ts';
import { KEY_ID } from './shared/members.ts';
import { mergeTags, parseNewTags, TAG_LIST, type TagInput, tagConditions } from './shared/tags.ts';
import type { OperationDefinition } from './types.ts';

/** TagResource request. */
export interface TagResourceRequest {
  KeyId: string;
  Tags: TagInput[];
}

/** TagResource. */
export const tagResource: OperationDefinition<'TagResource', TagResourceRequest, void> = {
  name: 'TagResource',
  quota: { perSecond: 10 },
  readOnly: false,
  keyState: 'notPendingDeletion',
  input: structure({ KeyId: KEY_ID, Tags: TAG_LIST }, ['KeyId', 'Tags']),

  handler: (input, context) =>
    updateKey(context, input.KeyId, (key) => {
      context.touch(key);
      context.authorize('kms:TagResource', key, { conditions: tagConditions(input.Tags.map((tag) => ({ key: tag.TagKey, value: tag.TagValue }))) });
      context.requireKeyState(key);
      // Tags are checked after the key, as LocalStack's AWS-validated implementation does.
      const added = parseNewTags(input.Tags);
      return putKey({ ...key, tags: mergeTags(key.tags, added) }, undefined);
    }),
};
