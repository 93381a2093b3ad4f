/**
 * Round trips through the Strongbox endpoint (packages/strongbox) with Strongbox's own KMS: the
 * official `@aws-sdk/client-s3` reaches the S3 engine through the in-process handler (no port:
 * `startInProcess().clientConfig` with `forcePathStyle`), and once over a real socket
 * (`startServer`); the KMS keyring calls Strongbox's KMS through `@aws-sdk/client-kms` on the same
 * endpoint. Put, get, streaming put, multipart, managed upload, copy and delete for V3 and V2 under
 * each commitment policy, with the KMS, raw AES and raw RSA keyrings; then tampering with the stored
 * object through the endpoint itself (a plain `S3Client` rewrites body or metadata): body, tag,
 * wrapped key, IV, KMS context, commitment, message ID and instruction file are all refused.
 */

import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { KMSClient } from '@aws-sdk/client-kms';
import { CreateBucketCommand, DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { AesKeyring, type CommitmentPolicy, type Keyring, KmsKeyring, RsaKeyring, S3EncryptionClient } from '@strongbox/s3-encryption-client';
import { kmsClientAdapter } from '@strongbox/s3-encryption-client/kms-sdk';
import { type InProcessStrongbox, type RunningServer, startInProcess, startServer } from 'strongbox';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

// Moved from the package (its tests may not depend on `strongbox`, which depends on the package):
// the package project gave every test and hook 30 s on 2 busy shared cores; so does this file.
vi.setConfig({ testTimeout: 30_000, hookTimeout: 30_000 });

const BUCKET = 'cse';
const CONTEXT = { tenant: 'acme' };
const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const aesKey = randomBytes(32);

let strongbox: InProcessStrongbox;
let s3: S3Client;
let sdkKms: KMSClient;
let keyId: string;

beforeAll(async () => {
  strongbox = await startInProcess({ quotas: false });
  s3 = new S3Client({ ...strongbox.clientConfig, forcePathStyle: true, maxAttempts: 1 });
  sdkKms = new KMSClient({ ...strongbox.clientConfig, maxAttempts: 1 });
  keyId = (await strongbox.kms.createKey({})).KeyMetadata.KeyId;
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
});

afterAll(async () => {
  s3?.destroy();
  sdkKms?.destroy();
  await strongbox?.close();
});

/** The keyrings, each with the per-request options its reads and writes need. */
const KEYRINGS: Record<string, { keyring: () => Keyring; context?: Record<string, string> }> = {
  'kms+context (@aws-sdk/client-kms on the endpoint)': {
    keyring: () => new KmsKeyring({ kms: kmsClientAdapter(sdkKms), kmsKeyId: keyId }),
    context: CONTEXT,
  },
  'AES/GCM': { keyring: () => new AesKeyring({ wrappingKey: aesKey }) },
  'RSA-OAEP-SHA1': { keyring: () => new RsaKeyring({ publicKey, privateKey }) },
};

const POLICIES: readonly { policy: CommitmentPolicy; writes: 'V2' | 'V3' }[] = [
  { policy: 'REQUIRE_ENCRYPT_REQUIRE_DECRYPT', writes: 'V3' },
  { policy: 'REQUIRE_ENCRYPT_ALLOW_DECRYPT', writes: 'V3' },
  { policy: 'FORBID_ENCRYPT_ALLOW_DECRYPT', writes: 'V2' },
];

let counter = 0;
const freshKey = (prefix: string): string => `${prefix}/${++counter}`;

/** The object as Strongbox stores it, read with a plain S3 client: ciphertext and user metadata. */
async function raw(key: string): Promise<{ body: Uint8Array; metadata: Record<string, string> }> {
  const output = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
  return { body: await output.Body!.transformToByteArray(), metadata: { ...output.Metadata } };
}

/** Tampers with the stored object through the endpoint: a plain PutObject of changed bytes or metadata. */
async function rewrite(key: string, change: (object: { body: Uint8Array; metadata: Record<string, string> }) => void): Promise<void> {
  const object = await raw(key);
  change(object);
  await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: object.body, Metadata: object.metadata }));
}

function flipBit(base64: string, bit: number): string {
  const bytes = Buffer.from(base64, 'base64');
  bytes[bit >> 3] = (bytes[bit >> 3] ?? 0) ^ (1 << (bit & 7));
  return bytes.toString('base64');
}

const readAll = async (client: S3EncryptionClient, key: string, context?: Record<string, string>): Promise<Buffer> =>
  Buffer.from(
    (await (await client.getObject({ Bucket: BUCKET, Key: key }, context === undefined ? {} : { encryptionContext: context })).Body?.transformToByteArray()) ??
      [],
  );

describe('round trips through the Strongbox endpoint (in process)', () => {
  for (const [name, { keyring, context }] of Object.entries(KEYRINGS)) {
    for (const { policy, writes } of POLICIES) {
      for (const writeInstructionFile of [false, true]) {
        it(`${name}, ${policy} (writes ${writes}), envelope in ${writeInstructionFile ? 'an instruction file' : 'metadata'}: put, get, copy, delete`, async () => {
          const client = new S3EncryptionClient({ s3, keyring: keyring(), commitmentPolicy: policy, writeInstructionFile });
          const key = freshKey('rt');
          const body = randomBytes(70_001);
          await client.putObject(
            { Bucket: BUCKET, Key: key, Body: body, Metadata: { owner: 'me' } },
            context === undefined ? {} : { encryptionContext: context },
          );

          // What Strongbox holds is ciphertext plus the tag, never the plaintext, with the envelope where asked.
          const stored = await raw(key);
          expect(stored.body.length).toBe(body.length + 16);
          expect(Buffer.from(stored.body).includes(body.subarray(0, 64))).toBe(false);
          expect(stored.metadata['owner']).toBe('me');
          const envelopeKey = writes === 'V3' ? 'x-amz-3' : 'x-amz-key-v2';
          if (writeInstructionFile) {
            expect(stored.metadata).not.toHaveProperty(envelopeKey);
            expect(JSON.parse(Buffer.from((await raw(`${key}.instruction`)).body).toString())).toHaveProperty(envelopeKey);
          } else {
            expect(stored.metadata).toHaveProperty(envelopeKey);
          }
          if (writes === 'V3') expect(stored.metadata).toHaveProperty('x-amz-c', '115');

          expect((await readAll(client, key, context)).equals(body)).toBe(true);
          await client.copyObject({ Bucket: BUCKET, Key: `${key}-copy`, CopySource: `${BUCKET}/${key}` });
          expect((await readAll(client, `${key}-copy`, context)).equals(body)).toBe(true);

          await client.deleteObject({ Bucket: BUCKET, Key: key });
          await expect(s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key }))).rejects.toMatchObject({ name: 'NotFound' });
          if (writeInstructionFile)
            await expect(s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: `${key}.instruction` }))).rejects.toMatchObject({ name: 'NotFound' });
          await expect(readAll(client, key, context)).rejects.toMatchObject({ name: 'NoSuchKey' });
        });
      }
    }
  }

  it('V2 against V3 under each commitment policy: REQUIRE_ENCRYPT_REQUIRE_DECRYPT refuses V2 before unwrapping, the ALLOW policies read both', async () => {
    const kms = (policy: CommitmentPolicy): S3EncryptionClient =>
      new S3EncryptionClient({ s3, keyring: new KmsKeyring({ kms: kmsClientAdapter(sdkKms), kmsKeyId: keyId }), commitmentPolicy: policy });
    const v2 = freshKey('policy');
    const v3 = freshKey('policy');
    await kms('FORBID_ENCRYPT_ALLOW_DECRYPT').putObject({ Bucket: BUCKET, Key: v2, Body: 'written as V2' });
    await kms('REQUIRE_ENCRYPT_REQUIRE_DECRYPT').putObject({ Bucket: BUCKET, Key: v3, Body: 'written as V3' });
    await expect(readAll(kms('REQUIRE_ENCRYPT_REQUIRE_DECRYPT'), v2)).rejects.toMatchObject({ code: 'CommitmentPolicyViolation' });
    for (const policy of ['REQUIRE_ENCRYPT_ALLOW_DECRYPT', 'FORBID_ENCRYPT_ALLOW_DECRYPT'] as const) {
      expect((await readAll(kms(policy), v2)).toString()).toBe('written as V2');
      expect((await readAll(kms(policy), v3)).toString()).toBe('written as V3');
    }
  });

  for (const { policy, writes } of [POLICIES[0], POLICIES[2]].filter((p) => p !== undefined)) {
    it(`${writes}: an encrypted multipart upload (5 MiB parts, as S3 requires) and a managed upload of a stream of unknown length`, async () => {
      const client = new S3EncryptionClient({ s3, keyring: new KmsKeyring({ kms: kmsClientAdapter(sdkKms), kmsKeyId: keyId }), commitmentPolicy: policy });
      const parts = [randomBytes(5 * 1024 * 1024), randomBytes(5 * 1024 * 1024), randomBytes(1234)];
      const key = freshKey('mpu');
      const upload = await client.createMultipartUpload({ Bucket: BUCKET, Key: key }, { encryptionContext: CONTEXT });
      await upload.uploadPart({ Body: parts[0] ?? new Uint8Array() });
      await upload.uploadPart({ Body: parts[1] ?? new Uint8Array() });
      await upload.uploadPart({ Body: parts[2] ?? new Uint8Array(), isLastPart: true });
      await upload.complete();
      const whole = Buffer.concat(parts);
      const stored = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key }));
      expect(stored.ContentLength).toBe(whole.length + 16);
      expect(stored.ETag).toMatch(/-3"$/);
      expect((await readAll(client, key, CONTEXT)).equals(whole)).toBe(true);

      const managed = freshKey('upload');
      const streamed = randomBytes(11 * 1024 * 1024 + 5);
      await client.upload(
        { Bucket: BUCKET, Key: managed, Body: Readable.from([streamed.subarray(0, 3_000_000), streamed.subarray(3_000_000)]) },
        { partSize: 5 * 1024 * 1024 },
      );
      expect((await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: managed }))).ETag).toMatch(/-3"$/);
      expect((await readAll(client, managed)).equals(streamed)).toBe(true);
    });
  }

  it('the checksums S3 added in 2026: a plaintext value is refused by the client; an MD5 (COMPOSITE) multipart upload completes', async () => {
    const client = new S3EncryptionClient({ s3, keyring: new AesKeyring({ wrappingKey: aesKey }) });
    for (const member of ['ChecksumMD5', 'ChecksumSHA512', 'ChecksumXXHASH64', 'ChecksumXXHASH3', 'ChecksumXXHASH128'] as const) {
      await expect(client.putObject({ Bucket: BUCKET, Key: freshKey('refused'), Body: 'x', [member]: 'AAAAAAAAAAA=' })).rejects.toMatchObject({
        code: 'InvalidConfiguration',
      });
    }
    // The SDK computes MD5 itself; each part's ChecksumMD5 must reach CompleteMultipartUpload.
    const parts = [randomBytes(5 * 1024 * 1024), randomBytes(100)];
    const key = freshKey('mpu-md5');
    const upload = await client.createMultipartUpload({ Bucket: BUCKET, Key: key, ChecksumAlgorithm: 'MD5' });
    await upload.uploadPart({ Body: parts[0] ?? new Uint8Array() });
    await upload.uploadPart({ Body: parts[1] ?? new Uint8Array(), isLastPart: true });
    const done = await upload.complete();
    expect([done.ChecksumMD5, done.ChecksumType]).toEqual([expect.stringMatching(/-2$/), 'COMPOSITE']);
    expect((await readAll(client, key)).equals(Buffer.concat(parts))).toBe(true);
  });

  it('an envelope over S3’s 2 KB of user metadata is refused (MetadataTooLarge); an instruction file holds it', async () => {
    const keyring = new KmsKeyring({ kms: kmsClientAdapter(sdkKms), kmsKeyId: keyId });
    const context = { tenant: 'acme', note: 'n'.repeat(2000) };
    const inMetadata = new S3EncryptionClient({ s3, keyring });
    const key = freshKey('big-envelope');
    await expect(inMetadata.putObject({ Bucket: BUCKET, Key: key, Body: 'x' }, { encryptionContext: context })).rejects.toMatchObject({
      name: 'MetadataTooLarge',
    });
    const inFile = new S3EncryptionClient({ s3, keyring, writeInstructionFile: true });
    await inFile.putObject({ Bucket: BUCKET, Key: key, Body: 'x' }, { encryptionContext: context });
    expect((await readAll(inFile, key, context)).toString()).toBe('x');
  });

  it('a streaming put (Readable with ContentLength) is stored as one GCM body and reads back', async () => {
    const client = new S3EncryptionClient({ s3, keyring: new AesKeyring({ wrappingKey: aesKey }) });
    const body = randomBytes(3 * 1024 * 1024 + 7);
    const key = freshKey('stream');
    await client.putObject({
      Bucket: BUCKET,
      Key: key,
      Body: Readable.from([body.subarray(0, 1_000_000), body.subarray(1_000_000)]),
      ContentLength: body.length,
    });
    expect((await readAll(client, key)).equals(body)).toBe(true);
  });
});

describe('tampering with the stored object through the Strongbox endpoint', () => {
  const PLAINTEXT = Buffer.from('attack at dawn, bring the good biscuits, and do not be late this time');
  const aes = (policy: CommitmentPolicy, writeInstructionFile = false): S3EncryptionClient =>
    new S3EncryptionClient({ s3, keyring: new AesKeyring({ wrappingKey: aesKey }), commitmentPolicy: policy, writeInstructionFile });
  const kms = (policy: CommitmentPolicy): S3EncryptionClient =>
    new S3EncryptionClient({ s3, keyring: new KmsKeyring({ kms: kmsClientAdapter(sdkKms), kmsKeyId: keyId }), commitmentPolicy: policy });

  for (const { policy, writes } of [POLICIES[0], POLICIES[2]].filter((p) => p !== undefined)) {
    it(`${writes}: a flipped bit of the ciphertext or of the tag, or a truncated or extended body, fails authentication`, async () => {
      const client = aes(policy);
      const key = freshKey('tamper');
      await client.putObject({ Bucket: BUCKET, Key: key, Body: PLAINTEXT });
      const original = (await raw(key)).body;
      for (const bit of [0, 8 * 20 + 3, 8 * PLAINTEXT.length - 1, 8 * PLAINTEXT.length, 8 * (PLAINTEXT.length + 15) + 7]) {
        await rewrite(key, (object) => {
          object.body = new Uint8Array(original);
          object.body[bit >> 3] = (object.body[bit >> 3] ?? 0) ^ (1 << (bit & 7));
        });
        await expect(readAll(client, key), `bit ${bit}`).rejects.toMatchObject({ code: 'DecryptionFailed' });
      }
      for (const body of [original.subarray(0, original.length - 1), Buffer.concat([original, Buffer.from([0])])]) {
        await rewrite(key, (object) => {
          object.body = body;
        });
        await expect(readAll(client, key)).rejects.toMatchObject({ code: 'DecryptionFailed' });
      }
      await rewrite(key, (object) => {
        object.body = original;
      });
      expect((await readAll(client, key)).equals(PLAINTEXT)).toBe(true);
    });

    it(`${writes}: an altered AES-wrapped data key fails; an altered KMS-wrapped key is refused by Strongbox's KMS; an altered KMS context by the client or KMS`, async () => {
      const wrapped = writes === 'V2' ? 'x-amz-key-v2' : 'x-amz-3';
      const aesClient = aes(policy);
      const aesObject = freshKey('tamper');
      await aesClient.putObject({ Bucket: BUCKET, Key: aesObject, Body: PLAINTEXT });
      await rewrite(aesObject, (object) => {
        object.metadata[wrapped] = flipBit(object.metadata[wrapped] ?? '', 100);
      });
      await expect(readAll(aesClient, aesObject)).rejects.toMatchObject({ code: 'DecryptionFailed' });

      const kmsClient = kms(policy);
      const kmsObject = freshKey('tamper');
      await kmsClient.putObject({ Bucket: BUCKET, Key: kmsObject, Body: PLAINTEXT }, { encryptionContext: CONTEXT });
      const { metadata } = await raw(kmsObject);
      await rewrite(kmsObject, (object) => {
        object.metadata[wrapped] = flipBit(object.metadata[wrapped] ?? '', 8 * 40);
      });
      await expect(readAll(kmsClient, kmsObject, CONTEXT)).rejects.toMatchObject({ name: 'InvalidCiphertextException' });

      const contextName = writes === 'V2' ? 'x-amz-matdesc' : 'x-amz-t';
      const cek = writes === 'V2' ? 'AES/GCM/NoPadding' : '115';
      await rewrite(kmsObject, (object) => {
        object.metadata = { ...metadata, [contextName]: JSON.stringify({ 'aws:x-amz-cek-alg': cek, tenant: 'mallory' }) };
      });
      // The stored context no longer equals the caller's: the client refuses before calling KMS ...
      await expect(readAll(kmsClient, kmsObject, CONTEXT)).rejects.toMatchObject({ code: 'EncryptionContextMismatch' });
      // ... and a caller who asks for the forged context is refused by KMS (the ciphertext binds the real one).
      await expect(readAll(kmsClient, kmsObject, { tenant: 'mallory' })).rejects.toMatchObject({ name: 'InvalidCiphertextException' });
      await rewrite(kmsObject, (object) => {
        object.metadata = metadata;
      });
      expect((await readAll(kmsClient, kmsObject, CONTEXT)).equals(PLAINTEXT)).toBe(true);
    });
  }

  it('V2: a changed IV fails authentication', async () => {
    const client = aes('FORBID_ENCRYPT_ALLOW_DECRYPT');
    const key = freshKey('tamper');
    await client.putObject({ Bucket: BUCKET, Key: key, Body: PLAINTEXT });
    await rewrite(key, (object) => {
      object.metadata['x-amz-iv'] = flipBit(object.metadata['x-amz-iv'] ?? '', 5);
    });
    await expect(readAll(client, key)).rejects.toMatchObject({ code: 'DecryptionFailed' });
  });

  it('V3: a changed commitment or message ID fails the commitment check; a V3 object relabelled as V2 is refused', async () => {
    const client = aes('REQUIRE_ENCRYPT_REQUIRE_DECRYPT');
    const key = freshKey('tamper');
    await client.putObject({ Bucket: BUCKET, Key: key, Body: PLAINTEXT });
    const { metadata } = await raw(key);
    for (const name of ['x-amz-d', 'x-amz-i']) {
      await rewrite(key, (object) => {
        object.metadata = { ...metadata, [name]: flipBit(metadata[name] ?? '', 77) };
      });
      await expect(readAll(client, key)).rejects.toMatchObject({ code: 'KeyCommitmentMismatch' });
    }
    // Stripping the commitment (mixing in V2 names) is a format error, never a downgrade.
    await rewrite(key, (object) => {
      object.metadata = { ...metadata, 'x-amz-key-v2': metadata['x-amz-3'] ?? '' };
    });
    await expect(readAll(aes('FORBID_ENCRYPT_ALLOW_DECRYPT'), key)).rejects.toMatchObject({ code: 'MixedFormatVersions' });
  });

  it('the instruction file: a flipped wrapped key fails; V3 keys moved into it are refused (GHSA-x44p-gvrj-pj2r); a missing one is NoSuchKey', async () => {
    for (const { policy, writes } of [POLICIES[0], POLICIES[2]].filter((p) => p !== undefined)) {
      const client = aes(policy, true);
      const key = freshKey('tamper');
      await client.putObject({ Bucket: BUCKET, Key: key, Body: PLAINTEXT });
      const file = JSON.parse(Buffer.from((await raw(`${key}.instruction`)).body).toString()) as Record<string, string>;
      const wrapped = writes === 'V2' ? 'x-amz-key-v2' : 'x-amz-3';
      const put = (content: Record<string, string>): Promise<unknown> =>
        s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: `${key}.instruction`, Body: JSON.stringify(content) }));
      await put({ ...file, [wrapped]: flipBit(file[wrapped] ?? '', 9) });
      await expect(readAll(client, key), writes).rejects.toMatchObject({ code: 'DecryptionFailed' });
      if (writes === 'V3') {
        const { metadata } = await raw(key);
        for (const name of ['x-amz-c', 'x-amz-d', 'x-amz-i']) {
          await put({ ...file, [name]: metadata[name] ?? '' });
          await expect(readAll(client, key)).rejects.toMatchObject({ code: 'MalformedMetadata', message: expect.stringContaining(name) });
        }
      }
      await put(file);
      expect((await readAll(client, key)).equals(PLAINTEXT)).toBe(true);
      await s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: `${key}.instruction` }));
      await expect(readAll(client, key)).rejects.toMatchObject({ name: 'NoSuchKey' });
    }
  });
});

describe('over a real socket (strongbox serve)', () => {
  let server: RunningServer;
  let socketS3: S3Client;
  let socketKms: KMSClient;
  beforeAll(async () => {
    server = await startServer({ port: 0, quotas: false });
    const config = { endpoint: server.url, region: server.kms.region, credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 };
    socketS3 = new S3Client({ ...config, forcePathStyle: true });
    socketKms = new KMSClient(config);
  });
  afterAll(async () => {
    socketS3?.destroy();
    socketKms?.destroy();
    await server?.close();
  });

  it('CSE-KMS V3 and V2 (KMS over HTTP on the same port): put, streaming put, get, copy, delete', async () => {
    const key = (await server.kms.createKey({})).KeyMetadata.KeyId;
    await socketS3.send(new CreateBucketCommand({ Bucket: 'socket' }));
    for (const policy of ['REQUIRE_ENCRYPT_REQUIRE_DECRYPT', 'FORBID_ENCRYPT_ALLOW_DECRYPT'] as const) {
      const client = new S3EncryptionClient({
        s3: socketS3,
        keyring: new KmsKeyring({ kms: kmsClientAdapter(socketKms), kmsKeyId: key }),
        commitmentPolicy: policy,
      });
      const body = randomBytes(2 * 1024 * 1024 + 3);
      await client.putObject({ Bucket: 'socket', Key: policy, Body: body }, { encryptionContext: CONTEXT });
      await client.putObject(
        { Bucket: 'socket', Key: `${policy}-stream`, Body: Readable.from([body]), ContentLength: body.length },
        { encryptionContext: CONTEXT },
      );
      await client.copyObject({ Bucket: 'socket', Key: `${policy}-copy`, CopySource: `socket/${policy}` });
      for (const name of [policy, `${policy}-stream`, `${policy}-copy`]) {
        const output = await client.getObject({ Bucket: 'socket', Key: name }, { encryptionContext: CONTEXT });
        expect(Buffer.from((await output.Body?.transformToByteArray()) ?? []).equals(body), name).toBe(true);
      }
      await client.deleteObject({ Bucket: 'socket', Key: policy });
      await expect(client.getObject({ Bucket: 'socket', Key: policy }, { encryptionContext: CONTEXT })).rejects.toMatchObject({ name: 'NoSuchKey' });
    }
  });
});
