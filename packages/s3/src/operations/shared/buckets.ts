/**
 * @module
 * A bucket as the operations keep it in storage: its owner, its Region and its default encryption
 * configuration, as string fields (storage keeps only string pairs), and the lookups every bucket
 * operation starts with.
 */

import { S3Error } from '../../errors.ts';
import { type BlockedEncryptionType, type BucketEncryption, type DefaultAlgorithm, newBucketEncryption } from '../../model/bucket-encryption.ts';
import { assertBucketName } from '../../model/names.ts';
import type { BucketInfo, StoredFields } from '../../storage/types.ts';
import type { S3OperationContext } from '../types.ts';

/** A bucket's record. */
export interface BucketRecord {
  readonly name: string;
  readonly created: number;
  /** The owning account. */
  readonly owner: string;
  readonly region: string;
  readonly encryption: BucketEncryption;
  /**
   * Whether the default encryption was set by PutBucketEncryption (and not deleted since): such a
   * bucket allows a copy of an object onto itself that names no change (LS-snapshot
   * `test_copy_in_place_with_bucket_encryption`).
   */
  readonly encryptionConfigured: boolean;
}

/** The stored fields of a new bucket. */
export function newBucketFields(owner: string, region: string): StoredFields {
  return { owner, region, encryption: JSON.stringify(newBucketEncryption()) };
}

/**
 * The stored fields of a bucket with a new encryption configuration.
 * @param configured - set by PutBucketEncryption (true) or reset by DeleteBucketEncryption (false).
 */
export function withEncryption(bucket: BucketRecord, encryption: BucketEncryption, configured: boolean): StoredFields {
  return { owner: bucket.owner, region: bucket.region, encryption: JSON.stringify(encryption), ...(configured ? { [CONFIGURED]: 'true' } : {}) };
}

const CONFIGURED = 'encryption-configured';

/** A bucket's ARN (S3 ARNs name neither Region nor account). */
export function bucketArn(name: string): string {
  return `arn:aws:s3:::${name}`;
}

/** Reads a stored bucket back. */
export function bucketRecord(info: BucketInfo): BucketRecord {
  const { owner, region, encryption } = info.metadata;
  if (owner === undefined || region === undefined || encryption === undefined) throw new Error(`bucket ${info.name} has an incomplete record`);
  const parsed = JSON.parse(encryption) as {
    algorithm: DefaultAlgorithm;
    kmsMasterKeyId?: string;
    bucketKeyEnabled: boolean;
    blockedEncryptionTypes: BlockedEncryptionType[];
  };
  return {
    name: info.name,
    created: info.created,
    owner,
    region,
    encryption: {
      algorithm: parsed.algorithm,
      ...(parsed.kmsMasterKeyId === undefined ? {} : { kmsMasterKeyId: parsed.kmsMasterKeyId }),
      bucketKeyEnabled: parsed.bucketKeyEnabled,
      blockedEncryptionTypes: parsed.blockedEncryptionTypes,
    },
    encryptionConfigured: info.metadata[CONFIGURED] === 'true',
  };
}

/**
 * The bucket a request names, which the caller's account must own: without bucket policies (still
 * to come) another account has no access, and S3 answers 403 AccessDenied.
 *
 * @throws S3Error InvalidBucketName, NoSuchBucket, AccessDenied.
 */
export async function ownedBucket(name: unknown, context: S3OperationContext): Promise<BucketRecord> {
  const bucketName = requireBucketName(name);
  const info = await context.store.getBucket(bucketName);
  if (info === undefined) throw new S3Error('NoSuchBucket', { fields: [['BucketName', bucketName]] });
  const bucket = bucketRecord(info);
  context.touch(bucketArn(bucketName));
  if (bucket.owner !== context.caller.account) throw new S3Error('AccessDenied');
  return bucket;
}

/**
 * Checks the `Bucket` member: a string following the general purpose bucket naming rules.
 * @throws S3Error InvalidBucketName.
 */
export function requireBucketName(name: unknown): string {
  if (typeof name !== 'string') throw new S3Error('InvalidBucketName', { fields: [['BucketName', String(name)]] });
  assertBucketName(name);
  return name;
}
