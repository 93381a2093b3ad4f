/**
 * @module
 * GenerateMac: the HMAC (RFC 2104) of a message of up to 4096 bytes under an HMAC key.
 */

import { dryRunSucceeded } from '../errors.ts';
import { generateMac as hmac } from '../model/key-types/hmac.ts';
import type { MacAlgorithm } from '../model/key-types/spec-table.ts';
import type { KeyRecord } from '../model/records.ts';
import { structure } from '../protocol/shapes.ts';
import { checkMacRequest, MAC_ALGORITHM, MAC_MESSAGE, macAuthorization } from './shared/mac-request.ts';
import { DRY_RUN, GRANT_TOKENS, KEY_ID } from './shared/members.ts';
import { withResolvedKey } from './shared/resolved-key.ts';
import type { OperationContext, OperationDefinition } from './types.ts';

/** GenerateMac request. */
export interface GenerateMacRequest {
  Message: Uint8Array;
  KeyId: string;
  MacAlgorithm: string;
  GrantTokens?: string[];
  DryRun?: boolean;
}

/** GenerateMac response. */
export interface GenerateMacResponse {
  Mac: Uint8Array;
  MacAlgorithm: string;
  KeyId: string;
}

/** GenerateMac. */
export const generateMac: OperationDefinition<'GenerateMac', GenerateMacRequest, GenerateMacResponse> = {
  name: 'GenerateMac',
  quota: { shared: 'cryptographic' },
  readOnly: true,
  keyState: 'usable',
  input: structure({ Message: MAC_MESSAGE, KeyId: KEY_ID, MacAlgorithm: MAC_ALGORITHM, GrantTokens: GRANT_TOKENS, DryRun: DRY_RUN }, [
    'Message',
    'KeyId',
    'MacAlgorithm',
  ]),

  handler(input, context) {
    return withResolvedKey(input, context, generate);
  },
};

function generate(input: GenerateMacRequest, context: OperationContext, key: KeyRecord): GenerateMacResponse {
  context.touch(key);
  context.authorize('kms:GenerateMac', key, macAuthorization(input.MacAlgorithm, input.GrantTokens));
  context.requireKeyState(key);
  const macKey = checkMacRequest(key, 'GenerateMac', input.MacAlgorithm);
  if (input.DryRun === true) throw dryRunSucceeded();
  return { Mac: hmac(input.MacAlgorithm as MacAlgorithm, macKey, input.Message), MacAlgorithm: input.MacAlgorithm, KeyId: key.arn };
}
