/**
 * @module
 * Reading and writing one object: its key, GetObjectAttributes' attributes, a range or part
 * number, its size and metadata, and the headers S3 stores or answers with it.
 * These are rows of `S3_ERRORS` (`../errors.ts`, which joins the topics); the source of each stands
 * beside it, UNCONFIRMED where no capture of real S3 exists.
 */

import type { S3WireError } from './wire.ts';

/** Objects: keys, GetObjectAttributes' x-amz-object-attributes, Range and partNumber, sizes, stored and answered headers. */
export type ObjectErrorReason =
  | 'KeyTooLong'
  | 'ObjectAttributesMissing'
  | 'InvalidObjectAttribute'
  | 'InvalidRange'
  | 'InvalidPartNumber'
  | 'PartNumberOutOfBounds'
  | 'RangeWithPartNumber'
  | 'NoSuchKey'
  | 'AccessDenied'
  | 'EntityTooLarge'
  | 'MetadataTooLarge'
  | 'InvalidRedirectLocation'
  | 'HeaderValueNotLatin1'
  | 'AnonymousResponseOverrides'
  | 'RedirectLocationTooLong';

/** How S3 answers each `ObjectErrorReason`. */
export const OBJECT_ERRORS: Readonly<Record<ObjectErrorReason, S3WireError>> = {
  KeyTooLong: { code: 'KeyTooLongError', status: 400, message: 'Your key is too long' },
  // Captured from S3 (versity/versitygw#915): GetObjectAttributes without x-amz-object-attributes.
  ObjectAttributesMissing: {
    code: 'InvalidRequest',
    status: 400,
    message: 'The x-amz-object-attributes header specifying the attributes to be retrieved is either missing or empty',
  },
  // Captured from S3 (versity/versitygw#917, #1000), with the name sent as ArgumentValue.
  InvalidObjectAttribute: { code: 'InvalidArgument', status: 400, message: 'Invalid attribute name specified.', argumentName: 'x-amz-object-attributes' },
  InvalidRange: { code: 'InvalidRange', status: 416, message: 'The requested range is not satisfiable' },
  InvalidPartNumber: { code: 'InvalidPartNumber', status: 416, message: 'The requested partnumber is not satisfiable' },
  // UNCONFIRMED for GetObject: the text S3 answers for UploadPart's partNumber outside 1..10000.
  PartNumberOutOfBounds: {
    code: 'InvalidArgument',
    status: 400,
    message: 'Part number must be an integer between 1 and 10000, inclusive',
    argumentName: 'partNumber',
  },
  RangeWithPartNumber: { code: 'InvalidRequest', status: 400, message: 'Cannot specify both Range header and partNumber query parameter' },
  NoSuchKey: { code: 'NoSuchKey', status: 404, message: 'The specified key does not exist.' },
  AccessDenied: { code: 'AccessDenied', status: 403, message: 'Access Denied' },
  // ErrorResponses.html (the `ProposedSize` / `MaxSizeAllowed` elements as MinIO and versitygw
  // answer them; UNCONFIRMED from AWS).
  EntityTooLarge: { code: 'EntityTooLarge', status: 400, message: 'Your proposed upload exceeds the maximum allowed object size.' },
  // ErrorResponses.html; the text without its final period and the `Size` / `MaxSizeAllowed`
  // elements as versitygw's AWS-checked suite answers it (s3err.go ErrMetadataTooLarge).
  MetadataTooLarge: { code: 'MetadataTooLarge', status: 400, message: 'Your metadata headers exceed the maximum allowed metadata size' },
  // x-amz-website-redirect-location without '/', 'http://' or 'https://' in front (PutObject,
  // CopyObject, CreateMultipartUpload, a POST form's field): AWS's error-code list,
  // "InvalidRedirectLocation", 400, this text.
  InvalidRedirectLocation: {
    code: 'InvalidRedirectLocation',
    status: 400,
    message: "The website redirect location must have a prefix of 'http://' or 'https://' or '/'.",
  },
  // A header value S3 would have to answer but cannot write: captured for response-content-
  // disposition (guardian/grid#1716, CartoDB/cartodb#10701: InvalidArgument, this text, with
  // ArgumentName and ArgumentValue as fields); here also for a header a form or the engine API sets.
  HeaderValueNotLatin1: { code: 'InvalidArgument', status: 400, message: 'Header value cannot be represented using ISO-8859-1.' },
  // response-* parameters on an unsigned GetObject or HeadObject ("These parameters cannot be used
  // with an unsigned (anonymous) request", GetObject API reference): versitygw's
  // ErrAnonymousResponseHeaders, its suite checked against S3.
  AnonymousResponseOverrides: { code: 'InvalidRequest', status: 400, message: 'Request specific response headers cannot be used for anonymous GET requests.' },
  // "The length of the value is limited to 2 KB" (PutObject, WebsiteRedirectLocation). UNCONFIRMED
  // code and text: no capture of S3's answer; the code of the prefix rule, the text of
  // S3-compatible stores.
  RedirectLocationTooLong: {
    code: 'InvalidRedirectLocation',
    status: 400,
    message: 'The length of website redirect location cannot exceed 2,048 characters.',
  },
};
