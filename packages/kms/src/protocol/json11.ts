/**
 * @module
 * The AWS JSON 1.1 protocol for KMS (smithy `awsJson1_1`): `POST /` with
 * `X-Amz-Target: TrentService.<Operation>` and a JSON body; responses carry `x-amzn-RequestId`,
 * blobs as base64 and timestamps as epoch seconds; errors are `{"__type","message"}` with the
 * `X-Amzn-Errortype` header too (SDKs read either), status 400 for client errors.
 */

import { KmsError, toKmsError, WIRE_ERRORS } from '../errors.ts';
import { EventIds } from '../model/audit.ts';
import { emptyRecord } from '../model/dictionary.ts';
import type { Principal } from '../model/principal.ts';
import { isOperationName, type OperationName } from '../operations/catalog.ts';
import { OPERATIONS } from '../operations/index.ts';
import type { CallOptions, Kms } from '../kms.ts';
import { decodeJson } from './shapes.ts';

/** A protocol-level HTTP request (what a Node.js server or a test gives the handler). */
export interface HttpRequest {
  readonly method: string;
  /** Path and query, e.g. `/`. */
  readonly path: string;
  /** Header names in lowercase. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly body: Uint8Array;
  /** Remote address, for the audit trail. */
  readonly sourceIpAddress?: string;
}

/** A protocol-level HTTP response. */
export interface HttpResponse {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

/** Who signed a request: resolved by the caller of the handler (SigV4 layer). */
export interface RequestIdentity {
  readonly caller: Principal;
  /** The Region from the SigV4 credential scope, if signed. */
  readonly region?: string;
}

/** Options of the JSON 1.1 handler. */
export interface Json11Options {
  /**
   * Authenticates a request and names its caller; throws KmsError (e.g. InvalidSignatureException)
   * to refuse it. Default: everybody is the default account's root.
   */
  readonly authenticate?: (request: HttpRequest) => RequestIdentity | undefined | Promise<RequestIdentity | undefined>;
  /**
   * Request ids (`x-amzn-RequestId` and the audit trail's). Default: random UUIDs (version 4),
   * drawn from batches of `crypto.getRandomValues` (`EventIds`).
   */
  readonly requestId?: () => string;
}

const TARGET_PREFIX = 'TrentService.';
const CONTENT_TYPE = 'application/x-amz-json-1.1';

/**
 * Real KMS operations Strongbox does not model: custom key stores (their key material lives in an
 * AWS CloudHSM cluster or an external key manager, hardware outside KMS) and multi-Region key
 * replication. The TrentService operations of the KMS model as `@aws-sdk/client-kms` 3.1164.0
 * ships it, minus `OPERATION_NAMES`. They answer `UnsupportedOperationException` naming the
 * operation and why, where any other target is an `UnknownOperationException` as at AWS.
 */
export const UNMODELLED_OPERATIONS: ReadonlySet<string> = new Set([
  'ConnectCustomKeyStore',
  'CreateCustomKeyStore',
  'DeleteCustomKeyStore',
  'DescribeCustomKeyStores',
  'DisconnectCustomKeyStore',
  'ReplicateKey',
  'UpdateCustomKeyStore',
  'UpdatePrimaryRegion',
]);

/** Why an unmodelled operation is refused. */
export function unmodelledReason(name: string): string {
  return name.endsWith('CustomKeyStore') || name.endsWith('CustomKeyStores')
    ? `Strongbox does not model ${name}: custom key stores keep key material in an AWS CloudHSM cluster or an external key manager, hardware Strongbox does not emulate.`
    : `Strongbox does not model ${name}: multi-Region key replication is not implemented.`;
}

/**
 * Builds a handler serving `kms` over AWS JSON 1.1. Checks run in the order of AWS's Coral front
 * end (recorded from Kinesis, the same protocol): method, content type, JSON syntax, target, and
 * only then authentication, so malformed requests get protocol errors even when unsigned. A real
 * KMS operation Strongbox does not model is refused after authentication, as an operation would
 * refuse what it cannot do. Without `authenticate` nothing is verified: every request is the
 * default account's root (see `createSigV4Authenticator`).
 */
export function createJson11Handler(kms: Kms, options: Json11Options = {}): (request: HttpRequest) => Promise<HttpResponse> {
  // Ids from a batch of randomness: one getRandomValues call per 256 requests, not one each.
  const ids = new EventIds({ bytes: (length) => crypto.getRandomValues(new Uint8Array(length)) });
  const newRequestId = options.requestId ?? (() => ids.next());
  return async (request) => {
    const requestId = newRequestId();
    if (request.method !== 'POST') {
      return respondXml(403, requestId, '<AccessDeniedException>\n  <Message>Unable to determine service/operation name to be authorized</Message>\n</AccessDeniedException>\n');
    }
    if (!(request.headers['content-type'] ?? '').toLowerCase().startsWith(CONTENT_TYPE)) {
      return respondXml(404, requestId, '<UnknownOperationException/>\n');
    }
    try {
      const json = parseJson(request.body);
      const operation = targetOperation(request);
      const identity = options.authenticate ? await options.authenticate(request) : undefined;
      if (operation.unmodelled) throw new KmsError('UnsupportedOperationException', unmodelledReason(operation.name));
      const input = decodeJson(OPERATIONS[operation.name].input, json);
      const callOptions: CallOptions = {
        requestId,
        ...(identity ? { caller: identity.caller } : {}),
        ...(identity?.region ? { region: identity.region } : {}),
        ...(request.sourceIpAddress ? { sourceIpAddress: request.sourceIpAddress } : {}),
        ...(request.headers['user-agent'] ? { userAgent: request.headers['user-agent'] } : {}),
      };
      const output = await kms.send(operation.name, input as never, callOptions);
      return json11Response(200, requestId, output === undefined ? '' : JSON.stringify(toWire(output)));
    } catch (error) {
      return errorResponse(requestId, toKmsError(error));
    }
  };
}

/** The JSON 1.1 error response of a `KmsError`: status, `__type` and message key from `WIRE_ERRORS`. */
export function errorResponse(requestId: string, failure: KmsError): HttpResponse {
  const wire = WIRE_ERRORS[failure.code];
  return json11ErrorResponse(requestId, wire.status, wire.type, failure.message, wire.messageKey ?? 'message');
}

/**
 * A JSON 1.1 error response (the one builder, shared with the CloudTrail handler): `__type`, plus
 * the message under `messageKey` when there is one, and the `X-Amzn-Errortype` header.
 */
export function json11ErrorResponse(requestId: string, status: number, type: string, message: string, messageKey: 'message' | 'Message'): HttpResponse {
  const body: Record<string, string> = { __type: type };
  // Errors AWS sends without text (InvalidCiphertextException, protocol errors) carry no message key.
  if (message !== '') body[messageKey] = message;
  return json11Response(status, requestId, JSON.stringify(body), type);
}

/** The operation named by `X-Amz-Target`: a modelled one, or a real KMS operation that is not. */
function targetOperation(request: HttpRequest): { readonly name: OperationName; readonly unmodelled: false } | { readonly name: string; readonly unmodelled: true } {
  const target = request.headers['x-amz-target'] ?? '';
  const name = target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : '';
  if (isOperationName(name)) return { name, unmodelled: false };
  if (UNMODELLED_OPERATIONS.has(name)) return { name, unmodelled: true };
  throw new KmsError('UnknownOperationException', '');
}

/**
 * Parses a JSON 1.1 request body (an empty body means `{}`, as SDKs send for input-less calls).
 * @throws KmsError SerializationException, bare as Coral sends it, for anything but a JSON object.
 */
export function parseJson(body: Uint8Array): Record<string, unknown> {
  const text = new TextDecoder().decode(body).trim();
  if (text === '') return {};
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new KmsError('SerializationException', '');
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new KmsError('SerializationException', '');
  return json as Record<string, unknown>;
}

/** In-process values to JSON 1.1: blobs to base64, timestamps to epoch seconds, undefined dropped. */
export function toWire(value: unknown): unknown {
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64');
  if (value instanceof Date) return value.getTime() / 1000;
  if (Array.isArray(value)) return value.map(toWire);
  if (typeof value === 'object' && value !== null) {
    // Map keys pass through (a grant's `__proto__` constraint key): no prototype setter.
    const out = emptyRecord<unknown>();
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = toWire(v);
    return out;
  }
  return value;
}

/**
 * A JSON 1.1 response with the headers AWS's JSON services send (shared with the CloudTrail
 * handler): Content-Type, x-amzn-RequestId, Content-Length, Date, and X-Amzn-Errortype on errors.
 */
export function json11Response(status: number, requestId: string, body: string, errorType?: string): HttpResponse {
  const headers: Record<string, string> = {
    'Content-Type': CONTENT_TYPE,
    'x-amzn-RequestId': requestId,
    'Content-Length': String(Buffer.byteLength(body)),
    // SDKs correct clock skew from this header after a "Signature expired" answer.
    Date: httpDate(),
  };
  if (errorType !== undefined) headers['X-Amzn-Errortype'] = errorType;
  return { status, headers, body };
}

function respondXml(status: number, requestId: string, body: string): HttpResponse {
  return { status, headers: { 'x-amzn-RequestId': requestId, 'Content-Length': String(Buffer.byteLength(body)), Date: httpDate() }, body };
}

let dateSecond = -1;
let dateText = '';

/** The current time as an HTTP date, formatted once per second (it has one-second resolution). */
function httpDate(): string {
  const second = Math.floor(Date.now() / 1000);
  if (second !== dateSecond) {
    dateSecond = second;
    dateText = new Date(second * 1000).toUTCString();
  }
  return dateText;
}
