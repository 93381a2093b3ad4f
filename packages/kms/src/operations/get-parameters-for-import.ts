/**
 * @module
 * GetParametersForImport: an RSA wrapping public key (DER SubjectPublicKeyInfo) and an import token
 * for one EXTERNAL key, both valid 24 hours (`ParametersValidTo`). Key id or ARN only; refused for
 * keys whose origin is not EXTERNAL and while the key is pending deletion.
 *
 * Wrapping algorithms: RSAES_OAEP_SHA_1, RSAES_OAEP_SHA_256, RSA_AES_KEY_WRAP_SHA_1 and
 * RSA_AES_KEY_WRAP_SHA_256 with RSA_2048, RSA_3072 or RSA_4096 wrapping keys. RSAES_PKCS1_V1_5 is
 * refused ("As of October 10, 2023, KMS does not support the RSAES_PKCS1_V1_5 wrapping algorithm",
 * API doc), as are SM2 and SM2PKE (China Regions only). The private key stays in memory only
 * (shared/wrapping-keys.ts).
 */

import { KmsError } from '../errors.ts';
import { enumOf, structure } from '../protocol/shapes.ts';
import { requireExternalOrigin } from './shared/import-origin.ts';
import { KEY_ID } from './shared/members.ts';
import { issueImportParameters, type WrappingAlgorithm, type WrappingKeySpec } from './shared/wrapping-keys.ts';
import type { OperationDefinition } from './types.ts';

/** GetParametersForImport request. */
export interface GetParametersForImportRequest {
  KeyId: string;
  WrappingAlgorithm: 'RSAES_PKCS1_V1_5' | 'RSAES_OAEP_SHA_1' | 'RSAES_OAEP_SHA_256' | 'RSA_AES_KEY_WRAP_SHA_1' | 'RSA_AES_KEY_WRAP_SHA_256' | 'SM2PKE';
  WrappingKeySpec: 'RSA_2048' | 'RSA_3072' | 'RSA_4096' | 'SM2';
}

/** GetParametersForImport response. */
export interface GetParametersForImportResponse {
  /** The key ARN. */
  KeyId: string;
  ImportToken: Uint8Array;
  /** DER-encoded SubjectPublicKeyInfo of the RSA wrapping key. */
  PublicKey: Uint8Array;
  ParametersValidTo: Date;
}

/** GetParametersForImport. */
export const getParametersForImport: OperationDefinition<'GetParametersForImport', GetParametersForImportRequest, GetParametersForImportResponse> = {
  name: 'GetParametersForImport',
  quota: { perSecond: 1 },
  readOnly: true,
  keyState: 'notPendingDeletion',
  input: structure(
    {
      KeyId: KEY_ID,
      WrappingAlgorithm: enumOf(['RSAES_PKCS1_V1_5', 'RSAES_OAEP_SHA_1', 'RSAES_OAEP_SHA_256', 'RSA_AES_KEY_WRAP_SHA_1', 'RSA_AES_KEY_WRAP_SHA_256', 'SM2PKE']),
      WrappingKeySpec: enumOf(['RSA_2048', 'RSA_3072', 'RSA_4096', 'SM2']),
    },
    ['KeyId', 'WrappingAlgorithm', 'WrappingKeySpec'],
  ),

  async handler(input, context) {
    const key = context.resolveKey(input.KeyId, 'key');
    context.touch(key);
    context.authorize('kms:GetParametersForImport', key, {
      conditions: { 'kms:WrappingAlgorithm': input.WrappingAlgorithm, 'kms:WrappingKeySpec': input.WrappingKeySpec },
    });
    requireExternalOrigin(key);
    context.requireKeyState(key);
    const { algorithm, spec } = supportedWrapping(input.WrappingAlgorithm, input.WrappingKeySpec);
    const issued = await issueImportParameters(context.state, key.keyId, algorithm, spec, context.now, context.random.bytes(32));
    return { KeyId: key.arn, ImportToken: issued.importToken, PublicKey: issued.publicKey, ParametersValidTo: new Date(issued.validTo) };
  },
};

/**
 * The wrapping Strongbox can offer. AWS's messages for these refusals are not recorded anywhere;
 * the texts below state the documented reason.
 * @throws KmsError ValidationException for RSAES_PKCS1_V1_5 and SM2 / SM2PKE.
 */
function supportedWrapping(
  algorithm: GetParametersForImportRequest['WrappingAlgorithm'],
  spec: GetParametersForImportRequest['WrappingKeySpec'],
): { algorithm: WrappingAlgorithm; spec: WrappingKeySpec } {
  if (algorithm === 'RSAES_PKCS1_V1_5') {
    throw new KmsError('ValidationException', 'The RSAES_PKCS1_V1_5 wrapping algorithm is no longer supported (since October 10, 2023).');
  }
  if (algorithm === 'SM2PKE' || spec === 'SM2') {
    throw new KmsError('ValidationException', 'The SM2 wrapping key spec and the SM2PKE wrapping algorithm are supported only in China Regions.');
  }
  return { algorithm, spec };
}
