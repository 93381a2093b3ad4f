/**
 * @module
 * S3 authorization on the service kernel's IAM policy engine: S3's actions and their resource
 * types, bucket policy validation, the request context of its condition keys, and S3's allow rule.
 */

export { type ActionResourceType, actionResourceTypes, resourceTypeOf, type S3Action } from './actions.ts';
export {
  authorizeS3Access,
  evaluateS3Access,
  type S3AccessDecision,
  type S3AccessRequest,
  type S3DenialReason,
  s3AccessDenied,
  tryEvaluateS3Access,
} from './authorize.ts';
export { MAX_BUCKET_POLICY_BYTES, validateBucketPolicy } from './bucket-policy.ts';
export {
  hasExistingTagKeys,
  hasRequestTagKeys,
  isObjectTagKey,
  type ObjectTagKeys,
  objectTagKeysOf,
  objectTagValue,
  readOnce,
  type TagSource,
} from './object-tags.ts';
export { type S3ContextSource, type SignatureFacts, s3ContextLookup } from './request-context.ts';
