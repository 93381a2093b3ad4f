/**
 * @module
 * What Sign and Verify share: the members, the checks before any cryptography (key usage,
 * algorithm, message type and length) with AWS's answers, and the condition keys.
 */

import { KmsError } from '../../errors.ts';
import { checkSigningInput } from '../../model/key-types/signing.ts';
import { digestLength, MESSAGE_TYPES, type MessageType, SIGNING_ALGORITHMS, type SigningAlgorithm } from '../../model/key-types/spec-table.ts';
import type { KeyRecord } from '../../model/records.ts';
import type { AuthorizationDetails } from '../../policy/request-context.ts';
import { blob, enumOf, type Shape } from '../../protocol/shapes.ts';
import { incompatibleAlgorithm, requireKeyUsage } from './key-usage.ts';

/** `Message`: 1..4096 bytes (the model's PlaintextType), never logged. */
export const SIGNING_MESSAGE: Shape = blob({ min: 1, max: 4096, sensitive: true });
/** `MessageType`. */
export const MESSAGE_TYPE: Shape = enumOf(MESSAGE_TYPES);
/** `SigningAlgorithm`. */
export const SIGNING_ALGORITHM: Shape = enumOf(SIGNING_ALGORITHMS);

/**
 * Checks a Sign/Verify request against `key`: its usage must be SIGN_VERIFY, the algorithm one of
 * its SigningAlgorithms, and the message fit the message type.
 *
 * @returns the message type (RAW when absent: "omit the MessageType or specify RAW").
 * @throws KmsError InvalidKeyUsageException ("<arn> key usage is ENCRYPT_DECRYPT which is not
 *   valid for Verify."; "Algorithm ECDSA_SHA_384 is incompatible with key spec ECC_NIST_P256.") or
 *   ValidationException ("Digest is invalid length for algorithm ECDSA_SHA_256.", LocalStack's
 *   AWS-validated snapshots; the message-type texts are UNCONFIRMED).
 */
export function checkSigningRequest(
  key: KeyRecord,
  operation: 'Sign' | 'Verify',
  algorithm: string,
  messageType: string | undefined,
  message: Uint8Array,
): MessageType {
  requireKeyUsage(key, 'SIGN_VERIFY', operation);
  const type = (messageType ?? 'RAW') as MessageType;
  const problem = checkSigningInput(key.keySpec, algorithm as SigningAlgorithm, type, message);
  switch (problem) {
    case undefined:
      return type;
    case 'incompatible-algorithm':
      throw incompatibleAlgorithm(key, algorithm);
    case 'digest-length':
      throw new KmsError('ValidationException', `Digest is invalid length for algorithm ${algorithm}.`);
    case 'mu-length':
      throw new KmsError('ValidationException', `The message for MessageType EXTERNAL_MU must be 64 bytes long.`);
    case 'message-type':
      throw new KmsError(
        'ValidationException',
        digestLength(algorithm as SigningAlgorithm) === undefined && type === 'DIGEST'
          ? `Signing algorithm ${algorithm} does not support MessageType DIGEST.`
          : `Signing algorithm ${algorithm} does not support MessageType ${type}.`,
      );
    case 'message-too-long':
      // The shape already caps Message at 4096 bytes; kept for in-process callers of the model.
      throw new KmsError(
        'ValidationException',
        "1 validation error detected: Value at 'message' failed to satisfy constraint: Member must have length less than or equal to 4096",
      );
  }
}

/** The condition keys of Sign and Verify (`kms:SigningAlgorithm`, `kms:MessageType`). */
export function signingConditions(algorithm: string, messageType: string): Record<string, string> {
  return { 'kms:SigningAlgorithm': algorithm, 'kms:MessageType': messageType };
}

/** One frozen authorization details object per algorithm and message type (both validated enums). */
const SIGNING_DETAILS = new Map<string, Map<string, AuthorizationDetails>>();

/**
 * What Sign and Verify authorize with: their condition keys and the request's grant tokens.
 * Without grant tokens (most calls) the details depend on the algorithm and message type alone
 * and are made once per pair: authorization only reads them.
 */
export function signingAuthorization(algorithm: string, messageType: string, grantTokens: readonly string[] | undefined): AuthorizationDetails {
  if (grantTokens !== undefined) return { conditions: signingConditions(algorithm, messageType), grantTokens };
  let byType = SIGNING_DETAILS.get(algorithm);
  if (byType === undefined) SIGNING_DETAILS.set(algorithm, (byType = new Map()));
  let details = byType.get(messageType);
  if (details === undefined) {
    details = Object.freeze({ conditions: Object.freeze(signingConditions(algorithm, messageType)) });
    byType.set(messageType, details);
  }
  return details;
}
