/**
 * A HEAD answered with an error carries no body, framed as S3 frames it: `Content-Type:
 * application/xml`, `Transfer-Encoding: chunked` and no `Content-Length`, beside the request ids
 * every response carries; no header names the error (a HEAD's error is its status alone).
 *
 * brekkylab/backlot, measured against S3 (us-east-1, 2026-09-29, `backlot/routers/s3.py` at commit
 * 07bef4332838e4c4ee55118732a8ac1520f70d16, `_head`): "Real sends each of them `Transfer-Encoding:
 * chunked` with no `Content-Length`, and as `application/xml` — the service root's 405, a bucket's
 * 200, the 404s, a selector's 405 and the conflict's 400, a 416 and the credential's 403s alike",
 * twenty-two HEADs, signed and unsigned. HeadObject (S3 API reference): "if the HEAD request
 * generates an error, it returns a generic 404 Not Found or 403 Forbidden code. It is not possible
 * to retrieve the exact exception beyond these error codes."
 */

import { describe, expect, it } from 'vitest';
import { servedForSuite } from '../helpers/served-suite.ts';
import { listen, openAndStrict, rawExchange } from '../helpers/wire.ts';

/** The status and headers of each response in `raw`, and what follows the last head. */
function heads(raw: string): { responses: { status: number; headers: Record<string, string> }[]; rest: string } {
  const responses: { status: number; headers: Record<string, string> }[] = [];
  let rest = raw;
  while (rest.startsWith('HTTP/1.1 ')) {
    const end = rest.indexOf('\r\n\r\n');
    const [statusLine = '', ...lines] = rest.slice(0, end).split('\r\n');
    const headers: Record<string, string> = {};
    for (const line of lines) {
      const colon = line.indexOf(':');
      headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
    }
    responses.push({ status: Number(statusLine.split(' ')[1]), headers });
    rest = rest.slice(end + 4);
  }
  return { responses, rest };
}

/** The one answer to `request` on `port`: what follows its head, status, Content-Type, Transfer-Encoding, Content-Length. */
async function framing(port: number, request: string): Promise<[string, number | undefined, ...(string | undefined)[]]> {
  const { responses, rest } = heads((await rawExchange(port, request)).toString('latin1'));
  const [only] = responses;
  return [rest, only?.status, only?.headers['content-type'], only?.headers['transfer-encoding'], only?.headers['content-length']];
}

/** A HEAD of `path` over HTTP/1.1 that closes the connection after its answer. */
const closingHead = (path: string): string => `HEAD ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`;

describe('a HEAD refused, on the wire', () => {
  const endpoints = openAndStrict();

  const head = (path: string): string => `HEAD ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`;

  it.each([
    ['a subresource', '/wire?acl', 405],
    ['two subresources', '/wire?acl&versioning', 400],
    ['the service', '/', 405],
    ['a bucket nobody created', '/absent', 404],
    ['a key the bucket does not hold', '/wire/none', 404],
  ])('%s: no body, application/xml, chunked, no Content-Length', async (_, path, status) => {
    // Two on one connection, then a close: the second is read where the first head ends.
    const raw = (await rawExchange(endpoints.open.server.port, `${head(path)}${closingHead(path)}`)).toString('latin1');
    const { responses, rest } = heads(raw);
    expect(rest).toBe('');
    expect(responses.map((response) => response.status)).toEqual([status, status]);
    for (const { headers } of responses) {
      expect({
        type: headers['content-type'],
        framing: headers['transfer-encoding'],
        length: headers['content-length'],
        ids: [typeof headers['x-amz-request-id'], typeof headers['x-amz-id-2']],
        named: Object.keys(headers).filter((name) => name.startsWith('x-amz-error')),
      }).toEqual({ type: 'application/xml', framing: 'chunked', length: undefined, ids: ['string', 'string'], named: [] });
    }
  });

  it("an unsigned HEAD refused under strict authentication: the credential's 403, framed alike", async () => {
    expect(await framing(endpoints.strict.server.port, closingHead('/wire'))).toEqual(['', 403, 'application/xml', 'chunked', undefined]);
  });
});

describe('a HEAD answered, on the wire', () => {
  const engine = servedForSuite('wire');

  // Same source: "the service root's 405, a bucket's 200, the 404s, ... alike"; an object's 200
  // and 206 are the ones framed with the object's type and length.
  it("a bucket's 200 (HeadBucket): framed as S3 frames a HEAD that is not an object's", async () => {
    expect(await framing(engine.server.port, closingHead('/wire'))).toEqual(['', 200, 'application/xml', 'chunked', undefined]);
  });
});

// RFC 9112 §6.1: "A server MUST NOT send a response containing Transfer-Encoding unless the
// corresponding request indicates HTTP/1.1 (or later minor revisions)". What S3 sends an HTTP/1.0
// client is UNCONFIRMED; the edge leaves the header off and node:http closes the connection.
describe('a HEAD from an HTTP/1.0 client', () => {
  const engine = servedForSuite('wire');

  it.each([
    ['refused', '/absent', 404],
    ['answered (HeadBucket)', '/wire', 200],
  ])('%s: application/xml, no Transfer-Encoding, no Content-Length', async (_, path, status) => {
    const answer = await framing(engine.server.port, `HEAD ${path} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n`);
    expect(answer).toEqual(['', status, 'application/xml', undefined, undefined]);
  });
});

describe("the edge's 500 for a HEAD", () => {
  it('framed as the handler frames a HEAD refused (UNCONFIRMED for a 500)', async () => {
    const server = await listen(() => Promise.reject(new Error('the handler failed')));
    try {
      expect(await framing(server.port, closingHead('/wire'))).toEqual(['', 500, 'application/xml', 'chunked', undefined]);
    } finally {
      await server.close();
    }
  });
});
