/**
 * @module
 * The soak's traffic: a weighted mix of KMS Encrypt, Decrypt, GenerateDataKey and S3 PutObject
 * (1–64 KiB, SSE-S3 or SSE-KMS with a bucket key), GetObject, HeadObject, ListObjectsV2 and
 * DeleteObject, over a bounded set of object keys: PutObject overwrites, so what the soak stores
 * stays bounded (at most `KEY_SPACE` objects of 64 KiB) and memory can settle.
 */

import { randomBytes } from 'node:crypto';
import { DecryptCommand, EncryptCommand, GenerateDataKeyCommand, type KMSClient } from '@aws-sdk/client-kms';
import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';

/** The bucket the soak writes to. */
export const BUCKET = 'soak';
/** How many distinct object keys the soak uses. */
export const KEY_SPACE = 256;

/** What an operation of the mix gets. */
export interface MixContext {
  readonly s3: S3Client;
  readonly kms: KMSClient;
  readonly keyId: string;
  readonly ciphertext: Uint8Array;
}

type Operation = (context: MixContext) => Promise<unknown>;

const objectKey = (): string => `o-${Math.floor(Math.random() * KEY_SPACE)}`;
const body = (): Uint8Array => new Uint8Array(randomBytes(1024 + Math.floor(Math.random() * 63 * 1024)));

/** A KMS Encrypt of 64 random bytes (also what fills the trail before the load). */
export const encrypt: Operation = ({ kms, keyId }) => kms.send(new EncryptCommand({ KeyId: keyId, Plaintext: randomBytes(64) }));

/** The mix: name, weight, operation. */
const MIX: readonly (readonly [string, number, Operation])[] = [
  ['KMS Encrypt', 2, encrypt],
  ['KMS Decrypt', 2, ({ kms, ciphertext }) => kms.send(new DecryptCommand({ CiphertextBlob: ciphertext }))],
  ['KMS GenerateDataKey', 2, ({ kms, keyId }) => kms.send(new GenerateDataKeyCommand({ KeyId: keyId, KeySpec: 'AES_256' }))],
  ['S3 PutObject SSE-S3', 2, ({ s3 }) => s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: objectKey(), Body: body() }))],
  [
    'S3 PutObject SSE-KMS',
    1,
    ({ s3, keyId }) =>
      s3.send(
        new PutObjectCommand({ Bucket: BUCKET, Key: objectKey(), Body: body(), ServerSideEncryption: 'aws:kms', SSEKMSKeyId: keyId, BucketKeyEnabled: true }),
      ),
  ],
  [
    'S3 GetObject',
    4,
    async ({ s3 }) => {
      try {
        const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: objectKey() }));
        await got.Body!.transformToByteArray();
      } catch (error) {
        // A key not written yet (or just deleted) is part of the mix, not a failure.
        if ((error as Error).name !== 'NoSuchKey') throw error;
      }
    },
  ],
  [
    'S3 HeadObject',
    1,
    async ({ s3 }) => {
      try {
        await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: objectKey() }));
      } catch (error) {
        if ((error as Error).name !== 'NotFound') throw error;
      }
    },
  ],
  ['S3 ListObjectsV2', 1, ({ s3 }) => s3.send(new ListObjectsV2Command({ Bucket: BUCKET, MaxKeys: 50 }))],
  ['S3 DeleteObject', 1, ({ s3 }) => s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: objectKey() }))],
];
const TOTAL_WEIGHT = MIX.reduce((sum, [, weight]) => sum + weight, 0);

/** The names of the mix's workloads, in order. */
export const WORKLOADS: readonly string[] = MIX.map(([name]) => name);

/**
 * A workload drawn at random by weight.
 * @example const [name, run] = pickOperation(); await run(context);
 */
export function pickOperation(): readonly [string, Operation] {
  let roll = Math.random() * TOTAL_WEIGHT;
  for (const [name, weight, operation] of MIX) {
    roll -= weight;
    if (roll < 0) return [name, operation];
  }
  const [name, , operation] = MIX[0]!;
  return [name, operation];
}
