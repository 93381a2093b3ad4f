/**
 * @module
 * The cryptographic session of one sealed message, shared by the one-shot, streaming and
 * random-access APIs: `createMessageSealer` obtains and wraps a data key, derives the frame key and
 * commitment, and writes the header; `createMessageOpener` unwraps a data key and checks the
 * commitment (constant time) before any frame is decrypted. In version 2 (written by default) the
 * key derivation covers the whole header, so the commitment check authenticates it; in version 1
 * every frame carries the header as AAD. After either, the data key is wiped; only the derived
 * frame key lives on, until `destroy()`.
 */

import defaultBackend from '#default-backend';
import type { Backend, PreparedAesGcm } from './backend/types.ts';
import { assertInteger, assertObject, concatBytes, copyBytes, describe, equalBytes, wipe } from './bytes.ts';
import { contextEquals, type EncryptionContext, normalizeEncryptionContext, sharedCanonicalBytes } from './context.ts';
import { decryptFailed, EnvelopeError } from './errors.ts';
import {
  COMMITMENT_LENGTH,
  DATA_KEY_LENGTH,
  DEFAULT_FRAME_LENGTH,
  FORMAT_VERSION_1,
  FORMAT_VERSION_2,
  type FormatVersion,
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
import { type Keyring, type Keyrings, keyringList, type WrappedDataKey } from './keyring.ts';

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
  /**
   * Format version to write: 2 (the default) or 1, for readers that predate version 2. Version 1
   * makes every frame authenticate the whole header, so its open cost grows with header × frames.
   */
  readonly formatVersion?: FormatVersion;
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
  /**
   * The format versions to accept; default both (`[1, 2]`). Pass `[2]` to refuse version 1, whose
   * open cost grows with header × frames, before any keyring is called (UNSUPPORTED_VERSION).
   */
  readonly formatVersions?: readonly FormatVersion[];
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
  /**
   * Seals frame `index` as consecutive chunks whose concatenation is `sealFrame`'s output (the
   * ciphertext and the tag when the backend can give them apart): for streaming sealers.
   */
  sealFrameParts(index: number, final: boolean, plaintext: Uint8Array): readonly Uint8Array[];
  /** Wipes the frame key. */
  destroy(): void;
}

/** Opens the frames of one message whose key commitment matched. */
export interface MessageOpener {
  readonly header: MessageHeader;
  /** The keyring id of the wrapped key that was unwrapped. */
  readonly unwrappedBy: string;
  /** True once the header is authenticated by the commitment (version 2); version 1 needs a frame. */
  readonly headerAuthenticated: boolean;
  /** The backend frames are opened with (callers allocate outputs through it). */
  readonly backend: Backend;
  /**
   * Opens frame `index`, into `output` if given (sealed frame length - 16 bytes); `undefined` if
   * its tag does not verify or the index lies past the format's frame count (no plaintext is
   * released, and `output` is zeroed).
   */
  openFrame(index: number, final: boolean, sealedFrame: Uint8Array, output?: Uint8Array): Uint8Array | undefined;
  /**
   * As `openFrame`, for a sealed frame in pieces (their concatenation): decrypted where they lie
   * when the backend can (`decryptPieces`), else joined first. The plaintext comes in pieces.
   */
  openFramePieces(index: number, final: boolean, sealedFrame: readonly Uint8Array[]): readonly Uint8Array[] | undefined;
  /** Wipes the frame key. */
  destroy(): void;
}

/**
 * Starts a message: data key, wrapped keys, header, then the derived frame key and commitment.
 *
 * @param messageLength - the plaintext length, when known (one-shot), to size per-key tables.
 * @throws TypeError / RangeError for bad options (RangeError for more than 16 keyrings, before any
 *   keyring is called); EnvelopeError `INVALID_DATA_KEY` if a generating keyring returns a key of
 *   the wrong length or all zeros; whatever a keyring throws, unchanged.
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
  const version = options.formatVersion === undefined ? FORMAT_VERSION_2 : options.formatVersion;
  if (version !== FORMAT_VERSION_1 && version !== FORMAT_VERSION_2) {
    throw new RangeError(`"formatVersion" expected ${FORMAT_VERSION_1} or ${FORMAT_VERSION_2}, got ${String(version)}`);
  }
  const backend = options.backend ?? defaultBackend;

  const [first, ...others] = keyrings;
  if (first === undefined) throw new TypeError('"keyring" expected a keyring or a non-empty array of keyrings');
  // Every secret below is drawn from the system CSPRNG for this message alone (no pool that a
  // process snapshot or VM clone could carry over); a generated key is copied into `drawn`.
  let drawn: Uint8Array | undefined;
  let frameKey: Uint8Array | undefined;
  try {
    let dataKey: Uint8Array;
    let messageId: Uint8Array;
    const wrappedKeys: WrappedDataKey[] = [];
    // Inside the try, so a key drawn here is wiped even if the first keyring fails to wrap it.
    if (first.generateDataKey) {
      const generated = await first.generateDataKey(DATA_KEY_LENGTH, context);
      drawn = takeDataKey(generated.dataKey, first, 'generateDataKey');
      dataKey = drawn;
      messageId = backend.randomBytes(MESSAGE_ID_LENGTH);
      wrappedKeys.push(generated.wrapped);
    } else {
      // One system draw for the data key and the message id (each system call costs microseconds).
      drawn = backend.randomBytes(DATA_KEY_LENGTH + MESSAGE_ID_LENGTH);
      dataKey = drawn.subarray(0, DATA_KEY_LENGTH);
      messageId = drawn.subarray(DATA_KEY_LENGTH);
      wrappedKeys.push(await first.wrapDataKey(dataKey, context));
    }
    for (const keyring of others) wrappedKeys.push(await keyring.wrapDataKey(dataKey, context));
    // The header's commitment is filled in below, once derived from the header itself (v2).
    const header = encodeHeaderFields({ version, suite: SUITE_AES256_GCM_HKDF_SHA256_COMMIT, messageId, contextBytes, wrappedKeys, frameLength });
    const keys = deriveMessageKeys(backend, dataKey, header);
    frameKey = keys.frameKey;
    header.set(keys.commitment, header.length - COMMITMENT_LENGTH);
    // Size the backend's per-key tables for the bytes one frame really carries.
    const frames = backend.prepareAesGcm(frameKey, Math.min(frameLength, messageLength ?? frameLength));
    wipe(frameKey);
    return new FrameSealer(header, version === FORMAT_VERSION_1 ? header : undefined, frameLength, backend, frames);
  } catch (error) {
    wipe(frameKey);
    throw error;
  } finally {
    wipe(drawn);
  }
}

/**
 * The keyring contract, enforced: a data key a keyring hands over is copied into a buffer the core
 * owns and refused unless it is 32 bytes and not all zeros (a wiped or never-filled buffer). The
 * keyring's buffer is then wiped, since by default a keyring hands the key over; a keyring whose
 * buffers are shared (a cache) sets `sharesDataKeys` and its buffer is left untouched.
 *
 * @throws TypeError unless `key` is a Uint8Array; EnvelopeError `INVALID_DATA_KEY` otherwise.
 */
export function takeDataKey(key: unknown, keyring: Keyring, from: 'generateDataKey' | 'unwrapDataKey'): Uint8Array {
  if (!(key instanceof Uint8Array)) throw new TypeError(`a keyring's ${from} expected to return a Uint8Array data key, got ${describe(key)}`);
  const own = copyBytes(key);
  if (keyring.sharesDataKeys !== true) key.fill(0);
  if (own.length !== DATA_KEY_LENGTH) {
    own.fill(0);
    throw new EnvelopeError('INVALID_DATA_KEY', `a keyring's ${from} returned a data key of ${own.length} bytes; suite 0x0001 needs ${DATA_KEY_LENGTH}`);
  }
  let any = 0;
  for (const byte of own) any |= byte;
  if (any === 0) throw new EnvelopeError('INVALID_DATA_KEY', `a keyring's ${from} returned an all-zero data key`);
  return own;
}

/**
 * Checks the shape of open options (an object with a keyring or keyrings) and returns the keyrings,
 * so that `open` and `openRange` report bad arguments before they look at the message.
 *
 * @throws TypeError if `options` is not an object or `keyring` holds no usable keyring.
 */
export function assertOpenOptions(options: OpenOptions): readonly Keyring[] {
  assertObject(options, 'options');
  const keyrings = keyringList(options.keyring);
  const versions: unknown = options.formatVersions;
  if (
    versions !== undefined &&
    (!Array.isArray(versions) || versions.length === 0 || !versions.every((v) => v === FORMAT_VERSION_1 || v === FORMAT_VERSION_2))
  ) {
    throw new TypeError(`"formatVersions" expected a non-empty array of ${FORMAT_VERSION_1} and/or ${FORMAT_VERSION_2}`);
  }
  return keyrings;
}

/**
 * Refuses a header whose version the caller does not accept (`formatVersions`), before any keyring
 * call or frame work.
 *
 * @throws EnvelopeError `UNSUPPORTED_VERSION`.
 */
export function assertAcceptedVersion(header: MessageHeader, options: OpenOptions): void {
  if (options.formatVersions !== undefined && !options.formatVersions.includes(header.version)) {
    throw new EnvelopeError(
      'UNSUPPORTED_VERSION',
      `sealed-message version 0x0${header.version} is not accepted here (formatVersions: ${options.formatVersions.join(', ')})`,
    );
  }
}

/**
 * Prepares to open a message: unwraps a data key, derives the frame key, and checks the key
 * commitment in constant time. In version 2 that check authenticates the whole header (it is an
 * HMAC over it under the data key); in version 1 every frame authenticates it (its AAD).
 *
 * @param messageLength - the plaintext length, when known (one-shot), to size per-key tables.
 * @throws EnvelopeError `DECRYPT_FAILED` if any check fails (which one is never said);
 *   `INVALID_DATA_KEY` if a keyring returns a key of the wrong length or all zeros; whatever a
 *   keyring throws for an operational failure, unchanged.
 */
export async function createMessageOpener(header: MessageHeader, options: OpenOptions, messageLength?: number): Promise<MessageOpener> {
  const keyrings = assertOpenOptions(options);
  assertAcceptedVersion(header, options);
  const expected = options.context === undefined ? undefined : normalizeEncryptionContext(options.context);
  const backend = options.backend ?? defaultBackend;
  if (expected !== undefined && !contextEquals(expected, header.context)) throw decryptFailed();

  const unwrapped = await unwrapAny(header, keyrings);
  if (unwrapped === undefined) throw decryptFailed();
  const { dataKey, keyringId } = unwrapped;
  let frameKey: Uint8Array | undefined;
  let frames: PreparedAesGcm;
  try {
    const keys = deriveMessageKeys(backend, dataKey, header.bytes);
    frameKey = keys.frameKey;
    // Precondition: the key commitment matches (constant time) before anything is decrypted.
    if (!equalBytes(keys.commitment, header.commitment)) throw decryptFailed();
    // Inside the try, so the frame key is wiped even if the backend fails to prepare it.
    frames = backend.prepareAesGcm(frameKey, Math.min(header.frameLength, messageLength ?? header.frameLength));
  } finally {
    wipe(frameKey, dataKey);
  }
  const aad = header.version === FORMAT_VERSION_1 ? header.bytes : undefined;
  return {
    header,
    backend,
    unwrappedBy: keyringId,
    headerAuthenticated: header.version !== FORMAT_VERSION_1,
    openFrame(index, final, sealedFrame, output) {
      // Precondition: the index fits the format (regular frames leave index MAX_FRAME_COUNT - 1 to
      // the final one), so no nonce is ever built from an index the 32-bit field would truncate.
      if (index >= (final ? MAX_FRAME_COUNT : MAX_FRAME_COUNT - 1)) {
        output?.fill(0);
        return undefined;
      }
      return frames.decrypt(frameNonce(index, final), sealedFrame, aad, output);
    },
    openFramePieces(index, final, sealedFrame) {
      // The same precondition as openFrame.
      if (index >= (final ? MAX_FRAME_COUNT : MAX_FRAME_COUNT - 1)) return undefined;
      const nonce = frameNonce(index, final);
      if (frames.decryptPieces !== undefined) return frames.decryptPieces(nonce, sealedFrame, aad);
      const opened = frames.decrypt(nonce, sealedFrame.length === 1 ? (sealedFrame[0] as Uint8Array) : concatBytes(...sealedFrame), aad);
      return opened === undefined ? undefined : [opened];
    },
    destroy: () => frames.destroy(),
  };
}

/** The sealer `createMessageSealer` returns (a class: one per message, no closures to allocate). */
class FrameSealer implements MessageSealer {
  readonly header: Uint8Array;
  readonly frameLength: number;
  readonly backend: Backend;
  /** Every frame's AAD: the header in version 1, none in version 2. */
  readonly #aad: Uint8Array | undefined;
  readonly #frames: PreparedAesGcm;

  constructor(header: Uint8Array, aad: Uint8Array | undefined, frameLength: number, backend: Backend, frames: PreparedAesGcm) {
    this.header = header;
    this.#aad = aad;
    this.frameLength = frameLength;
    this.backend = backend;
    this.#frames = frames;
  }

  sealFrame(index: number, final: boolean, plaintext: Uint8Array, output?: Uint8Array): Uint8Array {
    return this.#frames.encrypt(frameNonce(index, final), plaintext, this.#aad, output);
  }

  sealFrameParts(index: number, final: boolean, plaintext: Uint8Array): readonly Uint8Array[] {
    const nonce = frameNonce(index, final);
    if (this.#frames.encryptParts === undefined) return [this.#frames.encrypt(nonce, plaintext, this.#aad)];
    const [ciphertext, tag] = this.#frames.encryptParts(nonce, plaintext, this.#aad);
    // An empty final frame is its tag alone: no empty chunk for the stream.
    return ciphertext.length === 0 ? [tag] : [ciphertext, tag];
  }

  destroy(): void {
    this.#frames.destroy();
  }
}

/**
 * Tries every keyring on every wrapped key, in header order; the first key unwrapped wins (copied
 * and checked by `takeDataKey`). A keyring that throws (a KMS key disabled, another Region, access
 * denied) does not stop the search: another wrapped key may open the message, as in the AWS
 * Encryption SDK. Only when none does is the first such error rethrown, unchanged, so an outage is
 * never reported as DECRYPT_FAILED.
 */
async function unwrapAny(header: MessageHeader, keyrings: readonly Keyring[]): Promise<{ dataKey: Uint8Array; keyringId: string } | undefined> {
  let failure: { error: unknown } | undefined;
  for (const wrapped of header.wrappedKeys) {
    for (const keyring of keyrings) {
      let dataKey: Uint8Array | undefined;
      try {
        dataKey = await keyring.unwrapDataKey(wrapped, header.context);
      } catch (error) {
        failure ??= { error };
        continue;
      }
      if (dataKey !== undefined) return { dataKey: takeDataKey(dataKey, keyring, 'unwrapDataKey'), keyringId: wrapped.keyringId };
    }
  }
  if (failure !== undefined) throw failure.error;
  return undefined;
}
