/**
 * @module
 * The cryptographic session of one sealed message, shared by the one-shot, streaming and
 * random-access APIs: `createMessageSealer` obtains and wraps a data key, derives the frame key and
 * commitment, and writes the header; `createMessageOpener` unwraps a data key and checks the
 * commitment (constant time) before any frame is decrypted. Every frame carries the header as AAD,
 * so each frame that opens has authenticated the header too. After either, the data key is wiped;
 * only the derived frame key lives on, until `destroy()`.
 */

import defaultBackend from '#default-backend';
import type { Backend, PreparedAesGcm } from './backend/types.ts';
import { assertInteger, assertObject, equalBytes, wipe } from './bytes.ts';
import { contextEquals, normalizeEncryptionContext, sharedCanonicalBytes, type EncryptionContext } from './context.ts';
import { decryptFailed } from './errors.ts';
import {
  DATA_KEY_LENGTH,
  DEFAULT_FRAME_LENGTH,
  MAX_FRAME_COUNT,
  MAX_FRAME_LENGTH,
  MAX_WRAPPED_KEYS,
  MESSAGE_ID_LENGTH,
  MIN_FRAME_LENGTH,
  SUITE_AES256_GCM_HKDF_SHA256_COMMIT,
} from './format/constants.ts';
import { deriveMessageKeys } from './format/derive.ts';
import { frameNonce } from './format/frames.ts';
import { encodeHeaderFields, type MessageHeader } from './format/header.ts';
import { keyringList, type Keyring, type Keyrings, type WrappedDataKey } from './keyring.ts';

/** Options for sealing. */
export interface SealOptions {
  /** The keyring (or keyrings) to wrap the data key with; the first may generate it. */
  readonly keyring: Keyrings;
  /** Authenticated, unencrypted context bound to the message (stored in the header). */
  readonly context?: EncryptionContext;
  /** Plaintext bytes per frame, 1..4 MiB; default 64 KiB. */
  readonly frameLength?: number;
  /** Crypto backend; defaults to the platform's (node:crypto under Node.js, noble elsewhere). */
  readonly backend?: Backend;
}

/** Options for opening. */
export interface OpenOptions {
  /** The keyring (or keyrings) to try on the header's wrapped data keys. */
  readonly keyring: Keyrings;
  /**
   * The context the message must carry, exactly (as KMS Decrypt requires). When given, a message
   * sealed under any other context fails with `DECRYPT_FAILED`. When omitted, any context is
   * accepted and can be read from the header; pass it whenever the caller knows what to expect.
   */
  readonly context?: EncryptionContext;
  /** Crypto backend; defaults to the platform's. */
  readonly backend?: Backend;
}

/** Seals the frames of one message. */
export interface MessageSealer {
  /** The complete header (every frame's AAD). */
  readonly header: Uint8Array;
  readonly frameLength: number;
  /** The backend frames are sealed with (callers allocate outputs through it). */
  readonly backend: Backend;
  /** Seals frame `index` (final or not): ciphertext ‖ tag, into `output` if given (plaintext + 16 bytes). */
  sealFrame(index: number, final: boolean, plaintext: Uint8Array, output?: Uint8Array): Uint8Array;
  /** Wipes the frame key. */
  destroy(): void;
}

/** Opens the frames of one message whose key commitment matched. */
export interface MessageOpener {
  readonly header: MessageHeader;
  /** The backend frames are opened with (callers allocate outputs through it). */
  readonly backend: Backend;
  /**
   * Opens frame `index`, into `output` if given (sealed frame length - 16 bytes); `undefined` if
   * its tag does not verify or the index lies past the format's frame count (no plaintext is
   * released, and `output` is zeroed).
   */
  openFrame(index: number, final: boolean, sealedFrame: Uint8Array, output?: Uint8Array): Uint8Array | undefined;
  /** Wipes the frame key. */
  destroy(): void;
}

/**
 * Starts a message: data key, wrapped keys, derived keys and the header.
 *
 * @param messageLength - the plaintext length, when known (one-shot), to size per-key tables.
 * @throws TypeError / RangeError for bad options (RangeError for more than 16 keyrings, before any
 *   keyring is called); whatever a keyring throws, unchanged.
 */
export async function createMessageSealer(options: SealOptions, messageLength?: number): Promise<MessageSealer> {
  assertObject(options, 'options');
  const keyrings = keyringList(options.keyring);
  // Checked before any keyring runs: each wrap may be a KMS call, wasted if the header cannot hold it.
  if (keyrings.length > MAX_WRAPPED_KEYS) {
    throw new RangeError(`"keyring" expected at most ${MAX_WRAPPED_KEYS} keyrings to seal with, got ${keyrings.length}`);
  }
  const context = normalizeEncryptionContext(options.context);
  // Read only: the header encoder copies it into the header.
  const contextBytes = sharedCanonicalBytes(context);
  // `=== undefined`, not `??`: a null frame length is a wrong type (TypeError), not "use the default".
  const frameLength = options.frameLength === undefined ? DEFAULT_FRAME_LENGTH : options.frameLength;
  assertInteger(frameLength, MIN_FRAME_LENGTH, MAX_FRAME_LENGTH, 'frameLength');
  const backend = options.backend ?? defaultBackend;

  const first = keyrings[0]!;
  let dataKey: Uint8Array | undefined;
  const wrappedKeys: WrappedDataKey[] = [];
  let frameKey: Uint8Array | undefined;
  try {
    // Inside the try, so a key drawn here is wiped even if the first keyring fails to wrap it.
    if (first.generateDataKey) {
      const generated = await first.generateDataKey(DATA_KEY_LENGTH, context);
      dataKey = generated.dataKey;
      wrappedKeys.push(generated.wrapped);
    } else {
      dataKey = backend.randomBytes(DATA_KEY_LENGTH);
      wrappedKeys.push(await first.wrapDataKey(dataKey, context));
    }
    for (let i = 1; i < keyrings.length; i++) wrappedKeys.push(await keyrings[i]!.wrapDataKey(dataKey, context));
    const messageId = backend.randomBytes(MESSAGE_ID_LENGTH);
    const keys = deriveMessageKeys(backend, dataKey, messageId, SUITE_AES256_GCM_HKDF_SHA256_COMMIT);
    frameKey = keys.frameKey;
    const header = encodeHeaderFields({
      suite: SUITE_AES256_GCM_HKDF_SHA256_COMMIT,
      messageId,
      contextBytes,
      wrappedKeys,
      frameLength,
      commitment: keys.commitment,
    });
    // Size the backend's per-key tables for the bytes one frame really carries.
    const frames = backend.prepareAesGcm(frameKey, Math.min(frameLength, messageLength ?? frameLength));
    wipe(frameKey);
    return new FrameSealer(header, frameLength, backend, frames);
  } catch (error) {
    wipe(frameKey);
    throw error;
  } finally {
    wipe(dataKey);
  }
}

/**
 * Checks the shape of open options (an object with a keyring or keyrings) and returns the keyrings,
 * so that `open` and `openRange` report bad arguments before they look at the message.
 *
 * @throws TypeError if `options` is not an object or `keyring` holds no usable keyring.
 */
export function assertOpenOptions(options: OpenOptions): readonly Keyring[] {
  assertObject(options, 'options');
  return keyringList(options.keyring);
}

/**
 * Prepares to open a message: unwraps a data key and checks the key commitment in constant time.
 * The header itself is authenticated by every frame (it is their AAD).
 *
 * @param messageLength - the plaintext length, when known (one-shot), to size per-key tables.
 * @throws EnvelopeError `DECRYPT_FAILED` if any check fails (which one is never said); whatever a
 *   keyring throws for an operational failure, unchanged.
 */
export async function createMessageOpener(header: MessageHeader, options: OpenOptions, messageLength?: number): Promise<MessageOpener> {
  const keyrings = assertOpenOptions(options);
  const expected = options.context === undefined ? undefined : normalizeEncryptionContext(options.context);
  const backend = options.backend ?? defaultBackend;
  if (expected !== undefined && !contextEquals(expected, header.context)) throw decryptFailed();

  const dataKey = await unwrapAny(header, keyrings);
  if (dataKey === undefined) throw decryptFailed();
  let frameKey: Uint8Array | undefined;
  let frames: PreparedAesGcm;
  try {
    if (dataKey.length !== DATA_KEY_LENGTH) throw decryptFailed();
    const keys = deriveMessageKeys(backend, dataKey, header.messageId, header.suite);
    frameKey = keys.frameKey;
    // Precondition: the key commitment matches (constant time) before anything is decrypted.
    if (!equalBytes(keys.commitment, header.commitment)) throw decryptFailed();
    // Inside the try, so the frame key is wiped even if the backend fails to prepare it.
    frames = backend.prepareAesGcm(frameKey, Math.min(header.frameLength, messageLength ?? header.frameLength));
  } finally {
    wipe(frameKey, dataKey);
  }
  return {
    header,
    backend,
    openFrame(index, final, sealedFrame, output) {
      // Precondition: the index fits the format (regular frames leave index MAX_FRAME_COUNT - 1 to
      // the final one), so no nonce is ever built from an index the 32-bit field would truncate.
      if (index >= (final ? MAX_FRAME_COUNT : MAX_FRAME_COUNT - 1)) {
        output?.fill(0);
        return undefined;
      }
      return frames.decrypt(frameNonce(index, final), sealedFrame, header.bytes, output);
    },
    destroy: () => frames.destroy(),
  };
}

/** The sealer `createMessageSealer` returns (a class: one per message, no closures to allocate). */
class FrameSealer implements MessageSealer {
  readonly header: Uint8Array;
  readonly frameLength: number;
  readonly backend: Backend;
  readonly #frames: PreparedAesGcm;

  constructor(header: Uint8Array, frameLength: number, backend: Backend, frames: PreparedAesGcm) {
    this.header = header;
    this.frameLength = frameLength;
    this.backend = backend;
    this.#frames = frames;
  }

  sealFrame(index: number, final: boolean, plaintext: Uint8Array, output?: Uint8Array): Uint8Array {
    return this.#frames.encrypt(frameNonce(index, final), plaintext, this.header, output);
  }

  destroy(): void {
    this.#frames.destroy();
  }
}

/** Tries every keyring on every wrapped key, in header order; the first key unwrapped wins. */
async function unwrapAny(header: MessageHeader, keyrings: readonly Keyring[]): Promise<Uint8Array | undefined> {
  for (const wrapped of header.wrappedKeys) {
    for (const keyring of keyrings) {
      const dataKey = await keyring.unwrapDataKey(wrapped, header.context);
      if (dataKey !== undefined) return dataKey;
    }
  }
  return undefined;
}
