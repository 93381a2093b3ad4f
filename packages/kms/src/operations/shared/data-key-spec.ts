/**
 * @module
 * The data-key members and length rule of GenerateDataKey and GenerateDataKeyWithoutPlaintext, and
 * the generation both share: a fresh random data key sealed under the KMS key's current backing key.
 */

import { dryRunSucceeded, KmsError } from '../../errors.ts';
import { BLOB_NONCE_LENGTH } from '../../model/ciphertext-blob.ts';
import type { KeyRecord } from '../../model/records.ts';
import { enumOf, integer, type Shape } from '../../protocol/shapes.ts';
import type { OperationContext } from '../types.ts';
import { contextDetails } from './context-details.ts';
import { encodeRequestContext, type Sealed, sealUnderKey } from './crypto.ts';
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
export function generateDataKeyUnder(
  input: DataKeyRequest,
  context: OperationContext,
  operation: 'GenerateDataKey' | 'GenerateDataKeyWithoutPlaintext',
): GeneratedDataKey | Promise<GeneratedDataKey> {
  // Validation first: before an alias/aws/* key is created, and before DryRun answers.
  const length = dataKeyLength(input.NumberOfBytes, input.KeySpec);
  const contextEncoding = encodeRequestContext(input.EncryptionContext);
  // Synchronous unless resolving the key commits (an alias/aws/* alias's first use).
  const key = context.resolveKey(input.KeyId, 'any');
  return key instanceof Promise
    ? key.then((resolved) => generateUnder(input, context, operation, resolved, length, contextEncoding))
    : generateUnder(input, context, operation, key, length, contextEncoding);
}

function generateUnder(
  input: DataKeyRequest,
  context: OperationContext,
  operation: 'GenerateDataKey' | 'GenerateDataKeyWithoutPlaintext',
  key: KeyRecord,
  length: number,
  contextEncoding: ReturnType<typeof encodeRequestContext>,
): GeneratedDataKey {
  context.touch(key);
  context.authorize(`kms:${operation}`, key, contextDetails(input.EncryptionContext, input.GrantTokens));
  context.requireKeyState(key);
  requireSymmetricEncryptionKey(key, operation);
  if (input.DryRun === true) throw dryRunSucceeded();
  // One CSPRNG call for the data key and the blob's nonce together, split in two: both are still
  // fresh from the system for every request (nothing is pooled or carried between requests), and
  // each call into OpenSSL has a fixed cost that dominates for a few dozen bytes. The key is
  // copied out so the response owns exactly its bytes; the drawn buffer's key part is wiped below.
  const drawn = context.random.bytes(length + BLOB_NONCE_LENGTH);
  const plaintext = drawn.slice(0, length);
  try {
    return { key, plaintext, sealed: sealUnderKey(context, key, plaintext, contextEncoding, drawn.subarray(length)) };
  } catch (error) {
    plaintext.fill(0);
    throw error;
  } finally {
    // sealBlob copied the nonce into the blob; the key bytes of the drawn buffer are not needed.
    drawn.fill(0, 0, length);
  }
}
