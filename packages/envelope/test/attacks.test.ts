import { describe, expect, it } from 'vitest';
import type { Backend } from '../src/backend/types.ts';
import { EnvelopeError } from '../src/errors.ts';
import { openRange, openRangeWithHeader, type RandomAccessSource } from '../src/open-range.ts';
import { open, openWithHeader, readHeader, seal, sealedLayout } from '../src/seal.ts';
import { OpenEngine } from '../src/stream/open-engine.ts';
import { BACKENDS, concat, flipBit, joinFrames, nodeBackend, paddedKeyring, pattern, splitFrames, testKeyring } from './helpers/messages.ts';

// The cryptographic review's attacks, kept as tests: truncation and extension against every way
// of opening, the single-bit tamper battery on both backends and on openRange, and the cost of
// opening a message with a large header, measured as work done (bytes fed to GHASH and HMAC).

const F = 16;
const context = { purpose: 'attacks', tenant: 'acme' };

async function failure(run: Promise<unknown>): Promise<EnvelopeError> {
  const error = await run.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(EnvelopeError);
  return error as EnvelopeError;
}

/** Opens with the streaming engine, feeding `chunk`-byte pieces. */
async function openStreaming(sealed: Uint8Array, keyring: ReturnType<typeof testKeyring>, chunk = 7): Promise<Uint8Array> {
  const engine = new OpenEngine({ keyring });
  const out: Uint8Array[] = [];
  for (let i = 0; i < sealed.length; i += chunk) out.push(...(await engine.write(sealed.subarray(i, i + chunk))));
  out.push(...engine.end());
  return concat(...out);
}

/** A source over a buffer that records every read. */
function recordingSource(bytes: Uint8Array): RandomAccessSource & { reads: [number, number][] } {
  const reads: [number, number][] = [];
  return { size: bytes.length, reads, read: (offset, length) => (reads.push([offset, length]), bytes.subarray(offset, offset + length)) };
}

describe.each([1, 2] as const)('format version %i: truncation and extension', (formatVersion) => {
  const keyring = testKeyring('attacks', 3);
  const plaintext = pattern(5 * F + 7); // frames 0..4 regular, frame 5 final with 7 bytes

  it('open and the streaming opener refuse every truncation and every extension', async () => {
    const sealed = await seal(plaintext, { keyring, context, frameLength: F, formatVersion });
    const header = readHeader(sealed);
    const variants: Uint8Array[] = [];
    for (let cut = header.length; cut < sealed.length; cut++) variants.push(sealed.subarray(0, cut));
    const { frames } = splitFrames(sealed);
    const lastFrame = frames.at(-1) ?? new Uint8Array(0);
    variants.push(concat(sealed, Uint8Array.of(0)), concat(sealed, new Uint8Array(F + 16)), concat(sealed, lastFrame));
    for (const bytes of variants) {
      expect((await failure(open(bytes, { keyring }))).code).toBe('DECRYPT_FAILED');
      expect((await failure(openStreaming(bytes, keyring))).code).toBe('DECRYPT_FAILED');
    }
    expect(await open(sealed, { keyring })).toEqual(plaintext);
    expect(await openStreaming(sealed, keyring)).toEqual(plaintext);
  });

  it("openRange 'range' serves a truncated or extended copy (documented); 'length' refuses it with one extra read", async () => {
    const sealed = await seal(plaintext, { keyring, context, frameLength: F, formatVersion });
    const { header, frames } = splitFrames(sealed);
    // Frames 0..3 kept and frame 4 cut to 21 bytes: a body whose layout is valid (a "final" frame of 5 bytes).
    const truncated = joinFrames(header, [...frames.slice(0, 4), (frames[4] ?? new Uint8Array(0)).subarray(0, 21)]);
    const extended = concat(sealed, new Uint8Array(F + 16 + 3));
    for (const bytes of [truncated, extended]) {
      const loose = await openRangeWithHeader(bytes, F, F, { keyring });
      expect(loose.plaintext).toEqual(plaintext.subarray(F, 2 * F));
      expect(loose.lengthVerified).toBe(false);
      expect(loose.plaintextLength).not.toBe(plaintext.length);
      expect((await failure(openRange(bytes, F, F, { keyring, verify: 'length' }))).code).toBe('DECRYPT_FAILED');
    }
    const source = recordingSource(sealed);
    const strict = await openRangeWithHeader(source, F, F, { keyring, verify: 'length' });
    expect(strict).toMatchObject({ plaintext: plaintext.subarray(F, 2 * F), plaintextLength: plaintext.length, lengthVerified: true });
    // The header read, the covering frame, then the final frame: one extra read of one frame.
    expect(source.reads.slice(1)).toEqual([
      [header.length + (F + 16), F + 16],
      [header.length + 5 * (F + 16), 7 + 16],
    ]);
    // A range that covers the final frame has verified the length without an extra read.
    const tail = recordingSource(sealed);
    expect((await openRangeWithHeader(tail, plaintext.length - 3, 3, { keyring })).lengthVerified).toBe(true);
    expect(tail.reads).toHaveLength(2);
  });

  it('openRangeWithHeader and openWithHeader return the authenticated header facts', async () => {
    const other = paddedKeyring('second-keyring');
    const sealed = await seal(plaintext, { keyring: [keyring, other], context, frameLength: F, formatVersion });
    const expected = { version: formatVersion, suite: 1, context, keyringIds: ['raw-aes:attacks', 'second-keyring'], frameLength: F };
    const opened = await openWithHeader(sealed, { keyring: other });
    expect(opened.plaintext).toEqual(plaintext);
    expect(opened.header).toMatchObject({ ...expected, unwrappedBy: 'second-keyring' });
    expect(opened.header.messageId).toEqual(readHeader(sealed).messageId);
    const ranged = await openRangeWithHeader(sealed, 0, 0, { keyring });
    expect(ranged.header).toMatchObject({ ...expected, unwrappedBy: 'raw-aes:attacks' });
  });
});

describe.each(BACKENDS.map((backend) => [backend.name, backend] as const))('single-bit tamper battery on the %s backend', (_name, backend) => {
  for (const formatVersion of [1, 2] as const) {
    it(`format version ${formatVersion}: every flipped bit fails open; openRange fails exactly when the bit lies in the header, a covering frame or (verify 'length') the final frame`, async () => {
      const keyring = testKeyring('battery', 5, backend);
      const plaintext = pattern(3 * F + 5); // frames 0..2 regular, frame 3 final
      const sealed = await seal(plaintext, { keyring, context, frameLength: F, backend, formatVersion });
      const headerLength = readHeader(sealed).length;
      const frameOf = (byte: number): number => Math.floor((byte - headerLength) / (F + 16));
      for (let bit = 0; bit < sealed.length * 8; bit++) {
        const tampered = flipBit(sealed, bit);
        await failure(open(tampered, { keyring, backend }));
        const byte = bit >> 3;
        // Range [F, 2F): frame 1 alone.
        const loose = openRange(tampered, F, F, { keyring, backend });
        const strict = openRange(tampered, F, F, { keyring, backend, verify: 'length' });
        if (byte < headerLength || frameOf(byte) === 1) {
          await failure(loose);
          await failure(strict);
        } else if (frameOf(byte) === 3) {
          expect(await loose).toEqual(plaintext.subarray(F, 2 * F));
          await failure(strict);
        } else {
          // Frames 0 and 2 are neither read nor needed: the bytes returned are still authentic.
          expect(await loose).toEqual(plaintext.subarray(F, 2 * F));
          expect(await strict).toEqual(plaintext.subarray(F, 2 * F));
        }
      }
    }, 120_000);
  }
});

/** Counts the bytes each primitive is fed: GCM AAD (GHASH input besides the ciphertext) and HMAC/HKDF input. */
function workMeter(inner: Backend = nodeBackend): Backend & { work: { aadBytes: number; macBytes: number; frames: number } } {
  const work = { aadBytes: 0, macBytes: 0, frames: 0 };
  return {
    ...inner,
    work,
    prepareAesGcm(key, expectedLength) {
      const prepared = inner.prepareAesGcm(key, expectedLength);
      return {
        ...prepared,
        decrypt(nonce, sealed, aad, output) {
          work.frames++;
          work.aadBytes += aad?.length ?? 0;
          return prepared.decrypt(nonce, sealed, aad, output);
        },
      };
    },
    hkdfSha256Expand(prk, info, length) {
      work.macBytes += info.length * Math.ceil(length / 32);
      return inner.hkdfSha256Expand(prk, info, length);
    },
    hmacSha256(key, data) {
      work.macBytes += data.length;
      return inner.hmacSha256(key, data);
    },
  };
}

describe('opening cost with a large header (the reviewer: 184 KB header, 1-byte frames)', () => {
  it('version 2 hashes the header a bounded number of times per message, whatever the frame count; version 1 feeds it to every frame', async () => {
    // 16 wrapped keys of 8 KiB: a header of about 131 KB, and 300 one-byte frames.
    const keyrings = Array.from({ length: 16 }, (_, i) => paddedKeyring(`big-${i}`, 8192));
    const plaintext = pattern(300);
    const measure = async (formatVersion: 1 | 2) => {
      const sealed = await seal(plaintext, { keyring: keyrings, frameLength: 1, formatVersion });
      const backend = workMeter();
      expect(await open(sealed, { keyring: keyrings[15] ?? keyrings, backend })).toEqual(plaintext);
      return { headerLength: readHeader(sealed).length, ...backend.work };
    };
    const v2 = await measure(2);
    const v1 = await measure(1);
    expect(v2.headerLength).toBeGreaterThan(130_000);
    expect(v2.frames).toBe(301);
    // Version 2: no frame sees any AAD; the key derivation reads the header twice (two HKDF blocks).
    expect(v2.aadBytes).toBe(0);
    expect(v2.macBytes).toBeLessThanOrEqual(2 * v2.headerLength + 256);
    // Version 1 (kept readable): every frame's GHASH runs over the whole header.
    expect(v1.aadBytes).toBe(301 * v1.headerLength);
    // The work per additional frame does not depend on the header at all in version 2.
    const small = await (async () => {
      const sealed = await seal(plaintext, { keyring: paddedKeyring('small'), frameLength: 1 });
      const backend = workMeter();
      await open(sealed, { keyring: paddedKeyring('small'), backend });
      return backend.work;
    })();
    expect(small.aadBytes).toBe(v2.aadBytes);
  });
});

describe('refusing version 1 where only version 2 is expected', () => {
  it('formatVersions: [2] refuses a version 1 message with UNSUPPORTED_VERSION before any keyring call, in every way of opening', async () => {
    let unwraps = 0;
    const inner = testKeyring('versions');
    const counting = {
      ...inner,
      wrapDataKey: inner.wrapDataKey.bind(inner),
      unwrapDataKey: (w: Parameters<typeof inner.unwrapDataKey>[0], c: Parameters<typeof inner.unwrapDataKey>[1]) => (unwraps++, inner.unwrapDataKey(w, c)),
    };
    const v1 = await seal(pattern(40), { keyring: inner, frameLength: F, formatVersion: 1 });
    const v2 = await seal(pattern(40), { keyring: inner, frameLength: F });
    const options = { keyring: counting, formatVersions: [2] as const };
    for (const attempt of [open(v1, options), openRange(v1, 0, 4, options), openRange(v1, 0, 0, options)]) {
      expect((await failure(attempt)).code).toBe('UNSUPPORTED_VERSION');
    }
    const engine = new OpenEngine(options);
    expect((await failure(engine.write(v1))).code).toBe('UNSUPPORTED_VERSION');
    expect(unwraps).toBe(0);
    expect(await open(v2, options)).toEqual(pattern(40));
    expect(await open(v1, { keyring: counting, formatVersions: [1, 2] })).toEqual(pattern(40));
    await expect(open(v2, { keyring: inner, formatVersions: [] })).rejects.toThrow(TypeError);
    await expect(open(v2, { keyring: inner, formatVersions: [3 as never] })).rejects.toThrow(TypeError);
  });
});

describe('sealedLayout', () => {
  it('gives the plaintext length and frame count a size implies, from the header alone, or undefined for an impossible size', async () => {
    const keyring = testKeyring('layout');
    for (const length of [0, 1, F - 1, F, 3 * F + 5]) {
      const sealed = await seal(pattern(length), { keyring, frameLength: F });
      const header = readHeader(sealed);
      expect(sealedLayout(header, sealed.length)).toEqual({
        headerLength: header.length,
        frameLength: F,
        frameCount: Math.floor(length / F) + 1,
        plaintextLength: length,
      });
      // A size whose final piece would be F or more bytes, or shorter than a tag: no sealer writes it.
      expect(sealedLayout(header, header.length + 15)).toBeUndefined();
      expect(sealedLayout(header, header.length + F + 16)).toBeUndefined();
      expect(sealedLayout(header, 3)).toBeUndefined();
    }
    const one = readHeader(await seal(pattern(1), { keyring }));
    expect(() => sealedLayout(one, -1)).toThrow(RangeError);
  });
});
