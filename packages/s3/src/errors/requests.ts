/**
 * @module
 * The REST protocol's framing of a request: its URI, length, body, header values and XML, and
 * the features Strongbox does not build.
 * These are rows of `S3_ERRORS` (`../errors.ts`, which joins the topics); the source of each stands
 * beside it, UNCONFIRMED where no capture of real S3 exists.
 */

import type { S3WireError } from './wire.ts';

/** The REST protocol's framing (S3 API reference, ErrorResponses.html), request bodies the kernel refused while the engine read them (`toS3Error`), and features. */
export type RequestErrorReason =
  | 'MalformedXML'
  | 'BadDigest'
  | 'InvalidDigest'
  | 'NotImplemented'
  | 'InvalidURI'
  | 'MissingContentLength'
  | 'IncompleteBody'
  | 'InvalidHeaderValue'
  | 'MalformedTrailer'
  | 'MalformedAwsChunked';

/** How S3 answers each `RequestErrorReason`. */
export const REQUEST_ERRORS: Readonly<Record<RequestErrorReason, S3WireError>> = {
  MalformedXML: { code: 'MalformedXML', status: 400, message: 'The XML you provided was not well-formed or did not validate against our published schema' },
  BadDigest: { code: 'BadDigest', status: 400, message: 'The Content-MD5 you specified did not match what we received.' },
  // ErrorResponses.html: a Content-MD5 that is not the base64 of 16 bytes.
  InvalidDigest: { code: 'InvalidDigest', status: 400, message: 'The Content-MD5 you specified was invalid.' },
  // ErrorResponses.html: 501 NotImplemented, "A header you provided implies functionality that is
  // not implemented." Strongbox names what is missing, so nobody mistakes it for a real answer.
  NotImplemented: {
    code: 'NotImplemented',
    status: 501,
    message: (d) => `A header you provided implies functionality that is not implemented: ${d.value ?? 'this feature'} is not built in Strongbox yet.`,
  },
  // ErrorResponses.html.
  InvalidURI: { code: 'InvalidURI', status: 400, message: "Couldn't parse the specified URI." },
  MissingContentLength: { code: 'MissingContentLength', status: 411, message: 'You must provide the Content-Length HTTP header.' },
  IncompleteBody: { code: 'IncompleteBody', status: 400, message: 'You did not provide the number of bytes specified by the Content-Length HTTP header' },
  // A header or query value of the wrong type (an integer that is not one, a boolean that is not
  // `true`/`false`); UNCONFIRMED text: S3's answers vary by parameter.
  InvalidHeaderValue: { code: 'InvalidArgument', status: 400, message: (d) => `${d.value ?? 'A header or query parameter'} has an invalid value.` },
  // The kernel's body refusals without a REST-protocol row (sigv4/streaming.ts), its text in `value`.
  MalformedTrailer: {
    code: 'MalformedTrailerError',
    status: 400,
    message: (d) => d.value ?? 'The request contained trailing data that was not well-formed or did not conform to our published schema.',
  },
  // UNCONFIRMED (the kernel's own words): S3's answer to malformed aws-chunked framing.
  MalformedAwsChunked: { code: 'InvalidRequest', status: 400, message: (d) => d.value ?? 'The aws-chunked body is malformed.' },
};
