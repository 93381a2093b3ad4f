/**
 * @module
 * Authentication: SigV4 headers and signatures, access keys, request time, anonymous callers.
 * These are rows of `S3_ERRORS` (`../errors.ts`, which joins the topics); the source of each stands
 * beside it, UNCONFIRMED where no capture of real S3 exists.
 */

import type { S3WireError } from './wire.ts';

/** The REST protocol's authentication. */
export type AuthErrorReason =
  | 'MissingContentSha256'
  | 'SignatureVersion2NotSupported'
  | 'XAmzContentSHA256Mismatch'
  | 'SignatureDoesNotMatch'
  | 'InvalidAccessKeyId'
  | 'RequestTimeTooSkewed'
  | 'AuthorizationHeaderMalformed'
  | 'UnsupportedAuthorizationType'
  | 'AuthorizationWithoutSpace'
  | 'AnonymousAccessDenied'
  | 'IncompleteSigV2Query'
  | 'MultipleAuthMechanisms'
  | 'AnonymousSignedStreaming';

/** How S3 answers each `AuthErrorReason`. */
export const AUTH_ERRORS: Readonly<Record<AuthErrorReason, S3WireError>> = {
  // SigV4 for S3 requires the header on every header-signed request (sig-v4-header-based-auth).
  MissingContentSha256: { code: 'InvalidRequest', status: 400, message: 'Missing required header for this request: x-amz-content-sha256' },
  // S3's answer to a SigV2 request where it takes SigV4 only (Regions opened after January 2014,
  // buckets made after June 24, 2020): captured in ravsau/aws-labs#4 and nukulb/s3-angular-file-upload#23
  // (the whole error document), and answered by versitygw for every SigV2 request (versity/versitygw pull request #1196, fixing
  // #1171); for a SigV2 presigned URL too (ravsau/aws-labs#4, s3tools/s3cmd#1376, tclahr/uac#354).
  SignatureVersion2NotSupported: {
    code: 'InvalidRequest',
    status: 400,
    message: 'The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.',
  },
  // s3s-project/s3s#328 and LocalStack quote this text from S3.
  XAmzContentSHA256Mismatch: {
    code: 'XAmzContentSHA256Mismatch',
    status: 400,
    message: "The provided 'x-amz-content-sha256' header does not match what was computed.",
  },
  // LS-snapshot (s3-sse.md §2.4); AWS adds AWSAccessKeyId, StringToSign, SignatureProvided…
  SignatureDoesNotMatch: {
    code: 'SignatureDoesNotMatch',
    status: 403,
    message: 'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
  },
  InvalidAccessKeyId: { code: 'InvalidAccessKeyId', status: 403, message: 'The AWS Access Key Id you provided does not exist in our records.' },
  RequestTimeTooSkewed: { code: 'RequestTimeTooSkewed', status: 403, message: 'The difference between the request time and the current time is too large.' },
  // The text after the semicolon is the kernel's reason (S3 names what is wrong the same way).
  AuthorizationHeaderMalformed: {
    code: 'AuthorizationHeaderMalformed',
    status: 400,
    message: (d) => `The authorization header is malformed; ${d.value ?? 'it could not be parsed'}`,
  },
  UnsupportedAuthorizationType: { code: 'InvalidArgument', status: 400, message: 'Unsupported Authorization Type', argumentName: 'Authorization' },
  // An `Authorization` header with no space, refused before its scheme is read, the header as
  // `ArgumentValue` (brekkylab/backlot `backlot/auth.py`, `resolve_sigv4` and `_NO_SPACE`,
  // measured against S3 us-east-1 2026-09-29; `protocol/auth-scheme.ts`).
  AuthorizationWithoutSpace: {
    code: 'InvalidArgument',
    status: 400,
    message: "Authorization header is invalid -- one and only one ' ' (space) required",
    argumentName: 'Authorization',
  },
  // An unsigned request under strict authentication: S3 treats it as anonymous, and anonymous
  // callers are denied without a bucket policy granting them.
  AnonymousAccessDenied: { code: 'AccessDenied', status: 403, message: 'Access Denied' },
  // A query naming SigV2's `Signature` without `Expires` or `AWSAccessKeyId`, whatever the bucket
  // policy grants (brekkylab/backlot `backlot/auth.py`, `_resolve_v2_query`, measured against
  // s3.us-east-1 on 2026-09-29; aws/aws-sdk-php#97, a CloudFront signed URL sent to S3).
  IncompleteSigV2Query: {
    code: 'AccessDenied',
    status: 403,
    message: 'Query-string authentication requires the Signature, Expires and AWSAccessKeyId parameters',
  },
  // An `Authorization` header beside a presigned URL's `X-Amz-Algorithm` or SigV2's `Signature`
  // (an empty header included), or those two query parameters together: refused ahead of every
  // other credential check, with `ArgumentName` `Authorization` and, when a header was sent, its
  // value as `ArgumentValue` (brekkylab/backlot `backlot/auth.py`, `resolve_sigv4` and
  // `_ONE_MECHANISM`, measured against S3 us-east-1 2026-09-29; the text as rclone's Amazon Drive
  // backend quotes S3 answering a redirect to a presigned URL that kept its `Authorization`).
  MultipleAuthMechanisms: {
    code: 'InvalidArgument',
    status: 400,
    message:
      'Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified',
    argumentName: 'Authorization',
  },
  // An unsigned request declaring a signed streaming payload, whatever the bucket policy grants
  // (versity/versitygw#1554 and pull request #1555, "consistent with S3 behavior",
  // `ErrUnsupportedAnonymousSignedStreaming`; `protocol/anonymous-payload.ts`).
  AnonymousSignedStreaming: {
    code: 'InvalidRequest',
    status: 400,
    message: "Anonymous requests don't support this x-amz-content-sha256 value. Please use UNSIGNED-PAYLOAD or STREAMING-UNSIGNED-PAYLOAD-TRAILER.",
  },
};
