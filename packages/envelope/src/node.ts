/**
 * @module
 * `@strongbox/envelope/node`: the `node:crypto` backend and Node.js stream adapters. The portable
 * entry (`@strongbox/envelope`) imports no Node.js built-ins; everything Node-specific is here.
 *
 * @example
 * ```ts
 * import { pipeline } from 'node:stream/promises';
 * import { createReadStream, createWriteStream } from 'node:fs';
 * import { createSealTransform } from '@strongbox/envelope/node';
 * await pipeline(createReadStream('in.bin'), createSealTransform({ keyring }), createWriteStream('in.bin.sealed'));
 * ```
 */

import { Transform, type TransformCallback } from 'node:stream';
import type { OpenOptions, SealOptions } from './message.ts';
import { OpenEngine } from './stream/open-engine.ts';
import { SealEngine } from './stream/seal-engine.ts';

export { nodeBackend } from './backend/node.ts';

/**
 * A Node.js `Transform` that seals the bytes written to it. Memory stays bounded by about one
 * frame plus the stream's own buffers.
 *
 * @throws (as a stream error) TypeError / RangeError for bad options; whatever a keyring throws.
 * @example
 * ```ts
 * await pipeline(source, createSealTransform({ keyring, context: { file: 'a.txt' } }), sink);
 * ```
 */
export function createSealTransform(options: SealOptions): Transform {
  let engine: Promise<SealEngine> | undefined;
  const started = (): Promise<SealEngine> => (engine ??= SealEngine.create(options));
  return new Transform({
    transform(chunk: Uint8Array, _encoding: BufferEncoding, callback: TransformCallback) {
      started().then((sealer) => {
        for (const sealed of sealer.write(chunk)) this.push(sealed);
        callback();
      }).catch(callback);
    },
    flush(callback: TransformCallback) {
      started().then((sealer) => {
        for (const sealed of sealer.end()) this.push(sealed);
        callback();
      }).catch(callback);
    },
    destroy(error, callback) {
      if (engine) engine.then((sealer) => sealer.abort(), () => undefined).finally(() => callback(error));
      else callback(error);
    },
  });
}

/**
 * A Node.js `Transform` that opens a sealed message, pushing each frame's plaintext only after the
 * frame authenticates. Errors with `EnvelopeError` on any failure.
 *
 * @example
 * ```ts
 * await pipeline(createReadStream('in.bin.sealed'), createOpenTransform({ keyring }), createWriteStream('out.bin'));
 * ```
 */
export function createOpenTransform(options: OpenOptions): Transform {
  const engine = new OpenEngine(options);
  return new Transform({
    transform(chunk: Uint8Array, _encoding: BufferEncoding, callback: TransformCallback) {
      engine.write(chunk).then((frames) => {
        for (const plaintext of frames) this.push(plaintext);
        callback();
      }, callback);
    },
    flush(callback: TransformCallback) {
      try {
        for (const plaintext of engine.end()) this.push(plaintext);
        callback();
      } catch (error) {
        callback(error as Error);
      }
    },
    destroy(error, callback) {
      // If a write is still unwrapping the data key, the engine destroys that frame key on return.
      engine.abort();
      callback(error);
    },
  });
}
