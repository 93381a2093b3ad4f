/**
 * @module
 * The only module of @strongbox/s3 that calls @strongbox/envelope, so moving to envelope format
 * v2 and its ranged reader touches this file alone. It offers what the object cipher needs:
 * sealing a stream, opening a stream, opening a byte range of a sealed message behind a
 * random-access source, raw AES keyrings, and a keyring wrapper that unwraps each data key once
 * per read (a ranged GET opens several windows of one message; without it each window would
 * unwrap again, which for SSE-KMS means one KMS Decrypt per window).
 *
 * Format v2: objects are only ever written in version 2, so every open accepts version 2 only
 * (`formatVersions: [2]`), refusing version 1 and its costlier open before any keyring call.
 */

import {
  type Backend,
  type EncryptionContext,
  encodeEncryptionContext,
  FORMAT_VERSION_2,
  type GeneratedDataKey,
  type Keyring,
  type KmsClientLike,
  KmsKeyring,
  normalizeEncryptionContext,
  OpenEngine,
  openRangeWithHeader,
  type RandomAccessSource,
  RawAesKeyring,
  SealEngine,
  type WrappedDataKey,
} from '@strongbox/envelope';
import { nobleBackend } from '@strongbox/envelope/noble';

export type { Backend, EncryptionContext, GeneratedDataKey, Keyring, KmsClientLike, RandomAccessSource, WrappedDataKey };

/** The sealed-message versions S3 objects are opened under. */
const FORMAT_VERSIONS = [FORMAT_VERSION_2] as const;

/** One encryption layer: a keyring and the context bound to the sealed message. */
export interface SealLayer {
  readonly keyring: Keyring;
  readonly context: EncryptionContext;
  /** The AES-GCM implementation; default the platform's (node:crypto under Node.js). */
  readonly backend?: Backend;
}

/**
 * An AES-GCM implementation independent of the default one (noble's, in JavaScript, against
 * OpenSSL's): DSSE-KMS seals its outer layer with it.
 */
export const secondImplementation: Backend = nobleBackend;

/**
 * A sealed message of at most this many bytes comes out as one chunk, its header, ciphertext and
 * tag joined: a small object (most are) is then stored, read back and opened as one chunk rather
 * than three, each of which costs every stage downstream (storage, the opener, the response) an
 * iteration of its own; copying a few KiB costs less. A larger message streams as sealed.
 */
export const JOIN_LIMIT: number = 16 * 1024;

/**
 * Seals plaintext chunks into one sealed message, as they are pulled (memory about one frame).
 * Driven by an async generator over the envelope's sans-IO engine rather than a Web
 * `TransformStream`: the same bytes, without the streams' per-chunk promises and queues (which
 * cost an object PUT about as much as its encryption). An early `return()` or a failure wipes the
 * buffered plaintext and the frame key. The sealed bytes are counted into `meter` as they are
 * pulled (here rather than by a stage of its own: no suspension per chunk), and it is marked ended
 * once the last was. A message of at most `JOIN_LIMIT` bytes is one chunk.
 * @throws the keyring's errors, or the source's.
 */
export async function* sealChunks(source: AsyncIterable<Uint8Array>, layer: SealLayer, frameLength: number, meter: SealMeter): AsyncGenerator<Uint8Array> {
  const engine = await SealEngine.create({
    keyring: layer.keyring,
    context: layer.context,
    frameLength,
    formatVersion: FORMAT_VERSION_2,
    // A body's chunks are the request's own buffers (fresh socket reads, the in-process caller's
    // bytes, which it must leave alone until the call returns, as with any SDK) or an inner
    // layer's sealed output: nothing writes into them while the object is sealed, so a small
    // body is sealed where it lies rather than copied into a frame buffer first.
    stableChunks: true,
    ...backendOf(layer),
  });
  // Sealed chunks held back while the whole message may still fit JOIN_LIMIT; undefined once it
  // cannot (they were yielded, and so is the rest, as it comes).
  let held: Uint8Array[] | undefined = [];
  let heldLength = 0;
  try {
    for await (const chunk of source) {
      const sealed = engine.write(chunk);
      if (held !== undefined) {
        heldLength += totalLength(sealed);
        if (heldLength <= JOIN_LIMIT) {
          held.push(...sealed);
          continue;
        }
        const earlier: Uint8Array[] = held;
        held = undefined;
        for (const piece of earlier) yield metered(piece, meter);
      }
      for (const piece of sealed) yield metered(piece, meter);
    }
    const last = engine.end();
    if (held !== undefined && heldLength + totalLength(last) <= JOIN_LIMIT) {
      yield metered(concatBytes([...held, ...last]), meter);
    } else {
      for (const piece of held ?? []) yield metered(piece, meter);
      for (const piece of last) yield metered(piece, meter);
    }
    meter.ended = true;
  } finally {
    engine.abort();
  }
}

function metered(chunk: Uint8Array, meter: SealMeter): Uint8Array {
  meter.size += chunk.length;
  return chunk;
}

function totalLength(chunks: readonly Uint8Array[]): number {
  let length = 0;
  for (const chunk of chunks) length += chunk.length;
  return length;
}

/** One chunk holding `chunks` in order. */
function concatBytes(chunks: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(totalLength(chunks));
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}

/** The bytes a sealed stream produced, and whether it ended (its reader pulled past its last chunk). */
export interface SealMeter {
  size: number;
  ended: boolean;
}

/**
 * Opens a whole sealed message from its chunks; a frame is released only once its tag verified,
 * and the iteration fails (EnvelopeError DECRYPT_FAILED) on any tampering or truncation.
 */
export async function* openChunks(source: AsyncIterable<Uint8Array>, layer: SealLayer): AsyncGenerator<Uint8Array> {
  const engine = new OpenEngine({
    keyring: layer.keyring,
    context: layer.context,
    formatVersions: FORMAT_VERSIONS,
    // Stored bytes arrive in buffers of their own (a file read, the memory store's chunks, an
    // outer layer's plaintext) that nothing writes into: a frame split across them (a sealed
    // frame's ciphertext and tag are stored as two chunks past JOIN_LIMIT) is decrypted where it lies.
    stableChunks: true,
    ...backendOf(layer),
  });
  try {
    // Plain loops rather than `yield*` over each array: an async generator delegating to an array
    // wraps it in an async iterator and awaits every element (most arrays here are empty).
    for await (const chunk of source) for (const plaintext of await engine.write(chunk)) yield plaintext;
    for (const plaintext of engine.end()) yield plaintext;
  } finally {
    engine.abort();
  }
}

/** A decrypted range and what the envelope verified about the message's length. */
export interface OpenedRange {
  readonly plaintext: Uint8Array;
  /** The message's plaintext length, as its size implies (proven when `lengthVerified`). */
  readonly plaintextLength: number;
  readonly lengthVerified: boolean;
}

/**
 * Decrypts `[offset, offset + length)` of a sealed message's plaintext, reading and decrypting
 * only the frames that cover it (plus the header). `verify: 'length'` also opens the final frame,
 * proving the message is neither truncated nor extended.
 * @throws RangeError past the plaintext; EnvelopeError if anything read does not authenticate.
 */
export async function openRange(
  source: RandomAccessSource,
  offset: number,
  length: number,
  layer: SealLayer,
  verify: 'range' | 'length' = 'range',
): Promise<OpenedRange> {
  const opened = await openRangeWithHeader(source, offset, length, {
    keyring: layer.keyring,
    context: layer.context,
    formatVersions: FORMAT_VERSIONS,
    verify,
    ...backendOf(layer),
  });
  return { plaintext: opened.plaintext, plaintextLength: opened.plaintextLength, lengthVerified: opened.lengthVerified };
}

/**
 * A raw AES-256 keyring named `name` (keyring id `raw-aes:<name>`); the key is copied.
 * @throws RangeError unless `key` is 32 bytes.
 */
export function rawAesKeyring(name: string, key: Uint8Array): Keyring & { readonly id: string; destroy(): void } {
  return new RawAesKeyring({ name, key });
}

/** A keyring that unwraps each wrapped key once and hands out copies until disposed. */
export interface MemoizedKeyring extends Keyring {
  /** Wipes the remembered data keys. */
  dispose(): void;
}

/**
 * Wraps `keyring` so repeated unwraps of the same wrapped key (the windows of one ranged read)
 * reach it once. The remembered plaintext keys live only until `dispose()`.
 */
export function memoizeUnwrap(keyring: Keyring): MemoizedKeyring {
  const remembered = new Map<string, Uint8Array>();
  const name = (wrapped: WrappedDataKey, context: EncryptionContext): string =>
    JSON.stringify([
      wrapped.keyringId,
      Buffer.from(wrapped.ciphertext).toString('base64'),
      Object.entries(context).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
    ]);
  return {
    wrapDataKey: (dataKey, context) => keyring.wrapDataKey(dataKey, context),
    async unwrapDataKey(wrapped, context) {
      const known = remembered.get(name(wrapped, context));
      if (known !== undefined) return known.slice();
      const key = await keyring.unwrapDataKey(wrapped, context);
      if (key !== undefined) remembered.set(name(wrapped, context), key.slice());
      return key;
    },
    dispose() {
      for (const key of remembered.values()) key.fill(0);
      remembered.clear();
    },
  };
}

/**
 * The envelope's KMS keyring under `keyId` (key id, key ARN, alias name or alias ARN), calling
 * KMS through `client`: GenerateDataKey to seal, Decrypt (with `KeyId` set) to open.
 */
export function kmsKeyring(client: KmsClientLike, keyId: string): Keyring & Required<Pick<Keyring, 'generateDataKey'>> {
  return new KmsKeyring({ client, keyId });
}

/**
 * An encryption context as the envelope keeps it: validated, frozen, its canonical bytes computed
 * and remembered, so a seal or open given this very object does none of that again.
 * @throws TypeError / RangeError for a context the envelope refuses.
 */
export function normalizedContext(context: EncryptionContext): EncryptionContext {
  return normalizeEncryptionContext(context);
}

/** The canonical bytes of an encryption context (the envelope's AAD encoding: injective). */
export function canonicalContext(context: EncryptionContext): Uint8Array {
  return encodeEncryptionContext(context);
}

/** A keyring holding one data key already obtained (from KMS, or derived from a bucket key). */
export interface ResolvedKeyring extends Keyring {
  /** The wrapped form recorded in the sealed header. */
  readonly wrapped: WrappedDataKey;
  /** Wipes the data key. */
  dispose(): void;
}

/**
 * A keyring over a data key the caller already holds with its wrapped form: sealing hands out
 * that key and wrapped form (so the KMS call happened before the body streamed, and its errors
 * come before any byte is stored), opening returns it for exactly that wrapped form and nothing
 * else. The key is copied; the copy is wiped by `dispose()`.
 */
export function resolvedKeyring(dataKey: Uint8Array, wrapped: WrappedDataKey): ResolvedKeyring {
  const key = dataKey.slice();
  let disposed = false;
  const live = (): Uint8Array => {
    if (disposed) throw new Error('the data key was disposed');
    return key.slice();
  };
  return {
    wrapped,
    async generateDataKey(): Promise<GeneratedDataKey> {
      return { dataKey: live(), wrapped };
    },
    async wrapDataKey(): Promise<WrappedDataKey> {
      // One keyring per layer, which generates: the envelope never asks it to wrap another key.
      throw new TypeError('a resolved keyring only hands out the data key it holds');
    },
    async unwrapDataKey(candidate) {
      return sameWrappedKey(candidate, wrapped) ? live() : undefined;
    },
    dispose() {
      disposed = true;
      key.fill(0);
    },
  };
}

function sameWrappedKey(a: WrappedDataKey, b: WrappedDataKey): boolean {
  if (a.keyringId !== b.keyringId || a.ciphertext.length !== b.ciphertext.length) return false;
  for (let index = 0; index < a.ciphertext.length; index++) if (a.ciphertext[index] !== b.ciphertext[index]) return false;
  return true;
}

function backendOf(layer: SealLayer): { backend?: Backend } {
  return layer.backend === undefined ? {} : { backend: layer.backend };
}
