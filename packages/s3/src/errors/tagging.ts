/**
 * @module
 * Object tags: the `x-amz-tagging` header, the Tagging document and the tagging directive.
 * These are rows of `S3_ERRORS` (`../errors.ts`, which joins the topics); the source of each stands
 * beside it, UNCONFIRMED where no capture of real S3 exists.
 */

import type { S3WireError } from './wire.ts';

/** Object tagging (x-amz-tagging, the Tagging document). */
export type TaggingErrorReason =
  | 'TooManyTags'
  | 'InvalidTagKey'
  | 'InvalidTagValue'
  | 'DuplicateTagKey'
  | 'SystemTagKey'
  | 'InvalidTaggingHeader'
  | 'InvalidTaggingDirective';

/** How S3 answers each `TaggingErrorReason`. */
export const TAGGING_ERRORS: Readonly<Record<TaggingErrorReason, S3WireError>> = {
  // Object tags. Over 10 tags: "BadRequest: Object tags cannot be greater than 10", 400, S3's
  // answer to PutObject's header and to PutObjectTagging (hashicorp/terraform-provider-aws#19895,
  // #41747). A key or value S3 does not take, or a key given twice in a Tagging document:
  // InvalidTag with these texts (aws/aws-cli#2841 for the key; moto and S3-compatible stores for
  // the others), the offending `TagKey` (and `TagValue`) as elements (UNCONFIRMED elements).
  TooManyTags: { code: 'BadRequest', status: 400, message: 'Object tags cannot be greater than 10' },
  InvalidTagKey: { code: 'InvalidTag', status: 400, message: 'The TagKey you have provided is invalid' },
  InvalidTagValue: { code: 'InvalidTag', status: 400, message: 'The TagValue you have provided is invalid' },
  DuplicateTagKey: { code: 'InvalidTag', status: 400, message: 'Cannot provide multiple Tags with the same key' },
  // "The reserved prefix is aws:" (Billing user guide). S3's text for an object tag key
  // (PutObject `Tagging: aws:foo=bar`): moto's test_put_object_with_tagging, marked aws_verified
  // (tests/test_s3/test_s3_tagging.py). "System tags cannot be added/updated by requester" is
  // PutBucketTagging's, not an object's.
  SystemTagKey: { code: 'InvalidTag', status: 400, message: 'Your TagKey cannot be prefixed with aws:' },
  // An x-amz-tagging header that is not URL query parameters of UTF-8, or names a key twice or an
  // empty key: S3's answer to such a header (aws/aws-cli#2841), ArgumentValue the header.
  InvalidTaggingHeader: {
    code: 'InvalidArgument',
    status: 400,
    message: "The header 'x-amz-tagging' shall be encoded as UTF-8 then URLEncoded URL query parameters without tag name duplicates.",
    argumentName: 'x-amz-tagging',
  },
  // UNCONFIRMED text: the metadata directive's answer, for the tagging directive (CopyObject:
  // "Valid Values: COPY | REPLACE").
  InvalidTaggingDirective: { code: 'InvalidArgument', status: 400, message: 'Unknown tagging directive.', argumentName: 'x-amz-tagging-directive' },
};
