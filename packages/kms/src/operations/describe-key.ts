/**
 * @module
 * DescribeKey: the key's metadata; accepts every KeyId form, aliases included.
 */

import { structure } from '../protocol/shapes.ts';
import { type KeyMetadata, keyMetadata } from './shared/key-metadata.ts';
import { GRANT_TOKENS, KEY_ID } from './shared/members.ts';
import type { OperationDefinition } from './types.ts';

/** DescribeKey request. */
export interface DescribeKeyRequest {
  KeyId: string;
  GrantTokens?: string[];
}

/** DescribeKey response. */
export interface DescribeKeyResponse {
  KeyMetadata: KeyMetadata;
}

/** DescribeKey. */
export const describeKey: OperationDefinition<'DescribeKey', DescribeKeyRequest, DescribeKeyResponse> = {
  name: 'DescribeKey',
  quota: { perSecond: 2000 },
  readOnly: true,
  keyState: 'any',
  input: structure({ KeyId: KEY_ID, GrantTokens: GRANT_TOKENS }, ['KeyId']),

  async handler(input, context) {
    const key = await context.resolveKey(input.KeyId, 'any');
    context.touch(key);
    context.authorize('kms:DescribeKey', key, { ...(input.GrantTokens ? { grantTokens: input.GrantTokens } : {}) });
    return { KeyMetadata: keyMetadata(key) };
  },
};
