/**
 * @module
 * The protocol-level request and response every service handler takes and gives: what the
 * node:http edge reads from a socket, and what the in-process SDK handler builds from an SDK
 * request. A service's protocol (JSON 1.1, REST-XML) sees only these.
 */

import type { Principal } from '../principal.ts';

/** A protocol-level HTTP request. */
export interface HttpRequest {
  readonly method: string;
  /** Path and query, e.g. `/` or `/bucket/key?uploads`. */
  readonly path: string;
  /** Header names in lowercase. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly body: Uint8Array;
  /** Remote address, for the audit trail and `aws:SourceIp`. */
  readonly sourceIpAddress?: string;
}

/** A protocol-level HTTP response. */
export interface HttpResponse {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string | Uint8Array;
}

/** A response with a text body (every JSON protocol response). */
export interface TextResponse extends HttpResponse {
  readonly body: string;
}

/** A service's protocol handler: one request in, one response out (never rejects for a bad request). */
export type ProtocolHandler = (request: HttpRequest) => Promise<HttpResponse>;

/** Who signed a request: resolved by the authenticator (SigV4). */
export interface RequestIdentity {
  readonly caller: Principal;
  /** The Region from the SigV4 credential scope, if signed. */
  readonly region?: string;
}

/** Authenticates a request and names its caller; throws (e.g. `ServiceError` InvalidSignatureException) to refuse it. */
export type Authenticator = (request: HttpRequest) => RequestIdentity | undefined | Promise<RequestIdentity | undefined>;
