/**
 * Concurrent writers to one object key end with exactly one complete version: PUTs of different
 * bodies under different SSE modes (SSE-S3, SSE-KMS, DSSE-KMS, SSE-C), a CopyObject onto the key,
 * and multipart completions race each other (fast-check picks the writers and the body sizes);
 * readers racing them see, each time, a whole version or none, never a mix; afterwards the key holds
 * exactly one of the versions sent, with that writer's encryption (HEAD says which), readable with
 * its key. On the memory backend and the filesystem backend (a data directory), through the
 * official S3 client on the in-process endpoint (which counts as TLS, so SSE-C is allowed).
 */

import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutBucketEncryptionCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import fc from 'fast-check';
import { type InProcessStrongbox, startInProcess } from 'strongbox';
import { afterAll, describe, expect, it } from 'vitest';
import { recordReliability } from './summary.ts';

const BUCKET = 'race';
const SSE_C_KEY = randomBytes(32).toString('base64');
const RUNS = Math.max(1, Number.parseInt(process.env['STRONGBOX_RACE_RUNS'] ?? '12', 10) || 12);

type Writer = 'sse-s3' | 'sse-kms' | 'dsse-kms' | 'sse-c' | 'copy' | 'multipart';
/** What a writer sends, and the encryption HEAD must then report. */
interface Candidate {
  readonly writer: Writer;
  readonly sha256: string;
  readonly sse: string;
}

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

const directories: string[] = [];
afterAll(async () => {
  for (const directory of directories) await rm(directory, { recursive: true, force: true });
});

async function open(backend: 'memory' | 'filesystem'): Promise<{ strongbox: InProcessStrongbox; s3: S3Client; kmsKeyId: string }> {
  let dataDirectory: string | undefined;
  if (backend === 'filesystem') {
    dataDirectory = await mkdtemp(join(tmpdir(), 'strongbox-race-'));
    directories.push(dataDirectory);
  }
  const strongbox = await startInProcess({ quotas: false, ...(dataDirectory === undefined ? {} : { dataDirectory }) });
  const s3 = new S3Client({ ...strongbox.clientConfig, forcePathStyle: true, maxAttempts: 1 });
  const kms = new KMSClient({ ...strongbox.clientConfig, maxAttempts: 1 });
  const kmsKeyId = (await kms.send(new CreateKeyCommand({ Description: 'race' }))).KeyMetadata!.KeyId!;
  kms.destroy();
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  // New buckets block SSE-C (S3 since April 2026): this one allows it.
  await s3.send(
    new PutBucketEncryptionCommand({
      Bucket: BUCKET,
      ServerSideEncryptionConfiguration: {
        Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' }, BlockedEncryptionTypes: { EncryptionType: ['NONE'] } }],
      },
    }),
  );
  return { strongbox, s3, kmsKeyId };
}

/** Prepares `writer` (uploads a multipart's parts, a copy's source) and returns its racing write. */
async function prepare(
  s3: S3Client,
  kmsKeyId: string,
  writer: Writer,
  key: string,
  size: number,
): Promise<{ candidate: Candidate; race: () => Promise<unknown> }> {
  // The writer's name first: two writers never send the same bytes, even empty-sized ones.
  const body = new Uint8Array(Buffer.concat([Buffer.from(writer), randomBytes(size)]));
  const candidate = (sse: string): Candidate => ({ writer, sha256: sha256(body), sse });
  switch (writer) {
    case 'sse-s3':
      return {
        candidate: candidate('AES256'),
        race: () => s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body, ServerSideEncryption: 'AES256' })),
      };
    case 'sse-kms':
      return {
        candidate: candidate('aws:kms'),
        race: () =>
          s3.send(
            new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body, ServerSideEncryption: 'aws:kms', SSEKMSKeyId: kmsKeyId, BucketKeyEnabled: true }),
          ),
      };
    case 'dsse-kms':
      return {
        candidate: candidate('aws:kms:dsse'),
        race: () => s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body, ServerSideEncryption: 'aws:kms:dsse', SSEKMSKeyId: kmsKeyId })),
      };
    case 'sse-c':
      return {
        candidate: candidate('SSE-C'),
        race: () => s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body, SSECustomerAlgorithm: 'AES256', SSECustomerKey: SSE_C_KEY })),
      };
    case 'copy': {
      const source = `${key}.source`;
      await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: source, Body: body }));
      return {
        candidate: candidate('AES256'),
        race: () => s3.send(new CopyObjectCommand({ Bucket: BUCKET, Key: key, CopySource: `${BUCKET}/${encodeURIComponent(source)}` })),
      };
    }
    case 'multipart': {
      const created = await s3.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: key, ServerSideEncryption: 'aws:kms', SSEKMSKeyId: kmsKeyId }));
      const part = await s3.send(new UploadPartCommand({ Bucket: BUCKET, Key: key, UploadId: created.UploadId!, PartNumber: 1, Body: body }));
      return {
        candidate: candidate('aws:kms'),
        race: () =>
          s3.send(
            new CompleteMultipartUploadCommand({
              Bucket: BUCKET,
              Key: key,
              UploadId: created.UploadId!,
              MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag! }] },
            }),
          ),
      };
    }
  }
}

/** The object at `key` read whole (SSE-C with the shared key when HEAD says so), or undefined. */
async function readVersion(s3: S3Client, key: string): Promise<{ sha256: string; sse: string } | undefined> {
  for (const customer of [false, true]) {
    try {
      const got = await s3.send(
        new GetObjectCommand({ Bucket: BUCKET, Key: key, ...(customer ? { SSECustomerAlgorithm: 'AES256', SSECustomerKey: SSE_C_KEY } : {}) }),
      );
      const bytes = await got.Body!.transformToByteArray();
      return { sha256: sha256(bytes), sse: got.SSECustomerAlgorithm === undefined ? got.ServerSideEncryption! : 'SSE-C' };
    } catch (error) {
      const name = (error as Error).name;
      if (name === 'NoSuchKey') return undefined;
      // An SSE-C object read without its key (or another object read with one) is a 400: try the other way.
      if (name !== 'InvalidRequest' && name !== 'BadRequest' && (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode !== 400)
        throw error;
    }
  }
  throw new Error(`${key} could be read neither with nor without the SSE-C key`);
}

const WRITERS: readonly Writer[] = ['sse-s3', 'sse-kms', 'dsse-kms', 'sse-c', 'copy', 'multipart'];

for (const backend of ['memory', 'filesystem'] as const) {
  describe(`concurrent writers to one key (${backend} backend)`, () => {
    it('end with exactly one complete version, the encryption of its writer; racing readers never see a mix', async () => {
      const { strongbox, s3, kmsKeyId } = await open(backend);
      let races = 0;
      let reads = 0;
      try {
        await fc.assert(
          fc.asyncProperty(
            fc.uniqueArray(fc.constantFrom(...WRITERS), { minLength: 2, maxLength: WRITERS.length }),
            fc.array(fc.integer({ min: 0, max: 300_000 }), { minLength: WRITERS.length, maxLength: WRITERS.length }),
            async (writers, sizes) => {
              const key = `k-${races++}`;
              const prepared = await Promise.all(writers.map((writer, i) => prepare(s3, kmsKeyId, writer, key, sizes[i]!)));
              const candidates = prepared.map((entry) => entry.candidate);
              let racing = true;
              const readers = Array.from({ length: 2 }, async () => {
                const seen: ({ sha256: string; sse: string } | undefined)[] = [];
                while (racing) {
                  seen.push(await readVersion(s3, key));
                  // In process, a read of a missing key resolves without I/O: yield, or the writers starve.
                  await new Promise((resolve) => setImmediate(resolve));
                }
                return seen;
              });
              await Promise.all(prepared.map((entry) => entry.race()));
              racing = false;
              for (const version of (await Promise.all(readers)).flat()) {
                reads++;
                if (version !== undefined) expect(candidates.map((candidate) => candidate.sha256)).toContain(version.sha256);
              }
              const final = await readVersion(s3, key);
              expect(final).toBeDefined();
              const winner = candidates.filter((candidate) => candidate.sha256 === final!.sha256);
              expect(winner, `${writers.join(', ')}: the body is one writer's, whole`).toHaveLength(1);
              expect(final!.sse, `${winner[0]!.writer} won`).toBe(winner[0]!.sse);
              const head = await s3.send(
                new HeadObjectCommand({
                  Bucket: BUCKET,
                  Key: key,
                  ...(final!.sse === 'SSE-C' ? { SSECustomerAlgorithm: 'AES256', SSECustomerKey: SSE_C_KEY } : {}),
                }),
              );
              // HEAD agrees: SSE-C objects carry the customer algorithm (and no x-amz-server-side-encryption).
              expect(head.SSECustomerAlgorithm === 'AES256' ? 'SSE-C' : head.ServerSideEncryption).toBe(final!.sse);
            },
          ),
          { numRuns: RUNS },
        );
      } finally {
        s3.destroy();
        await strongbox.close();
      }
      recordReliability('concurrent-writer races ending in one whole version', races, 'memory and filesystem backends');
      recordReliability('reads racing concurrent writers (never a mix)', reads);
    }, 120_000);
  });
}
