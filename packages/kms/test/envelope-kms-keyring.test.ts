// @strongbox/envelope's KmsKeyring against this emulator: the test lives here, not in envelope, so
// that envelope needs no dependency on kms (kms already depends on envelope; the other way would be
// a cycle in the workspace).
import {
  EnvelopeError,
  type KmsClientLike,
  type KmsDataKeyOutput,
  KmsKeyring,
  kmsKeyrings,
  open,
  openWithHeader,
  RawAesKeyring,
  readHeader,
  seal,
} from '@strongbox/envelope';
import { beforeAll, describe, expect, it } from 'vitest';
import { Kms } from '../src/index.ts';

/** `length` bytes of deterministic plaintext. */
function pattern(length: number, salt = 0): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => (i * 131 + salt * 17 + (i >> 8)) & 0xff);
}

/** A raw AES keyring with a fixed test key. */
function testKeyring(name: string, fill = 1): RawAesKeyring {
  return new RawAesKeyring({ name, key: new Uint8Array(32).fill(fill) });
}

// Against the real in-process KMS emulator (a dev dependency only: the keyring takes any client of
// KMS's shape and imports nothing from @strongbox/kms).

const context = { bucket: 'photos', key: 'cat.jpg' };
let kms: Kms;
let keyA: string;
let keyB: string;

/** The client, with every call recorded by operation name and KeyId. */
function recording(client: KmsClientLike): KmsClientLike & { calls: string[] } {
  const calls: string[] = [];
  const note = <T>(name: string, keyId: string, run: () => Promise<T>): Promise<T> => (calls.push(`${name} ${keyId}`), run());
  return {
    calls,
    generateDataKey: (input) => note('GenerateDataKey', input.KeyId, () => client.generateDataKey(input)),
    encrypt: (input) => note('Encrypt', input.KeyId, () => client.encrypt(input)),
    decrypt: (input) => note('Decrypt', input.KeyId, () => client.decrypt(input)),
  };
}

async function failure(run: Promise<unknown>): Promise<unknown> {
  return run.then(
    () => {
      throw new Error('expected a rejection');
    },
    (e: unknown) => e,
  );
}

beforeAll(async () => {
  kms = new Kms({ quotas: false });
  keyA = (await kms.createKey({ Description: 'envelope keyring A' })).KeyMetadata.Arn;
  keyB = (await kms.createKey({ Description: 'envelope keyring B' })).KeyMetadata.Arn;
  await kms.createAlias({ AliasName: 'alias/envelope-a', TargetKeyId: keyA });
});

describe('KmsKeyring against @strongbox/kms', () => {
  it('seals with GenerateDataKey under the context, names the key ARN, and opens with Decrypt', async () => {
    const client = recording(kms);
    const keyring = new KmsKeyring({ client, keyId: keyA });
    const sealed = await seal(pattern(100), { keyring, context });
    expect(client.calls).toEqual([`GenerateDataKey ${keyA}`]);
    expect(readHeader(sealed).wrappedKeys.map((k) => k.keyringId)).toEqual([`aws-kms:${keyA}`]);
    const { plaintext, header } = await openWithHeader(sealed, { keyring, context });
    expect(plaintext).toEqual(pattern(100));
    expect(header.unwrappedBy).toBe(`aws-kms:${keyA}`);
    expect(client.calls).toEqual([`GenerateDataKey ${keyA}`, `Decrypt ${keyA}`]);
  });

  it('binds the encryption context: KMS refuses the wrapped key under any other context', async () => {
    const keyring = new KmsKeyring({ client: kms, keyId: keyA });
    const sealed = await seal(pattern(10), { keyring, context });
    const wrapped = readHeader(sealed).wrappedKeys[0];
    if (wrapped === undefined) throw new Error('no wrapped key');
    expect(await keyring.unwrapDataKey(wrapped, { ...context, key: 'dog.jpg' })).toBeUndefined();
    expect(await keyring.unwrapDataKey(wrapped, {})).toBeUndefined();
    expect((await keyring.unwrapDataKey(wrapped, context))?.length).toBe(32);
  });

  it('several keys: the first generates, the others Encrypt the same data key; each key alone opens the message', async () => {
    const client = recording(kms);
    const sealed = await seal(pattern(70), { keyring: kmsKeyrings({ client, keyIds: [keyA, keyB] }), context });
    expect(client.calls).toEqual([`GenerateDataKey ${keyA}`, `Encrypt ${keyB}`]);
    expect(readHeader(sealed).wrappedKeys.map((k) => k.keyringId)).toEqual([`aws-kms:${keyA}`, `aws-kms:${keyB}`]);
    const onlyB = recording(kms);
    expect(await open(sealed, { keyring: new KmsKeyring({ client: onlyB, keyId: keyB }), context })).toEqual(pattern(70));
    // Strict: the wrapped key of key A is never sent to KMS by a keyring of key B.
    expect(onlyB.calls).toEqual([`Decrypt ${keyB}`]);
    // Mixed with a raw AES keyring in one message.
    const raw = testKeyring('beside-kms');
    const mixed = await seal(pattern(5), { keyring: [new KmsKeyring({ client: kms, keyId: keyB }), raw], context });
    expect(await open(mixed, { keyring: raw, context })).toEqual(pattern(5));
    expect(await open(mixed, { keyring: new KmsKeyring({ client: kms, keyId: keyB }), context })).toEqual(pattern(5));
  });

  it('accepts a bare key id or an alias; an alias is resolved by KMS itself on Decrypt', async () => {
    const keyId = keyA.slice(keyA.lastIndexOf('/') + 1);
    for (const configured of [keyId, 'alias/envelope-a', keyA.replace(/key\/.*$/, 'alias/envelope-a')]) {
      const keyring = new KmsKeyring({ client: kms, keyId: configured });
      const sealed = await seal(pattern(9), { keyring, context });
      expect(readHeader(sealed).wrappedKeys[0]?.keyringId).toBe(`aws-kms:${keyA}`);
      expect(await open(sealed, { keyring, context })).toEqual(pattern(9));
    }
    // The alias names key A: KMS answers IncorrectKeyException for key B's blob, which is "not ours".
    const sealedB = await seal(pattern(9), { keyring: new KmsKeyring({ client: kms, keyId: keyB }), context });
    const error = await failure(open(sealedB, { keyring: new KmsKeyring({ client: kms, keyId: 'alias/envelope-a' }), context }));
    expect((error as EnvelopeError).code).toBe('DECRYPT_FAILED');
  });

  it('discovery opens any aws-kms wrapped key, limited by the filter before any KMS call', async () => {
    const sealed = await seal(pattern(33), { keyring: new KmsKeyring({ client: kms, keyId: keyB }), context });
    const discovery = recording(kms);
    expect(await open(sealed, { keyring: new KmsKeyring({ client: discovery, discovery: true }), context })).toEqual(pattern(33));
    expect(discovery.calls).toEqual([`Decrypt ${keyB}`]);
    const ownAccount = new KmsKeyring({ client: kms, discovery: true, discoveryFilter: { partition: 'aws', accountIds: [kms.account] } });
    expect(await open(sealed, { keyring: ownAccount, context })).toEqual(pattern(33));
    const filtered = recording(kms);
    const elsewhere = new KmsKeyring({ client: filtered, discovery: true, discoveryFilter: { partition: 'aws', accountIds: ['111122223333'] } });
    expect(((await failure(open(sealed, { keyring: elsewhere, context }))) as EnvelopeError).code).toBe('DECRYPT_FAILED');
    expect(filtered.calls).toEqual([]);
    await expect(new KmsKeyring({ client: kms, discovery: true }).wrapDataKey(new Uint8Array(32), {})).rejects.toThrow(TypeError);
  });

  it('a header that names key A over a blob of key B is refused even by discovery (the answer must name the header key)', async () => {
    const sealed = await seal(pattern(4), { keyring: new KmsKeyring({ client: kms, keyId: keyB }), context });
    const wrapped = readHeader(sealed).wrappedKeys[0];
    if (wrapped === undefined) throw new Error('no wrapped key');
    const lying = { keyringId: `aws-kms:${keyA}`, ciphertext: wrapped.ciphertext };
    // KMS itself refuses (IncorrectKeyException, KeyId = key A); a client that ignores KeyId is caught by the ARN check.
    expect(await new KmsKeyring({ client: kms, discovery: true }).unwrapDataKey(lying, context)).toBeUndefined();
    const ignoresKeyId: KmsClientLike = {
      ...kms,
      generateDataKey: (i) => kms.generateDataKey(i),
      encrypt: (i) => kms.encrypt(i),
      decrypt: ({ CiphertextBlob, EncryptionContext }) => kms.decrypt({ CiphertextBlob, EncryptionContext }),
    };
    expect(await new KmsKeyring({ client: ignoresKeyId, discovery: true }).unwrapDataKey(lying, context)).toBeUndefined();
  });

  it('operational failures propagate unchanged: a disabled key is DisabledException, not DECRYPT_FAILED', async () => {
    const keyC = (await kms.createKey({ Description: 'to be disabled' })).KeyMetadata.Arn;
    const keyring = new KmsKeyring({ client: kms, keyId: keyC });
    const sealed = await seal(pattern(8), { keyring, context });
    await kms.disableKey({ KeyId: keyC });
    const error = await failure(open(sealed, { keyring, context }));
    expect(error).not.toBeInstanceOf(EnvelopeError);
    expect((error as { name: string }).name).toBe('DisabledException');
    expect(((await failure(seal(pattern(8), { keyring, context }))) as { name: string }).name).toBe('DisabledException');
  });

  it('one disabled key among several does not stop the others: strict or discovery, the open succeeds', async () => {
    const keyD = (await kms.createKey({ Description: 'disabled among several' })).KeyMetadata.Arn;
    const sealed = await seal(pattern(12), { keyring: kmsKeyrings({ client: kms, keyIds: [keyD, keyB] }), context });
    await kms.disableKey({ KeyId: keyD });
    expect(await open(sealed, { keyring: kmsKeyrings({ client: kms, keyIds: [keyD, keyB] }), context })).toEqual(pattern(12));
    expect(await open(sealed, { keyring: new KmsKeyring({ client: kms, discovery: true }), context })).toEqual(pattern(12));
    // Only key D held: its DisabledException is what the caller sees, never DECRYPT_FAILED.
    const error = await failure(open(sealed, { keyring: new KmsKeyring({ client: kms, keyId: keyD }), context }));
    expect((error as { name: string }).name).toBe('DisabledException');
  });

  it("discovery skips wrapped keys of other Regions before calling KMS (the client's Region, or the region option)", async () => {
    const eu = new Kms({ quotas: false, region: 'eu-west-1' });
    const keyEu = (await eu.createKey({})).KeyMetadata.Arn;
    const sealed = await seal(pattern(6), { keyring: [new KmsKeyring({ client: eu, keyId: keyEu }), new KmsKeyring({ client: kms, keyId: keyA })], context });
    const us = recording(kms);
    // A recording wrapper hides kms.region: the Region is given explicitly here.
    expect(await open(sealed, { keyring: new KmsKeyring({ client: us, discovery: true, region: 'us-east-1' }), context })).toEqual(pattern(6));
    expect(us.calls).toEqual([`Decrypt ${keyA}`]);
    // The in-process Kms exposes its Region: picked up without the option.
    expect(await open(sealed, { keyring: new KmsKeyring({ client: eu, discovery: true }), context })).toEqual(pattern(6));
    expect(await open(sealed, { keyring: new KmsKeyring({ client: kms, discovery: true }), context })).toEqual(pattern(6));
  });

  it('a client that answers without a key ARN, blob or plaintext is an error, never a silent success', async () => {
    const broken = (patch: Partial<KmsDataKeyOutput>): KmsClientLike => ({
      generateDataKey: async (input) => ({ ...(await kms.generateDataKey(input)), ...patch }),
      encrypt: async (input) => ({ ...(await kms.encrypt(input)), ...patch }),
      decrypt: async (input) => ({ ...(await kms.decrypt(input)), ...patch }),
    });
    for (const patch of [{ KeyId: undefined }, { KeyId: 'alias/x' }, { CiphertextBlob: undefined }, { Plaintext: undefined }]) {
      await expect(seal(pattern(1), { keyring: new KmsKeyring({ client: broken(patch), keyId: keyA }) })).rejects.toThrow(/KMS GenerateDataKey returned no/);
    }
  });

  it('checks its options', () => {
    expect(() => new KmsKeyring({ client: kms })).toThrow(TypeError);
    expect(() => new KmsKeyring({ client: kms, keyId: keyA, discovery: true })).toThrow(TypeError);
    expect(() => new KmsKeyring({ client: {} as KmsClientLike, keyId: keyA })).toThrow(TypeError);
    expect(() => new KmsKeyring({ client: kms, keyId: keyA, discoveryFilter: { partition: 'aws', accountIds: ['000000000000'] } })).toThrow(TypeError);
    expect(() => new KmsKeyring({ client: kms, discovery: true, discoveryFilter: { partition: 'aws', accountIds: ['1'] } })).toThrow(TypeError);
    expect(() => kmsKeyrings({ client: kms, keyIds: [] })).toThrow(TypeError);
  });
});

describe('KmsKeyring grant tokens', () => {
  /** A client that records every request it is sent, then lets the emulator answer it. */
  function inputs(): KmsClientLike & { seen: Record<string, unknown>[] } {
    const seen: Record<string, unknown>[] = [];
    return {
      seen,
      generateDataKey: (input) => (seen.push({ ...input }), kms.generateDataKey(input)),
      encrypt: (input) => (seen.push({ ...input }), kms.encrypt(input)),
      decrypt: (input) => (seen.push({ ...input }), kms.decrypt(input)),
    };
  }

  it('are sent, a fresh copy each time, with every GenerateDataKey, Encrypt and Decrypt; none without them', async () => {
    const { GrantToken } = await kms.createGrant({ KeyId: keyA, GranteePrincipal: 'arn:aws:iam::000000000000:root', Operations: ['Decrypt'] });
    const tokens = [GrantToken ?? ''];
    const client = inputs();
    const withTokens = new KmsKeyring({ client, keyId: keyA, grantTokens: tokens });
    const generated = await withTokens.generateDataKey(32, context);
    await withTokens.wrapDataKey(generated.dataKey, context);
    expect(await withTokens.unwrapDataKey(generated.wrapped, context)).toEqual(generated.dataKey);
    expect(client.seen.map((input) => input['GrantTokens'])).toEqual([tokens, tokens, tokens]);
    expect(new Set(client.seen.map((input) => input['GrantTokens'])).size).toBe(3);
    expect(client.seen.every((input) => input['GrantTokens'] !== tokens)).toBe(true);
    const plain = inputs();
    await new KmsKeyring({ client: plain, keyId: keyA }).generateDataKey(32, context);
    expect(Object.keys(plain.seen[0] ?? {})).toEqual(['KeyId', 'NumberOfBytes', 'EncryptionContext']);
  });
});
