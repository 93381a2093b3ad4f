/**
 * Fixtures for the cryptographic, rotation and import tests: an emulator on a `ManualClock` whose
 * state the test can reach, a way to put a key into any key state without depending on the
 * DisableKey / ScheduleKeyDeletion operations, and client-side wrapping of key material for import
 * (what `openssl pkeyutl` / `openssl enc -id-aes256-wrap-pad` do in AWS's import tutorial).
 */

import { constants, createCipheriv, createPublicKey, publicEncrypt, randomBytes } from 'node:crypto';
import { Kms, type KmsOptions, ManualClock } from '../../src/index.ts';
import type { KeyRecord, KeyState } from '../../src/model/records.ts';
import { KmsState } from '../../src/model/state.ts';
import { MemoryStore } from '../../src/persistence/store.ts';
import { type SdkFixture, startKms } from './sdk.ts';

/** An emulator with its clock and store in reach. */
export interface CryptoFixture extends SdkFixture {
  readonly clock: ManualClock;
  readonly store: MemoryStore;
  /** The key record as stored now. */
  record(keyId: string): KeyRecord;
  /**
   * Puts a key into `state` directly in the store (PendingDeletion gets a deletion date 30 days
   * ahead), then makes one committing call (CreateKey) so the dispatcher re-reads what is due, as it
   * does after every committed change.
   */
  setState(keyId: string, state: KeyState): Promise<void>;
}

/** Starts an emulator over HTTP with a manual clock (quotas off) and a reachable store. */
export async function startCryptoKms(options: KmsOptions = {}): Promise<CryptoFixture> {
  const clock = new ManualClock(Date.UTC(2025, 0, 1));
  const store = new MemoryStore(new KmsState());
  const kms = new Kms({ quotas: false, clock, store, ...options });
  const fixture = await startKms({}, {}, kms);
  const record = (keyId: string): KeyRecord => {
    const key = store.state.key(keyId);
    if (key === undefined) throw new Error(`no key ${keyId}`);
    return key;
  };
  return {
    ...fixture,
    clock,
    store,
    record,
    async setState(keyId, state) {
      const key = record(keyId);
      const { deletionDate: _date, pendingWindowInDays: _window, ...rest } = key;
      const next: KeyRecord =
        state === 'PendingDeletion' ? { ...rest, state, deletionDate: clock.now() + 30 * 86_400_000, pendingWindowInDays: 30 } : { ...rest, state };
      await store.commit([{ type: 'putKey', key: next }]);
      await kms.createKey({ Description: 'poke: a committed change makes the dispatcher look at due times again' });
    },
  };
}

/** Wrapping algorithms of GetParametersForImport that Strongbox implements. */
export type TestWrappingAlgorithm = 'RSAES_OAEP_SHA_1' | 'RSAES_OAEP_SHA_256' | 'RSA_AES_KEY_WRAP_SHA_1' | 'RSA_AES_KEY_WRAP_SHA_256';

/** Wraps key material for ImportKeyMaterial with the DER public key GetParametersForImport returned. */
export function wrapKeyMaterial(publicKeyDer: Uint8Array, material: Uint8Array, algorithm: TestWrappingAlgorithm): Uint8Array {
  const key = createPublicKey({ key: Buffer.from(publicKeyDer), format: 'der', type: 'spki' });
  const oaepHash = algorithm.endsWith('SHA_1') ? 'sha1' : 'sha256';
  const rsa = (data: Uint8Array): Buffer => publicEncrypt({ key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash }, data);
  if (algorithm.startsWith('RSAES_OAEP')) return new Uint8Array(rsa(material));
  const aesKey = randomBytes(32);
  const cipher = createCipheriv('id-aes256-wrap-pad', aesKey, Buffer.from('A65959A6', 'hex'));
  return new Uint8Array(Buffer.concat([rsa(aesKey), cipher.update(material), cipher.final()]));
}
