/**
 * @module
 * ListResourceTags: the tags of a key, in the order they were added, `Limit` per page (the API doc
 * says 1..50, default 50; the model allows 1..1000, so larger values pass validation and KMS
 * "might return fewer": Strongbox caps the page at 50). Key id or key ARN only; every key state.
 */

import { structure } from '../protocol/shapes.ts';
import { KEY_ID } from './shared/members.ts';
import { LIMIT, MARKER, paginate } from './shared/pagination.ts';
import { type TagInput, toTagInputs } from './shared/tags.ts';
import type { OperationDefinition } from './types.ts';

/** ListResourceTags request. */
export interface ListResourceTagsRequest {
  KeyId: string;
  Limit?: number;
  Marker?: string;
}

/** ListResourceTags response. */
export interface ListResourceTagsResponse {
  Tags: TagInput[];
  NextMarker?: string;
  Truncated: boolean;
}

/** "If you include a value, it must be between 1 and 50, inclusive. If you do not include a value, it defaults to 50." */
const MAX_PAGE = 50;

/** ListResourceTags. */
export const listResourceTags: OperationDefinition<'ListResourceTags', ListResourceTagsRequest, ListResourceTagsResponse> = {
  name: 'ListResourceTags',
  quota: { perSecond: 2000 },
  readOnly: true,
  keyState: 'any',
  input: structure({ KeyId: KEY_ID, Limit: LIMIT, Marker: MARKER }, ['KeyId']),

  async handler(input, context) {
    const key = context.resolveKey(input.KeyId, 'key');
    context.touch(key);
    context.authorize('kms:ListResourceTags', key);
    const page = paginate(toTagInputs(key.tags), Math.min(input.Limit ?? MAX_PAGE, MAX_PAGE), input.Marker);
    return { Tags: page.items, ...(page.nextMarker === undefined ? {} : { NextMarker: page.nextMarker }), Truncated: page.truncated };
  },
};
