/**
 * @module
 * `@strongbox/envelope/node`: the `node:crypto` backend and Node.js stream adapters. Outside the
 * `node` export condition the main entry (`@strongbox/envelope`) reaches no Node.js built-in; under
 * it, only its default backend does (`node:crypto`). Everything else Node-specific is here.
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
 * import { createReadStream, createWriteStream } from 'node:fs';
 * import { pipeline } from 'node:stream/promises';
 * import { RawAesKeyring } from '@strongbox/envelope';
 * import { createSealTransform } from '@strongbox/envelope/node';
 * const keyring = new RawAesKeyring({ name: 'files', key: crypto.getRandomValues(new Uint8Array(32)) });
 * await pipeline(createReadStream('a.txt'), createSealTransform({ keyring, context: { file: 'a.txt' } }), createWriteStream('a.txt.sealed'));
 * ```
 */
export function createSealTransform(options: SealOptions): Transform {
  let engine: Promise<SealEngine> | undefined;
  const started = (): Promise<SealEngine> => (engine ??= SealEngine.create(options));
  return new Transform({
    transform(chunk: Uint8Array, _encoding: BufferEncoding, callback: TransformCallback) {
      started()
        .then((sealer) => {
          for (const sealed of sealer.write(chunk)) this.push(sealed);
          callback();
        })
        .catch(callback);
    },
    flush(callback: TransformCallback) {
      started()
        .then((sealer) => {
          for (const sealed of sealer.end()) this.push(sealed);
          callback();
        })
        .catch(callback);
    },
    destroy(error, callback) {
      if (engine)
        engine
          .then(
            (sealer) => sealer.abort(),
            () => undefined,
          )
          .finally(() => callback(error));
      else callback(error);
    },
  });
}

/**
 * A Node.js `Transform` that opens a sealed message, pushing each frame's plaintext only after the
 * frame authenticates. Errors with `EnvelopeError` on any failure; a consumer must treat plaintext
 * already received from an errored stream as incomplete.
 *
 * @throws (as a stream error) TypeError / RangeError for bad options (checked once the header has
 *   arrived); TypeError for a chunk that is not a Uint8Array.
 * @throws (as a stream error) EnvelopeError as `open` does: `DECRYPT_FAILED` for any
 *   authentication failure, including a truncated body; `MALFORMED_MESSAGE`, `UNSUPPORTED_VERSION`
 *   or `UNSUPPORTED_SUITE` for a header that cannot be parsed (or input that ends inside it);
 *   whatever a keyring throws, unchanged.
 * @example
 * ```ts
 * import { createReadStream, createWriteStream } from 'node:fs';
 * import { pipeline } from 'node:stream/promises';
 * import { RawAesKeyring } from '@strongbox/envelope';
 * import { createOpenTransform, createSealTransform } from '@strongbox/envelope/node';
 * const keyring = new RawAesKeyring({ name: 'files', key: crypto.getRandomValues(new Uint8Array(32)) });
 * await pipeline(createReadStream('a.txt'), createSealTransform({ keyring }), createWriteStream('a.txt.sealed'));
 * await pipeline(createReadStream('a.txt.sealed'), createOpenTransform({ keyring }), createWriteStream('a.copy.txt'));
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
