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
   * Whether the request came over TLS (the HTTPS listener; `https:` endpoints in process). The
   * seam for `aws:SecureTransport` and S3's SSE-C rule that keys travel only over TLS. Absent
   * means plain HTTP.
   */
  readonly secure?: boolean;
  /**
   * The TLS connection the request came over (the HTTPS listener's socket), asked for its cipher
   * only when something records it (S3's CloudTrail `CipherSuite`): a reference, so a request
   * costs no more for it. Absent over plain HTTP and in process.
   */
  readonly tls?: TlsConnection;
}

/** What a request's TLS connection tells (a `tls.TLSSocket` is one). */
export interface TlsConnection {
  /** The negotiated cipher: `name` is OpenSSL's (`ECDHE-RSA-AES128-GCM-SHA256`, `TLS_AES_128_GCM_SHA256`). */
  getCipher(): { readonly name: string } | null | undefined;
  /** The negotiated protocol version as OpenSSL names it (`TLSv1.2`, `TLSv1.3`), as CloudTrail's `tlsDetails` shows it. */
  getProtocol?(): string | null | undefined;
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
  /**
   * How the payload is authenticated, for services that stream bodies (S3): set by an
   * authenticator built with `payloadSigning: 's3'` for signed requests.
   */
  readonly payload?: PayloadAuthentication;
  /**
   * When the request was signed (`X-Amz-Date`, ms since the epoch), as the authenticator checked
   * it: the source of S3's `s3:signatureAge`, never the request re-read (a presigned URL could
   * name a second date). Absent for unsigned requests.
   */
  readonly signedAt?: number;
}

/**
 * What a verified signature says about the body still to be read: the signed
 * `x-amz-content-sha256` value (a hex SHA-256 the body must match, `UNSIGNED-PAYLOAD`, or a
 * `STREAMING-*` aws-chunked form), and for the signed aws-chunked forms, what chains each chunk
 * signature from the seed signature (`decodeAwsChunked`).
 */
export interface PayloadAuthentication {
  readonly contentSha256: string;
  /** Present when the chunk and trailer signatures can be verified (a known access key). */
  readonly chunkSigning?: ChunkSigningContext;
}

/**
 * The facts a chunk signature is computed from (SigV4 streaming, "Signature calculation: chunked
 * upload"): the seed signature (the request's own), the signing time and scope, and the signing
 * key, held by the signer and used only through `sign` (HMAC-SHA256 of a string to sign).
 */
export interface ChunkSigningContext {
  readonly seedSignature: string;
  /** `X-Amz-Date` as sent (ISO 8601 basic). */
  readonly amzDate: string;
  /** `yyyymmdd/region/service/aws4_request`. */
  readonly scope: string;
  /** Signs a string to sign with the request's signing key; returns the hex signature. */
  sign(stringToSign: string): Promise<string>;
}

/** Authenticates a request and names its caller; throws (e.g. `ServiceError` InvalidSignatureException) to refuse it. */
export type Authenticator = (request: HttpRequest) => RequestIdentity | undefined | Promise<RequestIdentity | undefined>;
