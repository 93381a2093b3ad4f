/**
 * @module
 * A bucket as the operations keep it in storage: its owner, its Region, its default encryption
 * configuration and its bucket policy, as string fields (storage keeps only string pairs), and the
 * lookup every bucket and object operation starts with, which also authorizes the request.
 */

import { S3Error } from '../../errors.ts';
import { type BlockedEncryptionType, type BucketEncryption, type DefaultAlgorithm, newBucketEncryption } from '../../model/bucket-encryption.ts';
import { bucketEndpoint } from '../../model/bucket-endpoint.ts';
import { assertBucketName } from '../../model/names.ts';
import type { BucketInfo, StoredFields } from '../../storage/types.ts';
import type { S3OperationContext } from '../types.ts';

/** A bucket's record. */
export interface BucketRecord {
  readonly name: string;
  /**
   * The bucket's identity in storage: the operations pass the record itself to the store, so a
   * request acts on the bucket it read and authorized, never on one created since under its name.
   */
  readonly id: string;
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
  /** The bucket policy, as PutBucketPolicy stored it. */
  readonly policy?: string | undefined;
}

/** The stored fields of a new bucket. */
export function newBucketFields(owner: string, region: string): StoredFields {
  return { owner, region, encryption: JSON.stringify(newBucketEncryption(region)) };
}

/**
 * The stored fields of a bucket with a new encryption configuration.
 * @param configured - set by PutBucketEncryption (true) or reset by DeleteBucketEncryption (false).
 */
export function withEncryption(bucket: BucketRecord, encryption: BucketEncryption, configured: boolean): StoredFields {
  return fieldsOf({ ...bucket, encryption, encryptionConfigured: configured });
}

/** The stored fields of a bucket with a new bucket policy, or none. */
export function withPolicy(bucket: BucketRecord, policy: string | undefined): StoredFields {
  return fieldsOf({ ...bucket, policy });
}

function fieldsOf(bucket: BucketRecord): Record<string, string> {
  const fields: Record<string, string> = { owner: bucket.owner, region: bucket.region, encryption: JSON.stringify(bucket.encryption) };
  if (bucket.encryptionConfigured) fields[CONFIGURED] = 'true';
  if (bucket.policy !== undefined) fields['policy'] = bucket.policy;
  return fields;
}

const CONFIGURED = 'encryption-configured';

/** A bucket's ARN (S3 ARNs name neither Region nor account). */
export function bucketArn(name: string): string {
  return `arn:aws:s3:::${name}`;
}

/**
 * Records already read, by the stored fields they were read from: every object request reads its
 * bucket, and a store hands out the same fields object until the bucket is updated (which
 * replaces it), so the JSON is parsed once per bucket version rather than once per request.
 */
const READ = new WeakMap<StoredFields, { readonly info: BucketInfo; readonly record: BucketRecord }>();

/** Reads a stored bucket back. */
export function bucketRecord(info: BucketInfo): BucketRecord {
  const known = READ.get(info.metadata);
  if (known !== undefined && known.info.name === info.name && known.info.id === info.id && known.info.created === info.created) return known.record;
  const record = readBucketRecord(info);
  READ.set(info.metadata, { info, record });
  return record;
}

function readBucketRecord(info: BucketInfo): BucketRecord {
  const { owner, region, encryption, policy } = info.metadata;
  if (owner === undefined || region === undefined || encryption === undefined) throw new Error(`bucket ${info.name} has an incomplete record`);
  const parsed = JSON.parse(encryption) as {
    algorithm: DefaultAlgorithm;
    kmsMasterKeyId?: string;
    bucketKeyEnabled: boolean;
    blockedEncryptionTypes: BlockedEncryptionType[];
  };
  // Frozen all through: one record serves every request until the bucket changes.
  return Object.freeze({
    name: info.name,
    id: info.id,
    created: info.created,
    owner,
    region,
    encryption: Object.freeze({
      algorithm: parsed.algorithm,
      ...(parsed.kmsMasterKeyId === undefined ? {} : { kmsMasterKeyId: parsed.kmsMasterKeyId }),
      bucketKeyEnabled: parsed.bucketKeyEnabled,
      blockedEncryptionTypes: Object.freeze(parsed.blockedEncryptionTypes) as BlockedEncryptionType[],
    }),
    encryptionConfigured: info.metadata[CONFIGURED] === 'true',
    ...(policy === undefined ? {} : { policy }),
  });
}

/** Options of `ownedBucket`. */
export interface OwnedBucketOptions {
  /**
   * Served at the endpoint of any Region (GetBucketLocation: the AWS CLI's answer to a
   * PermanentRedirect tells the user to run `get-bucket-location` with the same configuration,
   * aws/aws-cli#968; that S3 serves it at every Region's endpoint is UNCONFIRMED).
   */
  readonly anyRegion?: boolean;
  /**
   * A refusal of the caller (403) carries the bucket's Region in `x-amz-bucket-region`: HeadBucket,
   * which answers the Region "regardless of the permissions on the bucket" (S3 API reference,
   * HeadBucket; GetBucketLocation: "calls to the HeadBucket operation always return the bucket's
   * location through an HTTP response header, whether access to the bucket is authorized or not").
   * No capture of the 403's headers was found: that S3 sends the header on it is documented, its
   * exact form on the 403 UNCONFIRMED.
   */
  readonly regionOnDenial?: boolean;
}

/**
 * The bucket a request names, with the request authorized on it: the operation's declared access
 * (its IAM action on the bucket or on the object the request's `Key` names, with the request's
 * condition keys), decided by the bucket policy and the caller's identity policy. A missing bucket
 * is NoSuchBucket whoever asks, as S3 answers; a bucket of another Region than the endpoint the
 * request was sent to is S3's redirect to its Region (`refuseOtherRegion`), before authorization.
 *
 * @throws S3Error InvalidBucketName, NoSuchBucket, WrongRegionEndpoint (301 PermanentRedirect),
 *   KeyTooLong, AccessDenied / AccessDeniedByPolicy.
 * @example const bucket = await ownedBucket(input.Bucket, context);
 */
export async function ownedBucket(name: unknown, context: S3OperationContext, options: OwnedBucketOptions = {}): Promise<BucketRecord> {
  const bucket = await bucketNamed(name, context);
  if (options.anyRegion !== true) refuseOtherRegion(bucket, context);
  try {
    // A promise only when a policy needs the object's tags read first (`authorizeOperation`).
    const reading = context.authorizeOperation(bucket);
    if (reading !== undefined) await reading;
  } catch (error) {
    if (options.regionOnDenial === true && error instanceof S3Error && error.status === 403) throw error.withBucketRegion(bucket.region);
    throw error;
  }
  return bucket;
}

/**
 * Refuses a request sent to the endpoint of another Region than the bucket's, as S3 does: 301
 * PermanentRedirect naming the bucket's endpoint and the bucket, with the bucket's Region in
 * `x-amz-bucket-region` (yanganto/s3rs#18, awslabs/mountpoint-s3#1: captures of S3), the header
 * the SDKs' region redirects read (the SDK for JavaScript's `followRegionRedirects`, botocore's
 * `S3RegionRedirectorv2`). S3 answers it before authorization, for a bucket the caller cannot
 * access too: "This 301 error can occur when accessing a bucket name that exists but you do not
 * control" (an SDK maintainer, aws/aws-sdk-php#1410), and an unsigned HEAD of any bucket reads its
 * Region (bradleyg/django-s3direct#90).
 *
 * Strongbox's endpoint serves every Region, so a request is taken as sent to the endpoint of the
 * Region it names (its credential scope): the 301, not the 400 AuthorizationHeaderMalformed S3
 * answers a request signed for one Region at another Region's endpoint (jsoma/flatware#10), which
 * the SDK for JavaScript does not follow. A request naming no Region (unsigned, SigV2, an
 * in-process call without `region`) is Strongbox's choice: taken as sent to the bucket's own
 * Region, so served in every Region. S3 itself answers by endpoint, not by signature: at the
 * global endpoint a virtual-hosted request reaches the bucket's Region by DNS, but a path-style
 * one is answered in us-east-1 and redirected for a bucket elsewhere, signed or not
 * (aws/aws-sdk-php#1503, a SigV2 presigned URL; vrivellino/clojure-west-2014-demo#9, an unsigned
 * GET).
 *
 * The order of this check against those that run before the handler's bucket lookup (the
 * `x-amz-expected-bucket-owner` 403, a POST form's policy, the protocol edge's header and body
 * refusals) is UNCONFIRMED: no capture either way; they come first here.
 *
 * @throws S3Error WrongRegionEndpoint when the request names another Region than the bucket's.
 * @example refuseOtherRegion(bucket, context)
 */
export function refuseOtherRegion(bucket: BucketRecord, context: Pick<S3OperationContext, 'endpointRegion'>): void {
  const sentTo = context.endpointRegion;
  if (sentTo === undefined || sentTo === bucket.region) return;
  throw new S3Error('WrongRegionEndpoint', {
    fields: [
      ['Endpoint', bucketEndpoint(bucket.name, bucket.region)],
      ['Bucket', bucket.name],
    ],
    bucketRegion: bucket.region,
  });
}

/**
 * The bucket a request names, looked up without authorizing anything: for a second bucket an
 * operation reads (CopyObject's source), which the handler then authorizes with
 * `context.authorize` for its own action.
 *
 * @throws S3Error InvalidBucketName, NoSuchBucket.
 */
export async function bucketNamed(name: unknown, context: S3OperationContext): Promise<BucketRecord> {
  const bucketName = requireBucketName(name);
  const info = await context.store.getBucket(bucketName);
  if (info === undefined) throw new S3Error('NoSuchBucket', { fields: [['BucketName', bucketName]] });
  const bucket = bucketRecord(info);
  context.touch(bucketArn(bucketName), bucket.owner);
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
