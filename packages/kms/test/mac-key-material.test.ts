/**
 * HMAC keys' derived pad blocks (K0 ⊕ ipad, K0 ⊕ opad: key material) through the emulator: they
 * never reach the audit trail, error messages or the data directory; a restart derives them afresh
 * from the restored material and gives the same MACs; and a deleted key's material, pad blocks
 * included, is not kept alive by anything.
 */

import { createHmac } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { Kms, KmsError, ManualClock, MemoryStore } from '../src/index.ts';
import { __TESTS } from '../src/model/key-types/hmac.ts';
import { KmsState } from '../src/model/state.ts';
import { openKms, tempDirectory } from './fixtures/persistence.ts';

const MESSAGE = new TextEncoder().encode('pad blocks stay inside');
const DAY_MS = 24 * 60 * 60 * 1000;

/** K0 ⊕ ipad and K0 ⊕ opad of a key no longer than the block (RFC 2104 §2). */
function padBlocks(key: Uint8Array, blockLength: number): Buffer[] {
  return [0x36, 0x5c].map((pad) => {
    const block = Buffer.alloc(blockLength, pad);
    for (let i = 0; i < key.length; i++) block[i] = (block[i] as number) ^ (key[i] as number);
    return block;
  });
}

/** The raw bytes of `secret` and its base64, base64url and hex forms. */
function encodings(secret: Buffer): Buffer[] {
  return [secret, Buffer.from(secret.toString('base64')), Buffer.from(secret.toString('base64url')), Buffer.from(secret.toString('hex'))];
}

/** The garbage collector, callable from a test (V8's flag set at run time; the function comes from a fresh context). */
function collectGarbage(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

describe('HMAC pad blocks in the emulator', () => {
  it('never reach the audit trail, error messages or the data directory, and a restart derives them again', async () => {
    const clock = new ManualClock();
    const directory = await tempDirectory();
    const first = await openKms(directory, clock);
    const keys = [
      { spec: 'HMAC_256', algorithm: 'HMAC_SHA_256', hash: 'sha256', block: 64 },
      { spec: 'HMAC_512', algorithm: 'HMAC_SHA_512', hash: 'sha512', block: 128 },
    ] as const;
    const secrets: Buffer[] = [];
    const macs: Uint8Array[] = [];
    const messages: string[] = [];
    const ids: string[] = [];
    for (const { spec, algorithm, hash, block } of keys) {
      const keyId = (await first.kms.createKey({ KeySpec: spec, KeyUsage: 'GENERATE_VERIFY_MAC' })).KeyMetadata.KeyId;
      ids.push(keyId);
      const material = first.store.state.key(keyId)!.macKey!;
      const mac = (await first.kms.generateMac({ KeyId: keyId, Message: MESSAGE, MacAlgorithm: algorithm })).Mac;
      expect(Buffer.from(mac).equals(createHmac(hash, material).update(MESSAGE).digest())).toBe(true);
      expect(__TESTS.hasPadBlocks(material)).toBe(true);
      await first.kms.verifyMac({ KeyId: keyId, Message: MESSAGE, MacAlgorithm: algorithm, Mac: mac });
      const wrong = new Uint8Array(mac);
      wrong[0] = (wrong[0] as number) ^ 1;
      const refused = await first.kms.verifyMac({ KeyId: keyId, Message: MESSAGE, MacAlgorithm: algorithm, Mac: wrong }).catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(KmsError);
      messages.push((refused as KmsError).message, String((refused as KmsError).stack));
      secrets.push(...padBlocks(material, block));
      macs.push(mac);
    }
    const trail = Buffer.from(JSON.stringify(first.kms.auditTrail.records()));
    await first.kms.close();
    const files = await Promise.all((await readdir(directory)).map((name) => readFile(join(directory, name))));
    for (const secret of secrets) {
      for (const encoded of encodings(secret)) {
        expect(trail.indexOf(encoded)).toBe(-1);
        for (const text of messages) expect(Buffer.from(text).indexOf(encoded)).toBe(-1);
        for (const content of files) expect(content.indexOf(encoded)).toBe(-1);
      }
    }

    const second = await openKms(directory, clock);
    for (const [index, { algorithm }] of keys.entries()) {
      const keyId = ids[index] as string;
      const restored = second.store.state.key(keyId)!.macKey!;
      // The restored material is a new array: nothing derived from the old one applies to it.
      expect(__TESTS.hasPadBlocks(restored)).toBe(false);
      expect((await second.kms.generateMac({ KeyId: keyId, Message: MESSAGE, MacAlgorithm: algorithm })).Mac).toEqual(macs[index]);
      expect(__TESTS.hasPadBlocks(restored)).toBe(true);
    }
    await second.kms.close();
  });

  it('go with a deleted key: nothing keeps its material or pad blocks alive', async () => {
    const gc = collectGarbage();
    const clock = new ManualClock();
    const store = new MemoryStore(new KmsState());
    const kms = new Kms({ store, clock, quotas: false });
    const keyId = (await kms.createKey({ KeySpec: 'HMAC_384', KeyUsage: 'GENERATE_VERIFY_MAC' })).KeyMetadata.KeyId;
    // Held weakly only: the test must not keep the material alive itself.
    const material = new WeakRef(store.state.key(keyId)!.macKey!);
    await kms.generateMac({ KeyId: keyId, Message: MESSAGE, MacAlgorithm: 'HMAC_SHA_384' });
    const blocks = new WeakRef(__TESTS.padBlocksOf(material.deref()!)!);

    await kms.scheduleKeyDeletion({ KeyId: keyId, PendingWindowInDays: 7 });
    clock.advance(7 * DAY_MS + 1);
    await expect(kms.generateMac({ KeyId: keyId, Message: MESSAGE, MacAlgorithm: 'HMAC_SHA_384' })).rejects.toMatchObject({ code: 'NotFoundException' });
    expect(store.state.key(keyId)).toBeUndefined();
    // Another key's calls replace anything a previous call may have remembered.
    const other = (await kms.createKey({ KeySpec: 'HMAC_384', KeyUsage: 'GENERATE_VERIFY_MAC' })).KeyMetadata.KeyId;
    await kms.generateMac({ KeyId: other, Message: MESSAGE, MacAlgorithm: 'HMAC_SHA_384' });
    for (let attempt = 0; attempt < 5 && (material.deref() !== undefined || blocks.deref() !== undefined); attempt++) {
      await new Promise((resolve) => setImmediate(resolve));
      gc();
    }
    expect(material.deref()).toBeUndefined();
    expect(blocks.deref()).toBeUndefined();
  });
});
