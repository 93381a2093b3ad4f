/**
 * @module
 * Raw HTTP/1.1 over a loopback socket, for hostile requests no SDK (and not even `node:http`'s
 * client) would send: lying `Content-Length`, bytes that are not UTF-8 in the request line and
 * headers, truncated bodies. The request is written as given, the socket is half-closed (the
 * server keeps `httpAllowHalfOpen`, so it still answers), and every response read until the
 * server closes is parsed. A request that gets neither an answer nor a close within the bound is
 * reported as a hang.
 *
 * The bound is counted in turns of this process's event loop (a 100 ms interval timer), not read
 * off the wall clock: the fuzz targets serve from this very process, so a process that is stalled
 * (a long garbage collection) or starved (a loaded CI machine) stops both the server and the count,
 * and a request is a hang only if the loop kept turning for the whole bound with no answer. Bytes
 * arriving restart the count (the server is making progress), and the verdict waits for the poll
 * phase of the turn that reached the bound, so an answer that arrived during a stall is read first.
 */

import { connect } from 'node:net';

/** The interval the bound is counted in. */
const TICK_MS = 100;

/** One request, as the fuzzers build it. */
export interface RawRequest {
  readonly method: string;
  /** The request target as sent (already percent-encoded, or deliberately not). */
  readonly target: string;
  /** Header lines in order; values are written as latin1 bytes (so any byte 0x00–0xff can be sent). */
  readonly headers: readonly (readonly [string, string])[];
  readonly body?: Uint8Array | string;
  /**
   * `Content-Length` to declare: `'auto'` (default) writes the body's length, a number writes that
   * (a lie when it differs), `'none'` writes no header (the fuzzers add `Transfer-Encoding` themselves).
   */
  readonly contentLength?: 'auto' | 'none' | number;
}

/** A parsed response. */
export interface RawResponse {
  readonly status: number;
  /** Lowercase names; repeated headers joined with `, `. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
}

/** What came back on the connection. */
export interface RawExchange {
  readonly responses: readonly RawResponse[];
  /** The bytes received, whole (for scans the parser would miss). */
  readonly raw: Buffer;
  /** No answer and no close within the bound. */
  readonly timedOut: boolean;
}

/**
 * The bytes of `request` on the wire (`Connection: close` added).
 * @example serialize({ method: 'GET', target: '/', headers: [['host', 'x']] })
 */
export function serialize(request: RawRequest): Buffer {
  const body = typeof request.body === 'string' ? Buffer.from(request.body, 'utf8') : Buffer.from(request.body ?? new Uint8Array());
  const lines = [`${request.method} ${request.target} HTTP/1.1`];
  for (const [name, value] of request.headers) lines.push(`${name}: ${value}`);
  const length = request.contentLength ?? 'auto';
  if (length === 'auto') lines.push(`content-length: ${body.length}`);
  else if (length !== 'none') lines.push(`content-length: ${length}`);
  lines.push('connection: close');
  return Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'), body]);
}

/**
 * Sends `bytes` to `127.0.0.1:port`, half-closes, and reads until the server closes or the event
 * loop has turned for `timeoutMs` (in 100 ms ticks; see the module documentation) without a byte
 * coming back.
 * @example const { responses } = await exchange(port, serialize(request), 10_000);
 */
export function exchange(port: number, bytes: Uint8Array, timeoutMs: number): Promise<RawExchange> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = connect({ port, host: '127.0.0.1' });
    let settled = false;
    const finish = (timedOut: boolean): void => {
      if (settled) return;
      settled = true;
      clearInterval(timer);
      socket.destroy();
      const raw = Buffer.concat(chunks);
      try {
        resolve({ responses: parseResponses(raw), raw, timedOut });
      } catch (error) {
        reject(error);
      }
    };
    const needed = Math.max(1, Math.ceil(timeoutMs / TICK_MS));
    let ticks = 0;
    // An interval timer fires once per turn at most, however long a stall: it counts turns.
    const timer = setInterval(() => {
      ticks += 1;
      // After this turn's poll phase: bytes that arrived meanwhile are seen (and restart the count) first.
      if (ticks >= needed) setImmediate(() => ticks >= needed && finish(true));
    }, TICK_MS);
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      ticks = 0;
    });
    socket.on('end', () => finish(false));
    socket.on('close', () => finish(false));
    // The server may close first (a refused body): what it sent before is the answer.
    socket.on('error', () => finish(false));
    socket.write(bytes, () => socket.end());
  });
}

/** Parses consecutive HTTP/1.1 responses (Content-Length or chunked bodies; the last may run to the close). */
export function parseResponses(raw: Buffer): RawResponse[] {
  const responses: RawResponse[] = [];
  let offset = 0;
  while (offset < raw.length) {
    const headEnd = raw.indexOf('\r\n\r\n', offset, 'latin1');
    if (headEnd < 0) throw new Error(`an incomplete response head: ${JSON.stringify(raw.subarray(offset, offset + 200).toString('latin1'))}`);
    const [statusLine = '', ...headerLines] = raw.subarray(offset, headEnd).toString('latin1').split('\r\n');
    const match = /^HTTP\/1\.[01] (\d{3})/.exec(statusLine);
    if (match === null) throw new Error(`not an HTTP response: ${JSON.stringify(statusLine.slice(0, 200))}`);
    const headers: Record<string, string> = Object.create(null);
    for (const line of headerLines) {
      const colon = line.indexOf(':');
      const name = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim();
      headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
    }
    offset = headEnd + 4;
    let body: Buffer;
    if ((headers['transfer-encoding'] ?? '').toLowerCase().includes('chunked')) {
      const parts: Buffer[] = [];
      for (;;) {
        const lineEnd = raw.indexOf('\r\n', offset, 'latin1');
        if (lineEnd < 0) break;
        const size = Number.parseInt(raw.subarray(offset, lineEnd).toString('latin1'), 16);
        offset = lineEnd + 2;
        if (!Number.isFinite(size) || size === 0) {
          const end = raw.indexOf('\r\n\r\n', lineEnd, 'latin1');
          offset = end < 0 ? raw.length : end + 4;
          break;
        }
        parts.push(raw.subarray(offset, offset + size));
        offset += size + 2;
      }
      body = Buffer.concat(parts);
    } else if (headers['content-length'] !== undefined) {
      const length = Number(headers['content-length']);
      // A HEAD answer declares the length of a body it does not send.
      const sent = Math.min(length, raw.length - offset);
      body = raw.subarray(offset, offset + sent);
      offset += sent;
    } else {
      body = raw.subarray(offset);
      offset = raw.length;
    }
    responses.push({ status: Number(match[1]), headers, body });
  }
  return responses;
}
