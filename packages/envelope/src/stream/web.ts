/**
 * @module
 * Web Streams adapters over the sans-IO engines: `createSealStream` and `createOpenStream` are
 * `TransformStream`s of `Uint8Array` chunks, usable in Node.js, browsers, Deno and workers.
 */

import type { OpenOptions, SealOptions } from '../message.ts';
import { OpenEngine } from './open-engine.ts';
import { SealEngine } from './seal-engine.ts';

/**
 * WHATWG Streams' `Transformer.cancel` (called when the readable side is cancelled or the writable
 * side aborted; Node.js 20+ and current browsers run it). TypeScript's lib types predate it.
 */
type CancellableTransformer = NonNullable<ConstructorParameters<typeof TransformStream<Uint8Array, Uint8Array>>[0]> & {
  cancel?(reason: unknown): void;
};

/**
 * A TransformStream that seals the plaintext written to it.
 *
 * @throws (through the stream) TypeError / RangeError for bad options or chunks; whatever a keyring
 *   throws.
 * @example
 * ```ts
 * import { createSealStream } from '@strongbox/envelope';
 * await plaintextStream.pipeThrough(createSealStream({ keyring })).pipeTo(sink);
 * ```
 */
export function createSealStream(options: SealOptions): TransformStream<Uint8Array, Uint8Array> {
  let engine: SealEngine | undefined;
  let cancelled = false;
  const transformer: CancellableTransformer = {
    async start() {
      const created = await SealEngine.create(options);
      // cancel() does not wait for start(): if it ran while the keyrings worked, nothing else
      // will ever abort this engine, so wipe its frame key now.
      if (cancelled) created.abort();
      engine = created;
    },
    transform(chunk, controller) {
      try {
        for (const sealed of engine!.write(chunk)) controller.enqueue(sealed);
      } catch (error) {
        engine!.abort();
        throw error;
      }
    },
    flush(controller) {
      for (const sealed of engine!.end()) controller.enqueue(sealed);
    },
    // Readable cancelled or writable aborted: wipe buffered plaintext and the frame key now.
    cancel() {
      cancelled = true;
      engine?.abort();
    },
  };
  return new TransformStream(transformer);
}

/**
 * A TransformStream that opens a sealed message written to it, emitting each frame's plaintext
 * only after that frame authenticates. The stream errors (with `EnvelopeError`) on any failure; a
 * consumer must treat plaintext already received from an errored stream as incomplete.
 *
 * @throws (through the stream) TypeError / RangeError for bad options (checked once the header has
 *   arrived); TypeError for a chunk that is not a Uint8Array.
 * @throws (through the stream) EnvelopeError as `open` does: `DECRYPT_FAILED` for any
 *   authentication failure, including a truncated body; `MALFORMED_MESSAGE`, `UNSUPPORTED_VERSION`
 *   or `UNSUPPORTED_SUITE` for a header that cannot be parsed (or input that ends inside it);
 *   whatever a keyring throws, unchanged.
 * @example
 * ```ts
 * import { createOpenStream } from '@strongbox/envelope';
 * await sealedStream.pipeThrough(createOpenStream({ keyring })).pipeTo(sink);
 * ```
 */
export function createOpenStream(options: OpenOptions): TransformStream<Uint8Array, Uint8Array> {
  const engine = new OpenEngine(options);
  const transformer: CancellableTransformer = {
    async transform(chunk, controller) {
      for (const plaintext of await engine.write(chunk)) controller.enqueue(plaintext);
    },
    flush(controller) {
      for (const plaintext of engine.end()) controller.enqueue(plaintext);
    },
    cancel() {
      engine.abort();
    },
  };
  return new TransformStream(transformer);
}
