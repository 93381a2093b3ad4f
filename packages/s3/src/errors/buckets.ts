/**
 * @module
 * Buckets: names, creation, deletion and the location constraint.
 * These are rows of `S3_ERRORS` (`../errors.ts`, which joins the topics); the source of each stands
 * beside it, UNCONFIRMED where no capture of real S3 exists.
 */

import type { S3WireError } from './wire.ts';

/** Buckets: names, existence, creation and deletion. */
export type BucketErrorReason =
  | 'InvalidBucketName'
  | 'NoSuchBucket'
  | 'BucketAlreadyExists'
  | 'BucketAlreadyOwnedByYou'
  | 'BucketNotEmpty'
  | 'OperationAborted'
  | 'IllegalLocationConstraint'
  | 'WrongRegionEndpoint';

/** How S3 answers each `BucketErrorReason`. */
export const BUCKET_ERRORS: Readonly<Record<BucketErrorReason, S3WireError>> = {
  InvalidBucketName: { code: 'InvalidBucketName', status: 400, message: 'The specified bucket is not valid.' },
  NoSuchBucket: { code: 'NoSuchBucket', status: 404, message: 'The specified bucket does not exist' },
  // A request sent to the endpoint of another Region than its bucket's: this 301, its text, then
  // `<Endpoint>` and `<Bucket>`, with the bucket's Region in `x-amz-bucket-region` (captures of S3:
  // yanganto/s3rs#18, 2019; awslabs/mountpoint-s3#1, 2022; the text also in aws/aws-cli#968).
  WrongRegionEndpoint: {
    code: 'PermanentRedirect',
    status: 301,
    message: 'The bucket you are attempting to access must be addressed using the specified endpoint. Please send all future requests to this endpoint.',
  },
  // The S3 API reference's error list (ErrorResponses.html) gives these three texts.
  BucketAlreadyExists: {
    code: 'BucketAlreadyExists',
    status: 409,
    message:
      'The requested bucket name is not available. The bucket namespace is shared by all users of the system. Please select a different name and try again.',
  },
  BucketAlreadyOwnedByYou: {
    code: 'BucketAlreadyOwnedByYou',
    status: 409,
    message: 'Your previous request to create the named bucket succeeded and you already own it.',
  },
  BucketNotEmpty: { code: 'BucketNotEmpty', status: 409, message: 'The bucket you tried to delete is not empty' },
  // S3's answer to a bucket operation that conflicts with another in progress (S3 API reference,
  // "List of error codes", which ends the text "Try again."; the service sends "Please try
  // again.", as quoted from CLI output): here a CreateBucket that kept finding the bucket deleted
  // under it.
  OperationAborted: {
    code: 'OperationAborted',
    status: 409,
    message: 'A conflicting conditional operation is currently in progress against this resource. Please try again.',
  },
  // The CreateBucket API reference's error list; the text as S3 answers a constraint naming
  // another Region than the endpoint's.
  IllegalLocationConstraint: {
    code: 'IllegalLocationConstraintException',
    status: 400,
    message: (d) => `The ${d.value ?? ''} location constraint is incompatible for the region specific endpoint this request was sent to.`,
  },
};
