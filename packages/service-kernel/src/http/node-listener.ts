/**
 * @module
 * The node:http edge every service shares: reads a request (with a body limit), hands it to the
 * service's protocol handler, writes the answer. A body over the limit is answered 413 with
 * `Connection: close` after a linger; anything else that fails outside the handler gets the
 * service's internal-error response.
 *
 * @example
 * ```ts
 * import { createServer } from 'node:http';
 * import { toNodeListener } from '@strongbox/service-kernel';
 * createServer(toNodeListener(handler, { internalError: (id) => json11ErrorResponse(id, 500, 'InternalFailure', '', 'Message') })).listen(4566);
 * ```
 */

import type { IncomingMessage, ServerResponse } from 'node:http';
import { isServiceError } from '../errors.ts';
import { json11ErrorResponse } from '../protocol/json.ts';
import { DEFAULT_MAX_BODY_BYTES, refuseTooLarge } from './body-limit.ts';
import { nodeStreamingRequest, readNodeRequest } from './node-request.ts';
import { writeNodeResponse, writeStreamingResponse } from './node-response.ts';
import type { HttpResponse, ProtocolHandler, StreamingHandler } from './types.ts';

/** Settings of the edge. */
export interface EdgeOptions {
  /** Largest request body accepted, bytes. Default 1 MiB. */
  readonly maxBodyBytes?: number;
  /**
   * The response to a failure outside the handler (a handler that throws, a body that cannot be
   * read), built from a fresh request id and the request's method (a HEAD's answer may be framed
   * as the service frames its HEADs); its message must be generic, so that nothing from the
   * request or the service's internals leaks. Default: JSON `InternalFailure`, status 500.
   */
  readonly internalError?: (requestId: string, method: string) => HttpResponse;
}

/**
 * Adapts a protocol handler to a `node:http` request listener. A body over the limit is answered
 * 413 with `Connection: close`; any other failure (a handler that throws, a body that cannot be
 * read) with `options.internalError`.
 * @example createServer(toNodeListener(handler))
 */
export function toNodeListener(handler: ProtocolHandler, options: EdgeOptions = {}): (request: IncomingMessage, response: ServerResponse) => void {
  const limit = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const internalError = options.internalError ?? defaultInternalError;
  return (request, response) => {
    readNodeRequest(request, limit)
      .then(handler)
      .then((result) => writeNodeResponse(response, result))
      .catch((error: unknown) => {
        if (isServiceError(error, 'REQUEST_TOO_LARGE')) refuseTooLarge(request, response, limit);
        else if (!response.headersSent) writeNodeResponse(response, internalError(crypto.randomUUID(), request.method ?? 'GET'));
        else response.end();
      });
  };
}

/**
 * Adapts a streaming protocol handler (S3) to a `node:http` request listener: the request body
 * streams in, the response body streams out with back-pressure, and nothing is buffered whole.
 * What the handler leaves of the request body unread is drained after the answer, so the
 * keep-alive connection stays usable. A failure before the head is written gets
 * `options.internalError`; a response body that fails part-way destroys the connection (the
 * client sees a truncated response, never a complete-looking one). `maxBodyBytes` does not
 * apply: the service bounds what it reads.
 * @example createServer(toNodeStreamingListener(s3Handler, { internalError }))
 */
export function toNodeStreamingListener(
  handler: StreamingHandler,
  options: Pick<EdgeOptions, 'internalError'> = {},
): (request: IncomingMessage, response: ServerResponse) => void {
  const internalError = options.internalError ?? defaultInternalError;
  return (request, response) => {
    handler(nodeStreamingRequest(request))
      .then((result) => writeStreamingResponse(response, result))
      .catch(() => {
        if (!response.headersSent) writeNodeResponse(response, internalError(crypto.randomUUID(), request.method ?? 'GET'));
        else response.destroy();
      })
      .finally(() => drainUnread(request));
  };
}

/** Discards what is left of a request body, so the connection can carry the next request. */
function drainUnread(request: IncomingMessage): void {
  if (request.complete || request.destroyed) return;
  // A handler that began iterating the body and gave up without returning the iterator (a write
  // that failed on a full disk) left its listeners attached: a 'readable' listener makes resume()
  // do nothing, and a body reader's 'data' listener would keep what follows and pause the request
  // again. Either way the rest of the body would stay unread and the next request on the
  // keep-alive connection would never be parsed (the client waits, then sees ECONNRESET).
  request.removeAllListeners('readable');
  request.removeAllListeners('data');
  // resume() restarts only a paused stream: one left flowing (a body reader's 'data' listener
  // detached) holds what arrives once its buffer is full, and resume() alone would not move it.
  if (request.readableFlowing === true) request.pause();
  request.resume();
}

function defaultInternalError(requestId: string): HttpResponse {
  return json11ErrorResponse(requestId, 500, 'InternalFailure', '', 'Message');
}
