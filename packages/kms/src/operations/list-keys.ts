/**
 * @module
 * ListKeys: the KMS keys of the caller's account in this Region (customer and AWS managed, in any
 * key state; deleted keys are gone), `Limit` 1..1000 (default 100) per page with `Marker`.
 * Entries are `{KeyId, KeyArn}` sorted by key id, as in AWS's ListKeys example.
 */

import { structure } from '../protocol/shapes.ts';
import { LIMIT, MARKER, paginate } from './shared/pagination.ts';
import type { OperationDefinition } from './types.ts';

/** ListKeys request. */
export interface ListKeysRequest {
  Limit?: number;
  Marker?: string;
}

/** ListKeys entry. */
export interface KeyListEntry {
  KeyId: string;
  KeyArn: string;
}

/** ListKeys response. */
export interface ListKeysResponse {
  Keys: KeyListEntry[];
  NextMarker?: string;
  Truncated: boolean;
}

/** Page size when `Limit` is absent ("If you do not include a value, it defaults to 100"). */
const DEFAULT_LIMIT = 100;

/** ListKeys. */
export const listKeys: OperationDefinition<'ListKeys', ListKeysRequest, ListKeysResponse> = {
  name: 'ListKeys',
  quota: { perSecond: 500 },
  readOnly: true,
  keyState: 'any',
  input: structure({ Limit: LIMIT, Marker: MARKER }),

  handler(input, context) {
    // Required permissions: kms:ListKeys (IAM policy).
    context.authorize('kms:ListKeys', undefined);
    const { account } = context.caller;
    const keys: KeyListEntry[] = [];
    for (const key of context.state.keys()) {
      if (key.account === account && key.region === context.region) keys.push({ KeyId: key.keyId, KeyArn: key.arn });
    }
    keys.sort((a, b) => (a.KeyId < b.KeyId ? -1 : a.KeyId > b.KeyId ? 1 : 0));
    const page = paginate(keys, input.Limit, input.Marker, DEFAULT_LIMIT);
    return { Keys: page.items, ...(page.nextMarker === undefined ? {} : { NextMarker: page.nextMarker }), Truncated: page.truncated };
  },
};
