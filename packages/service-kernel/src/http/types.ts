/**
 * @module
 * The protocol-level request and response every service handler takes and gives: what the
 * node:http edge reads from a socket, and what the in-process SDK handler builds from an SDK
 * request. A service's protocol (JSON 1.1, REST-XML) sees only these. Two forms: buffered (the
 * body read whole, for the JSON services whose bodies are small) and streaming (the body as it
 * arrives and the response body as it is produced, for S3's objects, which are never held whole).
 */

import type { Principal } from '../principal.ts';

/** What a request is apart from its body. */
export interface HttpRequestHead {
  readonly method: string;
  /** Path and query, e.g. `/` or `/bucket/key?uploads`, as sent (percent-encoded). */
  readonly path: string;
  /** Header names in lowercase. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  /** Remote address, for the audit trail and `aws:SourceIp`. */
  readonly sourceIpAddress?: string;
  /**
   * Whether the request came over TLS (`aws:SecureTransport`): the listener's scheme, or the
   * in-process endpoint's. Absent means plain HTTP.
   */
  readonly secureTransport?: boolean;
}

/** A protocol-level HTTP request, its body read whole. */
export interface HttpRequest extends HttpRequestHead {
  readonly body: Uint8Array;
}

/** A body as it arrives or as it is produced: chunks of bytes, read once. */
export type BodyStream = AsyncIterable<Uint8Array>;

/** A protocol-level HTTP request whose body has not been read: it streams. */
export interface StreamingRequest extends HttpRequestHead {
  readonly body: BodyStream;
}

/** A protocol-level HTTP response. */
export interface HttpResponse {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string | Uint8Array;
}

/**
 * A response whose body may stream. The edge writes the head, then the chunks as they come (with
 * back-pressure); a body that fails part-way ends the connection abruptly, so the client sees a
 * truncated response rather than a complete-looking wrong one.
 */
export interface StreamingResponse {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string | Uint8Array | BodyStream;
}

/** A response with a text body (every JSON protocol response). */
export interface TextResponse extends HttpResponse {
  readonly body: string;
}

/** A service's protocol handler: one request in, one response out (never rejects for a bad request). */
export type ProtocolHandler = (request: HttpRequest) => Promise<HttpResponse>;

/** A streaming protocol handler (S3): bodies in and out as streams. */
export type StreamingHandler = (request: StreamingRequest) => Promise<StreamingResponse>;

/** Who signed a request: resolved by the authenticator (SigV4). */
export interface RequestIdentity {
  readonly caller: Principal;
  /** The Region from the SigV4 credential scope, if signed. */
  readonly region?: string;
}

/** Authenticates a request and names its caller; throws (e.g. `ServiceError` InvalidSignatureException) to refuse it. */
export type Authenticator = (request: HttpRequest) => RequestIdentity | undefined | Promise<RequestIdentity | undefined>;
