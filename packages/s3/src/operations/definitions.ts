/**
 * @module
 * Every operation Strongbox's S3 engine serves: one line per operation. Adding an operation is one
 * new file (its definition) and one line here; the registry (`index.ts`) derives the rest.
 */

export { abortMultipartUpload } from './abort-multipart-upload.ts';
export { completeMultipartUpload } from './complete-multipart-upload.ts';
export { copyObject } from './copy-object.ts';
export { createBucket } from './create-bucket.ts';
export { createMultipartUpload } from './create-multipart-upload.ts';
export { deleteBucket } from './delete-bucket.ts';
export { deleteBucketEncryption } from './delete-bucket-encryption.ts';
export { deleteBucketPolicy } from './delete-bucket-policy.ts';
export { deleteObject } from './delete-object.ts';
export { deleteObjectTagging } from './delete-object-tagging.ts';
export { deleteObjects } from './delete-objects.ts';
export { getBucketEncryption } from './get-bucket-encryption.ts';
export { getBucketLocation } from './get-bucket-location.ts';
export { getBucketPolicy } from './get-bucket-policy.ts';
export { getBucketVersioning } from './get-bucket-versioning.ts';
export { getObject } from './get-object.ts';
export { getObjectAttributes } from './get-object-attributes.ts';
export { getObjectTagging } from './get-object-tagging.ts';
export { headBucket } from './head-bucket.ts';
export { headObject } from './head-object.ts';
export { listBuckets } from './list-buckets.ts';
export { listMultipartUploads } from './list-multipart-uploads.ts';
export { listObjectVersions } from './list-object-versions.ts';
export { listObjects } from './list-objects.ts';
export { listObjectsV2 } from './list-objects-v2.ts';
export { listParts } from './list-parts.ts';
export { postObject } from './post-object.ts';
export { putBucketEncryption } from './put-bucket-encryption.ts';
export { putBucketPolicy } from './put-bucket-policy.ts';
export { putObject } from './put-object.ts';
export { putObjectTagging } from './put-object-tagging.ts';
export { restoreObject } from './restore-object.ts';
export { uploadPart } from './upload-part.ts';
export { uploadPartCopy } from './upload-part-copy.ts';
