/**
 * @module
 * Conditional requests: reads (`If-Match`, `If-None-Match`, `If-Modified-Since`, …) and
 * conditional writes.
 * These are rows of `S3_ERRORS` (`../errors.ts`, which joins the topics); the source of each stands
 * beside it, UNCONFIRMED where no capture of real S3 exists.
 */

import type { S3WireError } from './wire.ts';

/** Conditional reads and writes. */
export type ConditionErrorReason = 'PreconditionFailed' | 'ConditionalHeaderNotImplemented' | 'ConditionalRequestConflict' | 'NotModified';

/** How S3 answers each `ConditionErrorReason`. */
export const CONDITION_ERRORS: Readonly<Record<ConditionErrorReason, S3WireError>> = {
  // LS-snapshot test_s3_get_object_preconditions and test_s3_copy_object_preconditions, with a
  // `Condition` element naming the header (`If-Match`, `x-amz-copy-source-If-None-Match`, ...).
  PreconditionFailed: { code: 'PreconditionFailed', status: 412, message: 'At least one of the pre-conditions you specified did not hold' },
  // Conditional writes (PutObject, CopyObject, CompleteMultipartUpload `If-Match` /
  // `If-None-Match`): LS-snapshot test_put_object_if_none_match_validation, _if_match_validation
  // and _if_match_and_if_none_match_validation, recorded against S3 (2026-02-21): 501 with the
  // `Header` and an `additionalMessage` element, which the caller gives as `fields`.
  ConditionalHeaderNotImplemented: { code: 'NotImplemented', status: 501, message: 'A header you provided implies functionality that is not implemented' },
  // LS-snapshot test_multipart_if_match_with_put, _if_none_match_with_delete (with `Condition` and `Key`).
  ConditionalRequestConflict: {
    code: 'ConditionalRequestConflict',
    status: 409,
    message: 'The conditional request cannot succeed due to a conflicting operation against this resource.',
  },
  // LS-snapshot: 304 with no body (botocore reports Code "304", Message "Not Modified"); the protocol
  // edge sends the status and, as headers, the `ETag` and `Last-Modified` fields (RFC 9110 §15.4.5).
  NotModified: { code: 'NotModified', status: 304, message: 'Not Modified' },
};
