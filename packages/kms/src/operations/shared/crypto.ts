/**
 * @module
 * Encrypting under a key's current backing key and decrypting a blob with the version it names:
 * the cryptographic core shared by Encrypt, Decrypt, ReEncrypt and the GenerateDataKey family.
 */

import type { EncryptionContext } from '@strongbox/envelope';
import { ciphertextKeyInaccessible, invalidCiphertext, KmsError } from '../../errors.ts';
import { openBlob, readBlobHeader, sealBlob } from '../../model/ciphertext-blob.ts';
import { currentMaterial } from '../../model/keys.ts';
import type { KeyRecord } from '../../model/records.ts';
import type { OperationContext } from '../types.ts';

const NONCE_LENGTH = 12;

/** Encrypts `plaintext` under the key's current backing key, bound to `context`. */
export function encryptUnderKey(context: OperationContext, key: KeyRecord, plaintext: Uint8Array, encryptionContext: EncryptionContext | undefined): Uint8Array {
  const material = currentMaterial(key);
  // Postcondition of requireKeyState: an Enabled key always has material.
  if (material === undefined) throw new KmsError('KMSInternalException', 'An internal error occurred.');
  return sealBlob(context.backend, key.keyId, material.version, material.material, context.random.bytes(NONCE_LENGTH), plaintext, encryptionContext);
}

/**
 * Finds the key a ciphertext blob was made under.
 * @throws KmsError InvalidCiphertextException for bytes that are not a blob; AccessDeniedException
 *   ("The ciphertext refers to a customer master key that does not exist...") if its key is gone
 *   or lives in another Region.
 */
export function keyOfBlob(context: OperationContext, blob: Uint8Array): KeyRecord {
  const header = readBlobHeader(blob);
  if (header === undefined) throw invalidCiphertext();
  const key = context.state.key(header.keyId);
  if (key === undefined || key.region !== context.region) throw ciphertextKeyInaccessible();
  return key;
}

/**
 * Decrypts a blob with the backing-key version it names.
 * @throws KmsError InvalidCiphertextException if it does not authenticate under `encryptionContext`.
 */
export function decryptWithKey(context: OperationContext, key: KeyRecord, blob: Uint8Array, encryptionContext: EncryptionContext | undefined): Uint8Array {
  const header = readBlobHeader(blob);
  const material = header && key.materials.find((candidate) => candidate.version === header.version);
  if (material === undefined) throw invalidCiphertext();
  const plaintext = openBlob(context.backend, material.material, blob, encryptionContext);
  if (plaintext === undefined) throw invalidCiphertext();
  return plaintext;
}
