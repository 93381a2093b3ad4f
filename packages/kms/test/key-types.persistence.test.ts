/**
 * Key pairs and HMAC keys persist like the AES backing keys: after a restart the same keys sign,
 * verify and MAC (their public keys unchanged), and the data directory holds none of their
 * private material in the clear, in any encoding.
 */

import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../src/index.ts';
import { openKms, tempDirectory } from './fixtures/persistence.ts';

const MESSAGE = new TextEncoder().encode('persisted');

describe('restart with a data directory', () => {
  it('keeps asymmetric and HMAC keys usable, with the same public keys, and writes no private material in the clear', async () => {
    const clock = new ManualClock();
    const directory = await tempDirectory();
    const first = await openKms(directory, clock);
    const ec = (await first.kms.createKey({ KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' })).KeyMetadata;
    const mlDsa = (await first.kms.createKey({ KeySpec: 'ML_DSA_44', KeyUsage: 'SIGN_VERIFY' })).KeyMetadata;
    const hmac = (await first.kms.createKey({ KeySpec: 'HMAC_512', KeyUsage: 'GENERATE_VERIFY_MAC' })).KeyMetadata;
    const publicKey = (await first.kms.getPublicKey({ KeyId: ec.KeyId })).PublicKey;
    const signature = (await first.kms.sign({ KeyId: ec.KeyId, Message: MESSAGE, SigningAlgorithm: 'ECDSA_SHA_256' })).Signature;
    const mac = (await first.kms.generateMac({ KeyId: hmac.KeyId, Message: MESSAGE, MacAlgorithm: 'HMAC_SHA_512' })).Mac;
    const secrets = [
      first.store.state.key(ec.KeyId)!.keyPair!.privateKey,
      first.store.state.key(mlDsa.KeyId)!.keyPair!.privateKey,
      first.store.state.key(hmac.KeyId)!.macKey!,
    ].map((s) => Buffer.from(s));
    await first.kms.close();

    const files = await readdir(directory);
    const contents = await Promise.all(files.map((name) => readFile(join(directory, name))));
    for (const secret of secrets) {
      // The whole PKCS #8 structure, and its last 32 bytes (an EC scalar or ML-DSA seed inside it).
      for (const part of [secret, secret.subarray(secret.length - 32)]) {
        for (const encoding of [part, Buffer.from(part.toString('base64')), Buffer.from(part.toString('hex'))]) {
          for (const content of contents) expect(content.indexOf(encoding)).toBe(-1);
        }
      }
    }

    const second = await openKms(directory, clock);
    const { kms } = second;
    expect((await kms.getPublicKey({ KeyId: ec.KeyId })).PublicKey).toEqual(publicKey);
    await expect(kms.verify({ KeyId: ec.KeyId, Message: MESSAGE, Signature: signature, SigningAlgorithm: 'ECDSA_SHA_256' })).resolves.toMatchObject({
      SignatureValid: true,
    });
    const newSignature = (await kms.sign({ KeyId: mlDsa.KeyId, Message: MESSAGE, SigningAlgorithm: 'ML_DSA_SHAKE_256' })).Signature;
    await expect(kms.verify({ KeyId: mlDsa.KeyId, Message: MESSAGE, Signature: newSignature, SigningAlgorithm: 'ML_DSA_SHAKE_256' })).resolves.toMatchObject({
      SignatureValid: true,
    });
    expect((await kms.generateMac({ KeyId: hmac.KeyId, Message: MESSAGE, MacAlgorithm: 'HMAC_SHA_512' })).Mac).toEqual(mac);
    expect((await kms.describeKey({ KeyId: hmac.KeyId })).KeyMetadata).toMatchObject({
      KeySpec: 'HMAC_512',
      KeyUsage: 'GENERATE_VERIFY_MAC',
      MacAlgorithms: ['HMAC_SHA_512'],
    });
    await kms.close();
  });
});
