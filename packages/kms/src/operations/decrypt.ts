/**
 * @module
 * Decrypt: finds the key from the blob itself; with `KeyId`, the blob must have been made under
 * that key (IncorrectKeyException otherwise). The encryption context must match exactly. Returns
 * the key ARN and, as the newer model does, the `KeyMaterialId` of the backing key that decrypted.
 *
 * `CiphertextBlob` is optional in the newer model only for a dry run with `DryRunModifiers`
 * `IGNORE_CIPHERTEXT`, which checks the key named by `KeyId` (then required) and the caller's
 * permission without looking at any ciphertext; every other call without it fails validation.
 */

import { dryRunSucceeded, KmsError } from '../errors.ts';
import type { ParsedBlob } from '../model/ciphertext-blob.ts';
import type { RsaEncryptionAlgorithm } from '../model/key-types/rsa-oaep.ts';
import type { KeyRecord } from '../model/records.ts';
import { blob, structure } from '../protocol/shapes.ts';
import { requireSymmetricAlgorithm } from './shared/algorithm.ts';
import { keyMaterialIdOf } from './shared/audit.ts';
import { encodeRequestContext, keyOfBlob, openUnderKey } from './shared/crypto.ts';
import { DRY_RUN_MODIFIERS, ignoresCiphertext, RECIPIENT, type RecipientInfo, refuseRecipient, requireMember } from './shared/crypto-members.ts';
import { requireKeyUsage } from './shared/key-usage.ts';
import { DRY_RUN, ENCRYPTION_ALGORITHM, ENCRYPTION_CONTEXT, GRANT_TOKENS, KEY_ID } from './shared/members.ts';
import { throttleForKey } from './shared/quota-row.ts';
import { algorithmCondition, decryptUnderRsaKey, isRsaAlgorithm, requireRsaEncryption } from './shared/rsa-encryption.ts';
import type { OperationContext, OperationDefinition } from './types.ts';

/** Decrypt request. */
export interface DecryptRequest {
  /** Required except for a dry run with `DryRunModifiers: ['IGNORE_CIPHERTEXT']`. */
  CiphertextBlob?: Uint8Array;
  EncryptionContext?: Record<string, string>;
  GrantTokens?: string[];
  KeyId?: string;
  EncryptionAlgorithm?: string;
  Recipient?: RecipientInfo;
  DryRun?: boolean;
  DryRunModifiers?: 'IGNORE_CIPHERTEXT'[];
}

/** Decrypt response. */
export interface DecryptResponse {
  KeyId: string;
  Plaintext: Uint8Array;
  EncryptionAlgorithm: string;
  /** The backing key that decrypted (64 hex digits); symmetric keys only. */
  KeyMaterialId?: string;
}

/** IncorrectKeyException's text (LocalStack's AWS-validated snapshot `decrypt-invalid-key-id`). */
export const INCORRECT_KEY_MESSAGE = 'The key ID in the request does not identify a CMK that can perform this operation.';

/** Decrypt. */
export const decrypt: OperationDefinition<'Decrypt', DecryptRequest, DecryptResponse> = {
  name: 'Decrypt',
  // The key's cryptographic row (symmetric, RSA, ECC, ML-DSA, ML-KEM), counted once the key is
  // known (shared/quota-row.ts).
  quota: { byHandler: true },
  readOnly: true,
  keyState: 'usable',
  auditDefaults: { encryptionAlgorithm: 'SYMMETRIC_DEFAULT' },
  input: structure({
    CiphertextBlob: blob({ min: 1, max: 6144 }),
    EncryptionContext: ENCRYPTION_CONTEXT,
    GrantTokens: GRANT_TOKENS,
    KeyId: KEY_ID,
    EncryptionAlgorithm: ENCRYPTION_ALGORITHM,
    Recipient: RECIPIENT,
    DryRun: DRY_RUN,
    DryRunModifiers: DRY_RUN_MODIFIERS,
  }),

  handler(input, context) {
    refuseRecipient(input.Recipient);
    // Validation (required members, the context's encoding) comes before an alias/aws/* key is
    // created and before DryRun answers; a dry run checks the context even without a ciphertext.
    if (ignoresCiphertext(input)) return dryRunWithoutCiphertext(input, context);
    const ciphertext = requireMember(input.CiphertextBlob, 'ciphertextBlob');
    if (isRsaAlgorithm(input.EncryptionAlgorithm)) return decryptRsa(input, context, ciphertext, input.EncryptionAlgorithm);
    const contextEncoding = encodeRequestContext(input.EncryptionContext);
    const { key, blob } = keyOfBlob(context, ciphertext);
    // No KeyId, or the blob's own key's ARN (what S3 and the KMS keyrings send): resolving it
    // would find that very key (`resolveKey`), so there is nothing to compare.
    if (input.KeyId === undefined || input.KeyId === key.arn) return decryptSymmetric(input, context, key, blob, contextEncoding);
    // Synchronous unless resolving the key commits (an alias/aws/* alias's first use): answered
    // without a promise of its own (and the pipeline's turn of the microtask queue) when it does not.
    const named = context.resolveKey(input.KeyId, 'any');
    return named instanceof Promise
      ? named.then((resolved) => decryptNamed(input, context, resolved, key, blob, contextEncoding))
      : decryptNamed(input, context, named, key, blob, contextEncoding);
  },

  // requestParameters: the input's members, always with encryptionAlgorithm, never the
  // ciphertext (auditDefaults; ct-decrypt).
  auditAdditional: keyMaterialIdOf,
};

/** DryRun with `IGNORE_CIPHERTEXT`: the key named by `KeyId` and the caller's permission, no ciphertext. */
async function dryRunWithoutCiphertext(input: DecryptRequest, context: OperationContext): Promise<never> {
  const keyId = requireMember(input.KeyId, 'keyId');
  encodeRequestContext(input.EncryptionContext);
  admit(input, context, await context.resolveKey(keyId, 'any'));
  throw dryRunSucceeded();
}

async function decryptRsa(
  input: DecryptRequest,
  context: OperationContext,
  ciphertext: Uint8Array,
  algorithm: RsaEncryptionAlgorithm,
): Promise<DecryptResponse> {
  // An RSA ciphertext names no key: "KeyId ... is required when you decrypt with an asymmetric
  // KMS key" (Decrypt doc).
  const key = await context.resolveKey(requireMember(input.KeyId, 'keyId'), 'any');
  admit(input, context, key);
  const plaintext = decryptUnderRsaKey(key, requireRsaEncryption(key, 'Decrypt', algorithm, input.EncryptionContext), ciphertext);
  if (input.DryRun === true) {
    plaintext.fill(0);
    throw dryRunSucceeded();
  }
  return { KeyId: key.arn, Plaintext: plaintext, EncryptionAlgorithm: algorithm };
}

/** With `KeyId`: the blob must have been made under the key it names. */
function decryptNamed(
  input: DecryptRequest,
  context: OperationContext,
  named: KeyRecord,
  key: KeyRecord,
  blob: ParsedBlob,
  contextEncoding: Uint8Array,
): DecryptResponse {
  if (named.keyId !== key.keyId) throw new KmsError('IncorrectKeyException', INCORRECT_KEY_MESSAGE);
  return decryptSymmetric(input, context, key, blob, contextEncoding);
}

function decryptSymmetric(input: DecryptRequest, context: OperationContext, key: KeyRecord, blob: ParsedBlob, contextEncoding: Uint8Array): DecryptResponse {
  admit(input, context, key);
  const { plaintext, materialId } = openUnderKey(context, key, blob, contextEncoding);
  if (input.DryRun === true) {
    plaintext.fill(0);
    throw dryRunSucceeded();
  }
  return { KeyId: key.arn, Plaintext: plaintext, EncryptionAlgorithm: 'SYMMETRIC_DEFAULT', KeyMaterialId: materialId };
}

/** The checks every Decrypt passes before touching the ciphertext: audit, authorization, key state, algorithm. */
function admit(input: DecryptRequest, context: OperationContext, key: KeyRecord): void {
  throttleForKey(context, key);
  context.touch(key);
  context.authorize('kms:Decrypt', key, {
    encryptionContext: input.EncryptionContext ?? {},
    conditions: algorithmCondition(input.EncryptionAlgorithm),
    ...(input.GrantTokens ? { grantTokens: input.GrantTokens } : {}),
  });
  context.requireKeyState(key);
  if (key.keyPair !== undefined) return; // RSA keys: checked by requireRsaEncryption
  requireKeyUsage(key, 'ENCRYPT_DECRYPT', 'Decrypt');
  requireSymmetricAlgorithm(key, input.EncryptionAlgorithm);
}
