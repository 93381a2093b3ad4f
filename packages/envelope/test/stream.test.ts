import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { EnvelopeError } from '../src/errors.ts';
import { FRAME_TAG_LENGTH } from '../src/format/constants.ts';
import type { Keyring } from '../src/keyring.ts';
import { RawAesKeyring } from '../src/raw-aes-keyring.ts';
import { open, readHeader, seal } from '../src/seal.ts';
import { OpenEngine } from '../src/stream/open-engine.ts';
import { SealEngine } from '../src/stream/seal-engine.ts';
import { createOpenStream, createSealStream } from '../src/stream/web.ts';
import { defined } from './helpers/defined.ts';
import {
  chunksOf,
  concat,
  cutAt,
  flipBit,
  gatedKeyring,
  joinFrames,
  keyRecordingBackend,
  nobleBackend,
  pattern,
  pipeAll,
  runTransform,
  splitFrames,
  testKeyring,
} from './helpers/messages.ts';

const keyring = testKeyring('stream');
const context = { stream: 'yes' };
const cuts = fc.array(fc.nat(), { maxLength: 12 });

function expectDecryptFailed(error: unknown): void {
  expect(error).toBeInstanceOf(EnvelopeError);
  expect((error as EnvelopeError).code).toBe('DECRYPT_FAILED');
}

describe('web streams round trip', () => {
  it('seal stream output opens to the plaintext, for any chunking and frame length (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 200 }), fc.integer({ min: 1, max: 24 }), cuts, async (plaintext, frameLength, at) => {
        const sealed = await pipeAll(cutAt(plaintext, at), createSealStream({ keyring, context, frameLength }));
        const header = readHeader(sealed);
        expect(sealed.length).toBe(header.length + plaintext.length + 16 * (Math.floor(plaintext.length / frameLength) + 1));
        expect(await open(sealed, { keyring, context })).toEqual(plaintext);
      }),
      { numRuns: 100 },
    );
  });

  it('open stream returns the plaintext of a one-shot sealed message, for any chunking (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 200 }), fc.integer({ min: 1, max: 24 }), cuts, async (plaintext, frameLength, at) => {
        const sealed = await seal(plaintext, { keyring, context, frameLength });
        expect(await pipeAll(cutAt(sealed, at), createOpenStream({ keyring, context }))).toEqual(plaintext);
      }),
      { numRuns: 100 },
    );
  });

  it('seal stream piped into open stream returns the plaintext, with the noble backend too', async () => {
    const plaintext = pattern(1000);
    for (const backend of [undefined, nobleBackend]) {
      const options = backend ? { keyring, frameLength: 64, backend } : { keyring, frameLength: 64 };
      const sealed = await pipeAll(chunksOf(plaintext, 100), createSealStream(options));
      expect(await pipeAll(chunksOf(sealed, 77), createOpenStream(options))).toEqual(plaintext);
    }
  });

  it('an empty plaintext stream seals to a header and one empty final frame', async () => {
    const sealed = await pipeAll([], createSealStream({ keyring, frameLength: 16 }));
    expect(splitFrames(sealed).frames.map((f) => f.length)).toEqual([16]);
    expect(await pipeAll([sealed], createOpenStream({ keyring }))).toEqual(new Uint8Array(0));
  });
});

describe('the open stream releases only authenticated plaintext', () => {
  const F = 16;
  const plaintext = pattern(4 * F + 3); // frames 0..3 full, frame 4 final (3 bytes)

  it('a corrupted frame k releases exactly frames 0..k-1 (byte-by-byte input) and then errors', async () => {
    const { header, frames } = splitFrames(await seal(plaintext, { keyring, frameLength: F }));
    for (let k = 1; k < frames.length; k++) {
      const corrupted = frames.map((frame, i) => (i === k ? flipBit(frame, 3) : frame));
      const { output, error } = await runTransform(chunksOf(joinFrames(header, corrupted), 1), createOpenStream({ keyring }));
      expectDecryptFailed(error);
      expect(output.map((chunk) => chunk.length)).toEqual(Array(k).fill(F));
      expect(concat(...output)).toEqual(plaintext.subarray(0, k * F));
    }
  });

  it('a corrupted frame never releases any of its bytes, for any chunking (property)', async () => {
    const { header, frames } = splitFrames(await seal(plaintext, { keyring, frameLength: F }));
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: frames.length - 1 }), fc.nat(8 * (F + 16) - 1), cuts, async (k, bit, at) => {
        const corrupted = frames.map((frame, i) => (i === k ? flipBit(frame, bit % (frame.length * 8)) : frame));
        const { output, error } = await runTransform(cutAt(joinFrames(header, corrupted), at), createOpenStream({ keyring }));
        expectDecryptFailed(error);
        const released = concat(...output);
        expect(released.length % F).toBe(0);
        expect(released.length).toBeLessThanOrEqual(k * F);
        expect(released).toEqual(plaintext.subarray(0, released.length));
      }),
      { numRuns: 100 },
    );
  });

  it('input truncated at a frame boundary: the engine releases every kept (whole, hence regular) frame, then fails at the end (property)', async () => {
    const { header, frames } = splitFrames(await seal(plaintext, { keyring, frameLength: F }));
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: frames.length - 1 }), cuts, async (kept, at) => {
        const engine = new OpenEngine({ keyring });
        const released: Uint8Array[] = [];
        for (const chunk of cutAt(joinFrames(header, frames.slice(0, kept)), at)) released.push(...(await engine.write(chunk)));
        // A whole sealed frame (F + 16 bytes) is never the final one, so each kept frame is opened
        // as regular and released; the missing final frame is what end() refuses.
        expect(concat(...released)).toEqual(plaintext.subarray(0, kept * F));
        let error: unknown;
        try {
          engine.end();
        } catch (e) {
          error = e;
        }
        expectDecryptFailed(error);
      }),
      { numRuns: 100 },
    );
  });

  it('input truncated at a frame boundary errors the open stream at the end, after releasing only the kept regular frames', async () => {
    const { header, frames } = splitFrames(await seal(plaintext, { keyring, frameLength: F }));
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: frames.length - 1 }), cuts, async (kept, at) => {
        const { output, error } = await runTransform(cutAt(joinFrames(header, frames.slice(0, kept)), at), createOpenStream({ keyring }));
        expectDecryptFailed(error);
        // Web Streams drop chunks still queued when the stream errors, so fewer frames may arrive.
        const released = concat(...output);
        expect(released.length % F).toBe(0);
        expect(released.length).toBeLessThanOrEqual(kept * F);
        expect(released).toEqual(plaintext.subarray(0, released.length));
      }),
      { numRuns: 100 },
    );
    for (let kept = 1; kept < frames.length; kept++) {
      const { output, error } = await runTransform(chunksOf(joinFrames(header, frames.slice(0, kept)), 1), createOpenStream({ keyring }));
      expectDecryptFailed(error);
      expect(concat(...output)).toEqual(plaintext.subarray(0, kept * F));
    }
  });

  it('input truncated anywhere in the body errors and releases no partial frame', async () => {
    const sealed = await seal(plaintext, { keyring, frameLength: F });
    const headerLength = readHeader(sealed).length;
    for (let length = headerLength; length < sealed.length; length++) {
      const { output, error } = await runTransform(chunksOf(sealed.subarray(0, length), 7), createOpenStream({ keyring }));
      expectDecryptFailed(error);
      const released = concat(...output);
      expect(released.length % F).toBe(0);
      expect(released.length).toBeLessThanOrEqual(Math.floor((length - headerLength) / (F + 16)) * F);
      expect(released).toEqual(plaintext.subarray(0, released.length));
    }
  });

  it('input ending inside the header (or empty input) errors with MALFORMED_MESSAGE', async () => {
    const sealed = await seal(plaintext, { keyring, frameLength: F });
    for (const length of [0, 1, readHeader(sealed).length - 1]) {
      const { output, error } = await runTransform([sealed.slice(0, length)], createOpenStream({ keyring }));
      expect(error).toBeInstanceOf(EnvelopeError);
      expect((error as EnvelopeError).code).toBe('MALFORMED_MESSAGE');
      expect(output).toEqual([]);
    }
  });
});

describe('stream errors', () => {
  it('a keyring failure while sealing errors the seal stream with that exact error', async () => {
    const outage = new Error('KMS unreachable');
    const failing: Keyring = { wrapDataKey: () => Promise.reject(outage), unwrapDataKey: async () => undefined };
    const { output, error } = await runTransform([pattern(10)], createSealStream({ keyring: failing }));
    expect(error).toBe(outage);
    expect(output).toEqual([]);
  });

  it('a keyring failure while opening errors the open stream with that exact error', async () => {
    const outage = new Error('KMS throttled');
    const failing: Keyring = { wrapDataKey: () => Promise.reject(outage), unwrapDataKey: () => Promise.reject(outage) };
    const sealed = await seal(pattern(10), { keyring });
    const { error } = await runTransform([sealed], createOpenStream({ keyring: failing }));
    expect(error).toBe(outage);
  });

  it('a wrong expected context errors the open stream with DECRYPT_FAILED before releasing anything', async () => {
    const sealed = await seal(pattern(100), { keyring, context, frameLength: 16 });
    const { output, error } = await runTransform(chunksOf(sealed, 5), createOpenStream({ keyring, context: { stream: 'no' } }));
    expectDecryptFailed(error);
    expect(output).toEqual([]);
  });
});

describe('engines hold at most one frame (structural memory bound)', () => {
  it('SealEngine emits the header, then each sealed frame (F+16 bytes, as its ciphertext and its tag), buffering less than one frame', async () => {
    const total = (chunks: readonly Uint8Array[]): number => chunks.reduce((sum, chunk) => sum + chunk.length, 0);
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 20 }), fc.array(fc.nat(70), { maxLength: 10 }), async (F, sizes) => {
        const engine = await SealEngine.create({ keyring, frameLength: F });
        const emitted: Uint8Array[] = [];
        let written = 0;
        for (const size of sizes) {
          emitted.push(...engine.write(pattern(size, written)));
          written += size;
          const body = emitted.slice(1);
          // Node.js hands OpenSSL's ciphertext and tag on unjoined: F bytes, then 16.
          expect(body.every((chunk, index) => chunk.length === (index % 2 === 0 ? F : 16))).toBe(true);
          expect(total(body) % (F + 16)).toBe(0);
          const buffered = written - (total(body) / (F + 16)) * F;
          expect(buffered).toBeGreaterThanOrEqual(0);
          expect(buffered).toBeLessThan(F);
        }
        const last = engine.end();
        const final = sizes.length === 0 ? last.slice(1) : last;
        expect(total(final)).toBe((written % F) + 16);
        expect(defined(final.at(-1)).length).toBe(16);
        expect(() => engine.write(new Uint8Array(1))).toThrow(/already finished/);
      }),
      { numRuns: 60 },
    );
  });

  it('SealEngine with frames larger than its first buffer (which grows to a frame) seals any chunking into a message that opens to the plaintext', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 4097, max: 40_000 }), fc.nat(100_000), fc.array(fc.nat(100_000), { maxLength: 12 }), async (F, size, at) => {
        const plaintext = pattern(size);
        const engine = await SealEngine.create({ keyring, context, frameLength: F });
        const sealed: Uint8Array[] = [];
        for (const chunk of cutAt(plaintext, at)) sealed.push(...engine.write(chunk));
        sealed.push(...engine.end());
        const message = concat(...sealed);
        expect(message.length).toBe(readHeader(message).length + size + 16 * (Math.floor(size / F) + 1));
        // Buffer.equals: deep equality over up to 100 KB per run took minutes on a loaded machine.
        expect(Buffer.from(await open(message, { keyring, context })).equals(plaintext)).toBe(true);
      }),
      { numRuns: 40 },
    );
  });

  it('OpenEngine emits one frame of plaintext at a time and holds back at most one sealed frame', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 20 }), fc.nat(100), cuts, async (F, size, at) => {
        const plaintext = pattern(size);
        const sealed = await seal(plaintext, { keyring, frameLength: F });
        const headerLength = readHeader(sealed).length;
        const engine = new OpenEngine({ keyring });
        const released: Uint8Array[] = [];
        let fed = 0;
        for (const chunk of cutAt(sealed, at)) {
          released.push(...(await engine.write(chunk)));
          fed += chunk.length;
          expect(released.every((frame) => frame.length === F)).toBe(true);
          const heldBody = Math.max(0, fed - headerLength) - released.length * (F + 16);
          expect(heldBody).toBeGreaterThanOrEqual(0);
          expect(heldBody).toBeLessThanOrEqual(F + 16);
        }
        released.push(...engine.end());
        expect(concat(...released)).toEqual(plaintext);
        await expect(engine.write(new Uint8Array(1))).rejects.toThrow(/already finished/);
      }),
      { numRuns: 60 },
    );
  });
});

describe('cancellation', () => {
  it('cancelling the readable side of an open stream destroys the prepared frame key at once', async () => {
    const keyring = new RawAesKeyring({ name: 'cancel', key: new Uint8Array(32).fill(3) });
    const sealed = await seal(new Uint8Array(100), { keyring, frameLength: 16 });
    const backend = keyRecordingBackend();
    const stream = createOpenStream({ keyring, backend });
    const writer = stream.writable.getWriter();
    const reader = stream.readable.getReader();
    // Header plus the first sealed frame and one more byte: the commitment checks and one frame opens.
    const headerLength = readHeader(sealed).length;
    void writer.write(sealed.subarray(0, headerLength + 16 + 16 + 1));
    await reader.read();
    expect(backend.prepared).toHaveLength(1);
    expect(defined(backend.prepared[0]).destroyed).toBe(false);
    await reader.cancel('consumer went away');
    expect(defined(backend.prepared[0]).destroyed).toBe(true);
  });

  it('aborting the writable side of a seal stream destroys its frame key and errors the readable side', async () => {
    const keyring = new RawAesKeyring({ name: 'cancel', key: new Uint8Array(32).fill(3) });
    const backend = keyRecordingBackend();
    const stream = createSealStream({ keyring, frameLength: 16, backend });
    const writer = stream.writable.getWriter();
    const reader = stream.readable.getReader();
    void writer.write(new Uint8Array(40));
    await reader.read();
    expect(backend.prepared).toHaveLength(1);
    expect(defined(backend.prepared[0]).destroyed).toBe(false);
    await writer.abort('producer failed');
    expect(defined(backend.prepared[0]).destroyed).toBe(true);
    await expect(reader.read()).rejects.toBe('producer failed');
  });
});

describe('aborting while a keyring works', () => {
  const rawKeyring = () => new RawAesKeyring({ name: 'race', key: new Uint8Array(32).fill(4) });

  it('OpenEngine.abort() during the data-key unwrap destroys the frame key prepared after it, and the write rejects', async () => {
    const inner = rawKeyring();
    const sealed = await seal(pattern(100), { keyring: inner, frameLength: 16 });
    const keyring = gatedKeyring(inner);
    const backend = keyRecordingBackend();
    const engine = new OpenEngine({ keyring, backend });
    const writing = engine.write(sealed);
    await keyring.called;
    engine.abort();
    keyring.release();
    await expect(writing).rejects.toThrow(/aborted/);
    expect(backend.prepared).toHaveLength(1);
    expect(defined(backend.prepared[0]).destroyed).toBe(true);
    await expect(engine.write(new Uint8Array(1))).rejects.toThrow(/already finished/);
  });

  it('cancelling an open stream while its keyring unwraps destroys the frame key prepared afterwards', async () => {
    const inner = rawKeyring();
    const sealed = await seal(pattern(100), { keyring: inner, frameLength: 16 });
    const keyring = gatedKeyring(inner);
    const backend = keyRecordingBackend();
    const stream = createOpenStream({ keyring, backend });
    const writer = stream.writable.getWriter();
    const reader = stream.readable.getReader();
    writer.write(sealed).catch(() => undefined);
    // A pending read lifts the readable side's backpressure, so the transform (and unwrap) starts.
    reader.read().catch(() => undefined);
    await keyring.called;
    await reader.cancel('consumer went away');
    keyring.release();
    await vi.waitFor(() => expect(backend.prepared.map((entry) => entry.destroyed)).toEqual([true]));
  });

  it('cancelling a seal stream while its keyring wraps (start() pending) aborts the engine created afterwards', async () => {
    const keyring = gatedKeyring(rawKeyring());
    const backend = keyRecordingBackend();
    const stream = createSealStream({ keyring, frameLength: 16, backend });
    const reader = stream.readable.getReader();
    await keyring.called;
    await reader.cancel('consumer went away');
    keyring.release();
    await vi.waitFor(() => expect(backend.prepared.map((entry) => entry.destroyed)).toEqual([true]));
  });
});

describe('whole sealed frames are opened on arrival', () => {
  it('OpenEngine releases a frame as soon as its F + 16 bytes are in, never waiting for the next byte (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 20 }), fc.nat(80), async (F, extra) => {
        const plaintext = pattern(F + extra);
        const { header, frames } = splitFrames(await seal(plaintext, { keyring, frameLength: F }));
        const engine = new OpenEngine({ keyring });
        expect(await engine.write(header)).toEqual([]);
        for (let i = 0; i < frames.length - 1; i++) {
          // Byte by byte: nothing until the frame's last byte, then exactly that frame.
          const frame = defined(frames[i]);
          for (let b = 0; b < frame.length - 1; b++) expect(await engine.write(frame.subarray(b, b + 1))).toEqual([]);
          expect(await engine.write(frame.subarray(frame.length - 1))).toEqual([plaintext.subarray(i * F, (i + 1) * F)]);
        }
        // The final frame is shorter than F + 16, so only end() can tell it is complete.
        expect(await engine.write(defined(frames.at(-1)))).toEqual([]);
        expect(concat(...engine.end())).toEqual(plaintext.subarray((frames.length - 1) * F));
      }),
      { numRuns: 60 },
    );
  });

  it('OpenEngine holds back strictly less than one sealed frame (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 20 }), fc.nat(100), cuts, async (F, size, at) => {
        const sealed = await seal(pattern(size), { keyring, frameLength: F });
        const headerLength = readHeader(sealed).length;
        const engine = new OpenEngine({ keyring });
        let releasedFrames = 0;
        let fed = 0;
        // Cuts at every frame boundary as well as the random ones: a chunk ending exactly on a
        // boundary is the case where a whole frame could be held back.
        const boundaries = Array.from({ length: Math.floor(size / F) }, (_, i) => headerLength + (i + 1) * (F + FRAME_TAG_LENGTH));
        for (const chunk of cutAt(sealed, [...at.map((c) => c % (sealed.length + 1)), ...boundaries])) {
          releasedFrames += (await engine.write(chunk)).length;
          fed += chunk.length;
          const heldBody = Math.max(0, fed - headerLength) - releasedFrames * (F + FRAME_TAG_LENGTH);
          expect(heldBody).toBeGreaterThanOrEqual(0);
          expect(heldBody).toBeLessThan(F + FRAME_TAG_LENGTH);
        }
        engine.end();
      }),
      { numRuns: 60 },
    );
  });
});
