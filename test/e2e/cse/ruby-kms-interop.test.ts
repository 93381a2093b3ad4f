/**
 * CSE-KMS interop with the official Ruby S3 Encryption Client V2 (Debian `ruby-aws-sdk-s3` 1.117:
 * `Aws::S3::EncryptionV2::Client`, `key_wrap_schema: :kms_context`) through a Strongbox endpoint on
 * a real socket (`startServer`, S3 and KMS on one port, plain HTTP as a client-side encryption
 * user runs it), in the combinations `ruby-interop.test.ts` leaves out: both security profiles
 * (`:v2`, `:v2_and_legacy`), the envelope in the metadata and in an instruction file, bodies empty,
 * one block and a bit, and over 4 MiB; this client reading them with a configured and a
 * discovery KMS keyring and with ranged GETs; and Ruby reading this client's V2 KMS objects, a
 * multipart one included, from either envelope location; and a non-ASCII context both ways (Ruby
 * sends it raw, S3 returns it RFC 2047-encoded; this client writes `\uXXXX` JSON). Skipped, with the reason printed, where
 * `ruby` or the gem is absent (`.ci/install-peers` installs it).
 */

import { execFile, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { KMSClient } from '@aws-sdk/client-kms';
import { CreateBucketCommand, HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { KmsKeyring, S3EncryptionClient } from '@strongbox/s3-encryption-client';
import { kmsClientAdapter } from '@strongbox/s3-encryption-client/kms-sdk';
import { type RunningServer, startServer } from 'strongbox';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

vi.setConfig({ testTimeout: 30_000, hookTimeout: 30_000 });

const SCRIPT = fileURLToPath(new URL('./ruby-s3ec-kms.rb', import.meta.url));
const BUCKET = 'kms-interop';
const CONTEXT = { tenant: 'acme' };
const UNICODE_CONTEXT = { tenant: 'äcme €' };
const SIZES = { empty: 0, small: 21, large: 4 * 1024 * 1024 + 7 } as const;
const PROFILES = ['v2', 'v2_and_legacy'] as const;
const LOCATIONS = ['metadata', 'instruction_file'] as const;

const probe = spawnSync('ruby', ['-e', 'require "aws-sdk-s3"; Aws::S3::EncryptionV2::Client; Aws::KMS::Client'], { encoding: 'utf8', timeout: 60_000 });
const skipReason =
  probe.error !== undefined
    ? `ruby is not installed (${probe.error.message})`
    : probe.status !== 0
      ? `the aws-sdk-s3 gem is not loadable: ${probe.stderr.trim().split('\n')[0] ?? ''}`
      : undefined;
if (skipReason !== undefined) console.log(`Ruby CSE-KMS interop skipped: ${skipReason}. Install it with .ci/install-peers (apt-get install ruby-aws-sdk-s3).`);

/** The script's bodies: `0123456789abcdef` repeated, cut to `size`. */
const bodyOf = (size: number): Buffer => Buffer.from('0123456789abcdef'.repeat(Math.ceil(size / 16) + 1).slice(0, size));
const digest = (body: Uint8Array): { sha256: string; size: number } => ({ sha256: createHash('sha256').update(body).digest('hex'), size: body.length });

describe.skipIf(skipReason !== undefined)('official Ruby S3 Encryption Client V2 with kms_context', () => {
  let server: RunningServer;
  let s3: S3Client;
  let kms: KMSClient;
  let keyArn: string;
  let environment: NodeJS.ProcessEnv;

  beforeAll(async () => {
    server = await startServer({ port: 0, quotas: false });
    const config = { endpoint: server.url, region: server.kms.region, credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 };
    s3 = new S3Client({ ...config, forcePathStyle: true });
    kms = new KMSClient(config);
    const { KeyMetadata } = await server.kms.createKey({});
    keyArn = KeyMetadata.Arn as string;
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
    environment = {
      PATH: process.env['PATH'],
      HOME: process.env['HOME'],
      ENDPOINT: server.url,
      REGION: server.kms.region,
      KMS_KEY_ID: KeyMetadata.KeyId,
      BUCKET,
    };
  });

  afterAll(async () => {
    s3?.destroy();
    kms?.destroy();
    await server?.close();
  });

  const ruby = (command: 'write' | 'read', extra: NodeJS.ProcessEnv = {}): Promise<Record<string, { sha256?: string; size?: number; error?: string }>> =>
    new Promise((resolve, reject) => {
      execFile('ruby', [SCRIPT, command], { env: { ...environment, ...extra }, timeout: 150_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
        if (error !== null) reject(new Error(`ruby ${command} failed: ${error.message}\n${stderr}`));
        else resolve(JSON.parse(stdout) as Record<string, { sha256?: string; size?: number; error?: string }>);
      });
    });

  it('this client reads what Ruby writes under :v2 and :v2_and_legacy, from metadata and instruction files, whole and by range', async () => {
    const written = await ruby('write');
    const keys = PROFILES.flatMap((profile) => LOCATIONS.flatMap((location) => Object.keys(SIZES).map((name) => `ruby/${profile}/${location}/${name}`)));
    expect(Object.keys(written).sort()).toEqual([...keys, 'ruby/unicode'].sort());
    const configured = new S3EncryptionClient({
      s3,
      commitmentPolicy: 'REQUIRE_ENCRYPT_ALLOW_DECRYPT',
      keyring: new KmsKeyring({ kms: kmsClientAdapter(kms), kmsKeyId: keyArn }),
    });
    const discovery = new S3EncryptionClient({
      s3,
      commitmentPolicy: 'REQUIRE_ENCRYPT_ALLOW_DECRYPT',
      keyring: new KmsKeyring({ kms: kmsClientAdapter(kms) }),
    });
    const ranged = new S3EncryptionClient({
      s3,
      commitmentPolicy: 'REQUIRE_ENCRYPT_ALLOW_DECRYPT',
      enableLegacyUnauthenticatedModes: true,
      keyring: new KmsKeyring({ kms: kmsClientAdapter(kms) }),
    });
    for (const key of keys) {
      const expected = bodyOf(SIZES[key.split('/').at(-1) as keyof typeof SIZES]);
      // Ruby read its own object back (its GCM read fetches the tag with `Range: bytes=-16`).
      expect(written[key], key).toEqual(digest(expected));
      if (key.includes('/instruction_file/')) {
        const head = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: `${key}.instruction` }));
        expect(head.ContentLength, key).toBeGreaterThan(0);
      }
      for (const client of [configured, discovery]) {
        const output = await client.getObject({ Bucket: BUCKET, Key: key }, { encryptionContext: CONTEXT });
        expect(Buffer.from(await output.Body!.transformToByteArray()).equals(expected), key).toBe(true);
      }
      for (const [first, last] of [
        [0, 4],
        [3, undefined],
        [4 * 1024 * 1024 - 5, 4 * 1024 * 1024 + 2],
      ] as const) {
        if (first >= expected.length) continue;
        const output = await ranged.getObject({ Bucket: BUCKET, Key: key, Range: `bytes=${first}-${last ?? ''}` }, { encryptionContext: CONTEXT });
        const want = expected.subarray(first, last === undefined ? undefined : last + 1);
        expect(Buffer.from(await output.Body!.transformToByteArray()).equals(want), `${key} bytes=${first}-${last ?? ''}`).toBe(true);
        expect(output.ContentRange).toBe(`bytes ${first}-${first + want.length - 1}/${expected.length}`);
      }
    }
    // Ruby sent its non-ASCII context as raw UTF-8; S3 answers it RFC 2047-encoded, and this client
    // decodes it.
    expect((await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'ruby/unicode' }))).Metadata?.['x-amz-matdesc']).toMatch(/^=\?UTF-8\?B\?/);
    const unicode = await discovery.getObject({ Bucket: BUCKET, Key: 'ruby/unicode' }, { encryptionContext: UNICODE_CONTEXT });
    expect(Buffer.from(await unicode.Body!.transformToByteArray()).equals(bodyOf(21))).toBe(true);
    // The stored context must match: another one is refused before any plaintext is released.
    await expect(discovery.getObject({ Bucket: BUCKET, Key: 'ruby/v2/metadata/small' }, { encryptionContext: { tenant: 'other' } })).rejects.toMatchObject({
      code: 'EncryptionContextMismatch',
    });
  }, 240_000);

  it('Ruby reads this client’s V2 KMS objects (metadata and instruction file, multipart too) under :v2 and :v2_and_legacy', async () => {
    const keyring = new KmsKeyring({ kms: kmsClientAdapter(kms), kmsKeyId: keyArn });
    const expected = new Map<string, Buffer>();
    for (const location of LOCATIONS) {
      const client = new S3EncryptionClient({
        s3,
        keyring,
        commitmentPolicy: 'FORBID_ENCRYPT_ALLOW_DECRYPT',
        writeInstructionFile: location === 'instruction_file',
      });
      for (const [name, size] of Object.entries(SIZES)) {
        const key = `ts/${location}/${name}`;
        await client.putObject({ Bucket: BUCKET, Key: key, Body: bodyOf(size) }, { encryptionContext: CONTEXT });
        expected.set(key, bodyOf(size));
      }
      const key = `ts/${location}/multipart`;
      const parts = [Buffer.alloc(5 * 1024 * 1024, 'm'), Buffer.alloc(1000, 'n')];
      const upload = await client.createMultipartUpload({ Bucket: BUCKET, Key: key }, { encryptionContext: CONTEXT });
      await upload.uploadPart({ Body: parts[0] as Buffer });
      await upload.uploadPart({ Body: parts[1] as Buffer, isLastPart: true });
      await upload.complete();
      expected.set(key, Buffer.concat(parts));
    }
    // A non-ASCII context, written as ASCII JSON (\uXXXX) Ruby parses.
    await new S3EncryptionClient({ s3, keyring, commitmentPolicy: 'FORBID_ENCRYPT_ALLOW_DECRYPT' }).putObject(
      { Bucket: BUCKET, Key: 'ts/unicode', Body: bodyOf(21) },
      { encryptionContext: UNICODE_CONTEXT },
    );
    expected.set('ts/unicode', bodyOf(21));
    const read = await ruby('read', { KEYS: JSON.stringify([...expected.keys()]) });
    for (const profile of PROFILES) for (const [key, body] of expected) expect(read[`${profile}:${key}`], `${profile} ${key}`).toEqual(digest(body));
  }, 240_000);
});
