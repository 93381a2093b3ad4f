/**
 * Tampering with any part of a stored object makes the read fail, with no plaintext released: the
 * body, the tag, the wrapped key, the IV, the material description (KMS context), the V3
 * commitment and message ID, and the instruction file (including the "invisible salamanders"
 * swap of V3 keys into an instruction file).
 */

import { Kms } from '@strongbox/kms';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AesKeyring, type CommitmentPolicy, type Keyring, KmsKeyring, S3EncryptionClient } from '../../src/index.ts';
import { type MemoryS3, memoryS3 } from '../helpers/memory-s3.ts';

let kms: Kms;
let keyId: string;
beforeAll(async () => {
  kms = new Kms({ quotas: false });
  keyId = (await kms.createKey({})).KeyMetadata.KeyId;
});
afterAll(async () => kms.close());

const BODY = Buffer.from('attack at dawn, bring the good biscuits, and do not be late this time');

async function stored(keyring: Keyring, policy: CommitmentPolicy, writeInstructionFile = false): Promise<{ s3: MemoryS3; client: S3EncryptionClient }> {
  const s3 = memoryS3();
  const client = new S3EncryptionClient({ s3: s3.client, keyring, commitmentPolicy: policy, writeInstructionFile });
  await client.putObject({ Bucket: 'b', Key: 'k', Body: BODY });
  return { s3, client };
}

function flipBit(base64: string, bit = 0): string {
  const bytes = Buffer.from(base64, 'base64');
  bytes[bit >> 3] = (bytes[bit >> 3] ?? 0) ^ (1 << (bit & 7));
  return bytes.toString('base64');
}

const read = (client: S3EncryptionClient): Promise<unknown> =>
  client.getObject({ Bucket: 'b', Key: 'k' }).then(async (output) => output.Body?.transformToByteArray());

describe('tamper detection', () => {
  const aes = (): Keyring => new AesKeyring({ wrappingKey: new Uint8Array(32).fill(3) });
  const kmsKeyring = (): Keyring => new KmsKeyring({ kms, kmsKeyId: keyId });

  for (const [format, policy] of [
    ['V2', 'FORBID_ENCRYPT_ALLOW_DECRYPT'],
    ['V3', 'REQUIRE_ENCRYPT_REQUIRE_DECRYPT'],
  ] as const) {
    it(`${format}: every flipped body bit (ciphertext and tag) fails authentication`, async () => {
      const { s3, client } = await stored(aes(), policy);
      const object = s3.get('b', 'k');
      if (object === undefined) throw new Error('not stored');
      const original = new Uint8Array(object.body);
      for (const bit of [0, 7, 8 * 20 + 3, 8 * BODY.length - 1, 8 * BODY.length, 8 * (BODY.length + 15) + 7]) {
        object.body = new Uint8Array(original);
        object.body[bit >> 3] = (object.body[bit >> 3] ?? 0) ^ (1 << (bit & 7));
        await expect(read(client), `bit ${bit}`).rejects.toMatchObject({ code: 'DecryptionFailed' });
      }
      object.body = original.subarray(0, original.length - 1);
      await expect(read(client)).rejects.toMatchObject({ code: 'DecryptionFailed' });
      object.body = new Uint8Array(Buffer.concat([original, Buffer.from([0])]));
      await expect(read(client)).rejects.toMatchObject({ code: 'DecryptionFailed' });
      object.body = original;
      expect(Buffer.from((await read(client)) as Uint8Array)).toEqual(BODY);
    });

    it(`${format}: a flipped bit of the AES-wrapped data key fails`, async () => {
      const { s3, client } = await stored(aes(), policy);
      const metadata = s3.get('b', 'k')?.metadata ?? {};
      const name = format === 'V2' ? 'x-amz-key-v2' : 'x-amz-3';
      for (const bit of [0, 100, 60 * 8 - 1]) {
        const original = metadata[name] ?? '';
        metadata[name] = flipBit(original, bit);
        await expect(read(client)).rejects.toMatchObject({ code: 'DecryptionFailed' });
        metadata[name] = original;
      }
    });

    it(`${format}: a wrapped KMS data key or KMS context that was altered is refused by KMS or the client`, async () => {
      const { s3, client } = await stored(kmsKeyring(), policy);
      const metadata = s3.get('b', 'k')?.metadata ?? {};
      const keyName = format === 'V2' ? 'x-amz-key-v2' : 'x-amz-3';
      const original = metadata[keyName] ?? '';
      metadata[keyName] = flipBit(original, 8 * 40);
      await expect(read(client)).rejects.toMatchObject({ name: 'InvalidCiphertextException' });
      metadata[keyName] = original;
      const contextName = format === 'V2' ? 'x-amz-matdesc' : 'x-amz-t';
      const cek = format === 'V2' ? 'AES/GCM/NoPadding' : '115';
      const context = metadata[contextName] ?? '';
      // A context KMS would refuse, but that also no longer equals the caller's: refused first, by the client.
      metadata[contextName] = JSON.stringify({ 'aws:x-amz-cek-alg': cek, extra: 'x' });
      await expect(read(client)).rejects.toMatchObject({ code: 'EncryptionContextMismatch' });
      await expect(client.getObject({ Bucket: 'b', Key: 'k' }, { encryptionContext: { extra: 'x' } })).rejects.toMatchObject({
        name: 'InvalidCiphertextException',
      });
      metadata[contextName] = context;
      expect(Buffer.from((await read(client)) as Uint8Array)).toEqual(BODY);
    });
  }

  it('V2: a changed IV fails authentication', async () => {
    const { s3, client } = await stored(aes(), 'FORBID_ENCRYPT_ALLOW_DECRYPT');
    const metadata = s3.get('b', 'k')?.metadata ?? {};
    metadata['x-amz-iv'] = flipBit(metadata['x-amz-iv'] ?? '', 5);
    await expect(read(client)).rejects.toMatchObject({ code: 'DecryptionFailed' });
  });

  it('V2: a raw-AES object relabelled with another content algorithm does not unwrap (the AAD binds it)', async () => {
    const { s3 } = await stored(aes(), 'FORBID_ENCRYPT_ALLOW_DECRYPT');
    const metadata = s3.get('b', 'k')?.metadata ?? {};
    metadata['x-amz-cek-alg'] = 'AES/CBC/PKCS5Padding';
    metadata['x-amz-iv'] = Buffer.alloc(16).toString('base64');
    const legacy = new S3EncryptionClient({
      s3: s3.client,
      keyring: aes(),
      commitmentPolicy: 'FORBID_ENCRYPT_ALLOW_DECRYPT',
      enableLegacyUnauthenticatedModes: true,
    });
    await expect(read(legacy)).rejects.toMatchObject({ code: 'DecryptionFailed' });
  });

  it('V3: a changed commitment or message ID fails the commitment check before any content is decrypted', async () => {
    const { s3, client } = await stored(aes(), 'REQUIRE_ENCRYPT_REQUIRE_DECRYPT');
    const metadata = s3.get('b', 'k')?.metadata ?? {};
    for (const name of ['x-amz-d', 'x-amz-i']) {
      const original = metadata[name] ?? '';
      metadata[name] = flipBit(original, 77);
      await expect(read(client)).rejects.toMatchObject({ code: 'KeyCommitmentMismatch' });
      metadata[name] = original;
    }
  });

  it('V3: a truncated commitment or an all-zero message ID is malformed', async () => {
    const { s3, client } = await stored(aes(), 'REQUIRE_ENCRYPT_REQUIRE_DECRYPT');
    const metadata = s3.get('b', 'k')?.metadata ?? {};
    metadata['x-amz-d'] = Buffer.alloc(27).toString('base64');
    await expect(read(client)).rejects.toMatchObject({ code: 'MalformedMetadata' });
    metadata['x-amz-d'] = Buffer.alloc(28, 1).toString('base64');
    metadata['x-amz-i'] = Buffer.alloc(28).toString('base64');
    await expect(read(client)).rejects.toMatchObject({ code: 'MalformedMetadata' });
  });

  it('V3: an instruction file that carries x-amz-c, x-amz-d or x-amz-i is refused (GHSA-x44p-gvrj-pj2r)', async () => {
    const { s3, client } = await stored(aes(), 'REQUIRE_ENCRYPT_REQUIRE_DECRYPT', true);
    const file = s3.get('b', 'k.instruction');
    const metadata = s3.get('b', 'k')?.metadata ?? {};
    if (file === undefined) throw new Error('no instruction file');
    const original = JSON.parse(Buffer.from(file.body).toString()) as Record<string, string>;
    for (const name of ['x-amz-c', 'x-amz-d', 'x-amz-i']) {
      file.body = Buffer.from(JSON.stringify({ ...original, [name]: metadata[name] }));
      await expect(read(client)).rejects.toMatchObject({ code: 'MalformedMetadata', message: expect.stringContaining(name) });
    }
    // All of V3 in the instruction file and none in the metadata: refused too.
    const { 'x-amz-c': c, 'x-amz-d': d, 'x-amz-i': i, ...rest } = metadata;
    s3.get('b', 'k')!.metadata = rest;
    file.body = Buffer.from(JSON.stringify({ ...original, 'x-amz-c': c, 'x-amz-d': d, 'x-amz-i': i }));
    await expect(read(client)).rejects.toMatchObject({ code: 'MalformedMetadata' });
  });

  it("V3: a swapped instruction file (another object's data key) fails the commitment", async () => {
    const keyring = aes();
    const s3 = memoryS3();
    const client = new S3EncryptionClient({ s3: s3.client, keyring, writeInstructionFile: true });
    await client.putObject({ Bucket: 'b', Key: 'k', Body: BODY });
    await client.putObject({ Bucket: 'b', Key: 'other', Body: BODY });
    const other = s3.get('b', 'other.instruction');
    s3.put('b', 'k.instruction', other?.body ?? new Uint8Array());
    await expect(read(client)).rejects.toMatchObject({ code: 'KeyCommitmentMismatch' });
  });

  it('V2: a garbled or non-JSON instruction file is malformed', async () => {
    const { s3, client } = await stored(aes(), 'FORBID_ENCRYPT_ALLOW_DECRYPT', true);
    s3.put('b', 'k.instruction', Buffer.from('{"x-amz-key-v2": 5}'));
    await expect(read(client)).rejects.toMatchObject({ code: 'MalformedMetadata' });
    s3.put('b', 'k.instruction', Buffer.from('not json'));
    await expect(read(client)).rejects.toMatchObject({ code: 'MalformedMetadata' });
  });

  it('V2: a data-key swap in the instruction file fails authentication', async () => {
    const keyring = aes();
    const s3 = memoryS3();
    const client = new S3EncryptionClient({ s3: s3.client, keyring, writeInstructionFile: true, commitmentPolicy: 'FORBID_ENCRYPT_ALLOW_DECRYPT' });
    await client.putObject({ Bucket: 'b', Key: 'k', Body: BODY });
    await client.putObject({ Bucket: 'b', Key: 'other', Body: BODY });
    s3.put('b', 'k.instruction', s3.get('b', 'other.instruction')?.body ?? new Uint8Array());
    await expect(read(client)).rejects.toMatchObject({ code: 'DecryptionFailed' });
  });
});
