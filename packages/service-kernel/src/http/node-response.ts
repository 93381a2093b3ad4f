/**
 * @module
 * Writing an answer to a node:http response: a buffered one in one write, a streaming one chunk by
 * chunk with back-pressure (the next chunk is produced while the socket drains). Header values go
 * out byte for byte, one byte per character (Latin-1), as S3 answers the bytes it stored: node:http
 * changes them in three cases, each avoided here (`nodeHead`). A `content-disposition` after
 * `content-length` in the head is re-read as UTF-8 (nodejs/node#46528: a lone byte 0x80-0xFF then
 * throws ERR_INVALID_CHAR, valid UTF-8 is shortened), so `content-length` goes last; and a head
 * sent with a string body or by `flushHeaders()` is encoded as UTF-8, so a head holding a byte
 * above 0x7F goes with a byte body, or is flushed by an empty byte write.
 */

import type { ServerResponse } from 'node:http';
import type { HttpResponse, StreamingResponse } from './types.ts';

/**
 * Writes a protocol response to a Node.js response, its header values byte for byte.
 * @throws TypeError (ERR_INVALID_CHAR) for a header value node:http refuses (CR, LF, above U+00FF).
 * @example writeNodeResponse(response, { status: 200, headers: {}, body: '' })
 */
export function writeNodeResponse(response: ServerResponse, result: HttpResponse): void {
  const head = nodeHead(framedFor(response, result.headers));
  response.writeHead(result.status, head.headers);
  const body = result.body;
  // A non-empty string body is joined to the head and both are encoded as UTF-8 (node's
  // OutgoingMessage#_send): with a byte above 0x7F in the head, the body goes as bytes instead.
  response.end(head.beyondAscii && typeof body === 'string' && body !== '' ? Buffer.from(body) : body);
}

/**
 * A declared body length from which the head is sent on its own, before the first body chunk is
 * produced. Below it the head goes out with the first chunk, in one TLS record and one write (what
 * a small object's GET wants); above it, joining them would cost a copy of the chunk (a TLS socket
 * writes one buffer at a time, so node:https joins a head and a chunk written together), and the
 * client can read the head while the first chunk is still being produced (decrypted).
 */
export const EARLY_HEAD_BODY_BYTES: number = 64 * 1024;

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
  const head = nodeHead(framedFor(response, result.headers));
  response.writeHead(result.status, head.headers);
  if (declaredLength(result.headers) >= EARLY_HEAD_BODY_BYTES) {
    // flushHeaders() sends the head as a UTF-8 string; an empty byte write sends it as Latin-1.
    if (head.beyondAscii) response.write(EMPTY_CHUNK);
    else response.flushHeaders();
  }
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

const EMPTY_CHUNK = new Uint8Array(0);

/**
 * The headers as the request's HTTP version may be sent them: RFC 9112 §6.1, "A server MUST NOT
 * send a response containing Transfer-Encoding unless the corresponding request indicates
 * HTTP/1.1 (or later minor revisions)", and node:http sends a `Transfer-Encoding` it is given to an
 * HTTP/1.0 client as it is (node 20: a HEAD's answer and a GET's, which then also ends with the
 * chunked terminator). For an HTTP/1.0 request a given one is left off, and node:http frames the
 * body by closing the connection. The same object for every other request.
 */
function framedFor(response: ServerResponse, headers: Readonly<Record<string, string>>): Readonly<Record<string, string>> {
  // `req` is absent on a ServerResponse not made by a server's request (node < 15.7, tests' stubs).
  const request = response.req as ServerResponse['req'] | undefined;
  if (request === undefined || request.httpVersionMajor > 1 || (request.httpVersionMajor === 1 && request.httpVersionMinor >= 1)) return headers;
  let framed: Record<string, string> | undefined;
  for (const name in headers) {
    if (name.length !== 17 || name.toLowerCase() !== 'transfer-encoding') continue;
    // Null-prototype: a header named `__proto__` is a header, not a prototype.
    framed ??= Object.assign(Object.create(null) as Record<string, string>, headers);
    delete framed[name];
  }
  return framed ?? headers;
}
const BEYOND_ASCII = /[\u0080-\uffff]/;

/**
 * The head as node:http must be given it to send its values byte for byte: `content-length`
 * after a non-ASCII `content-disposition` (nodejs/node#46528, see the module documentation), and
 * whether a value holds a character above 0x7F. The same object when nothing needs moving (most
 * responses).
 */
function nodeHead(headers: Readonly<Record<string, string>>): { headers: Readonly<Record<string, string>>; beyondAscii: boolean } {
  let lengthName: string | undefined;
  let moveLength = false;
  let beyondAscii = false;
  for (const name in headers) {
    const lower = name.length === 14 || name.length === 19 ? name.toLowerCase() : '';
    const value = headers[name] as string;
    const nonAscii = BEYOND_ASCII.test(value);
    if (lower === 'content-length') lengthName = name;
    // Re-reading ASCII as UTF-8 changes nothing: only a value beyond it needs the length moved.
    else if (nonAscii && lower === 'content-disposition' && lengthName !== undefined) moveLength = true;
    if (nonAscii) beyondAscii = true;
  }
  if (!moveLength || lengthName === undefined) return { headers, beyondAscii };
  // Null-prototype: a header named `__proto__` is a header, not a prototype.
  const moved = Object.create(null) as Record<string, string>;
  for (const name in headers) if (name !== lengthName) moved[name] = headers[name] as string;
  moved[lengthName] = headers[lengthName] as string;
  return { headers: moved, beyondAscii };
}

/** A response's `Content-Length` (any case), or -1 when it has none. */
/**
 * The `content-length` a response declares, -1 when it declares none.
 * @example declaredLength({ 'Content-Length': '5' }) // 5
 */
export function declaredLength(headers: Readonly<Record<string, string>>): number {
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
