/**
 * @module
 * The endpoint's own administration route, outside every AWS protocol: `/_strongbox/quotas` reads
 * and replaces the running emulator's request quotas, so a test can provoke throttling (or stop
 * it) without restarting the server. AWS has no such API; the `/_strongbox/` prefix keeps it apart
 * from anything an AWS SDK sends (KMS and CloudTrail requests are `POST /` with `X-Amz-Target`).
 *
 * - `GET /_strongbox/quotas` → 200 `{"options": {...}, "usage": [{account, region, quota, limit,
 *   lastSecond, admitted, throttled}, ...]}` (an unlimited quota's `limit` reads `null`).
 * - `PUT /_strongbox/quotas` with a body the `quotas` option takes as JSON (`{"profile": "aws",
 *   "scale": 0.1, "overrides": {"CreateKey": 1}}`, `"aws"` or `false`) → 200 with the new state;
 *   every counter starts afresh. A bad body → 400 `{"message": ...}` and nothing changes.
 *
 * In the default mode it is unauthenticated, like the rest of a local endpoint: bind it to
 * loopback (the default). Under `--strict-auth` it answers 403 to everyone: the route does not
 * verify signatures, and a strict endpoint lets no unsigned caller change its state.
 */

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Kms, QuotaSetting } from '@strongbox/kms';
import type { Route } from './router.ts';

/** Path of the quota route. */
export const QUOTAS_PATH = '/_strongbox/quotas';

/** Largest accepted body (a quota setting is a few hundred bytes). */
const MAX_BODY_BYTES = 64 * 1024;

/**
 * The route serving `QUOTAS_PATH` for `kms`; with `strict`, it refuses every request (403).
 * @example createRouter([quotasRoute(kms, { strict: false }), ...awsRoutes])
 */
export function quotasRoute(kms: Kms, options: { readonly strict: boolean }): Route {
  return {
    service: 'Strongbox quotas (/_strongbox/quotas)',
    matches: (request) => (request.url ?? '').split('?')[0] === QUOTAS_PATH,
    listener: (request, response) => {
      if (options.strict) {
        request.resume();
        answer(response, 403, { message: `${QUOTAS_PATH} is off under --strict-auth: it does not verify signatures.` });
        return;
      }
      void serve(kms, request, response);
    },
  };
}

async function serve(kms: Kms, request: IncomingMessage, response: ServerResponse): Promise<void> {
  if (request.method === 'GET') {
    request.resume();
    return answer(response, 200, state(kms));
  }
  if (request.method !== 'PUT') {
    request.resume();
    response.setHeader('Allow', 'GET, PUT');
    return answer(response, 405, { message: `${request.method ?? ''} is not allowed on ${QUOTAS_PATH}; use GET or PUT.` });
  }
  let setting: unknown;
  try {
    setting = JSON.parse(await readBody(request));
  } catch (error) {
    // Too large: answered (not just cut off, which left the client with no answer), then closed.
    if (error instanceof RangeError) {
      response.setHeader('Connection', 'close');
      return answer(response, 413, { message: `The body must be a JSON quota setting of at most ${MAX_BODY_BYTES} bytes.` });
    }
    return answer(response, 400, { message: `The body must be a JSON quota setting: ${(error as Error).message}` });
  }
  try {
    kms.quotas.configure(setting as QuotaSetting);
  } catch (error) {
    return answer(response, 400, { message: (error as Error).message });
  }
  return answer(response, 200, state(kms));
}

function state(kms: Kms): unknown {
  return { options: kms.quotas.options, usage: kms.quotas.usage().map((usage) => ({ ...usage, limit: Number.isFinite(usage.limit) ? usage.limit : null })) };
}

/** @throws RangeError for a body over `MAX_BODY_BYTES` (the rest is read and dropped; the answer closes the connection). */
function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;
    request.on('data', (chunk: Buffer) => {
      length += chunk.length;
      if (length > MAX_BODY_BYTES) {
        chunks.length = 0;
        reject(new RangeError(`over ${MAX_BODY_BYTES} bytes`));
      } else {
        chunks.push(chunk);
      }
    });
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function answer(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(text)) });
  response.end(text);
}
