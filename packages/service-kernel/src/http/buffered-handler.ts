/**
 * @module
 * A buffered protocol handler (the JSON services) served behind a streaming one, for one endpoint
 * that serves both (the in-process mode).
 */

import { DEFAULT_MAX_BODY_BYTES, tooLargeAnswer } from './body-limit.ts';
import type { ProtocolHandler, StreamingHandler } from './types.ts';

/**
 * A buffered handler (JSON services) as a streaming one: the body is read whole first, up to
 * `maxBodyBytes`; a larger one is answered 413 (what the node:http edge answers, without its
 * linger: there is no socket to protect). For one endpoint that serves streaming and buffered
 * services behind one handler (the in-process mode).
 * @example const handler = bufferedHandler(createJson11Handler(kms));
 */
export function bufferedHandler(handler: ProtocolHandler, maxBodyBytes: number = DEFAULT_MAX_BODY_BYTES): StreamingHandler {
  return async (request) => {
    const chunks: Uint8Array[] = [];
    let length = 0;
    for await (const chunk of request.body) {
      length += chunk.length;
      if (length > maxBodyBytes) return { status: 413, ...tooLargeAnswer(maxBodyBytes) };
      chunks.push(chunk);
    }
    return handler({ ...request, body: chunks.length === 1 && chunks[0] !== undefined ? chunks[0] : Buffer.concat(chunks) });
  };
}
