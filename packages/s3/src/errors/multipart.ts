/**
 * @module
 * Multipart uploads: the upload, its parts, and ListParts' and ListMultipartUploads' arguments.
 * These are rows of `S3_ERRORS` (`../errors.ts`, which joins the topics); the source of each stands
 * beside it, UNCONFIRMED where no capture of real S3 exists.
 */

import type { S3WireError } from './wire.ts';

/** Multipart uploads and their listings' arguments. */
export type MultipartErrorReason =
  | 'NoSuchUpload'
  | 'InvalidPart'
  | 'InvalidPartOrder'
  | 'EntityTooSmall'
  | 'InvalidListArgument'
  | 'InvalidMaxUploads'
  | 'InvalidMaxParts'
  | 'InvalidPartNumberMarker';

/** How S3 answers each `MultipartErrorReason`. */
export const MULTIPART_ERRORS: Readonly<Record<MultipartErrorReason, S3WireError>> = {
  NoSuchUpload: {
    code: 'NoSuchUpload',
    status: 404,
    message: 'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.',
  },
  // Two spaces after the first full stop, as S3 sends it.
  InvalidPart: {
    code: 'InvalidPart',
    status: 400,
    message:
      "One or more of the specified parts could not be found.  The part may not have been uploaded, or the specified entity tag may not match the part's entity tag.",
  },
  InvalidPartOrder: { code: 'InvalidPartOrder', status: 400, message: 'The list of parts was not in ascending order. Parts must be ordered by part number.' },
  EntityTooSmall: { code: 'EntityTooSmall', status: 400, message: 'Your proposed upload is smaller than the minimum allowed size' },
  // ListParts' and ListMultipartUploads' integer arguments below zero (`value` the argument's name;
  // ArgumentName and ArgumentValue, the value as parsed, as fields). `max-parts` and
  // `part-number-marker`: getmoto/moto#4624 ("All affected tests are verified against AWS",
  // `test_multipart_list_parts_invalid_argument`, -42). `max-uploads`: measured against S3 by
  // brekkylab/backlot (#176, #192, 2026-09-11: after the bucket and encoding-type, `-01` named `-1`).
  InvalidListArgument: {
    code: 'InvalidArgument',
    status: 400,
    message: (d) => `Argument ${d.value ?? ''} must be an integer between 0 and 2147483647`,
  },
  // The same arguments when not a 32-bit integer at all (a word, a space, past the 32-bit range),
  // refused before the bucket with the value as sent. `max-uploads`: captured against S3
  // (us-east-1, 2026-09-29, backlot's table: `?uploads&max-uploads=abc&versionId=x`, ArgumentValue
  // `abc`) and versity/versitygw#1794 (S3's answer to 2157483647).
  InvalidMaxUploads: {
    code: 'InvalidArgument',
    status: 400,
    message: 'Provided max-uploads not an integer or within integer range',
    argumentName: 'max-uploads',
  },
  // Same capture: `?uploadId=x&max-parts=abc` at a bucket that does not exist is 400 naming
  // `max-parts` with `abc`; the text for 2147483689 as getmoto/moto#4624 (verified against AWS).
  InvalidMaxParts: { code: 'InvalidArgument', status: 400, message: 'Provided max-parts not an integer or within integer range', argumentName: 'max-parts' },
  // Same capture: `?uploadId=x&part-number-marker=abc` naming `part-number-marker` with `abc`, for
  // an upload that does not exist; the text as getmoto/moto#4624 (verified against AWS).
  InvalidPartNumberMarker: {
    code: 'InvalidArgument',
    status: 400,
    message: 'Provided part-number-marker not an integer or within integer range',
    argumentName: 'part-number-marker',
  },
};
