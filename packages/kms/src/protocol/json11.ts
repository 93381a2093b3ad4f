/**
 * @module
 * The AWS JSON 1.1 protocol for KMS (smithy `awsJson1_1`): `POST /` with
 * `X-Amz-Target: TrentService.<Operation>` and a JSON body; responses carry `x-amzn-RequestId`,
 * blobs as base64 and timestamps as epoch seconds; errors are `{"__type","message"}` with the
 * `X-Amzn-Errortype` header too (SDKs read either), status 400 for client errors.
 */

import {
  type Authenticator,
  EventIds,
  type HttpRequest,
  httpDate,
  json11ErrorResponse,
  json11Response,
  type Principal,
  parseJson,
  type TextResponse,
  type TlsConnection,
  toWire,
} from '@strongbox/service-kernel';
import { KmsError, toKmsError, WIRE_ERRORS } from '../errors.ts';
import { decodeJson, type StructureShape } from './shapes.ts';

export { type HttpRequest, json11ErrorResponse, json11Response, parseJson, type RequestIdentity, toWire } from '@strongbox/service-kernel';
/** A JSON 1.1 response (its body is text). */
export type HttpResponse = TextResponse;

/** Per-call facts the handler passes on (the in-process API's call options). */
export interface Json11CallOptions {
  readonly requestId?: string;
  readonly caller?: Principal;
  readonly region?: string;
  readonly sourceIpAddress?: string;
  readonly userAgent?: string;
  /** The request's `Host` header, which CloudTrail's `tlsDetails` names: set only with `tls`. */
  readonly host?: string;
  /** The TLS connection the request came over (the HTTPS listener's socket), for `tlsDetails`. */
  readonly tls?: TlsConnection;
}

/** What the handler serves: the KMS emulator (`Kms` is one), seen through its registry. */
export interface Json11Target {
  /** The input shape of a served operation, `undefined` for any other name. */
  inputShape(operation: string): StructureShape | undefined;
  /** Runs an operation (the request pipeline). */
  send(operation: never, input: never, options: Json11CallOptions): Promise<unknown>;
}

/** Options of the JSON 1.1 handler. */
export interface Json11Options {
  /**
   * Authenticates a request and names its caller; throws (e.g. InvalidSignatureException) to
   * refuse it. Default: everybody is the default account's root.
   */
  readonly authenticate?: Authenticator;
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
 * AWS CloudHSM cluster or an external key manager, hardware outside KMS). The TrentService operations of the KMS model as `@aws-sdk/client-kms` 3.1164.0
 * ships it, minus `OPERATION_NAMES`. They answer `UnsupportedOperationException` naming the
 * operation and why, where any other target is an `UnknownOperationException` as at AWS.
 */
export const UNMODELLED_OPERATIONS: ReadonlySet<string> = new Set([
  'ConnectCustomKeyStore',
  'CreateCustomKeyStore',
  'DeleteCustomKeyStore',
  'DescribeCustomKeyStores',
  'DisconnectCustomKeyStore',
  'UpdateCustomKeyStore',
]);

/** Why an unmodelled operation is refused. */
export function unmodelledReason(name: string): string {
  return `Strongbox does not model ${name}: custom key stores keep key material in an AWS CloudHSM cluster or an external key manager, hardware Strongbox does not emulate.`;
}

/**
 * Builds a handler serving `kms` over AWS JSON 1.1. Checks run in the order of AWS's Coral front
 * end (recorded from Kinesis, the same protocol): method, content type, JSON syntax, target, and
 * only then authentication, so malformed requests get protocol errors even when unsigned. A real
 * KMS operation Strongbox does not model is refused after authentication, as an operation would
 * refuse what it cannot do. Without `authenticate` nothing is verified: every request is the
 * default account's root (see `createSigV4Authenticator`).
 */
export function createJson11Handler(kms: Json11Target, options: Json11Options = {}): (request: HttpRequest) => Promise<HttpResponse> {
  // Ids from a batch of randomness: one getRandomValues call per 256 requests, not one each.
  const ids = new EventIds({ bytes: (length) => crypto.getRandomValues(new Uint8Array(length)) });
  const newRequestId = options.requestId ?? (() => ids.next());
  return async (request) => {
    const requestId = newRequestId();
    if (request.method !== 'POST') {
      return respondXml(
        403,
        requestId,
        '<AccessDeniedException>\n  <Message>Unable to determine service/operation name to be authorized</Message>\n</AccessDeniedException>\n',
      );
    }
    if (!(request.headers['content-type'] ?? '').toLowerCase().startsWith(CONTENT_TYPE)) {
      return respondXml(404, requestId, '<UnknownOperationException/>\n');
    }
    try {
      const json = parseJson(request.body);
      const operation = targetOperation(kms, request);
      const identity = options.authenticate ? await options.authenticate(request) : undefined;
      if (operation.shape === undefined) throw new KmsError('UnsupportedOperationException', unmodelledReason(operation.name));
      const input = decodeJson(operation.shape, json);
      const callOptions: Json11CallOptions = {
        requestId,
        ...(identity ? { caller: identity.caller } : {}),
        ...(identity?.region ? { region: identity.region } : {}),
        ...(request.sourceIpAddress ? { sourceIpAddress: request.sourceIpAddress } : {}),
        ...(request.headers['user-agent'] ? { userAgent: request.headers['user-agent'] } : {}),
        // Over TLS, the connection and Host for the record's `tlsDetails` (over plain HTTP, nothing).
        ...(request.tls ? tlsOptionsOf(request.tls, request.headers['host']) : {}),
      };
      const output = await kms.send(operation.name as never, input as never, callOptions);
      return json11Response(200, requestId, output === undefined ? '' : JSON.stringify(toWire(output)));
    } catch (error) {
      return errorResponse(requestId, toKmsError(error));
    }
  };
}

/** The call options of a request that came over `tls` sending `host` (both only when present). */
function tlsOptionsOf(tls: TlsConnection, host: string | undefined): { readonly tls: TlsConnection; readonly host?: string } {
  return host === undefined ? { tls } : { tls, host };
}

/**
 * The JSON 1.1 error response of a `KmsError`: status, `__type` and message key from `WIRE_ERRORS`
 * (and the table's message for a store failure, whose own names paths).
 */
export function errorResponse(requestId: string, failure: KmsError): HttpResponse {
  const wire = WIRE_ERRORS[failure.code];
  return json11ErrorResponse(requestId, wire.status, wire.type, wire.message ?? failure.message, wire.messageKey ?? 'message');
}

/** The operation named by `X-Amz-Target`: a modelled one, or a real KMS operation that is not. */
function targetOperation(kms: Json11Target, request: HttpRequest): { readonly name: string; readonly shape: StructureShape | undefined } {
  const target = request.headers['x-amz-target'] ?? '';
  const name = target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : '';
  const shape = kms.inputShape(name);
  if (shape !== undefined) return { name, shape };
  if (UNMODELLED_OPERATIONS.has(name)) return { name, shape: undefined };
  throw new KmsError('UnknownOperationException', '');
}

function respondXml(status: number, requestId: string, body: string): HttpResponse {
  return { status, headers: { 'x-amzn-RequestId': requestId, 'Content-Length': String(Buffer.byteLength(body)), Date: httpDate() }, body };
}
