/**
 * @module
 * S3's error responses on the wire (S3 API reference, "Error responses"; s3-sse.md §5.2): the
 * status, `<Error>` as the root (no wrapping) with Code, Message, the error's extra elements,
 * RequestId and HostId; `x-amz-request-id` and `x-amz-id-2` headers; no body on HEAD (clients
 * derive the error from the status) nor on 304. Also the translation of the kernel's SigV4
 * refusals (Coral's JSON codes) into S3's codes for the same conditions.
 */

import {
  type HttpResponse,
  httpDate,
  isJsonServiceErrorCode,
  isS3AuthErrorCode,
  S3_AUTH_WIRE_ERRORS,
  ServiceError,
  type StreamingResponse,
} from '@strongbox/service-kernel';
import { S3Error, toS3Error } from '../errors.ts';
import { frameBodilessHead } from './head-framing.ts';
import { errorXml } from './xml.ts';

/** The ids every S3 response carries. */
export interface ResponseIds {
  /** `x-amz-request-id`, `<RequestId>`: 16 uppercase hex digits, as S3's. */
  readonly requestId: string;
  /** `x-amz-id-2`, `<HostId>`: an opaque base64 token. */
  readonly hostId: string;
}

/**
 * The headers every S3 response starts from.
 * @example baseHeaders({ requestId: '0123456789ABCDEF', hostId: 'aG9zdA==' })
 */
export function baseHeaders(ids: ResponseIds): Record<string, string> {
  // A literal (not a null-prototype map): every name added later is a fixed header name or
  // `x-amz-meta-` + a name, never `__proto__`, and a literal stays cheap to extend and to walk.
  return { 'x-amz-request-id': ids.requestId, 'x-amz-id-2': ids.hostId, date: httpDate(), server: 'AmazonS3' };
}

/** An error as it goes on the wire. */
export interface WireFailure {
  readonly code: string;
  readonly status: number;
  readonly message: string;
  /** Extra `<Error>` elements, in order. */
  readonly fields: readonly (readonly [string, string])[];
  /** A 405's `Allow` header, when S3 sends one. */
  readonly allow?: string | undefined;
  /** The `x-amz-bucket-region` header of a redirect to the bucket's Region, HEAD or not. */
  readonly bucketRegion?: string | undefined;
}

/**
 * The wire response of anything thrown while serving a request (normalised by `toWireError`).
 * @example errorResponse(new S3Error('NoSuchKey', { fields: [['Key', 'a']] }), ids, 'GET')
 */
export function errorResponse(error: unknown, ids: ResponseIds, method: string): StreamingResponse {
  const failure = toWireError(error);
  const headers = baseHeaders(ids);
  // HEAD has no body; a 304 (a conditional read's "not modified") has none either (RFC 9110 §15.4.5).
  // A 304 carries the object's validators as headers (its fields: ETag, Last-Modified).
  if (failure.status === 304) for (const [name, value] of failure.fields) headers[name.toLowerCase()] = value;
  if (failure.status === 304) return { status: failure.status, headers, body: '' };
  if (failure.allow !== undefined) headers['allow'] = failure.allow;
  if (failure.bucketRegion !== undefined) headers['x-amz-bucket-region'] = failure.bucketRegion;
  if (method === 'HEAD') {
    // Framed as S3 frames a HEAD's refusal (head-framing.ts); HeadObject's API reference: "It is
    // not possible to retrieve the exact exception beyond these error codes."
    frameBodilessHead(headers);
    return { status: failure.status, headers, body: '' };
  }
  const body = errorXml(failure.code, failure.message, failure.fields, ids.requestId, ids.hostId);
  headers['content-type'] = 'application/xml';
  headers['content-length'] = String(Buffer.byteLength(body));
  return { status: failure.status, headers, body };
}

/**
 * Anything thrown as S3 puts it on the wire: S3 errors as they are, the kernel's S3 codes as they
 * are, the kernel's JSON-service SigV4 refusals as S3 names the same conditions, URI decoding
 * failures as `InvalidURI`, anything else (the kernel's own failures included) `InternalError`.
 * @example toWireError(new ServiceError('UnrecognizedClientException')).code // 'InvalidAccessKeyId'
 */
export function toWireError(error: unknown): WireFailure {
  // A request body the engine was reading failed its check (XAmzContentSHA256Mismatch, a bad
  // aws-chunked frame): the engine reports an internal error caused by the kernel's refusal,
  // which is what the client is told.
  if (error instanceof S3Error && error.reason === 'InternalError' && error.cause instanceof ServiceError) return toWireError(error.cause);
  if (error instanceof ServiceError) {
    // The kernel's S3 codes (its SigV4 refusals in S3 mode: presigned URLs, aws-chunked bodies)
    // go on the wire as they are, with their extra elements; the JSON services' codes are
    // translated; the kernel's own failures (a lost lease, …) are internal errors.
    if (isJsonServiceErrorCode(error.code)) return fromServiceError(error);
    if (isS3AuthErrorCode(error.code))
      return { code: error.code, status: S3_AUTH_WIRE_ERRORS[error.code].status, message: error.message, fields: error.fields };
  }
  if (error instanceof URIError) return new S3Error('InvalidURI', { cause: error });
  // The operator's text names the data directory and who holds it: not the client's to read.
  if (error instanceof S3Error && error.reason === 'DataDirectoryLocked') return new S3Error('InternalError', { cause: error });
  return toS3Error(error);
}

/**
 * The kernel's authenticator answers with Coral's JSON codes and texts (KMS's); S3 answers the
 * same conditions with its own (S3 API reference, ErrorResponses.html): a bad signature is 403
 * SignatureDoesNotMatch, an unknown key 403 InvalidAccessKeyId, a skewed clock 403
 * RequestTimeTooSkewed, a malformed header or credential scope 400 AuthorizationHeaderMalformed,
 * an unsigned request under strict authentication 403 AccessDenied (S3 treats it as anonymous).
 */
function fromServiceError(error: ServiceError): S3Error {
  const message = error.message;
  switch (error.code) {
    case 'MissingAuthenticationTokenException':
      return new S3Error('AnonymousAccessDenied', { cause: error });
    case 'UnrecognizedClientException':
      return new S3Error('InvalidAccessKeyId', { cause: error });
    case 'IncompleteSignatureException':
      if (message.startsWith("Unsupported AWS 'algorithm'")) return new S3Error('UnsupportedAuthorizationType', { cause: error });
      return new S3Error('AuthorizationHeaderMalformed', { detail: { value: message }, cause: error });
    case 'InvalidSignatureException':
      if (message.startsWith('Signature expired') || message.startsWith('Signature not yet current'))
        return new S3Error('RequestTimeTooSkewed', { fields: error.fields, cause: error });
      if (message.startsWith('Credential should') || message.includes("must be a 'SignedHeader'"))
        return new S3Error('AuthorizationHeaderMalformed', { detail: { value: message }, cause: error });
      // An authenticator given a request signed both ways (the REST edge refuses it first, naming
      // the header's value: `protocol/auth-mechanisms.ts`).
      if (message.startsWith('Found both')) return new S3Error('MultipleAuthMechanisms', { cause: error });
      return new S3Error('SignatureDoesNotMatch', { cause: error });
    case 'ThrottlingException':
      return new S3Error('SlowDown', { cause: error });
    default:
      return new S3Error('InternalError', { cause: error });
  }
}

/**
 * S3's 500 InternalError as a complete buffered response, for the edge's failures outside the
 * handler (`toNodeStreamingListener`'s `internalError`): nothing from the request in it but its
 * method, a HEAD's answer being framed as the handler frames a HEAD's error.
 * @example toNodeStreamingListener(handler, { internalError: internalErrorResponse })
 */
export function internalErrorResponse(requestId: string, method = 'GET'): HttpResponse {
  const ids = { requestId: requestId.replace(/-/g, '').slice(0, 16).toUpperCase(), hostId: '' };
  const response = errorResponse(new S3Error('InternalError'), ids, method.toUpperCase() === 'HEAD' ? 'HEAD' : 'GET');
  return { status: response.status, headers: response.headers, body: response.body as string };
}
