/**
 * @module
 * What GenerateDataKeyPair and GenerateDataKeyPairWithoutPlaintext share: a fresh key pair of the
 * requested spec (the usage rules of KMS keys do not apply to data key pairs, "which are used
 * outside of KMS"), its private key (DER PKCS #8) encrypted under a symmetric encryption key and
 * bound to the encryption context, like a data key.
 */

import { dryRunSucceeded, KmsError } from '../../errors.ts';
import { generateKeyPairMaterial } from '../../model/key-types/key-material.ts';
import { DATA_KEY_PAIR_SPECS, KEY_SPEC_TABLE, type KeySpec } from '../../model/key-types/spec-table.ts';
import { dataKeyPairRow } from '../../model/quotas.ts';
import type { KeyRecord } from '../../model/records.ts';
import { enumOf, type Shape } from '../../protocol/shapes.ts';
import type { OperationContext } from '../types.ts';
import { contextDetails } from './context-details.ts';
import { encodeRequestContext, sealUnderKey } from './crypto.ts';
import { requireSymmetricEncryptionKey } from './key-usage.ts';

/** `KeyPairSpec` (DataKeyPairSpec). */
export const KEY_PAIR_SPEC: Shape = enumOf(DATA_KEY_PAIR_SPECS);

/** What both operations take. */
export interface DataKeyPairRequest {
  KeyId: string;
  KeyPairSpec: string;
  EncryptionContext?: Record<string, string>;
  GrantTokens?: string[];
  DryRun?: boolean;
}

/** A generated data key pair. */
export interface GeneratedDataKeyPair {
  readonly key: KeyRecord;
  /** DER PKCS #8 private key (secret; the caller wipes it when it does not return it). */
  readonly privateKey: Uint8Array;
  readonly publicKey: Uint8Array;
  readonly privateKeyCiphertext: Uint8Array;
  readonly materialId: string;
}

/**
 * Generates a data key pair under `input.KeyId`, after the encryption context's encoding, the
 * authorization, the key state and type, and DryRun.
 * @throws KmsError ValidationException, NotFoundException, AccessDeniedException, the key-state
 *   exceptions, InvalidKeyUsageException, UnsupportedOperationException (SM2), DryRunOperationException.
 */
export async function generateDataKeyPairUnder(
  input: DataKeyPairRequest,
  context: OperationContext,
  operation: 'GenerateDataKeyPair' | 'GenerateDataKeyPairWithoutPlaintext',
): Promise<GeneratedDataKeyPair> {
  const spec = input.KeyPairSpec as KeySpec;
  const unsupported = KEY_SPEC_TABLE[spec].unsupported;
  if (unsupported !== undefined) throw new KmsError('UnsupportedOperationException', unsupported);
  // "GenerateDataKeyPair (RSA_2048)" and the other rows of each key pair spec ("Request quotas").
  context.throttle(dataKeyPairRow(spec));
  const contextEncoding = encodeRequestContext(input.EncryptionContext);
  const key = await context.resolveKey(input.KeyId, 'any');
  context.touch(key);
  context.authorize(`kms:${operation}`, key, contextDetails(input.EncryptionContext, input.GrantTokens, { 'kms:DataKeyPairSpec': spec }));
  context.requireKeyState(key);
  requireSymmetricEncryptionKey(key, operation);
  if (input.DryRun === true) throw dryRunSucceeded();
  const pair = await generateKeyPairMaterial(spec, context.random);
  try {
    const sealed = sealUnderKey(context, key, pair.privateKey, contextEncoding);
    return { key, privateKey: pair.privateKey, publicKey: pair.publicKey, privateKeyCiphertext: sealed.blob, materialId: sealed.materialId };
  } catch (error) {
    pair.privateKey.fill(0);
    throw error;
  }
}
