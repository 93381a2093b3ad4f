/**
 * @module
 * POST Object (browser-based uploads): the form and its POST policy.
 * These are rows of `S3_ERRORS` (`../errors.ts`, which joins the topics); the source of each stands
 * beside it, UNCONFIRMED where no capture of real S3 exists.
 */

import type { S3WireError } from './wire.ts';

/** POST Object (browser-based uploads): the form and its POST policy. */
export type PostObjectErrorReason =
  | 'PostNotMultipart'
  | 'MalformedPostRequest'
  | 'PostPreDataTooLarge'
  | 'PostFieldMissing'
  | 'PostFileCount'
  | 'InvalidPolicyDocument'
  | 'PostPolicyExpired'
  | 'PostPolicyConditionFailed'
  | 'PostPolicyExtraInputFields'
  | 'PostEntityTooLarge'
  | 'PostSignatureV2';

/** How S3 answers each `PostObjectErrorReason`. */
export const POST_OBJECT_ERRORS: Readonly<Record<PostObjectErrorReason, S3WireError>> = {
  // POST Object. Captures: LocalStack's TestS3PresignedPost, recorded against S3 on 2026-02-21
  // (LS-POST), and S3 answers quoted in issue trackers (named beside each row).
  // LS-POST test_post_object_with_wrong_content_type: 412 with a `Condition` element (the fields).
  PostNotMultipart: { code: 'PreconditionFailed', status: 412, message: 'At least one of the pre-conditions you specified did not hold' },
  // ErrorResponses.html's text; seen from S3 for a Content-Type without a boundary (re:Post, 2017).
  MalformedPostRequest: { code: 'MalformedPOSTRequest', status: 400, message: 'The body of your POST request is not well-formed multipart/form-data.' },
  // Captured several times (waynehoover/s3_direct_upload#45, benefitcloud/ember-uploader#45),
  // S3's misspelling and grammar included, with `MaxPostPreDataLengthBytes` 20480.
  PostPreDataTooLarge: { code: 'MaxPostPreDataLengthExceeded', status: 400, message: 'Your POST request fields preceeding the upload file was too large.' },
  // LS-POST test_post_request_missing_signature / _missing_fields (two spaces after the first
  // full stop), with `ArgumentName` and an empty `ArgumentValue`; the same for a missing `key`
  // (nukulb/s3-angular-file-upload#1, grafana/k6#1382).
  PostFieldMissing: {
    code: 'InvalidArgument',
    status: 400,
    message: (d) => `Bucket POST must contain a field named '${d.value ?? 'key'}'.  If it is specified, please check the order of the fields.`,
  },
  // Captured (rowanwins/vue-dropzone#303, boto/boto3#934), `ArgumentName` file, `ArgumentValue` 0.
  PostFileCount: { code: 'InvalidArgument', status: 400, message: 'POST requires exactly one file upload per request.', argumentName: 'file' },
  // `Invalid Policy: ` and what is wrong (`value`): LS-POST for a simple condition of two
  // properties; other texts as each site in model/post-policy.ts says.
  InvalidPolicyDocument: { code: 'InvalidPolicyDocument', status: 400, message: (d) => `Invalid Policy: ${d.value ?? 'Invalid JSON.'}` },
  // LS-POST test_post_request_expires.
  PostPolicyExpired: { code: 'AccessDenied', status: 403, message: 'Invalid according to Policy: Policy expired.' },
  // LS-POST: the condition as the policy wrote it, rendered as a JSON array (`value`).
  PostPolicyConditionFailed: { code: 'AccessDenied', status: 403, message: (d) => `Invalid according to Policy: Policy Condition failed: ${d.value ?? ''}` },
  // Captured (an S3 <Error> with its RequestId quoted in a tutorial; martinklepsch/s3-beam#42).
  PostPolicyExtraInputFields: { code: 'AccessDenied', status: 403, message: (d) => `Invalid according to Policy: Extra input fields: ${d.value ?? ''}` },
  // LS-POST test_post_object_policy_validation_size: the wire text ends "allowed size" (not the
  // error table's "allowed object size"), with `ProposedSize` and `MaxSizeAllowed`. Its
  // counterpart for a file under the minimum is `EntityTooSmall` with `MinSizeAllowed`.
  PostEntityTooLarge: { code: 'EntityTooLarge', status: 400, message: 'Your proposed upload exceeds the maximum allowed size' },
  // Strongbox's own: S3 still takes SigV2 POST forms in its older Regions; Strongbox verifies SigV4 only.
  PostSignatureV2: {
    code: 'NotImplemented',
    status: 501,
    message: 'A header you provided implies functionality that is not implemented: Signature Version 2 POST forms are not built in Strongbox yet.',
  },
};
