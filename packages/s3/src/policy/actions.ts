/**
 * @module
 * S3's IAM actions and the resource type each one is granted on (Service Authorization
 * Reference, "Actions defined by Amazon S3"): `object` actions on `arn:aws:s3:::bucket/key`,
 * `bucket` actions on `arn:aws:s3:::bucket`, `account` actions on no bucket (`*`). A bucket
 * policy may name only S3 actions ("Policy has invalid action" otherwise), and each action it
 * names must apply to one of its resources ("Action does not apply to any resource(s) in
 * statement"); authorization checks each operation's action on the resource of its type.
 *
 * The list holds the actions general purpose buckets know; S3 Express, Outposts, access point,
 * Storage Lens, Batch Operations job and Multi-Region Access Point actions are out of scope (a
 * bucket policy naming one is refused as an invalid action).
 */

import { globToRegExp } from '@strongbox/service-kernel';

/** An S3 permission: `s3:PutObject`, `s3:ListBucket`, ... */
export type S3Action = `s3:${string}`;

/** What an action is granted on. */
export type ActionResourceType = 'object' | 'bucket' | 'account';

const OBJECT_ACTIONS = [
  'AbortMultipartUpload',
  'BypassGovernanceRetention',
  'DeleteObject',
  'DeleteObjectTagging',
  'DeleteObjectVersion',
  'DeleteObjectVersionTagging',
  'GetObject',
  'GetObjectAcl',
  'GetObjectAttributes',
  'GetObjectLegalHold',
  'GetObjectRetention',
  'GetObjectTagging',
  'GetObjectTorrent',
  'GetObjectVersion',
  'GetObjectVersionAcl',
  'GetObjectVersionAttributes',
  'GetObjectVersionForReplication',
  'GetObjectVersionTagging',
  'GetObjectVersionTorrent',
  'InitiateReplication',
  'ListMultipartUploadParts',
  'ObjectOwnerOverrideToBucketOwner',
  'PutObject',
  'PutObjectAcl',
  'PutObjectLegalHold',
  'PutObjectRetention',
  'PutObjectTagging',
  'PutObjectVersionAcl',
  'PutObjectVersionTagging',
  'ReplicateDelete',
  'ReplicateObject',
  'ReplicateTags',
  'RestoreObject',
] as const;

const BUCKET_ACTIONS = [
  'CreateBucket',
  'CreateBucketMetadataTableConfiguration',
  'DeleteBucket',
  'DeleteBucketMetadataTableConfiguration',
  'DeleteBucketOwnershipControls',
  'DeleteBucketPolicy',
  'DeleteBucketWebsite',
  'GetAccelerateConfiguration',
  'GetAnalyticsConfiguration',
  'GetBucketAbac',
  'GetBucketAcl',
  'GetBucketCORS',
  'GetBucketLocation',
  'GetBucketLogging',
  'GetBucketMetadataTableConfiguration',
  'GetBucketNotification',
  'GetBucketObjectLockConfiguration',
  'GetBucketOwnershipControls',
  'GetBucketPolicy',
  'GetBucketPolicyStatus',
  'GetBucketPublicAccessBlock',
  'GetBucketRequestPayment',
  'GetBucketTagging',
  'GetBucketVersioning',
  'GetBucketWebsite',
  'GetEncryptionConfiguration',
  'GetIntelligentTieringConfiguration',
  'GetInventoryConfiguration',
  'GetLifecycleConfiguration',
  'GetMetricsConfiguration',
  'GetReplicationConfiguration',
  'ListBucket',
  'ListBucketMultipartUploads',
  'ListBucketVersions',
  'PutAccelerateConfiguration',
  'PutAnalyticsConfiguration',
  'PutBucketAbac',
  'PutBucketAcl',
  'PutBucketCORS',
  'PutBucketLogging',
  'PutBucketNotification',
  'PutBucketObjectLockConfiguration',
  'PutBucketOwnershipControls',
  'PutBucketPolicy',
  'PutBucketPublicAccessBlock',
  'PutBucketRequestPayment',
  'PutBucketTagging',
  'PutBucketVersioning',
  'PutBucketWebsite',
  'PutEncryptionConfiguration',
  'PutIntelligentTieringConfiguration',
  'PutInventoryConfiguration',
  'PutLifecycleConfiguration',
  'PutMetricsConfiguration',
  'PutReplicationConfiguration',
] as const;

const ACCOUNT_ACTIONS = ['GetAccountPublicAccessBlock', 'ListAllMyBuckets', 'PutAccountPublicAccessBlock'] as const;

/** Every known S3 action, lower-cased (IAM compares actions case-insensitively), with its resource type. */
const CATALOGUE: ReadonlyMap<string, ActionResourceType> = new Map<string, ActionResourceType>([
  ...OBJECT_ACTIONS.map((name) => [`s3:${name}`.toLowerCase(), 'object'] as const),
  ...BUCKET_ACTIONS.map((name) => [`s3:${name}`.toLowerCase(), 'bucket'] as const),
  ...ACCOUNT_ACTIONS.map((name) => [`s3:${name}`.toLowerCase(), 'account'] as const),
]);

/**
 * The resource types of the S3 actions a policy's `Action` entry names (wildcards expanded
 * against the catalogue); empty when it names no S3 action (an invalid action).
 * @example actionResourceTypes('s3:Get*') // Set { 'object', 'bucket', 'account' }
 */
export function actionResourceTypes(pattern: string): ReadonlySet<ActionResourceType> {
  const types = new Set<ActionResourceType>();
  // `*` alone stands for every action of every service; in a bucket policy, every S3 action.
  const lower = pattern === '*' ? 's3:*' : pattern.toLowerCase();
  if (!lower.startsWith('s3:')) return types;
  if (!lower.includes('*') && !lower.includes('?')) {
    const type = CATALOGUE.get(lower);
    if (type !== undefined) types.add(type);
    return types;
  }
  const expression = globToRegExp(lower);
  for (const [action, type] of CATALOGUE) if (expression.test(action)) types.add(type);
  return types;
}

/**
 * The resource type an S3 action is granted on, or `undefined` for an action S3 does not have.
 * @example resourceTypeOf('s3:ListBucket') // 'bucket'
 */
export function resourceTypeOf(action: string): ActionResourceType | undefined {
  return CATALOGUE.get(action.toLowerCase());
}
