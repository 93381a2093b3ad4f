/**
 * @module
 * VerifyMac: checks an HMAC. One that does not verify is `KMSInvalidMacException` with an empty
 * message, not `MacValid: false` (VerifyMacResponse doc; LocalStack's AWS-validated snapshot).
 */

import { dryRunSucceeded, KmsError } from '../errors.ts';
import { verifyMac as checkHmac } from '../model/key-types/hmac.ts';
import type { MacAlgorithm } from '../model/key-types/spec-table.ts';
import type { KeyRecord } from '../model/records.ts';
import { blob, structure } from '../protocol/shapes.ts';
import { checkMacRequest, MAC_ALGORITHM, MAC_MESSAGE, macAuthorization } from './shared/mac-request.ts';
import { DRY_RUN, GRANT_TOKENS, KEY_ID } from './shared/members.ts';
import { withResolvedKey } from './shared/resolved-key.ts';
import type { OperationContext, OperationDefinition } from './types.ts';

/** VerifyMac request. */
export interface VerifyMacRequest {
  Message: Uint8Array;
  KeyId: string;
  MacAlgorithm: string;
  Mac: Uint8Array;
  GrantTokens?: string[];
  DryRun?: boolean;
}

/** VerifyMac response. */
export interface VerifyMacResponse {
  KeyId: string;
  MacValid: true;
  MacAlgorithm: string;
}

/** VerifyMac. */
export const verifyMac: OperationDefinition<'VerifyMac', VerifyMacRequest, VerifyMacResponse> = {
  name: 'VerifyMac',
  quota: { shared: 'cryptographic' },
  readOnly: true,
  keyState: 'usable',
  input: structure(
    { Message: MAC_MESSAGE, KeyId: KEY_ID, MacAlgorithm: MAC_ALGORITHM, Mac: blob({ min: 1, max: 6144 }), GrantTokens: GRANT_TOKENS, DryRun: DRY_RUN },
    ['Message', 'KeyId', 'MacAlgorithm', 'Mac'],
  ),

  handler(input, context) {
    return withResolvedKey(input, context, check);
  },
};

function check(input: VerifyMacRequest, context: OperationContext, key: KeyRecord): VerifyMacResponse {
  context.touch(key);
  context.authorize('kms:VerifyMac', key, macAuthorization(input.MacAlgorithm, input.GrantTokens));
  context.requireKeyState(key);
  const macKey = checkMacRequest(key, 'VerifyMac', input.MacAlgorithm);
  if (input.DryRun === true) throw dryRunSucceeded();
  if (!checkHmac(input.MacAlgorithm as MacAlgorithm, macKey, input.Message, input.Mac)) throw new KmsError('KMSInvalidMacException', '');
  return { KeyId: key.arn, MacValid: true, MacAlgorithm: input.MacAlgorithm };
}
