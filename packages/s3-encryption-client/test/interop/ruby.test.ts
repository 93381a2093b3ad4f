/**
 * Interop with the official Ruby S3 Encryption Client (`Aws::S3::EncryptionV2::Client` of Debian's
 * `ruby-aws-sdk-s3`, and its V1 `Aws::S3::Encryption::Client` for legacy objects): the in-memory S3
 * fixture and the in-process Strongbox KMS are served on 127.0.0.1; Ruby writes objects with AES/GCM,
 * RSA-OAEP-SHA1 and kms+context (with an encryption context), in metadata and in an instruction
 * file, that this client reads, and reads the objects this client writes. This aws-sdk-s3 predates
 * V3, so the objects are V2 (this client writes them under FORBID_ENCRYPT_ALLOW_DECRYPT).
 * Skipped, with the reason printed, where `ruby` or the gem is absent (`.ci/install-peers` installs it).
 */

import { execFile, spawnSync } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { Kms } from '@strongbox/kms';
import { createJson11Handler, toNodeListener } from '@strongbox/kms/http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AesKeyring, type CommitmentPolicy, type Keyring, KmsKeyring, type RequestOptions, RsaKeyring, S3EncryptionClient } from '../../src/index.ts';
import { type HttpFixture, serveOverHttp } from '../helpers/http-fixture.ts';
import { type MemoryS3, memoryS3 } from '../helpers/memory-s3.ts';

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
  let s3: MemoryS3;
  let http: HttpFixture;
  let kms: Kms;
  let kmsServer: Server;
  let keyId: string;
  let environment: NodeJS.ProcessEnv;

  beforeAll(async () => {
    s3 = memoryS3();
    http = await serveOverHttp(s3.handle);
    kms = new Kms({ quotas: false });
    keyId = (await kms.createKey({})).KeyMetadata.KeyId;
    kmsServer = createServer(toNodeListener(createJson11Handler(kms)));
    await new Promise<void>((resolve) => kmsServer.listen(0, '127.0.0.1', resolve));
    environment = {
      PATH: process.env['PATH'],
      HOME: process.env['HOME'],
      S3_ENDPOINT: http.url,
      KMS_ENDPOINT: `http://127.0.0.1:${(kmsServer.address() as AddressInfo).port}`,
      KMS_REGION: kms.region,
      KMS_KEY_ID: keyId,
      AES_KEY_HEX: aesKey.toString('hex'),
      RSA_PEM: privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
    };
  });

  afterAll(async () => {
    await http?.close();
    await new Promise<void>((resolve) => kmsServer?.close(() => resolve()));
    await kms?.close();
  });

  const keyrings = (): Record<string, { keyring: Keyring; options: RequestOptions; instructionFile?: boolean }> => ({
    'aes-gcm': { keyring: new AesKeyring({ wrappingKey: aesKey }), options: {} },
    'aes-gcm-instruction': { keyring: new AesKeyring({ wrappingKey: aesKey }), options: {}, instructionFile: true },
    'rsa-oaep': { keyring: new RsaKeyring({ publicKey, privateKey }), options: {} },
    kms: { keyring: new KmsKeyring({ kms, kmsKeyId: keyId }), options: { encryptionContext: CONTEXT } },
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
    expect(s3.get(BUCKET, 'ruby/aes-gcm')?.metadata).toMatchObject({ 'x-amz-wrap-alg': 'AES/GCM', 'x-amz-cek-alg': 'AES/GCM/NoPadding' });
    expect(JSON.parse(Buffer.from(s3.get(BUCKET, 'ruby/aes-gcm-instruction.instruction')?.body ?? []).toString())).toMatchObject({
      'x-amz-wrap-alg': 'AES/GCM',
    });
    expect(JSON.parse(s3.get(BUCKET, 'ruby/kms')?.metadata['x-amz-matdesc'] ?? '{}')).toEqual({ ...CONTEXT, 'aws:x-amz-cek-alg': 'AES/GCM/NoPadding' });
    expect(s3.get(BUCKET, 'ruby/v1-aes')?.metadata).toHaveProperty('x-amz-key');
    for (const [name, { keyring, options }] of Object.entries(keyrings())) {
      const client = new S3EncryptionClient({ s3: s3.client, keyring, commitmentPolicy: 'REQUIRE_ENCRYPT_ALLOW_DECRYPT' });
      const output = await client.getObject({ Bucket: BUCKET, Key: `ruby/${name}` }, options);
      expect(await output.Body?.transformToString(), name).toBe(plaintextFor(`ruby/${name}`));
    }
    const legacy = { commitmentPolicy: 'REQUIRE_ENCRYPT_ALLOW_DECRYPT' as CommitmentPolicy, enableLegacyUnauthenticatedModes: true };
    for (const [name, keyring, modern] of [
      ['v1-aes', new AesKeyring({ wrappingKey: aesKey, enableLegacyWrappingAlgorithms: true }), new AesKeyring({ wrappingKey: aesKey })],
      ['v1-rsa', new RsaKeyring({ privateKey, enableLegacyWrappingAlgorithms: true }), new RsaKeyring({ privateKey })],
    ] as const) {
      const output = await new S3EncryptionClient({ s3: s3.client, keyring, ...legacy }).getObject({ Bucket: BUCKET, Key: `ruby/${name}` });
      expect(await output.Body?.transformToString(), name).toBe(plaintextFor(`ruby/${name}`));
      await expect(
        new S3EncryptionClient({ s3: s3.client, keyring: modern, ...legacy }).getObject({ Bucket: BUCKET, Key: `ruby/${name}` }),
      ).rejects.toMatchObject({ code: 'LegacyModeDisabled' });
      await expect(new S3EncryptionClient({ s3: s3.client, keyring }).getObject({ Bucket: BUCKET, Key: `ruby/${name}` })).rejects.toMatchObject({
        code: 'CommitmentPolicyViolation',
      });
    }
  }, 180_000);

  it('Ruby reads what this client writes (V2: AES/GCM, instruction file, RSA-OAEP-SHA1, kms+context)', async () => {
    for (const [name, { keyring, options, instructionFile }] of Object.entries(keyrings())) {
      const client = new S3EncryptionClient({
        s3: s3.client,
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
