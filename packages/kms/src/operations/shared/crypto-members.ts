/**
 * @module
 * Members of the cryptographic operations that the newer KMS model added (botocore 2026 model):
 * `DryRunModifiers` on Decrypt and ReEncrypt (`IGNORE_CIPHERTEXT` makes `CiphertextBlob` optional
 * for a dry run), and the `Recipient` attestation of Decrypt, GenerateDataKey and GenerateRandom.
 */

import { KmsError } from '../../errors.ts';
import { blob, constraintFailure, enumOf, list, type Shape, structure, validationError } from '../../protocol/shapes.ts';

/** `DryRunModifierList`: items of `DryRunModifierType` (IGNORE_CIPHERTEXT). */
export const DRY_RUN_MODIFIERS: Shape = list(enumOf(['IGNORE_CIPHERTEXT']));

/** `RecipientInfo`: `KeyEncryptionAlgorithm` (RSAES_OAEP_SHA_256) and `AttestationDocument` (1..262144 bytes). */
export const RECIPIENT: Shape = structure({
  KeyEncryptionAlgorithm: enumOf(['RSAES_OAEP_SHA_256']),
  AttestationDocument: blob({ min: 1, max: 262144 }),
});

/** AWS's `RecipientInfo`. */
export interface RecipientInfo {
  KeyEncryptionAlgorithm?: 'RSAES_OAEP_SHA_256';
  AttestationDocument?: Uint8Array;
}

/**
 * Whether the request is a dry run that skips the ciphertext ("When set to IGNORE_CIPHERTEXT, KMS
 * performs only authorization validation without ciphertext validation"; the modifier "only
 * applies when DryRun is set to true").
 */
export function ignoresCiphertext(input: { DryRun?: boolean; DryRunModifiers?: readonly string[] }): boolean {
  return input.DryRun === true && (input.DryRunModifiers ?? []).includes('IGNORE_CIPHERTEXT');
}

/**
 * Returns `value`, or fails the way Coral reports a missing required member. The newer model made
 * `CiphertextBlob` (and, with IGNORE_CIPHERTEXT, the key id) conditionally required, so the check
 * moved from the model to the service; Strongbox answers with the text the model-level check gave
 * when `CiphertextBlob` was still `required` (the service-side wording is not recorded anywhere).
 *
 * @param path - the member's lowerCamelCase path, e.g. `ciphertextBlob`.
 * @throws KmsError ValidationException when `value` is absent.
 */
export function requireMember<T>(value: T | undefined, path: string): T {
  if (value === undefined) throw validationError([constraintFailure(path, undefined, 'Member must not be null')]);
  return value;
}

/**
 * Refuses `Recipient`. Known difference: Strongbox does not emulate Nitro Enclaves or NitroTPM, so
 * it cannot verify an attestation document or return `CiphertextForRecipient`; it says so rather
 * than silently returning the plaintext.
 *
 * @throws KmsError UnsupportedOperationException when a recipient is given.
 */
export function refuseRecipient(recipient: RecipientInfo | undefined): void {
  if (recipient === undefined) return;
  throw new KmsError(
    'UnsupportedOperationException',
    'Strongbox does not emulate attested environments (Nitro Enclaves, NitroTPM): the Recipient parameter is not supported.',
  );
}
