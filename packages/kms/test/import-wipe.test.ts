/**
 * Imported key material does not linger in memory: the Node Buffers that RSA-OAEP and AES key
 * wrap decrypt into are zeroed once copied, and the unwrapped copy is wiped when the import is
 * refused after unwrapping or brings material the key already holds; the copy a key keeps still
 * works. `node:crypto` is wrapped to see the Buffers it hands out; the backend's HMAC (which
 * derives the KeyMaterialId from the material) shows the unwrapped copy. In-process API.
 */

import { type Backend, defaultBackend } from '@strongbox/envelope';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Kms } from '../src/index.ts';
import { type TestWrappingAlgorithm, wrapKeyMaterial } from './helpers/crypto-fixtures.ts';

const seen = vi.hoisted(() => ({ recording: false, buffers: [] as Uint8Array[] }));

vi.mock('node:crypto', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:crypto')>();
  const record = <T>(value: T): T => {
    if (seen.recording && value instanceof Uint8Array) seen.buffers.push(value);
    return value;
  };
  return {
    ...actual,
    privateDecrypt: (...args: Parameters<typeof actual.privateDecrypt>) => record(actual.privateDecrypt(...args)),
    createDecipheriv: (...args: Parameters<typeof actual.createDecipheriv>) => {
      const decipher = actual.createDecipheriv(...args);
      const update = decipher.update.bind(decipher) as (data: Uint8Array) => Buffer;
      const final = decipher.final.bind(decipher) as () => Buffer;
      return Object.assign(decipher, { update: (data: Uint8Array) => record(update(data)), final: () => record(final()) });
    },
  };
});

const zeroed = (bytes: Uint8Array): boolean => bytes.every((byte) => byte === 0);

/** An emulator whose backend reports every key HMAC is computed under (the unwrapped material). */
function emulator(): { kms: Kms; hmacKeys: Uint8Array[] } {
  const hmacKeys: Uint8Array[] = [];
  const backend: Backend = {
    ...defaultBackend,
    hmacSha256: (key, data) => {
      hmacKeys.push(key);
      return defaultBackend.hmacSha256(key, data);
    },
  };
  return { kms: new Kms({ quotas: false, backend }), hmacKeys };
}

async function importInto(
  kms: Kms,
  keyId: string,
  material: Uint8Array,
  algorithm: TestWrappingAlgorithm = 'RSAES_OAEP_SHA_256',
  extra: object = {},
): Promise<unknown> {
  const parameters = await kms.getParametersForImport({ KeyId: keyId, WrappingAlgorithm: algorithm, WrappingKeySpec: 'RSA_2048' });
  return kms.importKeyMaterial({
    KeyId: keyId,
    ImportToken: parameters.ImportToken,
    EncryptedKeyMaterial: wrapKeyMaterial(parameters.PublicKey, material, algorithm),
    ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE',
    ...extra,
  });
}

const material = (fill: number): Uint8Array => new Uint8Array(32).fill(fill);

afterEach(() => {
  seen.recording = false;
  seen.buffers.length = 0;
});

describe('unwrapping imported key material', () => {
  for (const algorithm of ['RSAES_OAEP_SHA_256', 'RSA_AES_KEY_WRAP_SHA_256'] as const) {
    it(`zeroes the Buffers node:crypto decrypted into (${algorithm})`, async () => {
      const { kms } = emulator();
      const keyId = (await kms.createKey({ Origin: 'EXTERNAL' })).KeyMetadata.KeyId;
      seen.recording = true;
      await importInto(kms, keyId, material(7), algorithm);
      seen.recording = false;
      expect(seen.buffers.length).toBeGreaterThan(0);
      for (const buffer of seen.buffers) expect(zeroed(buffer)).toBe(true);
      // The key's own copy is intact.
      const { CiphertextBlob } = await kms.encrypt({ KeyId: keyId, Plaintext: new Uint8Array([1, 2, 3]) });
      expect((await kms.decrypt({ CiphertextBlob })).Plaintext).toEqual(new Uint8Array([1, 2, 3]));
      await kms.close();
    });
  }
});

describe('ImportKeyMaterial', () => {
  it('wipes the unwrapped material when the import is refused after unwrapping', async () => {
    const { kms, hmacKeys } = emulator();
    const keyId = (await kms.createKey({ Origin: 'EXTERNAL' })).KeyMetadata.KeyId;
    await expect(
      importInto(kms, keyId, material(1), 'RSAES_OAEP_SHA_256', { ImportType: 'NEW_KEY_MATERIAL', KeyMaterialId: 'a'.repeat(64) }),
    ).rejects.toMatchObject({ code: 'ValidationException' });
    expect(hmacKeys).toHaveLength(1);
    expect(zeroed(hmacKeys[0]!)).toBe(true);
    await importInto(kms, keyId, material(2));
    hmacKeys.length = 0;
    await expect(importInto(kms, keyId, material(3))).rejects.toMatchObject({ code: 'IncorrectKeyMaterialException' });
    expect(hmacKeys).toHaveLength(1);
    expect(zeroed(hmacKeys[0]!)).toBe(true);
    await kms.close();
  });

  it('wipes a re-imported copy of material the key already holds, and keeps the stored one', async () => {
    const { kms, hmacKeys } = emulator();
    const keyId = (await kms.createKey({ Origin: 'EXTERNAL' })).KeyMetadata.KeyId;
    await importInto(kms, keyId, material(5));
    const stored = hmacKeys.at(-1)!;
    const { CiphertextBlob } = await kms.encrypt({ KeyId: keyId, Plaintext: new Uint8Array([9]) });
    await importInto(kms, keyId, material(5));
    const reimported = hmacKeys.at(-1)!;
    expect(reimported).not.toBe(stored);
    expect(zeroed(reimported)).toBe(true);
    expect(stored).toEqual(material(5));
    expect((await kms.decrypt({ CiphertextBlob })).Plaintext).toEqual(new Uint8Array([9]));
    await kms.close();
  });
});
