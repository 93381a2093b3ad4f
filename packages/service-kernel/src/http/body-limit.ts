/**
 * @module
 * The request body limit of the buffered services and its refusal: a body over the limit is
 * answered 413 with `Connection: close`, and the connection is closed only once the client has
 * finished sending (or lingered too long), so that the 413 reaches it.
 */

import type { IncomingMessage, ServerResponse } from 'node:http';

/** Default largest request body (KMS's largest input is a 32 KiB policy; this leaves room). */
export const DEFAULT_MAX_BODY_BYTES: number = 1024 * 1024;
/**
 * How long an oversized request may go on sending (discarded) after its 413 before the connection
 * is closed. Closing a socket with unread data makes the kernel send RST, which can destroy the
 * 413 before the client reads it; servers linger instead (nginx `lingering_close`).
 */
const LINGER_MS = 5_000;

/**
 * The 413 answer to a body over `limit` (its text and headers), the same from the node:http edge
 * and from the in-process buffered handler.
 * @example const { body, headers } = tooLargeAnswer(DEFAULT_MAX_BODY_BYTES);
 */
export function tooLargeAnswer(limit: number): { readonly body: string; readonly headers: Record<string, string> } {
  const body = `Request body larger than ${limit} bytes.\n`;
  return { body, headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': String(Buffer.byteLength(body)) } };
}

/**
 * Answers 413 at once, then ends the response (closing the connection) when the client has sent
 * the whole body, gives up on it, or has lingered `LINGER_MS`: ending earlier would close the
 * socket with unread data, and the resulting RST can reach the client before the 413 does.
 * @example refuseTooLarge(request, response, DEFAULT_MAX_BODY_BYTES)
 */
export function refuseTooLarge(request: IncomingMessage, response: ServerResponse, limit: number): void {
  const { body, headers } = tooLargeAnswer(limit);
  response.writeHead(413, { ...headers, Connection: 'close' });
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
