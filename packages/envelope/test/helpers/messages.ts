/**
 * Shared fixtures for the format and API tests: deterministic keyrings, instrumented backends,
 * frame-level surgery on sealed messages, and small Web Streams helpers. Nothing here is secure;
 * every key is a fixed test constant.
 */

import { createHash } from 'node:crypto';
import { expect } from 'vitest';
import nobleBackend from '../../src/backend/noble.ts';
import nodeBackend from '../../src/backend/node.ts';
import type { Backend } from '../../src/backend/types.ts';
import type { EncryptionContext } from '../../src/context.ts';
import { FRAME_TAG_LENGTH } from '../../src/format/constants.ts';
import { layoutForBody } from '../../src/format/frames.ts';
import type { Keyring, WrappedDataKey } from '../../src/keyring.ts';
import { RawAesKeyring } from '../../src/raw-aes-keyring.ts';
import { readHeader, seal } from '../../src/seal.ts';
import { xorAt } from './defined.ts';

export { nobleBackend, nodeBackend };
export const BACKENDS: readonly Backend[] = [nodeBackend, nobleBackend];

/** A fixed 32-byte key whose bytes are `fill, fill+1, ...` (mod 256). */
export function testKey(fill: number): Uint8Array {
  return Uint8Array.from({ length: 32 }, (_, i) => (fill + i) & 0xff);
}

/** A raw AES keyring over `testKey(fill)`, named `name`, on `backend` (node by default). */
export function testKeyring(name = 'test', fill = 1, backend: Backend = nodeBackend): RawAesKeyring {
  return new RawAesKeyring({ name, key: testKey(fill), backend });
}

/** `length` bytes of deterministic, non-repeating-looking plaintext. */
export function pattern(length: number, salt = 0): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => (i * 131 + salt * 17 + (i >> 8)) & 0xff);
}

export const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);
export const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
export const fromHex = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'hex'));

/** Concatenates byte arrays. */
export function concat(...parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** A copy of `bytes` with bit `bit` (0 = MSB of byte 0) flipped. */
export function flipBit(bytes: Uint8Array, bit: number): Uint8Array {
  const out = bytes.slice();
  xorAt(out, bit >> 3, 0x80 >> (bit & 7));
  return out;
}

/** A sealed message cut into its header and its sealed frames (ciphertext ‖ tag each). */
export interface SplitMessage {
  readonly header: Uint8Array;
  readonly frames: Uint8Array[];
  readonly frameLength: number;
}

/** Splits a well-formed sealed message into header and frames, using the header's frame length. */
export function splitFrames(sealed: Uint8Array): SplitMessage {
  const parsed = readHeader(sealed);
  const layout = layoutForBody(sealed.length - parsed.length, parsed.frameLength);
  if (layout === undefined) throw new Error('splitFrames: body length fits no layout');
  const frames: Uint8Array[] = [];
  let offset = parsed.length;
  for (let i = 0; i < layout.frameCount; i++) {
    const final = i === layout.frameCount - 1;
    const size = (final ? layout.finalFrameLength : parsed.frameLength) + FRAME_TAG_LENGTH;
    frames.push(sealed.slice(offset, offset + size));
    offset += size;
  }
  return { header: sealed.slice(0, parsed.length), frames, frameLength: parsed.frameLength };
}

/** Reassembles a header and frames. */
export function joinFrames(header: Uint8Array, frames: readonly Uint8Array[]): Uint8Array {
  return concat(header, ...frames);
}

/** Runs `fn` and returns what it threw (or fails the test if it did not throw). */
export function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to throw');
}

// ---------------------------------------------------------------------------------------------
// Instrumented backends
// ---------------------------------------------------------------------------------------------

/** What a 12-byte nonce of the format denotes (see src/format/frames.ts). */
export type NonceKind = { kind: 'frame'; index: number; final: boolean } | { kind: 'other' };

/** Classifies a format nonce: frame `index`, regular or final. */
export function describeNonce(nonce: Uint8Array): NonceKind {
  if (nonce.length !== 12) return { kind: 'other' };
  const view = new DataView(nonce.buffer, nonce.byteOffset, 12);
  const kind = view.getUint32(0);
  const index = Number(view.getBigUint64(4));
  if (kind === 0 || kind === 1) return { kind: 'frame', index, final: kind === 1 };
  return { kind: 'other' };
}

/** One recorded `aesGcmDecrypt` call. */
export interface DecryptCall {
  readonly nonce: NonceKind;
  readonly sealedLength: number;
  readonly ok: boolean;
}

/** A backend that forwards to `inner` and records every `aesGcmDecrypt` call. */
export function countingBackend(inner: Backend = nodeBackend): Backend & { readonly decrypts: DecryptCall[] } {
  const decrypts: DecryptCall[] = [];
  const record = (nonce: Uint8Array, sealed: Uint8Array, out: Uint8Array | undefined): Uint8Array | undefined => {
    decrypts.push({ nonce: describeNonce(nonce), sealedLength: sealed.length, ok: out !== undefined });
    return out;
  };
  return {
    ...inner,
    name: `counting(${inner.name})`,
    decrypts,
    aesGcmDecrypt(key, nonce, sealed, aad, output) {
      return record(nonce, sealed, inner.aesGcmDecrypt(key, nonce, sealed, aad, output));
    },
    // Frames go through a prepared key: count those decryptions too.
    prepareAesGcm(key, expectedLength) {
      const prepared = inner.prepareAesGcm(key, expectedLength);
      return { ...prepared, decrypt: (nonce, sealed, aad, output) => record(nonce, sealed, prepared.decrypt(nonce, sealed, aad, output)) };
    },
  };
}

/**
 * A backend that records every AES-GCM key it is given, one-shot or prepared, and whether each
 * prepared key was destroyed (to check that keys are wiped when a stream is cancelled).
 */
export function keyRecordingBackend(inner: Backend = nodeBackend): Backend & { readonly prepared: { key: Uint8Array; destroyed: boolean }[] } {
  const prepared: { key: Uint8Array; destroyed: boolean }[] = [];
  return {
    ...inner,
    prepared,
    prepareAesGcm(key, expectedLength) {
      const entry = { key: key.slice(), destroyed: false };
      prepared.push(entry);
      const inside = inner.prepareAesGcm(key, expectedLength);
      return {
        ...inside,
        destroy: () => {
          entry.destroyed = true;
          inside.destroy();
        },
      };
    },
  };
}

/**
 * A backend for known-answer vectors: `nodeBackend`'s primitives, but `randomBytes` draws from a
 * deterministic byte stream, block i = SHA-256(u32 seed ‖ u32 i), consumed in call order.
 */
export function deterministicBackend(seed: number): Backend {
  const stream = deterministicStream(seed);
  return { ...nodeBackend, name: `deterministic(${seed})`, randomBytes: (length) => stream(length) };
}

/** The byte stream behind `deterministicBackend(seed)`: each call returns the next `length` bytes. */
export function deterministicStream(seed: number): (length: number) => Uint8Array {
  let buffered: Uint8Array = new Uint8Array(0);
  let block = 0;
  return (length) => {
    while (buffered.length < length) {
      const input = Buffer.alloc(8);
      input.writeUInt32BE(seed, 0);
      input.writeUInt32BE(block++, 4);
      buffered = concat(buffered, createHash('sha256').update(input).digest());
    }
    const out = buffered.slice(0, length);
    buffered = buffered.slice(length);
    return out;
  };
}

// ---------------------------------------------------------------------------------------------
// Test keyrings
// ---------------------------------------------------------------------------------------------

/**
 * An INSECURE keyring for format tests: the "wrapped" key is the data key followed by `padTo - 32`
 * filler bytes (so wrapped keys of any legal length can be produced), tagged with `id`.
 */
export function paddedKeyring(id: string, padTo = 32): Keyring {
  return {
    async wrapDataKey(dataKey) {
      const ciphertext = new Uint8Array(padTo).fill(0xa5);
      ciphertext.set(dataKey.subarray(0, Math.min(dataKey.length, padTo)));
      return { keyringId: id, ciphertext };
    },
    async unwrapDataKey(wrapped: WrappedDataKey) {
      return wrapped.keyringId === id ? wrapped.ciphertext.slice(0, 32) : undefined;
    },
  };
}

/** A keyring that always hands out `dataKey` from `generateDataKey` (to force data-key reuse). */
export function fixedKeyKeyring(dataKey: Uint8Array, id = 'fixed'): Keyring {
  const inner = paddedKeyring(id);
  return {
    ...inner,
    async generateDataKey(_length: number, context: EncryptionContext) {
      const key = dataKey.slice();
      return { dataKey: key, wrapped: await inner.wrapDataKey(key, context) };
    },
  };
}

/**
 * Wraps a keyring so that its wrap and unwrap calls wait for `release()`: a test can then act (abort,
 * cancel) while a stream is awaiting the keyring. `called` resolves at the first such call.
 */
export function gatedKeyring(inner: Keyring): Keyring & { release(): void; readonly called: Promise<void> } {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  let entered!: () => void;
  const called = new Promise<void>((resolve) => (entered = resolve));
  return {
    release,
    called,
    async wrapDataKey(key, context) {
      entered();
      await gate;
      return inner.wrapDataKey(key, context);
    },
    async unwrapDataKey(wrapped, context) {
      entered();
      await gate;
      return inner.unwrapDataKey(wrapped, context);
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Streams
// ---------------------------------------------------------------------------------------------

/** Cuts `bytes` at the given (unsorted, possibly repeated) positions; empty chunks are kept. */
export function cutAt(bytes: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  const points = [...cuts.map((c) => Math.min(Math.max(c, 0), bytes.length))].sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  let start = 0;
  for (const point of [...points, bytes.length]) {
    chunks.push(bytes.slice(start, point));
    start = point;
  }
  return chunks;
}

/** Cuts `bytes` into chunks of `size` bytes (the last may be shorter). */
export function chunksOf(bytes: Uint8Array, size: number): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.slice(i, i + size));
  return chunks;
}

/** A ReadableStream that yields `chunks` one by one. */
export function streamOf(chunks: readonly Uint8Array[]): ReadableStream<Uint8Array> {
  let i = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      // Iterated by position, not by value: argument tests enqueue deliberately bad "chunks" (null too).
      if (i < chunks.length) controller.enqueue(chunks[i++] as Uint8Array);
      else controller.close();
    },
  });
}

/** Pipes `chunks` through `transform` into a recording sink; returns every chunk that arrived. */
export async function runTransform(
  chunks: readonly Uint8Array[],
  transform: TransformStream<Uint8Array, Uint8Array>,
): Promise<{ output: Uint8Array[]; error: unknown }> {
  const output: Uint8Array[] = [];
  let error: unknown;
  try {
    await streamOf(chunks)
      .pipeThrough(transform)
      .pipeTo(new WritableStream<Uint8Array>({ write: (chunk) => void output.push(chunk.slice()) }));
  } catch (e) {
    error = e;
  }
  return { output, error };
}

/** Like `runTransform`, but fails the test on a stream error and returns the concatenated output. */
export async function pipeAll(chunks: readonly Uint8Array[], transform: TransformStream<Uint8Array, Uint8Array>): Promise<Uint8Array> {
  const { output, error } = await runTransform(chunks, transform);
  if (error !== undefined) throw error;
  return concat(...output);
}

/** Fast byte equality for large buffers (vitest's deep `toEqual` walks element by element). */
export function expectBytes(actual: Uint8Array, expected: Uint8Array): void {
  expect(actual).toBeInstanceOf(Uint8Array);
  if (actual.length === expected.length && Buffer.from(actual.buffer, actual.byteOffset, actual.length).equals(expected)) return;
  if (actual.length + expected.length <= 4096) expect(hex(actual)).toBe(hex(expected));
  expect.fail(`byte arrays differ: lengths ${actual.length} and ${expected.length}`);
}

// ---------------------------------------------------------------------------------------------
// Golden known-answer vectors (test/vectors/golden.json, written by test/vectors/regenerate.ts)
// ---------------------------------------------------------------------------------------------

/** The inputs of one golden vector: everything `seal` needs, with randomness from `seed`. */
export interface GoldenSpec {
  readonly name: string;
  readonly description: string;
  /** Seed of `deterministicBackend`, shared by `seal` and every keyring. */
  readonly seed: number;
  /** Raw AES keyrings, in the order given to `seal`. */
  readonly keyrings: readonly { readonly name: string; readonly keyHex: string }[];
  /** Omitted: `seal`'s default (64 KiB). */
  readonly frameLength?: number;
  readonly context: Readonly<Record<string, string>>;
  readonly plaintextHex: string;
  /** Format version written; omitted in the frozen version 1 file, which predates the field. */
  readonly formatVersion?: 1 | 2;
}

/** One stored vector: its inputs and the exact sealed bytes. */
export interface GoldenVector extends GoldenSpec {
  readonly sealedHex: string;
}

/** Seals a golden spec with the deterministic backend (so the output is reproducible). */
export async function sealGolden(spec: GoldenSpec): Promise<Uint8Array> {
  const backend = deterministicBackend(spec.seed);
  const keyring = spec.keyrings.map((k) => new RawAesKeyring({ name: k.name, key: fromHex(k.keyHex), backend }));
  return seal(fromHex(spec.plaintextHex), {
    keyring,
    context: spec.context,
    backend,
    ...(spec.frameLength === undefined ? {} : { frameLength: spec.frameLength }),
    formatVersion: spec.formatVersion ?? 1,
  });
}
