/**
 * Where a request's randomness comes from: the injected `Random` (the CSPRNG in the product), drawn
 * per request for every secret and nonce, never from a pool. GenerateDataKey draws its data key and
 * the blob's nonce in one call and splits it; the audit trail's ids (public) come from its batch.
 */

import { randomFillSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Kms, type Random } from '../src/index.ts';

/** The audit trail's id batch (EventIds): public request and event ids, 32 bytes per call. */
const ID_BATCH = 4096;
/** The blob layout (model/ciphertext-blob.ts): the nonce sits at bytes 21..33. */
const nonceOf = (blob: Uint8Array): string => Buffer.from(blob.subarray(21, 33)).toString('hex');
const hexOf = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

/** A CSPRNG that remembers every buffer it handed out. */
function recordingRandom(): Random & { readonly draws: Uint8Array[] } {
  const draws: Uint8Array[] = [];
  return {
    draws,
    bytes(length: number): Uint8Array {
      const out = randomFillSync(new Uint8Array(length));
      draws.push(out);
      return out;
    },
  };
}

async function emulator(): Promise<{ kms: Kms; random: ReturnType<typeof recordingRandom>; keyId: string }> {
  const random = recordingRandom();
  const kms = new Kms({ quotas: false, random });
  const { KeyMetadata } = await kms.createKey({});
  return { kms, random, keyId: KeyMetadata.KeyId };
}

/** The sizes of the draws `call` made, apart from the trail's id batches, and how many batches. */
async function drawsOf(random: ReturnType<typeof recordingRandom>, calls: number, call: () => Promise<unknown>): Promise<{ sizes: number[]; batches: number }> {
  random.draws.length = 0;
  for (let i = 0; i < calls; i++) await call();
  const sizes = random.draws.map((draw) => draw.length);
  return { sizes: sizes.filter((size) => size !== ID_BATCH), batches: sizes.filter((size) => size === ID_BATCH).length };
}

describe('CSPRNG calls per request', () => {
  const calls = 200;
  // Each call records one event with a generated request id: 32 bytes of the batch.
  const maxBatches = Math.ceil((calls * 32) / ID_BATCH) + 1;

  it('GenerateDataKey draws once per request: the data key and the nonce together', async () => {
    const { kms, random, keyId } = await emulator();
    const { sizes, batches } = await drawsOf(random, calls, () => kms.generateDataKey({ KeyId: keyId, KeySpec: 'AES_256' }));
    expect(sizes).toEqual(new Array(calls).fill(32 + 12));
    expect(batches).toBeLessThanOrEqual(maxBatches);
  });

  it('GenerateDataKeyWithoutPlaintext with NumberOfBytes draws once per request too', async () => {
    const { kms, random, keyId } = await emulator();
    const { sizes } = await drawsOf(random, calls, () => kms.generateDataKeyWithoutPlaintext({ KeyId: keyId, NumberOfBytes: 17 }));
    expect(sizes).toEqual(new Array(calls).fill(17 + 12));
  });

  it('Encrypt draws only the 12-byte nonce; Decrypt draws nothing but ids', async () => {
    const { kms, random, keyId } = await emulator();
    const encrypted = await drawsOf(random, calls, () => kms.encrypt({ KeyId: keyId, Plaintext: new Uint8Array(32).fill(1) }));
    expect(encrypted.sizes).toEqual(new Array(calls).fill(12));
    const { CiphertextBlob } = await kms.encrypt({ KeyId: keyId, Plaintext: new Uint8Array(32).fill(1) });
    const decrypted = await drawsOf(random, calls, () => kms.decrypt({ CiphertextBlob }));
    expect(decrypted.sizes).toEqual([]);
    expect(decrypted.batches).toBeLessThanOrEqual(maxBatches);
  });
});

describe('GenerateDataKey splits its one draw', () => {
  it('the data key is the first bytes of the draw, the blob nonce the last 12, and the drawn key bytes are wiped', async () => {
    const { kms, random, keyId } = await emulator();
    random.draws.length = 0;
    const response = await kms.generateDataKey({ KeyId: keyId, KeySpec: 'AES_256' });
    const [drawn] = random.draws.filter((draw) => draw.length === 44);
    expect(drawn).toBeDefined();
    if (drawn === undefined) return;
    expect(nonceOf(response.CiphertextBlob)).toBe(hexOf(drawn.subarray(32)));
    // The response owns a copy; the drawn buffer no longer holds the key.
    expect(response.Plaintext.buffer).not.toBe(drawn.buffer);
    expect(hexOf(drawn.subarray(0, 32))).toBe('00'.repeat(32));
    const back = await kms.decrypt({ CiphertextBlob: response.CiphertextBlob });
    expect(hexOf(back.Plaintext)).toBe(hexOf(response.Plaintext));
  });

  it('consecutive requests get different data keys and different blob nonces', async () => {
    const kms = new Kms({ quotas: false });
    const { KeyMetadata } = await kms.createKey({});
    const keys = new Set<string>();
    const nonces = new Set<string>();
    for (let i = 0; i < 500; i++) {
      const { Plaintext, CiphertextBlob } = await kms.generateDataKey({ KeyId: KeyMetadata.KeyId, KeySpec: 'AES_256' });
      keys.add(hexOf(Plaintext));
      nonces.add(nonceOf(CiphertextBlob));
      // The nonce is not a slice of the key: the two halves of the draw never overlap.
      expect(hexOf(Plaintext)).not.toContain(nonceOf(CiphertextBlob));
    }
    expect(keys.size).toBe(500);
    expect(nonces.size).toBe(500);
  });
});
