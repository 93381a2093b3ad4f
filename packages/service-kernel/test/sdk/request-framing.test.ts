/**
 * The framing header the in-process handler gives a streamed request body of no stated length, as
 * node:http frames it over a socket. The SDK's node:http handler pipes a Readable into the request
 * (`writeBody`: `body.pipe(httpRequest)`), and node writes the head at the first write or at the
 * end (lib/_http_outgoing.js `_storeHeader`): a stream that ends with no chunk is ended with
 * nothing, so the head carries `Content-Length: 0`, however late it ends; only a first chunk makes
 * it `Transfer-Encoding: chunked`. Seen on the wire with node 20.20 (`http.request` PUT, a piped
 * `Readable.from([])` and a PassThrough ended 20 ms later: `content-length: 0`, no
 * `transfer-encoding`; a piped `Readable.from(['hi'])`: `transfer-encoding: chunked`).
 */

import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { InProcessHandler } from '../../src/index.ts';

/** The framing headers the service saw, one entry per request. */
function framingRecorder(): { handler: InProcessHandler; seen: { length?: string; encoding?: string }[] } {
  const seen: { length?: string; encoding?: string }[] = [];
  const handler = new InProcessHandler(
    async (forwarded) => {
      const length = forwarded.headers['content-length'];
      const encoding = forwarded.headers['transfer-encoding'];
      seen.push({ ...(length === undefined ? {} : { length }), ...(encoding === undefined ? {} : { encoding }) });
      for await (const _ of forwarded.body);
      return { status: 200, headers: {}, body: '' };
    },
    { streaming: true },
  );
  return { handler, seen };
}

const putOf = (body: Readable) => ({ method: 'PUT', protocol: 'http:', hostname: 'h', path: '/b/k', headers: {}, query: {}, body });

describe('a streamed request body that ends with no chunk', () => {
  it('is seen with content-length 0 and no transfer-encoding, as node:http frames an empty piped stream', async () => {
    const { handler, seen } = framingRecorder();
    await handler.handle(putOf(Readable.from([])));
    expect(seen).toEqual([{ length: '0' }]);
  });

  it('is seen with content-length 0 when it ends after the call began', async () => {
    const { handler, seen } = framingRecorder();
    const upload = new PassThrough();
    const answer = handler.handle(putOf(upload));
    setImmediate(() => upload.end());
    await answer;
    expect(seen).toEqual([{ length: '0' }]);
  });
});
