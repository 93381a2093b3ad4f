/**
 * @module
 * The KMS-protected keys an SSE-KMS or DSSE-KMS object is stored with, one per layer, and how
 * each layer's data key comes from them. Three kinds, told apart by the keyring id in the object's
 * record and sealed header:
 *
 * - `aws-kms:<key ARN>`: the layer's data key itself, from KMS GenerateDataKey with the object ARN
 *   context (a single SSE-KMS or DSSE-KMS PUT). Opening: one KMS Decrypt, as the reader.
 * - `aws-kms-bucket-key:<key ARN>` (`0x01 ‖ u16 length ‖ blob ‖ nonce`): a bucket key, from
 *   GenerateDataKey with the bucket ARN context, from which the data key is derived with the nonce
 *   and the layer's envelope context (`bucket-keys.ts`). Opening: a Decrypt per bucket key period
 *   and reader (cached).
 * - `aws-kms-upload-key:<key ARN>` (same layout): a multipart upload's key, from one
 *   GenerateDataKey at CreateMultipartUpload with the object ARN context; each part's data key is
 *   derived from it as from a bucket key (its envelope context names the part). UploadPart and
 *   every read Decrypt it as the caller (S3 requires kms:Decrypt for UploadPart: the KMS developer
 *   guide and AWS Knowledge Center "s3-multipart-kms-decrypt"); a read decrypts it once for all
 *   parts.
 */

import type { Principal } from '@strongbox/service-kernel';
import { kmsEncryptionContext, type StringMap } from '../model/encryption.ts';
import { BUCKET_KEY_KEYRING_PREFIX, type BucketKeyCache, decodeBucketKeyWrapped, deriveObjectKey } from './bucket-keys.ts';
import type { EncryptionContext, WrappedDataKey } from './envelope-adapter.ts';
import { kmsOnBehalf, type OnBehalfClient, type S3Kms } from './kms-client.ts';
import { s3ErrorFromKms } from './kms-errors.ts';

/** Keyring id prefix of a layer's own KMS data key (the envelope's KMS keyring's). */
export const KMS_KEYRING_PREFIX = 'aws-kms:';
/** Keyring id prefix of a part key derived from a multipart upload's KMS key. */
export const UPLOAD_KEY_KEYRING_PREFIX = 'aws-kms-upload-key:';

/** A stored root, parsed. */
export interface KmsRoot {
  readonly kind: 'data-key' | 'bucket-key' | 'upload-key';
  readonly keyArn: string;
  /** The KMS ciphertext blob. */
  readonly blob: Uint8Array;
  /** Derived kinds: the nonce of the derivation. */
  readonly nonce: Uint8Array | undefined;
  /** As stored (and in the sealed header). */
  readonly wrapped: WrappedDataKey;
}

/**
 * Parses a stored wrapped key.
 * @throws Error for one of no known kind (a damaged record).
 */
export function parseRoot(wrapped: WrappedDataKey): KmsRoot {
  const id = wrapped.keyringId;
  for (const [prefix, kind] of [
    [BUCKET_KEY_KEYRING_PREFIX, 'bucket-key'],
    [UPLOAD_KEY_KEYRING_PREFIX, 'upload-key'],
  ] as const) {
    if (id.startsWith(prefix)) {
      const { blob, nonce } = decodeBucketKeyWrapped(wrapped.ciphertext);
      return { kind, keyArn: id.slice(prefix.length), blob, nonce, wrapped };
    }
  }
  if (id.startsWith(KMS_KEYRING_PREFIX))
    return { kind: 'data-key', keyArn: id.slice(KMS_KEYRING_PREFIX.length), blob: wrapped.ciphertext, nonce: undefined, wrapped };
  throw new Error('the object has a KMS key record of no known kind');
}

/** Who reads, where: what KMS Decrypt is called with. */
export interface RootReader {
  readonly kms: S3Kms;
  readonly bucketKeys: BucketKeyCache;
  readonly caller: Principal;
  readonly region: string;
}

/** The KMS encryption context of a root: the bucket ARN for a bucket key, the object ARN otherwise. */
export function rootKmsContext(root: Pick<KmsRoot, 'kind'>, pairs: StringMap, bucket: string, key: string): StringMap {
  return kmsEncryptionContext(pairs, bucket, key, root.kind === 'bucket-key');
}

/**
 * Recovers a root's plaintext (a copy the caller wipes): KMS Decrypt as the reader, through the
 * KMS keyring; a bucket key through the reader's cached bucket keys.
 * @throws S3Error as S3 reports KMS's refusals; Error if KMS says the blob is not for this key or
 *   context (a damaged or moved record).
 */
export async function recoverRoot(reader: RootReader, root: KmsRoot, pairs: StringMap, object: { bucket: string; key: string }): Promise<Uint8Array> {
  const client = kmsOnBehalf(reader.kms, reader.caller, reader.region);
  const context = rootKmsContext(root, pairs, object.bucket, object.key);
  if (root.kind !== 'bucket-key') return decryptBlob(client, root.keyArn, root.blob, context);
  const scope = JSON.stringify([reader.caller.arn, reader.region, Buffer.from(root.blob).toString('base64'), sortedPairs(context)]);
  return reader.bucketKeys.opening(
    scope,
    async () => ({ key: await decryptBlob(client, root.keyArn, root.blob, context), keyArn: root.keyArn, blob: root.blob }),
    (bucketKey) => bucketKey.key.slice(),
  );
}

/** A layer's data key from its root's plaintext (the root itself, or derived for `context`). */
export function layerKey(root: KmsRoot, rootKey: Uint8Array, context: EncryptionContext): Uint8Array {
  return root.nonce === undefined ? rootKey.slice() : deriveObjectKey(rootKey, root.nonce, context);
}

async function decryptBlob(client: OnBehalfClient, keyArn: string, blob: Uint8Array, context: StringMap): Promise<Uint8Array> {
  let key: Uint8Array | undefined;
  try {
    // The keyring sends KMS a copy of the context: `context` is this read's own.
    key = await client.keyring(keyArn).unwrapDataKey({ keyringId: KMS_KEYRING_PREFIX + keyArn, ciphertext: blob }, context);
  } catch (error) {
    throw s3ErrorFromKms(error, keyArn);
  }
  // KMS answered InvalidCiphertextException or IncorrectKeyException: the stored record and its
  // blob disagree (damage, or a record moved to another object): an internal error, never a guess.
  if (key === undefined) throw new Error(`the stored KMS key of this object does not decrypt under ${keyArn}`);
  return key;
}

/** Pairs in code-unit order, for cache scopes. */
export function sortedPairs(pairs: StringMap): [string, string][] {
  return Object.entries(pairs).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}
