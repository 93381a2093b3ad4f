import { describe, expect, it } from 'vitest';
import type { Backend } from '../src/backend/types.ts';
import { type EncryptionContext, normalizeEncryptionContext } from '../src/context.ts';
import { EnvelopeError } from '../src/errors.ts';
import type { Keyring, WrappedDataKey } from '../src/keyring.ts';
import { RawAesKeyring } from '../src/raw-aes-keyring.ts';
import { open, readHeader, seal } from '../src/seal.ts';
import { defined } from './helpers/defined.ts';
import { flipBit, hex, nobleBackend, nodeBackend, paddedKeyring, pattern, testKey, testKeyring } from './helpers/messages.ts';

const dataKey = testKey(0x40);
const context = { tenant: 'acme', purpose: 'keyring' };

async function expectDecryptFailed(run: Promise<unknown>): Promise<void> {
  const error = await run.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(EnvelopeError);
  expect((error as EnvelopeError).code).toBe('DECRYPT_FAILED');
}

describe('RawAesKeyring', () => {
  it('wraps a 32-byte key into 60 bytes (12 nonce, 32 ciphertext, 16 tag) under the id raw-aes:<name>', async () => {
    const keyring = testKeyring('wrap');
    const wrapped = await keyring.wrapDataKey(dataKey, context);
    expect(keyring.id).toBe('raw-aes:wrap');
    expect(wrapped.keyringId).toBe('raw-aes:wrap');
    expect(wrapped.ciphertext.length).toBe(60);
    expect(hex(wrapped.ciphertext)).not.toContain(hex(dataKey));
    expect(await keyring.unwrapDataKey(wrapped, { purpose: 'keyring', tenant: 'acme' })).toEqual(dataKey);
  });

  it('unwraps across backends (node wraps, noble unwraps and vice versa)', async () => {
    const node = testKeyring('x', 3, nodeBackend);
    const noble = testKeyring('x', 3, nobleBackend);
    expect(await noble.unwrapDataKey(await node.wrapDataKey(dataKey, context), context)).toEqual(dataKey);
    expect(await node.unwrapDataKey(await noble.wrapDataKey(dataKey, context), context)).toEqual(dataKey);
  });

  it('returns undefined for another keyring id, another context, or a short blob', async () => {
    const keyring = testKeyring('a');
    const wrapped = await keyring.wrapDataKey(dataKey, context);
    const sameKeyOtherName = testKeyring('b');
    expect(await sameKeyOtherName.unwrapDataKey(wrapped, context)).toBeUndefined();
    expect(await sameKeyOtherName.unwrapDataKey({ ...wrapped, keyringId: 'raw-aes:b' }, context)).toBeUndefined();
    expect(await testKeyring('a', 2).unwrapDataKey(wrapped, context)).toBeUndefined();
    for (const other of [{}, { tenant: 'acme' }, { ...context, extra: '' }, { tenant: 'acme', purpose: 'Keyring' }]) {
      expect(await keyring.unwrapDataKey(wrapped, other)).toBeUndefined();
    }
    for (const length of [0, 1, 27, 28]) {
      expect(await keyring.unwrapDataKey({ ...wrapped, ciphertext: wrapped.ciphertext.slice(0, length) }, context)).toBeUndefined();
    }
  });

  it('returns undefined for every single-bit flip of the wrapped blob', async () => {
    const keyring = testKeyring('flip');
    const wrapped = await keyring.wrapDataKey(dataKey, context);
    for (let bit = 0; bit < wrapped.ciphertext.length * 8; bit++) {
      expect(await keyring.unwrapDataKey({ ...wrapped, ciphertext: flipBit(wrapped.ciphertext, bit) }, context)).toBeUndefined();
    }
  });

  it('binds each call to the context it is given, even when the caller mutates one context object between calls', async () => {
    const keyring = testKeyring('alternate');
    const a = normalizeEncryptionContext({ tenant: 'a' });
    const b = normalizeEncryptionContext({ tenant: 'b' });
    const mutable: Record<string, string> = { tenant: 'a' };
    const underA = await keyring.wrapDataKey(dataKey, a);
    const underB = await keyring.wrapDataKey(dataKey, b);
    const underMutableA = await keyring.wrapDataKey(dataKey, mutable);
    mutable['tenant'] = 'b';
    const underMutableB = await keyring.wrapDataKey(dataKey, mutable);
    for (const [wrapped, right, wrong] of [
      [underA, a, b],
      [underB, b, a],
      [underMutableA, a, b],
      [underMutableB, b, a],
    ] as const) {
      expect(await keyring.unwrapDataKey(wrapped, right)).toEqual(dataKey);
      expect(await keyring.unwrapDataKey(wrapped, wrong)).toBeUndefined();
    }
  });

  it('copies the wrapping key, and after destroy() refuses to wrap or unwrap', async () => {
    const key = testKey(9);
    const keyring = new RawAesKeyring({ name: 'd', key });
    key.fill(0);
    const wrapped = await keyring.wrapDataKey(dataKey, context);
    expect(await testKeyring('d', 9).unwrapDataKey(wrapped, context)).toEqual(dataKey);
    const own = testKey(9);
    const other = new RawAesKeyring({ name: 'd', key: own });
    other.destroy();
    expect(own).toEqual(testKey(9));
    await expect(other.wrapDataKey(dataKey, context)).rejects.toThrow(/destroyed/);
    await expect(other.unwrapDataKey(wrapped, context)).rejects.toThrow(/destroyed/);
  });

  it("opening builds the AAD of the header's context once, reusing it for every unwrap attempt", async () => {
    // Two wrapped keys under one keyring id but different wrapping keys: opening with the second
    // key tries (and fails) the first wrapped key, then unwraps the second, both under one AAD.
    const aads: Uint8Array[] = [];
    const backend: Backend = {
      ...nodeBackend,
      aesGcmDecrypt(key, nonce, sealed, aad, output) {
        if (aad !== undefined) aads.push(aad);
        return nodeBackend.aesGcmDecrypt(key, nonce, sealed, aad, output);
      },
    };
    const sealed = await seal(pattern(30), { keyring: [testKeyring('same', 1), testKeyring('same', 2)], context });
    const second = testKeyring('same', 2, backend);
    expect(await open(sealed, { keyring: second, context })).toEqual(pattern(30));
    expect(aads).toHaveLength(2);
    expect(aads[1]).toBe(aads[0]);
  });

  it('never serialises its key', () => {
    const keyring = new RawAesKeyring({ name: 'secret', key: testKey(0xab) });
    expect(JSON.parse(JSON.stringify(keyring))).toEqual({ id: 'raw-aes:secret' });
  });
});

/** A keyring that records calls and delegates to `inner`. */
function spy(inner: Keyring): Keyring & { calls: string[]; keys: string[] } {
  const calls: string[] = [];
  const keys: string[] = [];
  return {
    calls,
    keys,
    wrapDataKey(key, ctx) {
      calls.push('wrap');
      keys.push(hex(key));
      return inner.wrapDataKey(key, ctx);
    },
    unwrapDataKey(wrapped, ctx) {
      calls.push('unwrap');
      return inner.unwrapDataKey(wrapped, ctx);
    },
  };
}

describe('several keyrings', () => {
  it('seal wraps the data key once per keyring, in order, and each keyring alone opens the message', async () => {
    const rings = [testKeyring('one', 1), testKeyring('two', 2), testKeyring('three', 3)];
    const plaintext = pattern(77);
    const sealed = await seal(plaintext, { keyring: rings, context, frameLength: 16 });
    expect(readHeader(sealed).wrappedKeys.map((k) => k.keyringId)).toEqual(['raw-aes:one', 'raw-aes:two', 'raw-aes:three']);
    for (const ring of rings) expect(await open(sealed, { keyring: ring, context })).toEqual(plaintext);
    expect(await open(sealed, { keyring: [testKeyring('other', 9), defined(rings[2])], context })).toEqual(plaintext);
    await expectDecryptFailed(open(sealed, { keyring: [testKeyring('one', 9), testKeyring('two', 8)], context }));
  });

  it('accepts up to 16 keyrings and rejects a 17th with RangeError', async () => {
    const rings = Array.from({ length: 17 }, (_, i) => testKeyring(`k${i}`, i));
    const sealed = await seal(pattern(5), { keyring: rings.slice(0, 16) });
    expect(readHeader(sealed).wrappedKeys).toHaveLength(16);
    expect(await open(sealed, { keyring: defined(rings[15]) })).toEqual(pattern(5));
    await expect(seal(pattern(5), { keyring: rings })).rejects.toThrow(RangeError);
  });

  it('refuses a 17th keyring before calling any keyring (each wrap may be a KMS call)', async () => {
    const spies = Array.from({ length: 17 }, (_, i) => spy(testKeyring(`k${i}`, i)));
    let generated = 0;
    const generator: Keyring = { ...defined(spies[0]), generateDataKey: async () => (generated++, Promise.reject(new Error('not reached'))) };
    await expect(seal(pattern(5), { keyring: spies })).rejects.toThrow(RangeError);
    await expect(seal(pattern(5), { keyring: [generator, ...spies.slice(1)] })).rejects.toThrow(/at most 16 keyrings/);
    expect(spies.flatMap((s) => s.calls)).toEqual([]);
    expect(generated).toBe(0);
  });

  it('a keyring whose wrapped key is not a Uint8Array makes seal throw TypeError (wrong type), not RangeError', async () => {
    for (const ciphertext of [[1, 2, 3], 'abc', undefined, new ArrayBuffer(4), new Uint16Array(2)]) {
      const odd: Keyring = { wrapDataKey: async () => ({ keyringId: 'odd', ciphertext: ciphertext as never }), unwrapDataKey: async () => undefined };
      await expect(seal(pattern(5), { keyring: odd })).rejects.toThrow(TypeError);
    }
    for (const length of [0, 8193]) {
      const sized: Keyring = { wrapDataKey: async () => ({ keyringId: 'sized', ciphertext: new Uint8Array(length) }), unwrapDataKey: async () => undefined };
      await expect(seal(pattern(5), { keyring: sized })).rejects.toThrow(RangeError);
    }
  });

  it('the first keyring generates the data key when it can; the others wrap that same key', async () => {
    const generated: Uint8Array[] = [];
    const contexts: EncryptionContext[] = [];
    const inner = paddedKeyring('gen');
    const generator: Keyring & { wrapCalls: number } = {
      wrapCalls: 0,
      async wrapDataKey(key, ctx) {
        generator.wrapCalls++;
        return inner.wrapDataKey(key, ctx);
      },
      unwrapDataKey: (wrapped, ctx) => inner.unwrapDataKey(wrapped, ctx),
      async generateDataKey(length, ctx) {
        contexts.push(ctx);
        const key = testKey(0x77).subarray(0, length).slice();
        generated.push(key);
        return { dataKey: key, wrapped: await inner.wrapDataKey(key, ctx) };
      },
    };
    const second = spy(testKeyring('second'));
    const sealed = await seal(pattern(40), { keyring: [generator, second], context: { b: '2', a: '1' } });
    expect(generated).toHaveLength(1);
    expect(generator.wrapCalls).toBe(0);
    expect(contexts).toEqual([{ a: '1', b: '2' }]);
    expect(second.keys).toEqual([hex(testKey(0x77))]);
    expect(readHeader(sealed).wrappedKeys.map((k) => k.keyringId)).toEqual(['gen', 'raw-aes:second']);
    expect(generated[0]).toEqual(new Uint8Array(32)); // copied, then the handed-over buffer wiped
    expect(await open(sealed, { keyring: second })).toEqual(pattern(40));
    expect(await open(sealed, { keyring: generator })).toEqual(pattern(40));

    const later = await seal(pattern(3), { keyring: [testKeyring('first'), generator] });
    expect(generated).toHaveLength(1);
    expect(generator.wrapCalls).toBe(1);
    expect(await open(later, { keyring: generator })).toEqual(pattern(3));
  });
});

describe('keyring failures', () => {
  it('an exception from unwrapDataKey propagates unchanged from open when no keyring opens the message, never as DECRYPT_FAILED', async () => {
    const sealed = await seal(pattern(20), { keyring: testKeyring('good') });
    const outage = new Error('KMS unreachable');
    const later = new Error('second outage');
    const throwing: Keyring = { wrapDataKey: () => Promise.reject(outage), unwrapDataKey: () => Promise.reject(outage) };
    const throwingLater: Keyring = { wrapDataKey: () => Promise.reject(later), unwrapDataKey: () => Promise.reject(later) };
    await expect(open(sealed, { keyring: throwing })).rejects.toBe(outage);
    // None opens: the first error, unchanged.
    await expect(open(sealed, { keyring: [throwing, throwingLater, testKeyring('other', 9)] })).rejects.toBe(outage);
    // One keyring failing does not stop another from opening (as the AWS Encryption SDK does).
    expect(await open(sealed, { keyring: [throwing, testKeyring('good')] })).toEqual(pattern(20));
    expect(await open(sealed, { keyring: [testKeyring('good'), throwing] })).toEqual(pattern(20));
  });

  it('one wrapped key whose keyring fails does not stop another wrapped key from opening the message', async () => {
    const outage = new Error('key disabled');
    const good = testKeyring('second');
    const failing: Keyring = { ...paddedKeyring('first'), unwrapDataKey: () => Promise.reject(outage) };
    const sealed = await seal(pattern(9), { keyring: [paddedKeyring('first'), good] });
    expect(readHeader(sealed).wrappedKeys.map((k) => k.keyringId)).toEqual(['first', 'raw-aes:second']);
    expect(await open(sealed, { keyring: [failing, good] })).toEqual(pattern(9));
  });

  it('an exception from wrapDataKey or generateDataKey propagates unchanged from seal', async () => {
    const outage = new Error('throttled');
    const wrapFails: Keyring = { wrapDataKey: () => Promise.reject(outage), unwrapDataKey: async () => undefined };
    await expect(seal(pattern(1), { keyring: wrapFails })).rejects.toBe(outage);
    await expect(seal(pattern(1), { keyring: [testKeyring(), wrapFails] })).rejects.toBe(outage);
    const generateFails: Keyring = { ...wrapFails, generateDataKey: () => Promise.reject(outage) };
    await expect(seal(pattern(1), { keyring: generateFails })).rejects.toBe(outage);
  });

  it('wipes the data key it drew when the first keyring fails to wrap it', async () => {
    const drawn: Uint8Array[] = [];
    const backend: Backend = { ...nodeBackend, randomBytes: (n) => (drawn.push(nodeBackend.randomBytes(n)), defined(drawn.at(-1))) };
    const outage = new Error('down');
    const wrapFails: Keyring = { wrapDataKey: () => Promise.reject(outage), unwrapDataKey: async () => undefined };
    await expect(seal(pattern(1), { keyring: wrapFails, backend })).rejects.toBe(outage);
    // One system draw holds the data key and the message id; all of it is wiped.
    expect(drawn.map((key) => key.length)).toEqual([64]);
    expect(drawn[0]).toEqual(new Uint8Array(64));
  });

  it('a key of the wrong length or of all zeros from unwrapDataKey is INVALID_DATA_KEY; a shared buffer is left alone, a handed-over one wiped', async () => {
    const sealed = await seal(pattern(20), { keyring: testKeyring() });
    const cases = [0, 1, 16, 31, 33, 64].map((length) => new Uint8Array(length).fill(0x5a)).concat([new Uint8Array(32)]);
    for (const returned of cases) {
      const handedOver = returned.slice();
      const owner: Keyring = { wrapDataKey: () => Promise.reject(new Error('unused')), unwrapDataKey: async () => handedOver };
      expect(
        (
          (await open(sealed, { keyring: owner }).then(
            () => undefined,
            (e: unknown) => e,
          )) as EnvelopeError
        ).code,
      ).toBe('INVALID_DATA_KEY');
      expect(handedOver.every((b) => b === 0)).toBe(true);
      const before = returned.slice();
      const bad: Keyring = { wrapDataKey: () => Promise.reject(new Error('unused')), unwrapDataKey: async () => returned, sharesDataKeys: true };
      const error = await open(sealed, { keyring: bad }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(EnvelopeError);
      expect((error as EnvelopeError).code).toBe('INVALID_DATA_KEY');
      expect((error as EnvelopeError).message).toMatch(returned.length === 32 ? /all-zero/ : new RegExp(`${returned.length} bytes`));
      expect(returned).toEqual(before);
    }
  });

  it('a generating keyring that returns an all-zero or short key makes seal fail with INVALID_DATA_KEY before anything is sealed', async () => {
    for (const dataKey of [new Uint8Array(32), new Uint8Array(16).fill(1)]) {
      const inner = testKeyring('inner');
      const generator: Keyring = {
        wrapDataKey: (key, ctx) => inner.wrapDataKey(key, ctx),
        unwrapDataKey: (wrapped, ctx) => inner.unwrapDataKey(wrapped, ctx),
        generateDataKey: async (_length, ctx) => ({ dataKey, wrapped: await inner.wrapDataKey(new Uint8Array(32).fill(1), ctx) }),
      };
      const error = await seal(pattern(3), { keyring: generator }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect((error as EnvelopeError).code).toBe('INVALID_DATA_KEY');
    }
  });

  it('a naive cache handing out one shared buffer never yields a message under a zeroed key: the next seal is INVALID_DATA_KEY', async () => {
    // The reviewer's finding: the core wiped whatever a keyring returned, so a cache's shared buffer
    // became all zeros after the first seal and the next message was sealed under a zero key.
    const inner = testKeyring('naive');
    const cached = testKey(0x32);
    const cachedWrapped = await inner.wrapDataKey(cached, {});
    const naive: Keyring = {
      wrapDataKey: (key, ctx) => inner.wrapDataKey(key, ctx),
      unwrapDataKey: async () => cached,
      generateDataKey: async () => ({ dataKey: cached, wrapped: cachedWrapped }),
    };
    const first = await seal(pattern(10, 1), { keyring: naive });
    expect(readHeader(first).wrappedKeys).toHaveLength(1);
    const error = await seal(pattern(10, 2), { keyring: naive }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((error as EnvelopeError).code).toBe('INVALID_DATA_KEY');
  });

  it('a cache that declares sharesDataKeys keeps its shared buffer intact across seals and opens', async () => {
    const inner = testKeyring('cache');
    const cached = testKey(0x31);
    const cachedWrapped = await inner.wrapDataKey(cached, {});
    const caching: Keyring = {
      wrapDataKey: (key, ctx) => inner.wrapDataKey(key, ctx),
      unwrapDataKey: async () => cached,
      generateDataKey: async () => ({ dataKey: cached, wrapped: cachedWrapped }),
      sharesDataKeys: true,
    };
    const first = await seal(pattern(10, 1), { keyring: caching });
    const second = await seal(pattern(10, 2), { keyring: caching });
    expect(cached).toEqual(testKey(0x31));
    expect(await open(first, { keyring: caching })).toEqual(pattern(10, 1));
    expect(await open(second, { keyring: caching })).toEqual(pattern(10, 2));
    expect(cached).toEqual(testKey(0x31));
    // Neither message opens under the all-zero key the old behaviour would have used.
    const zero: Keyring = { wrapDataKey: () => Promise.reject(new Error('unused')), unwrapDataKey: async () => new Uint8Array(32) };
    for (const sealed of [first, second]) {
      const error = await open(sealed, { keyring: zero }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect((error as EnvelopeError).code).toBe('INVALID_DATA_KEY');
    }
  });

  it("takes over an unwrapped key: copies it, then wipes the keyring's buffer after a successful open", async () => {
    const good = testKeyring();
    const sealed = await seal(pattern(20), { keyring: good, context });
    const handedOut: Uint8Array[] = [];
    const seen: EncryptionContext[] = [];
    const recording: Keyring = {
      wrapDataKey: (key, ctx) => good.wrapDataKey(key, ctx),
      async unwrapDataKey(wrapped: WrappedDataKey, ctx) {
        seen.push(ctx);
        const key = await good.unwrapDataKey(wrapped, ctx);
        if (key) handedOut.push(key);
        return key;
      },
    };
    expect(await open(sealed, { keyring: recording })).toEqual(pattern(20));
    expect(seen).toEqual([{ purpose: 'keyring', tenant: 'acme' }]);
    expect(handedOut).toHaveLength(1);
    expect(handedOut[0]).toEqual(new Uint8Array(32));
  });
});
