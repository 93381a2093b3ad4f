/**
 * @module
 * Strict detection, parsing and writing of the V2 and V3 envelopes in object metadata and instruction
 * files (spec `data-format/content-metadata.md` L109-129, `data-format/metadata-strategy.md`
 * L63-100; Java `ContentMetadataDecodingStrategy.java` / `ContentMetadataEncodingStrategy.java`).
 *
 * Invariants this module owns:
 * - format detection is mutually exclusive: metadata mixing V1, V2 and V3 keys is refused, whatever
 *   else it holds (the commitment-policy bypass of dotnet#174 came from lenient detection);
 * - in V3, the content cipher, the key commitment and the message ID (`x-amz-c`, `x-amz-d`,
 *   `x-amz-i`) live in object metadata only; an instruction file carrying them is refused, since
 *   an instruction file is the easy thing to swap ("invisible salamanders": GHSA-x44p-gvrj-pj2r,
 *   GHSA-3g75-q268-r9r6);
 * - every V2 write carries all six V2 keys, `x-amz-matdesc: {}` and `x-amz-tag-len: 128` included,
 *   because Ruby and Java readers require them.
 */

import { S3EncryptionClientError } from '../errors.ts';
import {
  CBC_IV_LENGTH,
  COMMITMENT_LENGTH,
  GCM_IV_LENGTH,
  LEGACY_WRAP_ALGORITHMS,
  MESSAGE_ID_LENGTH,
  UNENCRYPTED_CONTENT_LENGTH_KEY,
  V1_KEY,
  V2_KEYS,
  V3_KEYS,
  V3_WRAP_CODES,
  type WrapAlgorithm,
} from './constants.ts';
import type { Envelope, V2Envelope, V3Envelope } from './envelope.ts';
import { parseStringMap, stringifyStringMap } from './json-map.ts';

/** What an object's own metadata says about its envelope. */
export type DetectedFormat =
  /** A V1 envelope (`x-amz-key`) is in the metadata (read only, legacy). */
  | 'V1'
  /** The whole V2 envelope is in the metadata. */
  | 'V2'
  /** The whole V3 envelope is in the metadata. */
  | 'V3'
  /** `x-amz-c`, `x-amz-d` and `x-amz-i` are in the metadata; the rest is in the instruction file. */
  | 'V3-instruction-file'
  /** No envelope keys at all: the envelope (V2) is in the instruction file, if anywhere. */
  | 'instruction-file';

const V2_ONLY_KEYS: readonly string[] = [V2_KEYS.encryptedDataKey, V2_KEYS.contentAlgorithm, V2_KEYS.wrapAlgorithm];
// Shared by V1 and V2, so they count against V3 only.
const V1_V2_SHARED_KEYS: readonly string[] = [V2_KEYS.iv, V2_KEYS.materialDescription];
const V3_ALL_KEYS: readonly string[] = Object.values(V3_KEYS);
const V3_METADATA_ONLY_KEYS: readonly string[] = [V3_KEYS.contentCipher, V3_KEYS.keyCommitment, V3_KEYS.messageId];
const V3_INSTRUCTION_KEYS: readonly string[] = [V3_KEYS.encryptedDataKey, V3_KEYS.wrapAlgorithm, V3_KEYS.encryptionContext, V3_KEYS.materialDescription];
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const DECIMAL = /^(?:0|[1-9][0-9]{0,15})$/;

/**
 * Detects the format from an object's metadata (bare `x-amz-...` keys, already RFC 2047-decoded).
 *
 * @throws S3EncryptionClientError `MixedFormatVersions` when keys of several versions are present,
 *   `MalformedMetadata` for an incomplete key set.
 * @example
 * ```ts
 * detectFormat(new Map([['x-amz-c', '115'], ['x-amz-d', '...'], ['x-amz-i', '...']])); // 'V3-instruction-file'
 * ```
 */
export function detectFormat(metadata: ReadonlyMap<string, string>): DetectedFormat {
  const v1 = metadata.has(V1_KEY);
  const v2 = V2_ONLY_KEYS.some((key) => metadata.has(key));
  const shared = V1_V2_SHARED_KEYS.some((key) => metadata.has(key));
  const v3 = V3_ALL_KEYS.some((key) => metadata.has(key));
  if ((v3 && (v1 || v2 || shared)) || (v1 && metadata.has(V2_KEYS.encryptedDataKey))) throw new S3EncryptionClientError('MixedFormatVersions');
  // Spec content-metadata.md: V1 = x-amz-iv + x-amz-key.
  if (v1) {
    if (!metadata.has(V2_KEYS.iv)) throw new S3EncryptionClientError('MalformedMetadata', `V1 metadata without ${V2_KEYS.iv}`);
    return 'V1';
  }
  if (v2 || shared) {
    if (!metadata.has(V2_KEYS.encryptedDataKey)) throw new S3EncryptionClientError('MalformedMetadata', `V2 metadata without ${V2_KEYS.encryptedDataKey}`);
    return 'V2';
  }
  if (!v3) return 'instruction-file';
  const missingInMetadata = V3_METADATA_ONLY_KEYS.filter((key) => !metadata.has(key));
  if (missingInMetadata.length > 0) throw new S3EncryptionClientError('MalformedMetadata', `V3 metadata without ${missingInMetadata.join(', ')}`);
  if (metadata.has(V3_KEYS.encryptedDataKey)) return 'V3';
  if (V3_INSTRUCTION_KEYS.some((key) => metadata.has(key)))
    throw new S3EncryptionClientError('MalformedMetadata', `V3 metadata without ${V3_KEYS.encryptedDataKey}`);
  return 'V3-instruction-file';
}

/**
 * Parses the envelope of an object from its metadata and, when `detectFormat` said so, the parsed
 * JSON body of its instruction file.
 *
 * @throws S3EncryptionClientError `MalformedMetadata`, `MixedFormatVersions` or `UnsupportedAlgorithm`.
 * @example
 * ```ts
 * const envelope = parseEnvelope(metadata); // metadata holding a full V2 or V3 key set
 * ```
 */
export function parseEnvelope(metadata: ReadonlyMap<string, string>, instructionFile?: ReadonlyMap<string, string>): Envelope {
  const detected = detectFormat(metadata);
  const length = optionalLength(metadata.get(UNENCRYPTED_CONTENT_LENGTH_KEY) ?? instructionFile?.get(UNENCRYPTED_CONTENT_LENGTH_KEY));
  switch (detected) {
    case 'V1':
      return parseV1(metadata, 'metadata', length);
    case 'V2':
      return parseV2(metadata, 'metadata', length);
    case 'V3':
      return parseV3(metadata, metadata, 'metadata', length);
    case 'V3-instruction-file': {
      const file = requireInstructionFile(instructionFile);
      // Precondition: the content cipher, commitment and message ID never come from an instruction file.
      const smuggled = V3_METADATA_ONLY_KEYS.filter((key) => file.has(key));
      if (smuggled.length > 0) throw new S3EncryptionClientError('MalformedMetadata', `the instruction file must not carry ${smuggled.join(', ')}`);
      if (detectFile(file) !== 'V3') throw new S3EncryptionClientError('MixedFormatVersions', 'a V3 object with a non-V3 instruction file');
      return parseV3(metadata, file, 'instruction-file', length);
    }
    case 'instruction-file': {
      const file = requireInstructionFile(instructionFile);
      // Precondition: a V3 envelope cannot live wholly in an instruction file (x-amz-c/d/i are metadata-only).
      const kind = detectFile(file);
      if (kind === 'V3')
        throw new S3EncryptionClientError('MalformedMetadata', 'the instruction file holds V3 keys but the object metadata has no x-amz-c, x-amz-d, x-amz-i');
      return kind === 'V1' ? parseV1(file, 'instruction-file', length) : parseV2(file, 'instruction-file', length);
    }
  }
}

/** What the client writes for an envelope: object metadata, and the instruction file's JSON when used. */
export interface EncodedEnvelope {
  /** Bare `x-amz-...` keys for the object's (or CreateMultipartUpload's) `Metadata`. */
  readonly metadata: Map<string, string>;
  /** The instruction file's body, when `envelope.location` is `instruction-file`. */
  readonly instructionFile?: string;
}

/**
 * Writes an envelope: V2 with all six keys; V3 with `x-amz-c`, `x-amz-3`, `x-amz-w`, `x-amz-d`,
 * `x-amz-i` and whichever of `x-amz-t` / `x-amz-m` is non-empty (Java v4's exact set). With an
 * instruction file, V2 moves every envelope key there; V3 moves `x-amz-3`, `x-amz-w` and
 * `x-amz-t`/`x-amz-m` only.
 *
 * @example
 * ```ts
 * const { metadata } = encodeEnvelope(envelope); // metadata.get('x-amz-c') === '115'
 * ```
 */
export function encodeEnvelope(envelope: Envelope): EncodedEnvelope {
  const metadata = new Map<string, string>();
  const file = new Map<string, string>();
  const toFile = envelope.location === 'instruction-file';
  if (envelope.format === 'V1') throw new S3EncryptionClientError('UnsupportedAlgorithm', 'V1 objects are read only');
  if (envelope.format === 'V2') {
    const target = toFile ? file : metadata;
    target.set(V2_KEYS.encryptedDataKey, base64(envelope.encryptedDataKey));
    target.set(V2_KEYS.iv, base64(envelope.iv));
    target.set(V2_KEYS.contentAlgorithm, envelope.contentAlgorithm);
    target.set(V2_KEYS.tagLength, '128');
    target.set(V2_KEYS.wrapAlgorithm, envelope.wrapAlgorithm);
    target.set(V2_KEYS.materialDescription, stringifyStringMap(envelope.description));
  } else if (envelope.format === 'V3') {
    const target = toFile ? file : metadata;
    metadata.set(V3_KEYS.contentCipher, envelope.contentAlgorithm);
    target.set(V3_KEYS.encryptedDataKey, base64(envelope.encryptedDataKey));
    target.set(V3_KEYS.wrapAlgorithm, wrapCode(envelope.wrapAlgorithm));
    if (envelope.description.size > 0)
      target.set(envelope.wrapAlgorithm === 'kms+context' ? V3_KEYS.encryptionContext : V3_KEYS.materialDescription, stringifyStringMap(envelope.description));
    metadata.set(V3_KEYS.keyCommitment, base64(envelope.commitment));
    metadata.set(V3_KEYS.messageId, base64(envelope.messageId));
  }
  if (envelope.unencryptedContentLength !== undefined) metadata.set(UNENCRYPTED_CONTENT_LENGTH_KEY, String(envelope.unencryptedContentLength));
  return toFile ? { metadata, instructionFile: stringifyStringMap(file) } : { metadata };
}

/**
 * Parses an instruction file's body.
 *
 * @throws S3EncryptionClientError `MalformedMetadata` when it is not a JSON object of strings.
 * @example
 * ```ts
 * parseInstructionFile('{"x-amz-3":"...","x-amz-w":"12"}').get('x-amz-w'); // '12'
 * ```
 */
export function parseInstructionFile(body: string): Map<string, string> {
  return parseStringMap(body, 'the instruction file');
}

function detectFile(file: ReadonlyMap<string, string>): 'V1' | 'V2' | 'V3' {
  const v3 = V3_ALL_KEYS.some((key) => file.has(key));
  const v2 = V2_ONLY_KEYS.some((key) => file.has(key)) || V1_V2_SHARED_KEYS.some((key) => file.has(key)) || file.has(V1_KEY);
  if (v2 && v3) throw new S3EncryptionClientError('MixedFormatVersions', 'in the instruction file');
  if (file.has(V1_KEY)) {
    if (file.has(V2_KEYS.encryptedDataKey)) throw new S3EncryptionClientError('MixedFormatVersions', 'in the instruction file');
    return 'V1';
  }
  if (v3) return 'V3';
  if (v2) return 'V2';
  throw new S3EncryptionClientError('MalformedMetadata', 'the instruction file holds no envelope keys');
}

function requireInstructionFile(file: ReadonlyMap<string, string> | undefined): ReadonlyMap<string, string> {
  if (file === undefined) throw new S3EncryptionClientError('MalformedMetadata', 'no instruction file was read for an object without envelope metadata');
  return file;
}

function parseV2(source: ReadonlyMap<string, string>, location: Envelope['location'], length: number | undefined): V2Envelope {
  const cek = required(source, V2_KEYS.contentAlgorithm);
  // Ruby also writes and accepts the PKCS7 spelling of the same padding.
  const contentAlgorithm =
    cek === 'AES/GCM/NoPadding' ? cek : cek === 'AES/CBC/PKCS5Padding' || cek === 'AES/CBC/PKCS7Padding' ? 'AES/CBC/PKCS5Padding' : undefined;
  if (contentAlgorithm === undefined) throw new S3EncryptionClientError('UnsupportedAlgorithm', `${V2_KEYS.contentAlgorithm} ${JSON.stringify(cek)}`);
  const tagLength = source.get(V2_KEYS.tagLength);
  // Ruby requires "128"; Go's own V2 test objects omit the key, so absence is tolerated.
  if (contentAlgorithm === 'AES/GCM/NoPadding' && tagLength !== undefined && tagLength !== '128')
    throw new S3EncryptionClientError('UnsupportedAlgorithm', `${V2_KEYS.tagLength} ${JSON.stringify(tagLength)}`);
  const iv = bytes(source, V2_KEYS.iv, contentAlgorithm === 'AES/GCM/NoPadding' ? GCM_IV_LENGTH : CBC_IV_LENGTH);
  const wrap = wrapAlgorithm(required(source, V2_KEYS.wrapAlgorithm));
  const matdesc = source.get(V2_KEYS.materialDescription);
  return {
    format: 'V2',
    contentAlgorithm,
    iv,
    wrapAlgorithm: wrap,
    encryptedDataKey: bytes(source, V2_KEYS.encryptedDataKey),
    description: matdesc === undefined || matdesc === '' ? new Map() : parseStringMap(matdesc, V2_KEYS.materialDescription),
    location,
    ...(length === undefined ? {} : { unencryptedContentLength: length }),
  };
}

/**
 * V1 (Java SDK v1 EncryptionOnly and its peers): `x-amz-key`, a 16-byte `x-amz-iv`, AES-CBC content
 * (`x-amz-cek-alg` absent or CBC; GCM needs `x-amz-key-v2`, as Java requires), and a wrap named by
 * `x-amz-wrap-alg` or, when absent, inferred from the wrapped key's length as Java does: more than
 * 48 bytes is `RSA`, otherwise `AES` (Java `ContentMetadataDecodingStrategy.java` L277-299).
 */
function parseV1(source: ReadonlyMap<string, string>, location: Envelope['location'], length: number | undefined): V2Envelope {
  const cek = source.get(V2_KEYS.contentAlgorithm);
  if (cek !== undefined && cek !== 'AES/CBC/PKCS5Padding' && cek !== 'AES/CBC/PKCS7Padding')
    throw new S3EncryptionClientError('UnsupportedAlgorithm', `${V2_KEYS.contentAlgorithm} ${JSON.stringify(cek)} with a V1 ${V1_KEY}`);
  const encryptedDataKey = bytes(source, V1_KEY);
  const stated = source.get(V2_KEYS.wrapAlgorithm);
  const matdesc = source.get(V2_KEYS.materialDescription);
  return {
    format: 'V1',
    contentAlgorithm: 'AES/CBC/PKCS5Padding',
    iv: bytes(source, V2_KEYS.iv, CBC_IV_LENGTH),
    wrapAlgorithm: stated === undefined ? (encryptedDataKey.length > 48 ? 'RSA' : 'AES') : wrapAlgorithm(stated),
    encryptedDataKey,
    description: matdesc === undefined || matdesc === '' ? new Map() : parseStringMap(matdesc, V2_KEYS.materialDescription),
    location,
    ...(length === undefined ? {} : { unencryptedContentLength: length }),
  };
}

function wrapAlgorithm(wrap: string): WrapAlgorithm {
  // RSA/ECB/OAEPWithSHA-256AndMGF1Padding (Java v1 SDK) stays unsupported: SunJCE pairs OAEP-SHA-256
  // with MGF1-SHA-1, which node:crypto cannot decode.
  if (wrap !== 'kms+context' && wrap !== 'AES/GCM' && wrap !== 'RSA-OAEP-SHA1' && !LEGACY_WRAP_ALGORITHMS.has(wrap))
    throw new S3EncryptionClientError('UnsupportedAlgorithm', `${V2_KEYS.wrapAlgorithm} ${JSON.stringify(wrap)}`);
  return wrap as WrapAlgorithm;
}

function parseV3(
  metadata: ReadonlyMap<string, string>,
  keys: ReadonlyMap<string, string>,
  location: Envelope['location'],
  length: number | undefined,
): V3Envelope {
  const cipher = required(metadata, V3_KEYS.contentCipher);
  if (cipher !== '115') throw new S3EncryptionClientError('UnsupportedAlgorithm', `${V3_KEYS.contentCipher} ${JSON.stringify(cipher)}`);
  const code = required(keys, V3_KEYS.wrapAlgorithm);
  const wrapAlgorithm = V3_WRAP_CODES.get(code);
  if (wrapAlgorithm === undefined) throw new S3EncryptionClientError('UnsupportedAlgorithm', `${V3_KEYS.wrapAlgorithm} ${JSON.stringify(code)}`);
  // Go v4 writes both x-amz-t and x-amz-m with one of them empty: an empty value means {}.
  const context = keys.get(V3_KEYS.encryptionContext) ?? '';
  const description = keys.get(V3_KEYS.materialDescription) ?? '';
  const isKms = wrapAlgorithm === 'kms+context';
  if ((isKms && description !== '') || (!isKms && context !== ''))
    throw new S3EncryptionClientError(
      'MalformedMetadata',
      `${isKms ? V3_KEYS.materialDescription : V3_KEYS.encryptionContext} does not belong with ${V3_KEYS.wrapAlgorithm} ${code}`,
    );
  const stored = isKms ? context : description;
  const messageId = bytes(metadata, V3_KEYS.messageId, MESSAGE_ID_LENGTH);
  // Spec key-derivation.md: a client should reject an all-zero message ID.
  if (messageId.every((byte) => byte === 0)) throw new S3EncryptionClientError('MalformedMetadata', `${V3_KEYS.messageId} is all zeros`);
  return {
    format: 'V3',
    contentAlgorithm: '115',
    wrapAlgorithm,
    encryptedDataKey: bytes(keys, V3_KEYS.encryptedDataKey),
    messageId,
    commitment: bytes(metadata, V3_KEYS.keyCommitment, COMMITMENT_LENGTH),
    description: stored === '' ? new Map() : parseStringMap(stored, isKms ? V3_KEYS.encryptionContext : V3_KEYS.materialDescription),
    location,
    ...(length === undefined ? {} : { unencryptedContentLength: length }),
  };
}

function required(source: ReadonlyMap<string, string>, key: string): string {
  const value = source.get(key);
  if (value === undefined) throw new S3EncryptionClientError('MalformedMetadata', `missing ${key}`);
  return value;
}

function bytes(source: ReadonlyMap<string, string>, key: string, length?: number): Uint8Array {
  const text = required(source, key);
  if (!BASE64.test(text)) throw new S3EncryptionClientError('MalformedMetadata', `${key} is not valid base64`);
  const decoded = new Uint8Array(Buffer.from(text, 'base64'));
  if (decoded.length === 0 || (length !== undefined && decoded.length !== length))
    throw new S3EncryptionClientError('MalformedMetadata', `${key} expected ${length ?? 'a non-empty value of'} bytes, got ${decoded.length}`);
  return decoded;
}

function optionalLength(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!DECIMAL.test(text)) throw new S3EncryptionClientError('MalformedMetadata', `${UNENCRYPTED_CONTENT_LENGTH_KEY} is not a decimal length`);
  return Number(text);
}

function wrapCode(wrap: WrapAlgorithm): string {
  for (const [code, name] of V3_WRAP_CODES) if (name === wrap) return code;
  throw new S3EncryptionClientError('UnsupportedAlgorithm', `V3 objects cannot be written with the ${wrap} wrap`);
}

function base64(data: Uint8Array): string {
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('base64');
}
