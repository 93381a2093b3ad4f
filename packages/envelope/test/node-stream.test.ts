import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { EnvelopeError } from '../src/errors.ts';
import type { Keyring } from '../src/keyring.ts';
import { createOpenTransform, createSealTransform, nodeBackend } from '../src/node.ts';
import { open, seal } from '../src/seal.ts';
import { defined } from './helpers/defined.ts';
import { chunksOf, concat, cutAt, flipBit, gatedKeyring, joinFrames, keyRecordingBackend, pattern, splitFrames, testKeyring } from './helpers/messages.ts';

const keyring = testKeyring('node-stream');
const context = { adapter: 'node' };

/** A Writable that records every chunk it receives. */
function collector(): { sink: Writable; chunks: Uint8Array[] } {
  const chunks: Uint8Array[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(new Uint8Array(chunk));
      callback();
    },
  });
  return { sink, chunks };
}

const source = (chunks: readonly Uint8Array[]) =>
  Readable.from(
    chunks.map((c) => Buffer.from(c)),
    { objectMode: false },
  );

async function through(chunks: readonly Uint8Array[], transform: NodeJS.ReadWriteStream): Promise<{ output: Uint8Array; error: unknown }> {
  const { sink, chunks: out } = collector();
  let error: unknown;
  await pipeline(source(chunks), transform, sink).catch((e: unknown) => {
    error = e;
  });
  return { output: concat(...out), error };
}

describe('Node.js stream adapters', () => {
  it('createSealTransform output opens with open(), for any chunking (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 300 }),
        fc.integer({ min: 1, max: 40 }),
        fc.array(fc.nat(), { maxLength: 8 }),
        async (plaintext, frameLength, at) => {
          const { output, error } = await through(cutAt(plaintext, at), createSealTransform({ keyring, context, frameLength }));
          expect(error).toBeUndefined();
          expect(await open(output, { keyring, context })).toEqual(plaintext);
        },
      ),
      { numRuns: 50 },
    );
  });

  it('createOpenTransform returns the plaintext of a one-shot sealed message, for any chunking (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 300 }),
        fc.integer({ min: 1, max: 40 }),
        fc.array(fc.nat(), { maxLength: 8 }),
        async (plaintext, frameLength, at) => {
          const sealed = await seal(plaintext, { keyring, context, frameLength });
          const { output, error } = await through(cutAt(sealed, at), createOpenTransform({ keyring, context }));
          expect(error).toBeUndefined();
          expect(output).toEqual(plaintext);
        },
      ),
      { numRuns: 50 },
    );
  });

  it('seal transform piped into open transform round trips a multi-frame message', async () => {
    const plaintext = pattern(300_000);
    const { sink, chunks } = collector();
    await pipeline(
      source(chunksOf(plaintext, 10_000)),
      createSealTransform({ keyring, frameLength: 4096, backend: nodeBackend }),
      createOpenTransform({ keyring, backend: nodeBackend }),
      sink,
    );
    expect(Buffer.from(concat(...chunks)).equals(plaintext)).toBe(true);
    expect(chunks.every((chunk) => chunk.length <= 4096)).toBe(true);
  });

  it('a tampered frame makes the pipeline reject with DECRYPT_FAILED, after only authenticated frames', async () => {
    const plaintext = pattern(100);
    const { header, frames } = splitFrames(await seal(plaintext, { keyring, frameLength: 16 }));
    frames[3] = flipBit(defined(frames[3]), 40);
    const { output, error } = await through(chunksOf(joinFrames(header, frames), 1), createOpenTransform({ keyring }));
    expect(error).toBeInstanceOf(EnvelopeError);
    expect((error as EnvelopeError).code).toBe('DECRYPT_FAILED');
    expect(output).toEqual(plaintext.subarray(0, 3 * 16));
  });

  it('a truncated message makes the pipeline reject with DECRYPT_FAILED at the end', async () => {
    const sealed = await seal(pattern(100), { keyring, frameLength: 16 });
    const { error } = await through([sealed.subarray(0, sealed.length - 1)], createOpenTransform({ keyring }));
    expect((error as EnvelopeError).code).toBe('DECRYPT_FAILED');
  });

  it('garbage input makes the pipeline reject with the header error', async () => {
    const { error } = await through([Uint8Array.of(9, 9, 9)], createOpenTransform({ keyring }));
    expect((error as EnvelopeError).code).toBe('UNSUPPORTED_VERSION');
    const empty = await through([], createOpenTransform({ keyring }));
    expect((empty.error as EnvelopeError).code).toBe('MALFORMED_MESSAGE');
  });

  it('a keyring failure surfaces unchanged from the seal and open pipelines', async () => {
    const outage = new Error('KMS unreachable');
    const failing: Keyring = { wrapDataKey: () => Promise.reject(outage), unwrapDataKey: () => Promise.reject(outage) };
    const sealing = await through([pattern(10)], createSealTransform({ keyring: failing }));
    expect(sealing.error).toBe(outage);
    const sealed = await seal(pattern(10), { keyring });
    const opening = await through([sealed], createOpenTransform({ keyring: failing }));
    expect(opening.error).toBe(outage);
  });

  it('bad options surface as a TypeError / RangeError from the seal pipeline', async () => {
    const badFrame = await through([pattern(10)], createSealTransform({ keyring, frameLength: 0 }));
    expect(badFrame.error).toBeInstanceOf(RangeError);
    const badKeyring = await through([pattern(10)], createSealTransform({ keyring: {} as Keyring }));
    expect(badKeyring.error).toBeInstanceOf(TypeError);
  });

  it('a downstream failure destroys the open transform and the pipeline rejects with that error', async () => {
    const sealed = await seal(pattern(200), { keyring, frameLength: 16 });
    const boom = new Error('disk full');
    const sink = new Writable({ write: (_chunk, _encoding, callback) => callback(boom) });
    const transform = createOpenTransform({ keyring });
    await expect(pipeline(source(chunksOf(sealed, 10)), transform, sink)).rejects.toBe(boom);
    expect(transform.destroyed).toBe(true);
  });
});

describe('destroying a Node.js transform while its keyring works', () => {
  it('createOpenTransform destroyed during the data-key unwrap destroys the frame key prepared afterwards', async () => {
    const sealed = await seal(pattern(100), { keyring, frameLength: 16 });
    const gated = gatedKeyring(keyring);
    const backend = keyRecordingBackend();
    const transform = createOpenTransform({ keyring: gated, backend });
    transform.on('error', () => undefined);
    transform.write(sealed);
    await gated.called;
    transform.destroy();
    gated.release();
    await vi.waitFor(() => expect(backend.prepared.map((entry) => entry.destroyed)).toEqual([true]));
  });

  it('createSealTransform destroyed while its keyring wraps aborts the engine once it exists', async () => {
    const gated = gatedKeyring(keyring);
    const backend = keyRecordingBackend();
    const transform = createSealTransform({ keyring: gated, frameLength: 16, backend });
    transform.on('error', () => undefined);
    transform.write(pattern(40));
    await gated.called;
    transform.destroy();
    gated.release();
    await vi.waitFor(() => expect(backend.prepared.map((entry) => entry.destroyed)).toEqual([true]));
  });
});
