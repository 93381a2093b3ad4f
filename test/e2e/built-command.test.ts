/**
 * The README's main command, `pnpm start`, runs the built command: `node --conditions=strongbox-dist
 * packages/strongbox/bin/strongbox.js serve`, which loads dist/bundle/ (the serve path bundled by
 * packages/strongbox/scripts/bundle.mjs). A bundle must still find what its modules load on first
 * use from their own packages' dependencies: `@strongbox/kms` requires `@noble/post-quantum` and
 * `@noble/curves` for ML-DSA and secp256k1 keys, the certificate code loads pkijs for a
 * self-signed certificate, and S3 computes CRC64NVME checksums. Each is used here once, through the
 * official SDKs over HTTP and HTTPS, against that process, in this workspace's pnpm layout (the
 * packed tarball, npm's layout, is test/e2e/packed.test.ts); and `strongbox demo` runs to the end
 * from the same bundle.
 */

import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { Agent } from 'node:https';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CreateKeyCommand, KMSClient, SignCommand, VerifyCommand } from '@aws-sdk/client-kms';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'packages', 'strongbox', 'bin', 'strongbox.js');
const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };

let child: ChildProcess | undefined;
let exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
let stderr = '';
let http = '';
let https = '';
let certPath = '';

beforeAll(async () => {
  // What `prepare` builds, from the current sources (incremental: quick when built).
  await promisify(execFile)(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-b', join(ROOT, 'tsconfig.build.json')], { cwd: ROOT });
  await promisify(execFile)(process.execPath, [join(ROOT, 'packages', 'strongbox', 'scripts', 'bundle.mjs')], { cwd: ROOT });
  const started = spawn(process.execPath, ['--conditions=strongbox-dist', BIN, 'serve', '--port', '0', '--https-port', '0', '--quiet'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child = started;
  exited = new Promise((resolve) => started.on('close', (code, signal) => resolve({ code, signal })));
  started.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const banner = await new Promise<string>((resolve, reject) => {
    let out = '';
    started.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      if (out.includes('Stop with Ctrl-C.')) resolve(out);
    });
    void exited.then(() => reject(new Error(`strongbox serve exited before listening:\n${out}${stderr}`)));
  });
  [, http = '', https = ''] = /listening on (http:\/\/\S+) and (https:\/\/\S+)/.exec(banner) ?? [];
  certPath = /Certificate: (\S+)/.exec(banner)?.[1] ?? '';
}, 240_000);

afterAll(() => {
  if (child?.exitCode === null) child.kill('SIGKILL');
});

describe('pnpm start (the bundled command)', () => {
  it('signs and verifies with ML-DSA and secp256k1 keys, whose libraries load on first use', async () => {
    const kms = new KMSClient({ endpoint: http, region: 'us-east-1', credentials, maxAttempts: 1 });
    const keys = [
      { KeySpec: 'ML_DSA_44', SigningAlgorithm: 'ML_DSA_SHAKE_256' },
      { KeySpec: 'ECC_SECG_P256K1', SigningAlgorithm: 'ECDSA_SHA_256' },
    ] as const;
    for (const { KeySpec, SigningAlgorithm } of keys) {
      const { KeyMetadata } = await kms.send(new CreateKeyCommand({ KeySpec, KeyUsage: 'SIGN_VERIFY' }));
      const message = new TextEncoder().encode(`signed by a ${KeySpec} key`);
      const { Signature } = await kms.send(new SignCommand({ KeyId: KeyMetadata?.KeyId, Message: message, MessageType: 'RAW', SigningAlgorithm }));
      const verified = await kms.send(new VerifyCommand({ KeyId: KeyMetadata?.KeyId, Message: message, MessageType: 'RAW', SigningAlgorithm, Signature }));
      expect(verified.SignatureValid, KeySpec).toBe(true);
    }
  });

  it('serves S3 over HTTPS with its self-signed certificate, SSE-KMS and a CRC64NVME checksum', async () => {
    const ca = await readFile(certPath);
    const s3 = new S3Client({
      endpoint: https,
      region: 'us-east-1',
      credentials,
      forcePathStyle: true,
      maxAttempts: 1,
      requestHandler: { httpsAgent: new Agent({ ca }) },
    });
    await s3.send(new CreateBucketCommand({ Bucket: 'built' }));
    await s3.send(
      new PutObjectCommand({ Bucket: 'built', Key: 'a.txt', Body: 'through the bundle', ServerSideEncryption: 'aws:kms', ChecksumAlgorithm: 'CRC64NVME' }),
    );
    const got = await s3.send(new GetObjectCommand({ Bucket: 'built', Key: 'a.txt', ChecksumMode: 'ENABLED' }));
    expect(await got.Body?.transformToString()).toBe('through the bundle');
    expect(got.ServerSideEncryption).toBe('aws:kms');
    expect(got.ChecksumCRC64NVME).toMatch(/^[A-Za-z0-9+/]{11}=$/);
  });

  it('runs strongbox demo to the end: every mechanism, the S3 Encryption Client and the SDK clients it loads', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['--conditions=strongbox-dist', BIN, 'demo'], {
      cwd: ROOT,
      env: { ...process.env, NO_COLOR: '1' },
      maxBuffer: 16 * 1024 * 1024,
    });
    expect(stdout).not.toContain('FAILED');
    expect(stdout).toMatch(/All \d+ checks passed\.\n$/);
  }, 120_000);

  it('stops on SIGTERM with exit code 0 and nothing on stderr', async () => {
    child?.kill('SIGTERM');
    expect(await exited).toEqual({ code: 0, signal: null });
    expect(stderr).toBe('');
  });
});
