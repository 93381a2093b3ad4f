/**
 * @module
 * `@strongbox/kms/http`: the AWS JSON 1.1 handler and an adapter for `node:http`.
 *
 * @example
 * ```ts
 * import { createServer } from 'node:http';
 * import { Kms } from '@strongbox/kms';
 * import { createJson11Handler, toNodeListener } from '@strongbox/kms/http';
 * const server = createServer(toNodeListener(createJson11Handler(new Kms()))).listen(4566);
 * ```
 */

import type { IncomingMessage, ServerResponse } from 'node:http';
import { toKmsError } from './errors.ts';
import { errorResponse, type HttpRequest, type HttpResponse } from './protocol/json11.ts';

export { createJson11Handler, toWire, UNMODELLED_OPERATIONS, type HttpRequest, type HttpResponse, type Json11Options, type RequestIdentity } from './protocol/json11.ts';
export { createSigV4Authenticator, type SigV4Options } from './protocol/sigv4.ts';
export { CLOUDTRAIL_TARGET_PREFIXES, createCloudTrailHandler, isCloudTrailRequest, type CloudTrailOptions } from './protocol/cloudtrail-json.ts';

/** Largest request body accepted (KMS's largest input is a 32 KiB policy; this leaves room). */
const MAX_BODY_BYTES = 1024 * 1024;
/**
 * How long an oversized request may go on sending (discarded) after its 413 before the connection
 * is closed. Closing a socket with unread data makes the kernel send RST, which can destroy the
 * 413 before the client reads it; servers linger instead (nginx `lingering_close`).
 */
const LINGER_MS = 5_000;

/** A request body over the limit (`readNodeRequest`). */
export class RequestTooLargeError extends RangeError {
  constructor() {
    super(`request body larger than ${MAX_BODY_BYTES} bytes`);
    this.name = 'RequestTooLargeError';
  }
}

/**
 * Reads a Node.js request into a protocol request.
 * @throws RequestTooLargeError for bodies over 1 MiB; the rest of such a body is read and discarded.
 */
export async function readNodeRequest(request: IncomingMessage): Promise<HttpRequest> {
  const body = await readBody(request);
  // No prototype, like Node's own `request.headers`: a `__proto__` header is just a header.
  const headers = Object.create(null) as Record<string, string>;
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  return {
    method: request.method ?? 'GET',
    path: request.url ?? '/',
    headers,
    body,
    ...(request.socket.remoteAddress ? { sourceIpAddress: request.socket.remoteAddress } : {}),
  };
}

/**
 * Collects a request body with plain 'data'/'end' events (an async iterator costs several times
 * more per request, and KMS bodies are small and arrive in one chunk). Past the limit it stops
 * collecting and rejects, but keeps the stream flowing, discarding the rest, so the client can
 * finish sending and read the answer.
 */
function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    let chunks: Buffer[] = [];
    let length = 0;
    request.on('data', (chunk: Buffer) => {
      if (length > MAX_BODY_BYTES) return;
      length += chunk.length;
      if (length > MAX_BODY_BYTES) {
        chunks = [];
        reject(new RequestTooLargeError());
        return;
      }
      chunks.push(chunk);
    });
    request.once('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
    request.once('error', reject);
  });
}

/** Writes a protocol response to a Node.js response. */
export function writeNodeResponse(response: ServerResponse, result: HttpResponse): void {
  response.writeHead(result.status, result.headers);
  response.end(result.body);
}

/**
 * Adapts a protocol handler to a `node:http` request listener. A body over 1 MiB is answered 413
 * with `Connection: close`; any other failure (a handler that throws, a body that cannot be read)
 * 500 with a JSON 1.1 `KMSInternalException` body, whose message is generic so that nothing from
 * the request or the emulator's internals leaks.
 * @example createServer(toNodeListener(handler))
 */
export function toNodeListener(handler: (request: HttpRequest) => Promise<HttpResponse>): (request: IncomingMessage, response: ServerResponse) => void {
  return (request, response) => {
    readNodeRequest(request)
      .then(handler)
      .then((result) => writeNodeResponse(response, result))
      .catch((error: unknown) => {
        if (error instanceof RequestTooLargeError) refuseTooLarge(request, response);
        else if (!response.headersSent) writeNodeResponse(response, errorResponse(crypto.randomUUID(), toKmsError(error)));
        else response.end();
      });
  };
}

/**
 * Answers 413 at once, then ends the response (closing the connection) when the client has sent
 * the whole body, gives up on it, or has lingered `LINGER_MS`: ending earlier would close the
 * socket with unread data, and the resulting RST can reach the client before the 413 does.
 */
function refuseTooLarge(request: IncomingMessage, response: ServerResponse): void {
  const body = `Request body larger than ${MAX_BODY_BYTES} bytes.\n`;
  response.writeHead(413, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': String(Buffer.byteLength(body)), Connection: 'close' });
  response.write(body);
  let ended = false;
  const end = (): void => {
    if (ended) return;
    ended = true;
    clearTimeout(timer);
    response.end();
  };
  const timer = setTimeout(end, LINGER_MS);
  timer.unref();
  if (request.complete || request.destroyed) end();
  else {
    request.once('end', end);
    request.once('close', end);
  }
}
