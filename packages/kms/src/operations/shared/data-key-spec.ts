/**
 * @module
 * The data-key members and length rule of GenerateDataKey and GenerateDataKeyWithoutPlaintext, and
 * the generation both share: a fresh random data key sealed under the KMS key's current backing key.
 */

import { dryRunSucceeded, KmsError } from '../../errors.ts';
import type { KeyRecord } from '../../model/records.ts';
import { enumOf, integer, type Shape } from '../../protocol/shapes.ts';
import type { OperationContext } from '../types.ts';
import { encodeRequestContext, sealUnderKey, type Sealed } from './crypto.ts';
import { requireSymmetricEncryptionKey } from './key-usage.ts';

/** `DataKeySpec`: AES_256 (32 bytes) or AES_128 (16 bytes). */
export const DATA_KEY_SPEC: Shape = enumOf(['AES_256', 'AES_128']);
/** `NumberOfBytesType`: 1..1024. */
export const NUMBER_OF_BYTES: Shape = integer({ min: 1, max: 1024 });

/**
 * Bytes of data key requested: exactly one of `NumberOfBytes` and `KeySpec` must be given.
 * @throws KmsError ValidationException for neither or both.
 */
export function dataKeyLength(numberOfBytes: number | undefined, keySpec: string | undefined): number {
  if ((numberOfBytes === undefined) === (keySpec === undefined)) {
    // The text every emulator sends; seen from real AWS (on GenerateRandom) in nsmithuk/local-kms#6.
    throw new KmsError('ValidationException', 'Please specify either number of bytes or key spec.');
  }
  return numberOfBytes ?? (keySpec === 'AES_128' ? 16 : 32);
}

/** What both data-key operations take. */
export interface DataKeyRequest {
  KeyId: string;
  EncryptionContext?: Record<string, string>;
  NumberOfBytes?: number;
  KeySpec?: 'AES_256' | 'AES_128';
  GrantTokens?: string[];
  DryRun?: boolean;
}

/** A generated data key. */
export interface GeneratedDataKey {
  readonly key: KeyRecord;
  /** The data key in plaintext (the caller wipes it when it does not return it). */
  readonly plaintext: Uint8Array;
  readonly sealed: Sealed;
}

/**
 * Generates a data key under `input.KeyId` (aliases accepted), after the length rule, the
 * encryption context's encoding, the authorization for `kms:<operation>`, the key state and
 * DryRun. The data key is drawn after every check, and wiped if sealing it fails.
 * @throws KmsError ValidationException, NotFoundException, AccessDeniedException, the key-state
 *   exceptions, DryRunOperationException.
 */
export async function generateDataKeyUnder(
  input: DataKeyRequest,
  context: OperationContext,
  operation: 'GenerateDataKey' | 'GenerateDataKeyWithoutPlaintext',
): Promise<GeneratedDataKey> {
  // Validation first: before an alias/aws/* key is created, and before DryRun answers.
  const length = dataKeyLength(input.NumberOfBytes, input.KeySpec);
  const contextEncoding = encodeRequestContext(input.EncryptionContext);
  const key = await context.resolveKey(input.KeyId, 'any');
  context.touch(key);
  context.authorize(`kms:${operation}`, key, { encryptionContext: input.EncryptionContext ?? {}, ...(input.GrantTokens ? { grantTokens: input.GrantTokens } : {}) });
  context.requireKeyState(key);
  requireSymmetricEncryptionKey(key, operation);
  if (input.DryRun === true) throw dryRunSucceeded();
  const plaintext = context.random.bytes(length);
  try {
    return { key, plaintext, sealed: sealUnderKey(context, key, plaintext, contextEncoding) };
  } catch (error) {
    plaintext.fill(0);
    throw error;
  }
}
