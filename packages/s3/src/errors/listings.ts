/**
 * @module
 * Object listings (ListObjects, ListObjectsV2, ListObjectVersions): their arguments.
 * These are rows of `S3_ERRORS` (`../errors.ts`, which joins the topics); the source of each stands
 * beside it, UNCONFIRMED where no capture of real S3 exists.
 */

import type { S3WireError } from './wire.ts';

/** Listing arguments: continuation tokens, encoding-type, max-keys, the other listing version's parameters. */
export type ListingErrorReason =
  | 'InvalidContinuationToken'
  | 'InvalidEncodingType'
  | 'InvalidMaxKeys'
  | 'InvalidMaxKeysRange'
  | 'NegativeMaxKeys'
  | 'ContinuationTokenWithoutListType2'
  | 'StartAfterWithoutListType2'
  | 'MarkerWithListType2';

/** How S3 answers each `ListingErrorReason`. */
export const LISTING_ERRORS: Readonly<Record<ListingErrorReason, S3WireError>> = {
  InvalidContinuationToken: {
    code: 'InvalidArgument',
    status: 400,
    message: 'The continuation token provided is incorrect',
    argumentName: 'continuation-token',
  },
  // LS-snapshot test_list_ops_encoding_type_validation (with ArgumentValue).
  InvalidEncodingType: { code: 'InvalidArgument', status: 400, message: 'Invalid Encoding Method specified in Request', argumentName: 'encoding-type' },
  // S3 reads max-keys as a 32-bit integer (a Java int). Captured against S3 (us-east-1,
  // 2026-09-29, a third-party emulator's table of S3's answers, backlot's tests):
  // `max-keys=abc` is this, with ArgumentValue `abc`, on ListObjects and ListObjectVersions, before
  // the bucket; a value outside the 32-bit range the same (jchristn/S3Server 8.0.0, recorded from S3).
  InvalidMaxKeys: { code: 'InvalidArgument', status: 400, message: 'Provided max-keys not an integer or within integer range', argumentName: 'max-keys' },
  // A negative max-keys is worded per operation. ListObjects and ListObjectsV2: `maxKeys` with the
  // value (same capture: `?list-type=2&max-keys=-1` names `maxKeys`, ArgumentValue `-1`; the text
  // as jchristn/S3Server 8.0.0 recorded from S3 for ListObjects, and as MinIO answers).
  InvalidMaxKeysRange: {
    code: 'InvalidArgument',
    status: 400,
    message: 'Argument maxKeys must be an integer between 0 and 2147483647',
    argumentName: 'maxKeys',
  },
  // ListObjectVersions: this text, `max-keys` and no ArgumentValue (same capture, after the bucket,
  // the version-id marker and encoding-type).
  NegativeMaxKeys: { code: 'InvalidArgument', status: 400, message: 'max-keys cannot be negative', argumentName: 'max-keys' },
  // The other listing version's parameter, sent empty or not: this text, the parameter as
  // ArgumentName and no ArgumentValue (brekkylab/backlot, measured against S3 2026-09-14,
  // `backlot/routers/s3.py` at commit 07bef4332838e4c4ee55118732a8ac1520f70d16, `_V2_ONLY`,
  // `_V1_ONLY`). Answered by the router before the credential (`protocol/routes.ts`).
  ContinuationTokenWithoutListType2: {
    code: 'InvalidArgument',
    status: 400,
    message: 'continuation-token only supported in REST.GET.BUCKET with list-type=2',
    argumentName: 'continuation-token',
  },
  StartAfterWithoutListType2: {
    code: 'InvalidArgument',
    status: 400,
    message: 'startAfter only supported in REST.GET.BUCKET with list-type=2',
    argumentName: 'start-after',
  },
  MarkerWithListType2: { code: 'InvalidArgument', status: 400, message: 'Marker unsupported with REST.GET.BUCKET in list-type=2', argumentName: 'marker' },
};
