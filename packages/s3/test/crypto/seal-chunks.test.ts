import { type Backend, RawAesKeyring, SealEngine } from '@strongbox/envelope';
import { nodeBackend } from '@strongbox/envelope/node';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { JOIN_LIMIT, openChunks, rawAesKeyring, type SealMeter, sealChunks } from '../../src/crypto/envelope-adapter.ts';

const CONTEXT = { 'aws:s3:arn': 'arn:aws:s3:::b/k' };
const FRAME = 4096;
const WRAPPING_KEY = Uint8Array.from({ length: 32 }, (_, i) => i + 1);

/** The node backend with a counter for randomness: two seals of one body give the same bytes. */
function repeatableBackend(): Backend {
  let counter = 0;
  return { ...nodeBackend, randomBytes: (length) => Uint8Array.from({ length }, () => ++counter & 0xff) };
}

function repeatableKeyring(): RawAesKeyring {
  return new RawAesKeyring({ name: 'seal-chunks', key: WRAPPING_KEY, backend: repeatableBackend() });
}

async function* from(chunks: readonly Uint8Array[]): AsyncGenerator<Uint8Array> {
  yield* chunks;
}

function join(chunks: readonly Uint8Array[]): Uint8Array {
  return Buffer.concat(chunks);
}

function pieces(body: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((cut) => cut % (body.length + 1)))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let start = 0;
  for (const point of [...points, body.length]) {
    out.push(body.slice(start, point));
    start = point;
  }
  return out;
}

/** What `sealChunks` yields, and what the envelope's engine alone yields for the same input. */
async function sealBoth(body: readonly Uint8Array[]): Promise<{ chunks: Uint8Array[]; meter: SealMeter; engine: Uint8Array[] }> {
  const meter: SealMeter = { size: 0, ended: false };
  const chunks: Uint8Array[] = [];
  // The keyring draws its wrap nonce from its own backend: repeatable too, one per seal.
  const layer = { keyring: repeatableKeyring(), context: CONTEXT, backend: repeatableBackend() };
  for await (const chunk of sealChunks(from(body), layer, FRAME, meter)) chunks.push(chunk);
  const engine = await SealEngine.create({ keyring: repeatableKeyring(), context: CONTEXT, frameLength: FRAME, backend: repeatableBackend() });
  const direct: Uint8Array[] = [];
  for (const chunk of body) direct.push(...engine.write(chunk));
  direct.push(...engine.end());
  return { chunks, meter, engine: direct };
}

describe('sealChunks', () => {
  it('seals a small body as one chunk: the header, ciphertext and tag the engine gives, joined', async () => {
    const body = Uint8Array.from({ length: 1024 }, (_, i) => i & 0xff);
    const { chunks, meter, engine } = await sealBoth([body]);
    expect(engine.length).toBe(3);
    expect(chunks).toHaveLength(1);
    expect(Buffer.from(join(chunks))).toEqual(Buffer.from(join(engine)));
    expect(meter).toEqual({ size: join(engine).length, ended: true });
  });

  it('streams a body past JOIN_LIMIT as the engine seals it, chunk for chunk', async () => {
    const body = Uint8Array.from({ length: JOIN_LIMIT + 1 }, (_, i) => (i * 7) & 0xff);
    const { chunks, meter, engine } = await sealBoth(pieces(body, [1000, 5000, 9000]));
    expect(chunks.map((chunk) => chunk.length)).toEqual(engine.map((chunk) => chunk.length));
    expect(Buffer.from(join(chunks))).toEqual(Buffer.from(join(engine)));
    expect(meter).toEqual({ size: join(engine).length, ended: true });
  });

  it('property: any body, cut anywhere, seals to the bytes the engine gives, in one chunk exactly when they fit JOIN_LIMIT, and opens again', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: JOIN_LIMIT + 3 * FRAME }), fc.array(fc.nat(), { maxLength: 6 }), async (length, cuts) => {
        const body = Uint8Array.from({ length }, (_, i) => (i * 31 + length) & 0xff);
        const { chunks, meter, engine } = await sealBoth(pieces(body, cuts));
        const sealed = join(engine);
        expect(Buffer.from(join(chunks))).toEqual(Buffer.from(sealed));
        expect(meter).toEqual({ size: sealed.length, ended: true });
        if (sealed.length <= JOIN_LIMIT) expect(chunks).toHaveLength(1);
        else expect(chunks.map((chunk) => chunk.length)).toEqual(engine.map((chunk) => chunk.length));
        const opened: Uint8Array[] = [];
        for await (const chunk of openChunks(from(chunks), { keyring: rawAesKeyring('seal-chunks', WRAPPING_KEY), context: CONTEXT })) opened.push(chunk);
        expect(Buffer.from(join(opened))).toEqual(Buffer.from(body));
      }),
      { numRuns: 40 },
    );
  });
});
