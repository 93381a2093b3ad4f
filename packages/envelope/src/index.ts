/**
 * @module
 * `@strongbox/envelope`: envelope encryption with a framed, key-committing sealed-message format.
 *
 * - `seal` / `open`: one-shot, on `Uint8Array`.
 * - `createSealStream` / `createOpenStream`: Web Streams, memory bounded by about one frame.
 * - `openRange`: random access, decrypting only the frames that cover a range.
 * - `RawAesKeyring`, the `Keyring` interface, `DataKey`, the canonical `EncryptionContext` encoding.
 * - `EnvelopeError` with a closed `code` union.
 *
 * The default backend (`defaultBackend`) is `node:crypto` under Node.js (the `node` export
 * condition) and noble everywhere else; pass `backend` to choose. Outside the `node` condition this
 * entry reaches no Node.js built-in. Node.js stream adapters are in `@strongbox/envelope/node`.
 *
 * @example
 * ```ts
 * import { RawAesKeyring, seal, open } from '@strongbox/envelope';
 * const keyring = new RawAesKeyring({ name: 'demo', key: crypto.getRandomValues(new Uint8Array(32)) });
 * const sealed = await seal(new TextEncoder().encode('hello'), { keyring, context: { app: 'demo' } });
 * const plaintext = await open(sealed, { keyring, context: { app: 'demo' } });
 * ```
 */

export type { AuthenticatedHeader } from './authenticated-header.ts';
export type { Backend, GcmEncryptor, GcmUnverifiedDecryptor } from './backend/types.ts';
export {
  contextEquals,
  decodeEncryptionContext,
  type EncryptionContext,
  encodeEncryptionContext,
  MAX_CONTEXT_BYTES,
  normalizeEncryptionContext,
} from './context.ts';
export { DataKey } from './data-key.ts';
export { defaultBackend } from './default-backend.ts';
export { EnvelopeError, type EnvelopeErrorCode } from './errors.ts';
export {
  DEFAULT_FRAME_LENGTH,
  FORMAT_VERSION,
  FORMAT_VERSION_1,
  FORMAT_VERSION_2,
  type FormatVersion,
  MAX_FRAME_LENGTH,
  MAX_KEYRING_ID_BYTES,
  MAX_WRAPPED_KEY_BYTES,
  MAX_WRAPPED_KEYS,
  MIN_FRAME_LENGTH,
  SUITE_AES256_GCM_HKDF_SHA256_COMMIT,
} from './format/constants.ts';
export type { MessageHeader } from './format/header.ts';
export type { GeneratedDataKey, Keyring, Keyrings, WrappedDataKey } from './keyring.ts';
export {
  KMS_KEYRING_ID_PREFIX,
  type KmsClientLike,
  type KmsDataKeyOutput,
  type KmsDecryptInput,
  type KmsDiscoveryFilter,
  type KmsEncryptInput,
  type KmsGenerateDataKeyInput,
  KmsKeyring,
  type KmsKeyringOptions,
  kmsKeyrings,
} from './kms-keyring.ts';
export type { OpenOptions, SealOptions } from './message.ts';
export { type OpenedRange, type OpenRangeOptions, openRange, openRangeWithHeader, type RandomAccessSource } from './open-range.ts';
export { RawAesKeyring, type RawAesKeyringOptions } from './raw-aes-keyring.ts';
export { type OpenedMessage, open, openWithHeader, readHeader, type SealedLayout, seal, sealedLayout } from './seal.ts';
export { OpenEngine, type OpenEngineOptions } from './stream/open-engine.ts';
export { SealEngine, type SealEngineOptions } from './stream/seal-engine.ts';
export { createOpenStream, createSealStream } from './stream/web.ts';
