/**
 * @module
 * A bucket's default encryption configuration (Put/Get/DeleteBucketEncryption; model
 * `ServerSideEncryptionConfiguration`; ../shared/reference/s3-sse.md §3):
 *
 * - since January 2023 every bucket has one: a fresh bucket, and a bucket after
 *   DeleteBucketEncryption, default to SSE-S3 (`AES256`, BucketKeyEnabled false);
 * - since April 2026 a new bucket also blocks SSE-C (`BlockedEncryptionTypes` = `SSE-C`), in every
 *   Region but the two the rollout excepted (`newBucketEncryption`): any write
 *   that names SSE-C is 403 AccessDenied, while existing SSE-C objects stay readable. An explicit
 *   configuration with `NONE` allows SSE-C again.
 *
 * UNCONFIRMED (no capture): whether DeleteBucketEncryption keeps the SSE-C block, and what a
 * PutBucketEncryption that omits `BlockedEncryptionTypes` does to it. Strongbox keeps the block in
 * both cases (`deletedBucketEncryption`, `applyBucketEncryption`): the safe reading of AWS's
 * "blocked by default", so a client must opt in to SSE-C explicitly.
 */

import { S3Error } from '../errors.ts';

/** A bucket's default algorithm (SSE-C cannot be a default: UG `default-bucket-encryption`). */
export type DefaultAlgorithm = 'AES256' | 'aws:kms' | 'aws:kms:dsse';

/** Values of `BlockedEncryptionTypes/EncryptionType` (API `BlockedEncryptionTypes`). */
export type BlockedEncryptionType = 'NONE' | 'SSE-C';

/** A bucket's default encryption rule, as stored and as GetBucketEncryption returns it. */
export interface BucketEncryption {
  readonly algorithm: DefaultAlgorithm;
  /** As given: a key id, key ARN or alias (GetBucketEncryption returns exactly what was stored). */
  readonly kmsMasterKeyId?: string;
  readonly bucketKeyEnabled: boolean;
  /** As given; an empty list means the element was absent. */
  readonly blockedEncryptionTypes: readonly BlockedEncryptionType[];
}

/** One rule of a PutBucketEncryption request, as the protocol edge parsed it (nothing checked yet). */
export interface BucketEncryptionRuleInput {
  readonly algorithm?: string | undefined;
  readonly kmsMasterKeyId?: string | undefined;
  readonly bucketKeyEnabled?: boolean | undefined;
  readonly blockedEncryptionTypes?: readonly string[] | undefined;
}

const DEFAULT_ALGORITHMS: ReadonlySet<string> = new Set<DefaultAlgorithm>(['AES256', 'aws:kms', 'aws:kms:dsse']);
const BLOCKABLE: ReadonlySet<string> = new Set<BlockedEncryptionType>(['NONE', 'SSE-C']);

/**
 * The Regions where a new bucket does not block SSE-C: the April 2026 rollout covered every Region
 * but Middle East (Bahrain) and Middle East (UAE) (../shared/reference/s3-sse.md §2.1 "SSE-C
 * blocked by default": "Rollout began 2026-04-06 in 37 Regions; Middle East (Bahrain) and (UAE)
 * are excepted").
 */
const SSE_C_UNBLOCKED_REGIONS: ReadonlySet<string> = new Set(['me-south-1', 'me-central-1']);

/**
 * The configuration of a bucket created now in `region`: SSE-S3, no bucket key, and SSE-C blocked
 * except in the Regions the April 2026 rollout left out (`SSE_C_UNBLOCKED_REGIONS`), where the
 * element is absent as it was before.
 *
 * @example
 * ```ts
 * import { newBucketEncryption } from '@strongbox/s3';
 * newBucketEncryption('us-east-1').blockedEncryptionTypes; // ['SSE-C']
 * newBucketEncryption('me-south-1').blockedEncryptionTypes; // []
 * ```
 */
export function newBucketEncryption(region: string): BucketEncryption {
  return { algorithm: 'AES256', bucketKeyEnabled: false, blockedEncryptionTypes: SSE_C_UNBLOCKED_REGIONS.has(region) ? [] : ['SSE-C'] };
}

/**
 * Checks a PutBucketEncryption request and returns the configuration to store. The KMS key is not
 * checked here: S3 does not validate it until an object is written (model PutBucketEncryption).
 *
 * @param previous - the bucket's current configuration, whose SSE-C block carries over when the
 *   request does not mention `BlockedEncryptionTypes` (see the module note).
 * @throws S3Error MalformedXML (no rule, several rules, an unknown algorithm or blocked type);
 *   KmsMasterKeyIdNotApplicable (a KMS key with AES256).
 * @example
 * ```ts
 * import { applyBucketEncryption, newBucketEncryption } from '@strongbox/s3';
 * applyBucketEncryption([{ algorithm: 'aws:kms', kmsMasterKeyId: 'alias/app', bucketKeyEnabled: true }], newBucketEncryption());
 * ```
 */
export function applyBucketEncryption(rules: readonly BucketEncryptionRuleInput[], previous: BucketEncryption): BucketEncryption {
  // LS-snapshot test_s3_default_bucket_encryption_exc: `Rules: []` and two rules are both MalformedXML.
  const [rule] = rules;
  if (rule === undefined || rules.length !== 1) throw new S3Error('MalformedXML');
  const { algorithm, kmsMasterKeyId, bucketKeyEnabled, blockedEncryptionTypes } = rule;
  if (algorithm === undefined || !DEFAULT_ALGORITHMS.has(algorithm)) throw new S3Error('MalformedXML');
  if (kmsMasterKeyId !== undefined && algorithm === 'AES256') throw new S3Error('KmsMasterKeyIdNotApplicable');
  if (blockedEncryptionTypes !== undefined && !blockedEncryptionTypes.every((type) => BLOCKABLE.has(type))) {
    throw new S3Error('MalformedXML');
  }
  return {
    algorithm: algorithm as DefaultAlgorithm,
    ...(kmsMasterKeyId === undefined ? {} : { kmsMasterKeyId }),
    bucketKeyEnabled: bucketKeyEnabled ?? false,
    blockedEncryptionTypes: (blockedEncryptionTypes as readonly BlockedEncryptionType[] | undefined) ?? previous.blockedEncryptionTypes,
  };
}

/**
 * The configuration after DeleteBucketEncryption: back to SSE-S3, keeping the SSE-C setting.
 *
 * @example
 * ```ts
 * import { deletedBucketEncryption, newBucketEncryption } from '@strongbox/s3';
 * deletedBucketEncryption(newBucketEncryption()).algorithm; // 'AES256'
 * ```
 */
export function deletedBucketEncryption(previous: BucketEncryption): BucketEncryption {
  return { algorithm: 'AES256', bucketKeyEnabled: false, blockedEncryptionTypes: previous.blockedEncryptionTypes };
}

/**
 * Whether writes that name SSE-C are refused on this bucket.
 *
 * @example
 * ```ts
 * import { blocksSseC, newBucketEncryption } from '@strongbox/s3';
 * blocksSseC(newBucketEncryption()); // true
 * ```
 */
export function blocksSseC(configuration: BucketEncryption): boolean {
  return configuration.blockedEncryptionTypes.includes('SSE-C');
}
