/**
 * @module
 * Writing an answer to a node:http response: a buffered one in one write, a streaming one chunk by
 * chunk with back-pressure (the next chunk is produced while the socket drains).
 */

import type { ServerResponse } from 'node:http';
import type { HttpResponse, StreamingResponse } from './types.ts';

/** Writes a protocol response to a Node.js response. @example writeNodeResponse(response, { status: 200, headers: {}, body: '' }) */
export function writeNodeResponse(response: ServerResponse, result: HttpResponse): void {
  response.writeHead(result.status, result.headers);
  response.end(result.body);
}

/**
 * A declared body length from which the head is sent on its own, before the first body chunk is
 * produced. Below it the head goes out with the first chunk, in one TLS record and one write (what
 * a small object's GET wants); above it, joining them would cost a copy of the chunk (a TLS socket
 * writes one buffer at a time, so node:https joins a head and a chunk written together), and the
 * client can read the head while the first chunk is still being produced (decrypted).
 */
const EARLY_HEAD_BODY_BYTES = 64 * 1024;

/**
 * Writes a streaming response: the head, then each chunk. When the socket's buffer is full, the
 * next chunk is produced (an object's next frame decrypted) while the socket drains, and written
 * once it has drained: the buffered output stays about one chunk, and producing overlaps sending.
 * @throws whatever the body throws; the head has been written by then, so the caller destroys the connection.
 * @example await writeStreamingResponse(response, { status: 200, headers: {}, body: chunks })
 */
export async function writeStreamingResponse(response: ServerResponse, result: StreamingResponse): Promise<void> {
  const body = result.body;
  if (typeof body === 'string' || body instanceof Uint8Array) {
    writeNodeResponse(response, { status: result.status, headers: result.headers, body });
    return;
  }
  response.writeHead(result.status, result.headers);
  if (declaredLength(result.headers) >= EARLY_HEAD_BODY_BYTES) response.flushHeaders();
  let draining: Promise<void> | undefined;
  for await (const chunk of body) {
    if (draining !== undefined) await draining;
    if (response.destroyed) throw new Error('the connection closed while the response was being written');
    draining = response.write(chunk) ? undefined : drained(response);
    // Awaited before the next write; a connection that closes meanwhile must not reject unobserved.
    draining?.catch(() => undefined);
  }
  if (draining !== undefined) await draining;
  await new Promise<void>((resolve) => response.end(resolve));
}

/** A response's `Content-Length` (any case), or -1 when it has none. */
function declaredLength(headers: Readonly<Record<string, string>>): number {
  for (const name in headers) {
    if (name.length === 14 && name.toLowerCase() === 'content-length') return Number(headers[name]);
  }
  return -1;
}

function drained(response: ServerResponse): Promise<void> {
  return new Promise((resolve, reject) => {
    const onDrain = (): void => {
      response.off('close', onClose);
      resolve();
    };
    const onClose = (): void => {
      response.off('drain', onDrain);
      reject(new Error('the connection closed while the response was being written'));
    };
    response.once('drain', onDrain);
    response.once('close', onClose);
  });
}
