/**
 * The SSE-KMS and DSSE-KMS providers' multipart path, on a real Kms and the object cipher:
 * CreateMultipartUpload calls GenerateDataKey once per layer (or takes the requester's bucket key),
 * UploadPart calls Decrypt as the caller, and a read of the completed object decrypts the upload's
 * key once for all its parts; every part has its own key.
 */

import { randomBytes } from 'node:crypto';
import { type Keyring, open, readHeader } from '@strongbox/envelope';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  BucketKeyCache,
  createMemoryObjectStore,
  DsseKmsProvider,
  type KmsDataKeyProvider,
  type ObjectStore,
  openObject,
  type SealedSegment,
  SseKmsProvider,
  type StoredFields,
  sealObject,
} from '../../src/index.ts';
import { catchS3Async } from '../helpers/errors.ts';
import { kmsEngine, kmsEvents, newKey, REGION, user } from '../helpers/kms.ts';

let engine: ReturnType<typeof kmsEngine>;
let store: ObjectStore;
let bucketKeys: BucketKeyCache;

beforeEach(async () => {
  engine = kmsEngine();
  store = await createMemoryObjectStore();
  await store.createBucket('b', {});
  bucketKeys = new BucketKeyCache({ clock: engine.clock });
});

afterEach(async () => {
  bucketKeys.close();
  await store.close();
  await engine.close();
});

const random = { bytes: (length: number) => new Uint8Array(randomBytes(length)) };
const alice = user('alice', ['kms:GenerateDataKey', 'kms:Decrypt']);

/** A multipart upload of `parts` through the provider; the completed object's segments and fields. */
async function upload(
  provider: KmsDataKeyProvider,
  parts: readonly Uint8Array[],
  request: { keyId: string; bucketKey?: boolean },
): Promise<{ segments: SealedSegment[]; fields: StoredFields }> {
  const fields = await provider.forUpload({ bucket: 'b', key: 'k' }, { caller: alice, region: REGION, ...request });
  const created = await store.createUpload('b', 'k', {});
  const segments: SealedSegment[] = [];
  for (const [index, part] of parts.entries()) {
    const keys = await provider.forPart({ bucket: 'b', key: 'k', partNumber: index + 1 }, { caller: alice, region: REGION }, fields);
    try {
      const { segment } = await sealObject([part], keys, (sealed) => store.putPart('b', created.uploadId, index + 1, sealed, {}), { md5: false });
      segments.push(segment);
    } finally {
      keys.dispose();
    }
  }
  await store.completeUpload(
    'b',
    created.uploadId,
    parts.map((_, index) => index + 1),
    fields,
  );
  return { segments, fields };
}

async function read(provider: KmsDataKeyProvider, segments: readonly SealedSegment[], fields: StoredFields, caller = alice): Promise<Buffer> {
  const parts = await provider.forOpeningParts({ bucket: 'b', key: 'k' }, { caller, region: REGION }, fields);
  const reader = await store.openObject('b', 'k');
  try {
    const chunks: Uint8Array[] = [];
    for await (const chunk of openObject(reader!, segments, async (segment) => parts.keysFor({ bucket: 'b', key: 'k', partNumber: segment + 1 })))
      chunks.push(chunk);
    return Buffer.concat(chunks);
  } finally {
    parts.dispose();
    await reader?.close();
  }
}

describe('multipart uploads under SSE-KMS', () => {
  it('one GenerateDataKey at CreateMultipartUpload, one Decrypt per UploadPart (as the caller), one Decrypt for a whole read', async () => {
    const { kms } = engine;
    const { arn } = await newKey(kms);
    const provider = new SseKmsProvider({ kms: engine.s3.kms, bucketKeys, random });
    const parts = [randomBytes(70_000), randomBytes(1000), randomBytes(5)];
    const { segments, fields } = await upload(provider, parts, { keyId: arn });
    expect([kmsEvents(kms, 'GenerateDataKey'), kmsEvents(kms, 'Decrypt')]).toEqual([1, 3]);
    expect(await read(provider, segments, fields)).toEqual(Buffer.concat(parts));
    expect(kmsEvents(kms, 'Decrypt')).toBe(4);
    const partDecrypts = kms.auditTrail.records().filter((record) => record.eventName === 'Decrypt');
    for (const record of partDecrypts) {
      expect(record).toMatchObject({
        userIdentity: { arn: alice.arn, invokedBy: 's3.amazonaws.com' },
        requestParameters: { encryptionContext: { 'aws:s3:arn': 'arn:aws:s3:::b/k' } },
      });
    }
  });

  it('each part has its own key: a part sealed at position 1 does not open at position 2', async () => {
    const { kms } = engine;
    const { arn } = await newKey(kms);
    const provider = new SseKmsProvider({ kms: engine.s3.kms, bucketKeys, random });
    const parts = [randomBytes(100), randomBytes(100)];
    const { segments, fields } = await upload(provider, parts, { keyId: arn });
    const swapped = await provider.forOpeningParts({ bucket: 'b', key: 'k' }, { caller: alice, region: REGION }, fields);
    const reader = await store.openObject('b', 'k');
    try {
      const chunks = openObject(reader!, segments, async (segment) => swapped.keysFor({ bucket: 'b', key: 'k', partNumber: 2 - segment }));
      await expect(
        (async () => {
          for await (const _ of chunks) {
            // consume
          }
        })(),
      ).rejects.toMatchObject({ code: 'DECRYPT_FAILED' });
    } finally {
      swapped.dispose();
      await reader?.close();
    }
  });

  it('with a bucket key: the requester’s bucket key serves the upload and its parts (one GenerateDataKey, one Decrypt per period)', async () => {
    const { kms } = engine;
    const { arn } = await newKey(kms);
    const provider = new SseKmsProvider({ kms: engine.s3.kms, bucketKeys, random });
    const parts = [randomBytes(3000), randomBytes(3000), randomBytes(3000)];
    const { segments, fields } = await upload(provider, parts, { keyId: arn, bucketKey: true });
    expect(fields['sse-kms-bucket-key']).toBe('true');
    expect(await read(provider, segments, fields)).toEqual(Buffer.concat(parts));
    expect([kmsEvents(kms, 'GenerateDataKey'), kmsEvents(kms, 'Decrypt')]).toEqual([1, 1]);
  });

  it('DSSE-KMS: two KMS keys per upload, two Decrypts per part and per read', async () => {
    const { kms } = engine;
    const { arn } = await newKey(kms);
    const provider = new DsseKmsProvider({ kms: engine.s3.kms, bucketKeys, random });
    const parts = [randomBytes(66_000), randomBytes(10)];
    const { segments, fields } = await upload(provider, parts, { keyId: arn, bucketKey: true });
    expect([kmsEvents(kms, 'GenerateDataKey'), kmsEvents(kms, 'Decrypt')]).toEqual([2, 4]);
    expect(await read(provider, segments, fields)).toEqual(Buffer.concat(parts));
    expect(kmsEvents(kms, 'Decrypt')).toBe(6);
  });

  it('UploadPart by a caller without kms:Decrypt is 403 AccessDenied before any byte is sealed', async () => {
    const { kms } = engine;
    const { arn } = await newKey(kms);
    const provider = new SseKmsProvider({ kms: engine.s3.kms, bucketKeys, random });
    const writer = user('writer', ['kms:GenerateDataKey']);
    const fields = await provider.forUpload({ bucket: 'b', key: 'k' }, { caller: writer, region: REGION, keyId: arn });
    const error = await catchS3Async(() => provider.forPart({ bucket: 'b', key: 'k', partNumber: 1 }, { caller: writer, region: REGION }, fields));
    expect([error.code, error.status]).toEqual(['AccessDenied', 403]);
  });
});

describe('DSSE-KMS at rest', () => {
  it('is two sealed messages, one inside the other, each under its own KMS data key: opening one layer still shows no plaintext', async () => {
    const own = kmsEngine({ storage: store });
    try {
      const { s3, kms } = own;
      await s3.createBucket({ Bucket: 'dsse' });
      const { arn } = await newKey(kms);
      const body = randomBytes(5000);
      await s3.putObject({ Bucket: 'dsse', Key: 'k', Body: body, ServerSideEncryption: 'aws:kms:dsse', SSEKMSKeyId: arn });
      const reader = await store.openObject('dsse', 'k');
      const stored = await reader!.read(0, reader!.info.size);
      await reader!.close();
      const outer = readHeader(stored);
      expect(outer.context).toEqual({ 'aws:s3:arn': 'arn:aws:s3:::dsse/k', 'strongbox:layer': '2' });
      expect(outer.wrappedKeys.map((key) => key.keyringId)).toEqual([`aws-kms:${arn}`]);
      expect(Buffer.from(stored).includes(body.subarray(0, 32))).toBe(false);
      // The outer layer opened with its data key from KMS directly (as the account root, outside
      // S3, under the context S3 sent): what is inside is another sealed message, not the body.
      const kmsContext = { 'aws:s3:arn': 'arn:aws:s3:::dsse/k' };
      const layerKeyring = async (wrapped: Uint8Array): Promise<Keyring> => {
        const { Plaintext } = await kms.decrypt({ CiphertextBlob: wrapped, EncryptionContext: kmsContext });
        return { wrapDataKey: () => Promise.reject(new Error('open only')), unwrapDataKey: async () => Plaintext!.slice() };
      };
      const innerBytes = await open(stored, { keyring: await layerKeyring(outer.wrappedKeys[0]!.ciphertext), context: outer.context });
      const inner = readHeader(innerBytes);
      expect(inner.context).toEqual({ 'aws:s3:arn': 'arn:aws:s3:::dsse/k', 'strongbox:layer': '1' });
      expect(Buffer.from(inner.wrappedKeys[0]!.ciphertext).equals(Buffer.from(outer.wrappedKeys[0]!.ciphertext))).toBe(false);
      expect(Buffer.from(innerBytes).includes(body.subarray(0, 32))).toBe(false);
      // The outer layer's key does not open the inner layer: they are independent.
      await expect(open(innerBytes, { keyring: await layerKeyring(outer.wrappedKeys[0]!.ciphertext), context: inner.context })).rejects.toMatchObject({
        code: 'DECRYPT_FAILED',
      });
      expect(Buffer.from(await open(innerBytes, { keyring: await layerKeyring(inner.wrappedKeys[0]!.ciphertext), context: inner.context }))).toEqual(body);
    } finally {
      await own.close();
    }
  });
});
