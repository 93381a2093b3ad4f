/**
 * @module
 * Encrypting under a key's current backing key and decrypting a blob with the version it names:
 * the cryptographic core shared by Encrypt, Decrypt, ReEncrypt and the GenerateDataKey family.
 * Both report the backing key used, whose id the newer KMS model returns as `KeyMaterialId`.
 */

import { type EncryptionContext, encodeEncryptionContext } from '@strongbox/envelope';
import { ciphertextKeyInaccessible, invalidCiphertext, KmsError } from '../../errors.ts';
import { BLOB_NONCE_LENGTH, openParsedBlob, type ParsedBlob, parseBlob, sealBlob } from '../../model/ciphertext-blob.ts';
import { currentMaterial } from '../../model/keys.ts';
import type { KeyRecord } from '../../model/records.ts';
import type { OperationContext } from '../types.ts';

/** A sealed blob and the backing key that sealed it. */
export interface Sealed {
  readonly blob: Uint8Array;
  /** `KeyMaterialId` of the backing key (64 hex digits). */
  readonly materialId: string;
}

/** An opened blob and the backing key that opened it. */
export interface Opened {
  readonly plaintext: Uint8Array;
  /** `KeyMaterialId` of the backing key (64 hex digits). */
  readonly materialId: string;
}

/**
 * The canonical encoding of a request's encryption context. Handlers encode before resolving keys
 * or answering DryRun, so a context Strongbox cannot encode is a ValidationException that changes
 * nothing (no AWS managed key created) and that a dry run reports too.
 *
 * Known difference: Strongbox's encoding has hard limits AWS does not document (each key and value
 * at most 65535 UTF-8 bytes, the whole encoding too) and refuses strings with lone UTF-16
 * surrogates (which could not be encoded injectively); such contexts get a ValidationException.
 *
 * @throws KmsError ValidationException for a context Strongbox cannot encode.
 */
export function encodeRequestContext(encryptionContext: EncryptionContext | undefined): Uint8Array {
  try {
    return encodeEncryptionContext(encryptionContext);
  } catch (error) {
    const reason = error instanceof RangeError ? 'is too large (Strongbox limit: 65535 bytes encoded)' : 'contains a string that is not well-formed Unicode';
    throw new KmsError('ValidationException', `The encryption context ${reason}.`);
  }
}

/**
 * Encrypts `plaintext` under the key's current backing key, bound to an encryption context
 * already encoded (`encodeRequestContext`, which handlers call before any other check).
 * @param nonce - the blob's 12-byte nonce, fresh from the CSPRNG for this request; drawn here
 *   when omitted. GenerateDataKey passes one drawn together with the data key (one CSPRNG call).
 * @throws KmsError KMSInternalException if the key has no backing key (requireKeyState lets only
 *   keys with material through).
 */
export function sealUnderKey(context: OperationContext, key: KeyRecord, plaintext: Uint8Array, contextEncoding: Uint8Array, nonce?: Uint8Array): Sealed {
  const material = currentMaterial(key);
  // Postcondition of requireKeyState: an Enabled key always has material.
  if (material === undefined) throw new KmsError('KMSInternalException', 'An internal error occurred.');
  nonce ??= context.random.bytes(BLOB_NONCE_LENGTH);
  const blob = sealBlob(context.backend, { keyId: key.keyId, version: material.version }, material.material, nonce, plaintext, contextEncoding);
  return { blob, materialId: material.materialId };
}

/** A ciphertext blob, parsed once, and the key it was made under. */
export interface BlobOfKey {
  readonly key: KeyRecord;
  readonly blob: ParsedBlob;
}

/**
 * Parses a ciphertext blob and finds the key it was made under.
 * @throws KmsError InvalidCiphertextException for bytes that are not a blob; AccessDeniedException
 *   ("The ciphertext refers to a customer master key that does not exist...") if its key is gone
 *   or lives in another Region.
 */
export function keyOfBlob(context: OperationContext, bytes: Uint8Array): BlobOfKey {
  const blob = parseBlob(bytes);
  if (blob === undefined) throw invalidCiphertext();
  // A multi-Region key's blob names its shared `mrk-` id: the key of that id in this Region (its
  // primary or a replica) opens it, as "you can use them interchangeably to encrypt data in one
  // AWS Region and decrypt it in a different AWS Region" (ReplicateKey API).
  const key = context.state.key(blob.header.keyId, context.region);
  if (key === undefined) throw ciphertextKeyInaccessible();
  return { key, blob };
}

/**
 * Decrypts a parsed blob with the backing-key version it names (old versions are kept, so blobs
 * made before any number of rotations still open).
 * @throws KmsError InvalidCiphertextException if it does not authenticate under the encoded
 *   encryption context (or names a version the key does not have).
 */
export function openUnderKey(context: OperationContext, key: KeyRecord, blob: ParsedBlob, contextEncoding: Uint8Array): Opened {
  const { header } = blob;
  const material = header.keyId === key.keyId ? key.materials.find((candidate) => candidate.version === header.version) : undefined;
  if (material === undefined) throw invalidCiphertext();
  const plaintext = openParsedBlob(context.backend, material.material, blob, contextEncoding);
  if (plaintext === undefined) throw invalidCiphertext();
  return { plaintext, materialId: material.materialId };
}
