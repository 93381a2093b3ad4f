/**
 * @module
 * Import parameters (GetParametersForImport) and unwrapping of imported key material
 * (ImportKeyMaterial), on node:crypto (AWS KMS developer guide, "Download the wrapping public key
 * and import token" and "Encrypt the key material"):
 *
 * - RSAES_OAEP_SHA_1 / RSAES_OAEP_SHA_256: the material is encrypted directly with RSA-OAEP (MGF1
 *   with the same hash, empty label);
 * - RSA_AES_KEY_WRAP_SHA_1 / RSA_AES_KEY_WRAP_SHA_256: a 256-bit AES key encrypted with RSA-OAEP,
 *   followed by the material wrapped under it with AES key wrap with padding (RFC 5649,
 *   `id-aes256-wrap-pad`), as `openssl pkeyutl` + `openssl enc -id-aes256-wrap-pad` produce it.
 *
 * The RSA private keys are NEVER persisted: they live in memory only, one map per emulator state,
 * because import parameters are valid for 24 hours only (GetParametersForImport doc). The import
 * token carries nothing but an id into that map (and the key id, checked again); after a restart
 * every earlier token is unknown and ImportKeyMaterial answers InvalidImportTokenException, just as
 * an expired one would need a new GetParametersForImport.
 */

import { constants, createDecipheriv, generateKeyPair, type KeyObject, privateDecrypt } from 'node:crypto';
import { promisify } from 'node:util';
import { hex } from '@strongbox/service-kernel';
import type { KmsState } from '../../model/state.ts';

/** Wrapping algorithms Strongbox implements. */
export type WrappingAlgorithm = 'RSAES_OAEP_SHA_1' | 'RSAES_OAEP_SHA_256' | 'RSA_AES_KEY_WRAP_SHA_1' | 'RSA_AES_KEY_WRAP_SHA_256';
/** RSA wrapping key sizes. */
export type WrappingKeySpec = 'RSA_2048' | 'RSA_3072' | 'RSA_4096';

/** How long import parameters are valid ("These items are valid for 24 hours"). */
export const IMPORT_PARAMETERS_VALIDITY_MS: number = 24 * 60 * 60 * 1000;

/** Expired parameters are forgotten this long after expiry (until then ExpiredImportTokenException is answered). */
const FORGET_AFTER_EXPIRY_MS = IMPORT_PARAMETERS_VALIDITY_MS;

const TOKEN_VERSION = 0x01;
const TOKEN_ID_BYTES = 32;
const KEY_ID_BYTES = 16;
/** version ‖ key id (16) ‖ random id (32). */
const TOKEN_LENGTH = 1 + KEY_ID_BYTES + TOKEN_ID_BYTES;

/** One set of import parameters. */
export interface ImportParameters {
  readonly keyId: string;
  readonly algorithm: WrappingAlgorithm;
  readonly spec: WrappingKeySpec;
  /** Epoch ms after which the parameters are expired. */
  readonly validTo: number;
  /** Dropped once expired: an expired token only needs to be recognised as such. */
  privateKey: KeyObject | undefined;
}

/** What GetParametersForImport returns. */
export interface IssuedParameters {
  readonly importToken: Uint8Array;
  /** DER SubjectPublicKeyInfo of the RSA wrapping key. */
  readonly publicKey: Uint8Array;
  readonly validTo: number;
}

/** Import parameters by token id, per emulator state (a WeakMap, so they go with the emulator). */
const PARAMETERS = new WeakMap<KmsState, Map<string, ImportParameters>>();

const generateRsaKeyPair = promisify(generateKeyPair);

/**
 * Creates a wrapping key pair and an import token for `keyId`, valid 24 hours from `now`.
 * The key pair is generated off the event loop (an RSA_4096 key takes about a second).
 *
 * @param tokenId - 32 random bytes naming the parameters.
 */
export async function issueImportParameters(
  state: KmsState,
  keyId: string,
  algorithm: WrappingAlgorithm,
  spec: WrappingKeySpec,
  now: number,
  tokenId: Uint8Array,
): Promise<IssuedParameters> {
  const modulusLength = Number(spec.slice('RSA_'.length));
  const { publicKey, privateKey } = await generateRsaKeyPair('rsa', { modulusLength });
  const validTo = now + IMPORT_PARAMETERS_VALIDITY_MS;
  const store = parametersOf(state);
  prune(store, now);
  store.set(hex(tokenId), { keyId, algorithm, spec, validTo, privateKey });
  const importToken = new Uint8Array(TOKEN_LENGTH);
  importToken[0] = TOKEN_VERSION;
  importToken.set(uuidBytes(keyId), 1);
  importToken.set(tokenId, 1 + KEY_ID_BYTES);
  return { importToken, publicKey: new Uint8Array(publicKey.export({ type: 'spki', format: 'der' })), validTo };
}

/**
 * The parameters an import token names, whether expired or not (`undefined` if Strongbox never
 * issued it, forgot it, or it was issued for another key).
 */
export function findImportParameters(state: KmsState, keyId: string, importToken: Uint8Array, now: number): ImportParameters | undefined {
  if (importToken.length !== TOKEN_LENGTH || importToken[0] !== TOKEN_VERSION) return undefined;
  const store = parametersOf(state);
  prune(store, now);
  const parameters = store.get(hex(importToken.subarray(1 + KEY_ID_BYTES)));
  if (parameters === undefined || parameters.keyId !== keyId || hex(importToken.subarray(1, 1 + KEY_ID_BYTES)) !== keyId.replaceAll('-', '')) return undefined;
  return parameters;
}

/**
 * Decrypts wrapped key material with the parameters' private key and algorithm.
 * @returns the material (a copy the caller owns and wipes; every intermediate buffer is zeroed),
 *   or `undefined` if it was not wrapped with these parameters (or expired).
 */
export function unwrapKeyMaterial(parameters: ImportParameters, wrapped: Uint8Array): Uint8Array | undefined {
  const privateKey = parameters.privateKey;
  if (privateKey === undefined) return undefined;
  const oaepHash = parameters.algorithm.endsWith('SHA_1') ? 'sha1' : 'sha256';
  const rsa = (ciphertext: Uint8Array): Buffer => privateDecrypt({ key: privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash }, ciphertext);
  const secrets: Buffer[] = [];
  try {
    if (parameters.algorithm.startsWith('RSAES_OAEP')) return new Uint8Array(keep(secrets, rsa(wrapped)));
    // RSA_AES_KEY_WRAP: RSA-OAEP(AES-256 key) ‖ AES-KWP(material).
    const rsaLength = Number(parameters.spec.slice('RSA_'.length)) / 8;
    if (wrapped.length <= rsaLength) return undefined;
    const aesKey = keep(secrets, rsa(wrapped.subarray(0, rsaLength)));
    if (aesKey.length !== 32) return undefined;
    const decipher = createDecipheriv('id-aes256-wrap-pad', aesKey, Buffer.from('A65959A6', 'hex'));
    const head = keep(secrets, decipher.update(wrapped.subarray(rsaLength)));
    const tail = keep(secrets, decipher.final());
    const material = new Uint8Array(head.length + tail.length);
    material.set(head);
    material.set(tail, head.length);
    return material;
  } catch {
    // Wrong key, wrong padding or corrupt bytes: OpenSSL says which, KMS says nothing.
    return undefined;
  } finally {
    // Node's Buffers may come from a shared pool: zero every secret one before it is reused.
    for (const secret of secrets) secret.fill(0);
  }
}

function keep(secrets: Buffer[], buffer: Buffer): Buffer {
  secrets.push(buffer);
  return buffer;
}

function parametersOf(state: KmsState): Map<string, ImportParameters> {
  let store = PARAMETERS.get(state);
  if (store === undefined) PARAMETERS.set(state, (store = new Map()));
  return store;
}

/** Drops private keys of expired parameters, and forgets parameters long expired. */
function prune(store: Map<string, ImportParameters>, now: number): void {
  for (const [id, parameters] of store) {
    if (now > parameters.validTo) parameters.privateKey = undefined;
    if (now > parameters.validTo + FORGET_AFTER_EXPIRY_MS) store.delete(id);
  }
}

function uuidBytes(keyId: string): Uint8Array {
  return Uint8Array.from(Buffer.from(keyId.replaceAll('-', ''), 'hex'));
}
