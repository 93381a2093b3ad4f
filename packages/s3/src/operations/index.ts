/**
 * @module
 * S3's operation registry, derived from `definitions.ts` by the kernel's `createRegistry`.
 */

import { createRegistry, type InputOf, type OutputOf, type Registry, type TableOf } from '@strongbox/service-kernel';
import * as definitions from './definitions.ts';
import { withTrailShape } from './shared/audit-resources.ts';
import { withBucketOwnerCondition } from './shared/expected-owner.ts';
import type { OperationDefinition } from './types.ts';

/** The operation table's type: each entry keeps its own request and response types. */
export type OperationTable = TableOf<typeof definitions>;

/** An operation name (S3's API name). */
export type OperationName = keyof OperationTable & string;

/** The request type of an operation. */
export type RequestOf<Name extends OperationName> = InputOf<OperationTable[Name]>;
/** The response type of an operation. */
export type ResponseOf<Name extends OperationName> = OutputOf<OperationTable[Name]>;

/**
 * Every definition with what all of them share: the bucket owner condition on the wire, and the
 * CloudTrail shape of their events (data or management).
 */
const SERVED: Readonly<Record<string, OperationDefinition>> = Object.fromEntries(
  Object.entries(definitions as Readonly<Record<string, OperationDefinition>>).map(([name, definition]) => [
    name,
    withTrailShape(withBucketOwnerCondition(definition)),
  ]),
);

/** S3's registry. */
export const REGISTRY: Registry<OperationTable> = createRegistry<OperationTable>(SERVED);

/** Every operation, keyed by name. */
export const OPERATIONS: OperationTable = REGISTRY.operations;

/** Every operation name, sorted. */
export const OPERATION_NAMES: readonly OperationName[] = REGISTRY.names;

/** Whether `name` is an operation the engine serves. */
export function isOperationName(name: string): name is OperationName {
  return REGISTRY.has(name);
}

export type { AbortMultipartUploadRequest } from './abort-multipart-upload.ts';
export type { CompletedPart, CompleteMultipartUploadRequest, CompleteMultipartUploadResponse } from './complete-multipart-upload.ts';
export type { CopyObjectRequest, CopyObjectResponse } from './copy-object.ts';
export type { CreateBucketRequest, CreateBucketResponse } from './create-bucket.ts';
export type { CreateMultipartUploadRequest, CreateMultipartUploadResponse } from './create-multipart-upload.ts';
export type { DeleteBucketRequest } from './delete-bucket.ts';
export type { DeleteBucketEncryptionRequest } from './delete-bucket-encryption.ts';
export type { DeleteBucketPolicyRequest } from './delete-bucket-policy.ts';
export type { DeleteObjectRequest } from './delete-object.ts';
export type { DeletedObject, DeleteError, DeleteObjectsRequest, DeleteObjectsResponse, ObjectIdentifier } from './delete-objects.ts';
export type { GetBucketEncryptionRequest, GetBucketEncryptionResponse } from './get-bucket-encryption.ts';
export type { GetBucketLocationRequest, GetBucketLocationResponse } from './get-bucket-location.ts';
export type { GetBucketPolicyRequest, GetBucketPolicyResponse } from './get-bucket-policy.ts';
export type { GetBucketVersioningRequest, GetBucketVersioningResponse } from './get-bucket-versioning.ts';
export type { GetObjectRequest, GetObjectResponse } from './get-object.ts';
export type {
  ChecksumValueMembers,
  GetObjectAttributesRequest,
  GetObjectAttributesResponse,
  ObjectAttribute,
  ObjectAttributesPart,
  ObjectAttributesParts,
} from './get-object-attributes.ts';
export type { HeadBucketRequest, HeadBucketResponse } from './head-bucket.ts';
export type { HeadObjectRequest, HeadObjectResponse } from './head-object.ts';
export type { ListBucketsRequest, ListBucketsResponse, ListedBucket } from './list-buckets.ts';
export type { ListedUpload, ListMultipartUploadsRequest, ListMultipartUploadsResponse } from './list-multipart-uploads.ts';
export type { ListedVersion, ListObjectVersionsRequest, ListObjectVersionsResponse } from './list-object-versions.ts';
export type { ListObjectsRequest, ListObjectsResponse } from './list-objects.ts';
export type { ListObjectsV2Request, ListObjectsV2Response } from './list-objects-v2.ts';
export type { ListedPart, ListPartsRequest, ListPartsResponse } from './list-parts.ts';
export type { PostObjectRequest, PostObjectResponse, PostPolicyMembers } from './post-object.ts';
export type { PutBucketEncryptionRequest } from './put-bucket-encryption.ts';
export type { PutBucketPolicyRequest } from './put-bucket-policy.ts';
export type { PutObjectRequest, PutObjectResponse } from './put-object.ts';
export type { RestoreObjectRequest, RestoreObjectResponse, RestoreRequestMembers } from './restore-object.ts';
export { ObjectBody, type RequestBody } from './shared/body.ts';
export {
  CHECKSUM_FIELD,
  type ChecksumModeMember,
  type ChecksummedBody,
  checksumFields,
  checksummedBody,
  readChecksumMembers,
  storedChecksum,
} from './shared/checksums.ts';
export type { ListParameters } from './shared/conditions.ts';
export type { ServerSideEncryptionConfiguration, ServerSideEncryptionRule } from './shared/encryption-configuration.ts';
export type { ListedObject } from './shared/listed-objects.ts';
export type { SseCustomerMembers, SseResponseMembers, SseWriteMembers } from './shared/objects.ts';
export type { Grantee } from './shared/owners.ts';
export type { ReadMembers } from './shared/read.ts';
export type {
  AccessTarget,
  AtRestCrypto,
  EventCategory,
  ObjectTagFacts,
  OperationAccess,
  OperationDefinition,
  S3OperationContext,
  S3Settings,
} from './types.ts';
export type { UploadPartRequest, UploadPartResponse } from './upload-part.ts';
export type { UploadPartCopyRequest, UploadPartCopyResponse } from './upload-part-copy.ts';
