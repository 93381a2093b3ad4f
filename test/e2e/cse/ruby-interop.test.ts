/**
 * Interop with the official Ruby S3 Encryption Client (`Aws::S3::EncryptionV2::Client` of Debian's
 * `ruby-aws-sdk-s3`, and its V1 `Aws::S3::Encryption::Client` for legacy objects) against the
 * Strongbox endpoint over a real socket (`startServer`, S3 and KMS on one port): Ruby writes objects
 * with AES/GCM, RSA-OAEP-SHA1 and kms+context (with an encryption context, wrapped by Strongbox's
 * KMS), in metadata and in an instruction file, that this client reads through the same endpoint,
 * and reads the objects this client writes there. This aws-sdk-s3 predates V3, so the objects are
 * V2 (this client writes them under FORBID_ENCRYPT_ALLOW_DECRYPT).
 * Skipped, with the reason printed, where `ruby` or the gem is absent (`.ci/install-peers` installs it).
 */

import { execFile, spawnSync } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { KMSClient } from '@aws-sdk/client-kms';
import { CreateBucketCommand, GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import {
  AesKeyring,
  type CommitmentPolicy,
  type Keyring,
  KmsKeyring,
  type RequestOptions,
  RsaKeyring,
  S3EncryptionClient,
} from '@strongbox/s3-encryption-client';
import { kmsClientAdapter } from '@strongbox/s3-encryption-client/kms-sdk';
import { type RunningServer, startServer } from 'strongbox';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

// Moved from the package (its tests may not depend on `strongbox`, which depends on the package):
// the package project gave every test and hook 30 s on 2 busy shared cores; so does this file.
vi.setConfig({ testTimeout: 30_000, hookTimeout: 30_000 });

const SCRIPT = fileURLToPath(new URL('./ruby-s3ec.rb', import.meta.url));
const BUCKET = 'interop';
const CONTEXT = { tenant: 'acme', purpose: 'interop' };

const probe = spawnSync('ruby', ['-e', 'require "aws-sdk-s3"; Aws::S3::EncryptionV2::Client; Aws::KMS::Client; print Aws::S3::GEM_VERSION'], {
  encoding: 'utf8',
  timeout: 60_000,
});
const skipReason =
  probe.error !== undefined
    ? `ruby is not installed (${probe.error.message})`
    : probe.status !== 0
      ? `the aws-sdk-s3 gem is not loadable: ${probe.stderr.trim().split('\n')[0] ?? ''}`
      : undefined;
if (skipReason !== undefined)
  console.log(`Ruby S3 Encryption Client interop skipped: ${skipReason}. Install it with .ci/install-peers (apt-get install ruby-aws-sdk-s3).`);

const plaintextFor = (key: string): string => `Strongbox interop ${key}: ${'0123456789abcdef'.repeat(70)}`;

describe.skipIf(skipReason !== undefined)(`official Ruby S3 Encryption Client (aws-sdk-s3 ${probe.stdout ?? ''})`, () => {
  const aesKey = randomBytes(32);
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  let server: RunningServer;
  let s3: S3Client;
  let kms: KMSClient;
  let keyId: string;
  let environment: NodeJS.ProcessEnv;

  /** An object as Strongbox stores it, read with a plain S3 client. */
  const stored = async (key: string): Promise<{ body: Uint8Array; metadata: Record<string, string> }> => {
    const output = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
    return { body: await output.Body!.transformToByteArray(), metadata: { ...output.Metadata } };
  };

  beforeAll(async () => {
    server = await startServer({ port: 0, quotas: false });
    const config = { endpoint: server.url, region: server.kms.region, credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 };
    s3 = new S3Client({ ...config, forcePathStyle: true });
    kms = new KMSClient(config);
    keyId = (await server.kms.createKey({})).KeyMetadata.KeyId;
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
    environment = {
      PATH: process.env['PATH'],
      HOME: process.env['HOME'],
      S3_ENDPOINT: server.url,
      KMS_ENDPOINT: server.url,
      KMS_REGION: server.kms.region,
      KMS_KEY_ID: keyId,
      AES_KEY_HEX: aesKey.toString('hex'),
      RSA_PEM: privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
    };
  });

  afterAll(async () => {
    s3?.destroy();
    kms?.destroy();
    await server?.close();
  });

  const keyrings = (): Record<string, { keyring: Keyring; options: RequestOptions; instructionFile?: boolean }> => ({
    'aes-gcm': { keyring: new AesKeyring({ wrappingKey: aesKey }), options: {} },
    'aes-gcm-instruction': { keyring: new AesKeyring({ wrappingKey: aesKey }), options: {}, instructionFile: true },
    'rsa-oaep': { keyring: new RsaKeyring({ publicKey, privateKey }), options: {} },
    kms: { keyring: new KmsKeyring({ kms: kmsClientAdapter(kms), kmsKeyId: keyId }), options: { encryptionContext: CONTEXT } },
  });

  const ruby = (command: 'write' | 'read'): Promise<Record<string, unknown>> =>
    new Promise((resolve, reject) => {
      execFile('ruby', [SCRIPT, command], { env: environment, timeout: 120_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
        if (error !== null) reject(new Error(`ruby ${command} failed: ${error.message}\n${stderr}`));
        else resolve(JSON.parse(stdout) as Record<string, unknown>);
      });
    });

  it('this client reads what Ruby writes: V2 AES/GCM, instruction file, RSA-OAEP-SHA1, kms+context; V1 AES and RSA behind the legacy options', async () => {
    const written = await ruby('write');
    expect(Object.keys(written).sort()).toEqual(['ruby/aes-gcm', 'ruby/aes-gcm-instruction', 'ruby/kms', 'ruby/rsa-oaep', 'ruby/v1-aes', 'ruby/v1-rsa']);
    // What Ruby stored: V2 keys, the instruction file holding them, V1's x-amz-key.
    expect((await stored('ruby/aes-gcm')).metadata).toMatchObject({ 'x-amz-wrap-alg': 'AES/GCM', 'x-amz-cek-alg': 'AES/GCM/NoPadding' });
    expect(JSON.parse(Buffer.from((await stored('ruby/aes-gcm-instruction.instruction')).body).toString())).toMatchObject({
      'x-amz-wrap-alg': 'AES/GCM',
    });
    expect(JSON.parse((await stored('ruby/kms')).metadata['x-amz-matdesc'] ?? '{}')).toEqual({ ...CONTEXT, 'aws:x-amz-cek-alg': 'AES/GCM/NoPadding' });
    expect((await stored('ruby/v1-aes')).metadata).toHaveProperty('x-amz-key');
    for (const [name, { keyring, options }] of Object.entries(keyrings())) {
      const client = new S3EncryptionClient({ s3, keyring, commitmentPolicy: 'REQUIRE_ENCRYPT_ALLOW_DECRYPT' });
      const output = await client.getObject({ Bucket: BUCKET, Key: `ruby/${name}` }, options);
      expect(await output.Body?.transformToString(), name).toBe(plaintextFor(`ruby/${name}`));
    }
    const legacy = { commitmentPolicy: 'REQUIRE_ENCRYPT_ALLOW_DECRYPT' as CommitmentPolicy, enableLegacyUnauthenticatedModes: true };
    for (const [name, keyring, modern] of [
      ['v1-aes', new AesKeyring({ wrappingKey: aesKey, enableLegacyWrappingAlgorithms: true }), new AesKeyring({ wrappingKey: aesKey })],
      ['v1-rsa', new RsaKeyring({ privateKey, enableLegacyWrappingAlgorithms: true }), new RsaKeyring({ privateKey })],
    ] as const) {
      const output = await new S3EncryptionClient({ s3, keyring, ...legacy }).getObject({ Bucket: BUCKET, Key: `ruby/${name}` });
      expect(await output.Body?.transformToString(), name).toBe(plaintextFor(`ruby/${name}`));
      await expect(new S3EncryptionClient({ s3, keyring: modern, ...legacy }).getObject({ Bucket: BUCKET, Key: `ruby/${name}` })).rejects.toMatchObject({
        code: 'LegacyModeDisabled',
      });
      await expect(new S3EncryptionClient({ s3, keyring }).getObject({ Bucket: BUCKET, Key: `ruby/${name}` })).rejects.toMatchObject({
        code: 'CommitmentPolicyViolation',
      });
    }
  }, 180_000);

  it('Ruby reads what this client writes (V2: AES/GCM, instruction file, RSA-OAEP-SHA1, kms+context)', async () => {
    for (const [name, { keyring, options, instructionFile }] of Object.entries(keyrings())) {
      const client = new S3EncryptionClient({
        s3,
        keyring,
        commitmentPolicy: 'FORBID_ENCRYPT_ALLOW_DECRYPT',
        writeInstructionFile: instructionFile === true,
      });
      await client.putObject({ Bucket: BUCKET, Key: `ts/${name}`, Body: plaintextFor(`ts/${name}`) }, options);
    }
    const read = await ruby('read');
    for (const name of Object.keys(keyrings())) {
      const result = read[`ts/${name}`] as { plaintext?: string; error?: string } | undefined;
      expect(result?.error, name).toBeUndefined();
      expect(Buffer.from(result?.plaintext ?? '', 'base64').toString(), name).toBe(plaintextFor(`ts/${name}`));
    }
  }, 180_000);
});
