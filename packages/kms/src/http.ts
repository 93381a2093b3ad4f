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
import type { HttpRequest, HttpResponse } from './protocol/json11.ts';

export { createJson11Handler, toWire, type HttpRequest, type HttpResponse, type Json11Options, type RequestIdentity } from './protocol/json11.ts';
export { createSigV4Authenticator, type SigV4Options } from './protocol/sigv4.ts';
export { CLOUDTRAIL_TARGET_PREFIX, CLOUDTRAIL_TARGET_PREFIXES, createCloudTrailHandler, isCloudTrailRequest, type CloudTrailOptions } from './protocol/cloudtrail-json.ts';

/** Largest request body accepted (KMS's largest input is a 32 KiB policy; this leaves room). */
const MAX_BODY_BYTES = 1024 * 1024;

/** Reads a Node.js request into a protocol request. @throws RangeError for bodies over 1 MiB. */
export async function readNodeRequest(request: IncomingMessage): Promise<HttpRequest> {
  const body = await readBody(request);
  const headers: Record<string, string> = {};
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
 * more per request, and KMS bodies are small and arrive in one chunk).
 */
function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;
    request.on('data', (chunk: Buffer) => {
      length += chunk.length;
      if (length > MAX_BODY_BYTES) {
        request.destroy();
        reject(new RangeError('request body too large'));
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
 * Adapts a protocol handler to a `node:http` request listener.
 * @example createServer(toNodeListener(handler))
 */
export function toNodeListener(handler: (request: HttpRequest) => Promise<HttpResponse>): (request: IncomingMessage, response: ServerResponse) => void {
  return (request, response) => {
    readNodeRequest(request)
      .then(handler)
      .then((result) => writeNodeResponse(response, result))
      .catch(() => {
        if (!response.headersSent) response.writeHead(413, { 'content-type': 'text/plain' });
        response.end();
      });
  };
}
