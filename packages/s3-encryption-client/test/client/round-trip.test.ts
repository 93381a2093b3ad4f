/**
 * Round trips through a real `S3Client` over the in-memory S3 fixture (the same against the
 * Strongbox endpoint: the root test/e2e/cse/strongbox-endpoint.test.ts): every keyring (kms+context with the in-process `@strongbox/kms` and with
 * `@aws-sdk/client-kms` over HTTP to it; AES/GCM; RSA-OAEP-SHA1), both formats, metadata and
 * instruction files, in-memory and streaming bodies, delete with the instruction file, and what
 * the stored objects look like on the wire.
 */

import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { KMSClient } from '@aws-sdk/client-kms';
import { Kms } from '@strongbox/kms';
import { createJson11Handler, toNodeListener } from '@strongbox/kms/http';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AesKeyring, type CommitmentPolicy, type Keyring, KmsKeyring, RsaKeyring, S3EncryptionClient } from '../../src/index.ts';
import { kmsClientAdapter } from '../../src/keyrings/kms-sdk.ts';
import { memoryS3 } from '../helpers/memory-s3.ts';

const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });

let kms: Kms;
let keyId: string;
let server: Server;
let sdkKms: KMSClient;

beforeAll(async () => {
  kms = new Kms({ quotas: false });
  keyId = (await kms.createKey({})).KeyMetadata.KeyId;
  server = createServer(toNodeListener(createJson11Handler(kms)));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  sdkKms = new KMSClient({
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    region: kms.region,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  });
});

afterAll(async () => {
  sdkKms.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await kms.close();
});

const KEYRINGS: Record<string, () => Keyring> = {
  'kms+context (in-process @strongbox/kms)': () => new KmsKeyring({ kms, kmsKeyId: keyId }),
  'kms+context (@aws-sdk/client-kms over HTTP)': () => new KmsKeyring({ kms: kmsClientAdapter(sdkKms), kmsKeyId: keyId }),
  'AES/GCM': () => new AesKeyring({ wrappingKey: new Uint8Array(32).fill(7), materialsDescription: { purpose: 'test' } }),
  'RSA-OAEP-SHA1': () => new RsaKeyring({ publicKey, privateKey }),
};

describe('round trips', () => {
  for (const [name, keyring] of Object.entries(KEYRINGS)) {
    for (const policy of ['REQUIRE_ENCRYPT_REQUIRE_DECRYPT', 'FORBID_ENCRYPT_ALLOW_DECRYPT'] as const) {
      for (const writeInstructionFile of [false, true]) {
        it(`${name}, ${policy === 'FORBID_ENCRYPT_ALLOW_DECRYPT' ? 'V2' : 'V3'}, ${writeInstructionFile ? 'instruction file' : 'metadata'}`, async () => {
          const s3 = memoryS3();
          const client = new S3EncryptionClient({ s3: s3.client, keyring: keyring(), commitmentPolicy: policy, writeInstructionFile });
          const context = name.startsWith('kms') ? { encryptionContext: { tenant: 'acme' } } : {};
          const body = randomBytes(1000);
          await client.putObject({ Bucket: 'b', Key: 'k', Body: body, Metadata: { owner: 'me' } }, context);
          const stored = s3.get('b', 'k');
          expect(stored?.body.length).toBe(1016);
          expect(Buffer.from(stored?.body ?? []).includes(body.subarray(0, 32))).toBe(false);
          expect(stored?.metadata['owner']).toBe('me');
          expect(s3.get('b', 'k.instruction') !== undefined).toBe(writeInstructionFile);
          const output = await client.getObject({ Bucket: 'b', Key: 'k' }, context);
          expect(Buffer.from((await output.Body?.transformToByteArray()) ?? [])).toEqual(body);
          expect(output.ContentLength).toBe(1000);
          await client.deleteObject({ Bucket: 'b', Key: 'k' });
          expect(s3.objects.size).toBe(0);
        });
      }
    }
  }

  it('writes V3 by default, exactly the Java v4 key set plus the unencrypted length', async () => {
    const s3 = memoryS3();
    const client = new S3EncryptionClient({ s3: s3.client, keyring: new KmsKeyring({ kms, kmsKeyId: keyId }) });
    await client.putObject({ Bucket: 'b', Key: 'k', Body: 'hello' }, { encryptionContext: { tenant: 'acme' } });
    const metadata = s3.get('b', 'k')?.metadata ?? {};
    expect(Object.keys(metadata).sort()).toEqual(['x-amz-3', 'x-amz-c', 'x-amz-d', 'x-amz-i', 'x-amz-t', 'x-amz-unencrypted-content-length', 'x-amz-w']);
    expect(metadata['x-amz-c']).toBe('115');
    expect(metadata['x-amz-w']).toBe('12');
    expect(JSON.parse(metadata['x-amz-t'] ?? '')).toEqual({ tenant: 'acme', 'aws:x-amz-cek-alg': '115' });
    expect(Buffer.from(metadata['x-amz-i'] ?? '', 'base64')).toHaveLength(28);
    expect(Buffer.from(metadata['x-amz-d'] ?? '', 'base64')).toHaveLength(28);
  });

  it('writes all six V2 keys, x-amz-matdesc {} and x-amz-tag-len 128 included (Ruby and Java readers require them)', async () => {
    const s3 = memoryS3();
    const client = new S3EncryptionClient({
      s3: s3.client,
      keyring: new AesKeyring({ wrappingKey: new Uint8Array(32) }),
      commitmentPolicy: 'FORBID_ENCRYPT_ALLOW_DECRYPT',
    });
    await client.putObject({ Bucket: 'b', Key: 'k', Body: 'hello' });
    const metadata = s3.get('b', 'k')?.metadata ?? {};
    expect(metadata).toMatchObject({
      'x-amz-cek-alg': 'AES/GCM/NoPadding',
      'x-amz-tag-len': '128',
      'x-amz-wrap-alg': 'AES/GCM',
      'x-amz-matdesc': '{}',
      'x-amz-unencrypted-content-length': '5',
    });
    expect(Buffer.from(metadata['x-amz-key-v2'] ?? '', 'base64')).toHaveLength(60);
    expect(Buffer.from(metadata['x-amz-iv'] ?? '', 'base64')).toHaveLength(12);
  });

  it('V3 with an instruction file keeps x-amz-c, x-amz-d and x-amz-i in the metadata only', async () => {
    const s3 = memoryS3();
    const client = new S3EncryptionClient({ s3: s3.client, keyring: new KmsKeyring({ kms, kmsKeyId: keyId }), writeInstructionFile: true });
    await client.putObject({ Bucket: 'b', Key: 'k', Body: 'hello' });
    expect(Object.keys(s3.get('b', 'k')?.metadata ?? {}).sort()).toEqual(['x-amz-c', 'x-amz-d', 'x-amz-i', 'x-amz-unencrypted-content-length']);
    const file = s3.get('b', 'k.instruction');
    expect(Object.keys(JSON.parse(Buffer.from(file?.body ?? []).toString())).sort()).toEqual(['x-amz-3', 'x-amz-t', 'x-amz-w']);
    expect(file?.metadata).toEqual({ 'x-amz-crypto-instr-file': '' });
  });

  it('streams a Readable body with ContentLength through an aws-chunked upload', async () => {
    const s3 = memoryS3();
    const client = new S3EncryptionClient({ s3: s3.client, keyring: new AesKeyring({ wrappingKey: new Uint8Array(32).fill(1) }) });
    const body = randomBytes(300_000);
    const chunks = Array.from({ length: 30 }, (_, i) => body.subarray(i * 10_000, (i + 1) * 10_000));
    await client.putObject({ Bucket: 'b', Key: 'k', Body: Readable.from(chunks), ContentLength: body.length });
    expect(s3.get('b', 'k')?.body.length).toBe(body.length + 16);
    const put = s3.requests.find((request) => request.method === 'PUT');
    expect(put?.headers['content-encoding']).toContain('aws-chunked');
    expect(put?.headers['x-amz-decoded-content-length']).toBe(String(body.length + 16));
    const output = await client.getObject({ Bucket: 'b', Key: 'k' });
    expect(Buffer.from((await output.Body?.transformToByteArray()) ?? [])).toEqual(body);
  });

  it('refuses a streaming body without ContentLength, and one shorter than it said', async () => {
    const s3 = memoryS3();
    const client = new S3EncryptionClient({ s3: s3.client, keyring: new AesKeyring({ wrappingKey: new Uint8Array(32) }) });
    await expect(client.putObject({ Bucket: 'b', Key: 'k', Body: Readable.from([Buffer.from('abc')]) })).rejects.toMatchObject({
      code: 'InvalidConfiguration',
    });
    await expect(client.putObject({ Bucket: 'b', Key: 'k', Body: Readable.from([Buffer.from('abc')]), ContentLength: 10 })).rejects.toThrow();
    expect(s3.get('b', 'k')).toBeUndefined();
  });

  it('refuses user metadata that would collide with the envelope, and plaintext checksums', async () => {
    const s3 = memoryS3();
    const client = new S3EncryptionClient({ s3: s3.client, keyring: new AesKeyring({ wrappingKey: new Uint8Array(32) }) });
    await expect(client.putObject({ Bucket: 'b', Key: 'k', Body: 'x', Metadata: { 'x-amz-key-v2': 'AAAA' } })).rejects.toMatchObject({
      code: 'InvalidConfiguration',
    });
    await expect(client.putObject({ Bucket: 'b', Key: 'k', Body: 'x', ContentMD5: 'AAAA' })).rejects.toMatchObject({ code: 'InvalidConfiguration' });
    expect(s3.requests).toHaveLength(0);
  });

  it("refuses the reserved aws:x-amz-cek-alg in the caller's context, and a context with raw keyrings", async () => {
    const s3 = memoryS3();
    const kmsClient = new S3EncryptionClient({ s3: s3.client, keyring: new KmsKeyring({ kms, kmsKeyId: keyId }) });
    await expect(kmsClient.putObject({ Bucket: 'b', Key: 'k', Body: 'x' }, { encryptionContext: { 'aws:x-amz-cek-alg': '115' } })).rejects.toMatchObject({
      code: 'ReservedKey',
    });
    const aesClient = new S3EncryptionClient({ s3: s3.client, keyring: new AesKeyring({ wrappingKey: new Uint8Array(32) }) });
    await expect(aesClient.putObject({ Bucket: 'b', Key: 'k', Body: 'x' }, { encryptionContext: { a: 'b' } })).rejects.toMatchObject({
      code: 'InvalidConfiguration',
    });
    expect(s3.requests).toHaveLength(0);
  });

  it('stores a non-ASCII encryption context as ASCII JSON and reads it back', async () => {
    const s3 = memoryS3();
    const client = new S3EncryptionClient({ s3: s3.client, keyring: new KmsKeyring({ kms, kmsKeyId: keyId }) });
    const context = { l1Key: 'ååå', 中: '😀' };
    await client.putObject({ Bucket: 'b', Key: 'k', Body: 'hello' }, { encryptionContext: context });
    expect(s3.get('b', 'k')?.metadata['x-amz-t']).toMatch(/^[\x20-\x7e]+$/);
    const output = await client.getObject({ Bucket: 'b', Key: 'k' }, { encryptionContext: context });
    expect(await output.Body?.transformToString()).toBe('hello');
  });

  it('reads metadata S3 returns RFC 2047-encoded (a raw-AES materials description with non-ASCII)', async () => {
    const s3 = memoryS3();
    const writer = new S3EncryptionClient({ s3: s3.client, keyring: new AesKeyring({ wrappingKey: new Uint8Array(32) }) });
    await writer.putObject({ Bucket: 'b', Key: 'k', Body: 'hello' });
    const stored = s3.get('b', 'k');
    if (stored === undefined) throw new Error('not stored');
    // As another client would write it: the raw UTF-8 JSON, which S3 hands back RFC 2047-encoded.
    stored.metadata['x-amz-m'] = '{"owner":"café"}';
    // Without the decoding, the header's "=?UTF-8?B?...?=" would be refused as JSON.
    expect(await (await writer.getObject({ Bucket: 'b', Key: 'k' })).Body?.transformToString()).toBe('hello');
  });

  it("leaves the caller's own metadata alone: a value that is not UTF-8 does not make the object unreadable", async () => {
    const s3 = memoryS3();
    const client = new S3EncryptionClient({ s3: s3.client, keyring: new AesKeyring({ wrappingKey: new Uint8Array(32) }) });
    await client.putObject({ Bucket: 'b', Key: 'k', Body: 'hello' });
    const stored = s3.get('b', 'k');
    if (stored === undefined) throw new Error('not stored');
    stored.metadata['note'] = '\u00c3\u00c3';
    expect(await (await client.getObject({ Bucket: 'b', Key: 'k' })).Body?.transformToString()).toBe('hello');
  });

  it('streams web ReadableStream and Blob bodies', async () => {
    const s3 = memoryS3();
    const client = new S3EncryptionClient({ s3: s3.client, keyring: new AesKeyring({ wrappingKey: new Uint8Array(32).fill(1) }) });
    const body = randomBytes(70_000);
    await client.putObject({ Bucket: 'b', Key: 'web', Body: new Blob([body]).stream(), ContentLength: body.length });
    await client.putObject({ Bucket: 'b', Key: 'blob', Body: new Blob([body]) });
    for (const key of ['web', 'blob']) {
      expect(s3.get('b', key)?.body.length).toBe(body.length + 16);
      expect(Buffer.from((await (await client.getObject({ Bucket: 'b', Key: key })).Body?.transformToByteArray()) ?? [])).toEqual(body);
    }
  });

  it('a plaintext object fails with NoSuchKey for its instruction file, as every official client does', async () => {
    const s3 = memoryS3();
    s3.put('b', 'plain', Buffer.from('not encrypted'));
    const client = new S3EncryptionClient({ s3: s3.client, keyring: new AesKeyring({ wrappingKey: new Uint8Array(32) }) });
    await expect(client.getObject({ Bucket: 'b', Key: 'plain' })).rejects.toMatchObject({ name: 'NoSuchKey' });
  });

  it('round-trips any body under either format (property)', async () => {
    const keyring = new AesKeyring({ wrappingKey: new Uint8Array(32).fill(9) });
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 2000 }),
        fc.constantFrom<CommitmentPolicy>('FORBID_ENCRYPT_ALLOW_DECRYPT', 'REQUIRE_ENCRYPT_ALLOW_DECRYPT'),
        async (body, policy) => {
          const s3 = memoryS3();
          const client = new S3EncryptionClient({ s3: s3.client, keyring, commitmentPolicy: policy });
          await client.putObject({ Bucket: 'b', Key: 'k', Body: body });
          const output = await client.getObject({ Bucket: 'b', Key: 'k' });
          expect(Buffer.from((await output.Body?.transformToByteArray()) ?? [])).toEqual(Buffer.from(body));
        },
      ),
      { numRuns: 25 },
    );
  });
});
