/**
 * @module
 * The canned S3 server of the wire benchmark (`wire.ts`): the protocol limit. It reads each request
 * whole, answers a PUT 200 with an ETag, and a GET of `…/size-<n>-…` with the prepared body of `n`
 * bytes (the bytes the benchmark PUTs, so the client checks every server's GET the same way).
 */

import type { IncomingMessage, ServerResponse } from 'node:http';

/** A `node:http(s)` request listener answering the benchmark's PutObject and GetObject calls. */
export function cannedListener(bodies: ReadonlyMap<number, Uint8Array>): (request: IncomingMessage, response: ServerResponse) => void {
  return (request, response) => {
    request.resume();
    request.on('end', () => {
      if (request.method === 'PUT') {
        response.writeHead(200, { etag: '"0123456789abcdef0123456789abcdef"', 'content-length': '0', 'x-amz-request-id': 'CANNED' });
        response.end();
        return;
      }
      const size = Number(/size-(\d+)/.exec(request.url ?? '')?.[1] ?? 0);
      const body = bodies.get(size) ?? new Uint8Array(0);
      response.writeHead(200, { etag: '"0123456789abcdef0123456789abcdef"', 'content-length': String(body.length), 'content-type': 'binary/octet-stream' });
      response.end(body);
    });
  };
}
