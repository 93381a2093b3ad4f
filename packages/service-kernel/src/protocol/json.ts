/**
 * @module
 * The AWS JSON protocols' framing that every JSON service shares (smithy `awsJson1_0` /
 * `awsJson1_1`): request bodies parsed as Coral parses them, values to the wire (blobs base64,
 * timestamps epoch seconds), and the one response and error builder: `Content-Type`,
 * `x-amzn-RequestId`, `Content-Length`, `Date`, and `{"__type", "message"}` with the
 * `X-Amzn-Errortype` header on errors (SDKs read either).
 */

import { SERVICE_WIRE_ERRORS, ServiceError } from '../errors.ts';
import type { TextResponse } from '../http/types.ts';

const JSON_11 = 'application/x-amz-json-1.1';

/**
 * UTF-8 that refuses bytes that are not: JSON text is UTF-8 (RFC 8259 §8.1), and a lenient decoder
 * would turn them into U+FFFD and store that (a tag, a description) as if the client had sent it.
 * UNCONFIRMED: AWS's exact answer to such a body; Coral's parser refuses it as unreadable JSON,
 * hence SerializationException.
 */
const UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Parses a JSON request body (an empty body means `{}`, as SDKs send for input-less calls).
 * @throws ServiceError SerializationException, bare as Coral sends it, for anything but a JSON
 *   object in UTF-8.
 * @example parseJson(new TextEncoder().encode('{"KeyId":"k"}')) // { KeyId: 'k' }
 */
export function parseJson(body: Uint8Array): Record<string, unknown> {
  let text: string;
  try {
    text = UTF8.decode(body).trim();
  } catch {
    throw new ServiceError('SerializationException', '');
  }
  if (text === '') return {};
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ServiceError('SerializationException', '');
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new ServiceError('SerializationException', '');
  return json as Record<string, unknown>;
}

/**
 * In-process values to JSON: blobs to base64, timestamps to epoch seconds, undefined dropped.
 * @example toWire({ Blob: new Uint8Array([1]), At: new Date(1000) }) // { Blob: 'AQ==', At: 1 }
 */
export function toWire(value: unknown): unknown {
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64');
  if (value instanceof Date) return value.getTime() / 1000;
  if (Array.isArray(value)) return value.map(toWire);
  if (typeof value === 'object' && value !== null) {
    // Map keys pass through (a grant's `__proto__` constraint key): no prototype setter.
    const out = Object.create(null) as Record<string, unknown>;
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = toWire(v);
    return out;
  }
  return value;
}

/**
 * A JSON response with the headers AWS's JSON services send: Content-Type, x-amzn-RequestId,
 * Content-Length, Date, and X-Amzn-Errortype on errors.
 * @example json11Response(200, requestId, '{}')
 */
export function json11Response(status: number, requestId: string, body: string, errorType?: string): TextResponse {
  const headers: Record<string, string> = {
    'Content-Type': JSON_11,
    'x-amzn-RequestId': requestId,
    'Content-Length': String(Buffer.byteLength(body)),
    // SDKs correct clock skew from this header after a "Signature expired" answer.
    Date: httpDate(),
  };
  if (errorType !== undefined) headers['X-Amzn-Errortype'] = errorType;
  return { status, headers, body };
}

/**
 * A JSON error response (the one builder): `__type`, plus the message under `messageKey` when
 * there is one, and the `X-Amzn-Errortype` header.
 * @example json11ErrorResponse(requestId, 400, 'ThrottlingException', 'Rate exceeded', 'message')
 */
export function json11ErrorResponse(requestId: string, status: number, type: string, message: string, messageKey: 'message' | 'Message'): TextResponse {
  const body: Record<string, string> = { __type: type };
  // Errors AWS sends without text (KMS's InvalidCiphertextException, protocol errors) carry no message key.
  if (message !== '') body[messageKey] = message;
  return json11Response(status, requestId, JSON.stringify(body), type);
}

let dateSecond = -1;
let dateText = '';

/**
 * The current time (or `now`, epoch ms: an emulator's controlled clock) as an HTTP date,
 * formatted once per second (it has one-second resolution).
 * @example httpDate() // 'Sun, 06 Dec 2026 02:00:00 GMT'
 */
export function httpDate(now: number = Date.now()): string {
  const second = Math.floor(now / 1000);
  if (second !== dateSecond) {
    dateSecond = second;
    dateText = new Date(second * 1000).toUTCString();
  }
  return dateText;
}

/**
 * The JSON error response of a `ServiceError` (SigV4 refusals, a body that is not JSON), the same
 * in every JSON service; the kernel's own failures answer as the table says (an internal failure
 * with no message: theirs name paths and processes).
 * @example serviceErrorResponse(requestId, new ServiceError('MissingAuthenticationTokenException', 'Missing Authentication Token'))
 */
export function serviceErrorResponse(requestId: string, error: ServiceError): TextResponse {
  const wire = SERVICE_WIRE_ERRORS[error.code];
  return json11ErrorResponse(requestId, wire.status, wire.type, wire.message ?? error.message, wire.messageKey ?? 'message');
}
