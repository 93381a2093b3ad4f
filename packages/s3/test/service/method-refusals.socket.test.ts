/**
 * A method no S3 operation is, answered by its method before the path or the credential is read.
 * An OPTIONS is S3's CORS preflight: without an `Origin` 400 BadRequest, with one a
 * `Access-Control-Request-Method` S3 does not take its 400, else 403 AccessForbidden naming the
 * method asked and `ResourceType` `BUCKET`, at the service, a bucket and a key, unsigned and signed
 * over a bad secret alike (brekkylab/backlot, measured against S3 us-east-1 2026-09-23/29/30,
 * `backlot/routers/s3.py` at commit 07bef4332838e4c4ee55118732a8ac1520f70d16, the method table and
 * `_cors_preflight`). A TRACE is 400 BadRequest "An error occurred when parsing the HTTP request.",
 * no `Allow` (backlot `backlot/errors/s3.py` at commit 3d76ddfc61e0ecc060e25a29cd5b793146ea05ff,
 * TRACE measured at all three, 2026-09-23). `fetch` sends no TRACE, hence the raw socket.
 */

import { describe, expect, it } from 'vitest';
import { openAndStrict, rawExchange, wronglySigned } from '../helpers/wire.ts';

/** `[status, Allow, Code, Message, the members between Message and RequestId]` of one raw exchange. */
async function answer(port: number, method: string, path: string, headers: Record<string, string> = {}): Promise<(string | number | undefined)[]> {
  const lines = Object.entries({ Host: '127.0.0.1', ...headers, Connection: 'close' }).map(([name, value]) => `${name}: ${value}\r\n`);
  const raw = (await rawExchange(port, `${method} ${path} HTTP/1.1\r\n${lines.join('')}\r\n`)).toString('latin1');
  return [
    Number(raw.slice(9, 12)),
    /\r\nallow: ([^\r]*)/i.exec(raw)?.[1],
    /<Code>([^<]*)</.exec(raw)?.[1],
    /<Message>([^<]*)</.exec(raw)?.[1],
    /<\/Message>(.*?)<RequestId>/.exec(raw)?.[1],
  ];
}

describe('a method no S3 operation is', () => {
  const endpoints = openAndStrict();

  const NO_ORIGIN = [400, undefined, 'BadRequest', 'Insufficient information. Origin request header needed.', ''];

  it.each(['/', '/wire', '/wire/k'])('OPTIONS %s without an Origin: 400 BadRequest', async (path) => {
    expect(await answer(endpoints.open.server.port, 'OPTIONS', path)).toEqual(NO_ORIGIN);
    expect(await answer(endpoints.open.server.port, 'OPTIONS', path, { Origin: '' })).toEqual(NO_ORIGIN);
  });

  it('OPTIONS with an Origin at a bucket and a key: 403 AccessForbidden, CORS not enabled', async () => {
    const forbidden = (method: string): (string | number | undefined)[] => [
      403,
      undefined,
      'AccessForbidden',
      'CORSResponse: CORS is not enabled for this bucket.',
      `<Method>${method}</Method><ResourceType>BUCKET</ResourceType>`,
    ];
    expect({
      bucket: await answer(endpoints.open.server.port, 'OPTIONS', '/wire', { Origin: 'https://example.com', 'Access-Control-Request-Method': 'PUT' }),
      key: await answer(endpoints.open.server.port, 'OPTIONS', '/wire/k', { Origin: 'https://example.com' }),
    }).toEqual({ bucket: forbidden('PUT'), key: forbidden('OPTIONS') });
  });

  it('OPTIONS with an Origin at the service: 403 AccessForbidden, bucket not found', async () => {
    expect(await answer(endpoints.open.server.port, 'OPTIONS', '/', { Origin: 'https://example.com', 'Access-Control-Request-Method': 'GET' })).toEqual([
      403,
      undefined,
      'AccessForbidden',
      'CORSResponse: Bucket not found',
      '<Method>GET</Method><ResourceType>BUCKET</ResourceType>',
    ]);
  });

  it('OPTIONS asking about a method S3 does not take, case and all: 400 naming it', async () => {
    for (const asked of ['put', 'TRACE']) {
      expect(await answer(endpoints.open.server.port, 'OPTIONS', '/wire/k', { Origin: 'https://example.com', 'Access-Control-Request-Method': asked })).toEqual(
        [400, undefined, 'BadRequest', `Invalid Access-Control-Request-Method: ${asked}`, ''],
      );
    }
  });

  it('OPTIONS under strict authentication, unsigned or signed over a bad secret: the same 400', async () => {
    const signed = await wronglySigned(`${endpoints.strict.server.url}/wire`, 'OPTIONS');
    delete signed['host'];
    expect({
      unsigned: await answer(endpoints.strict.server.port, 'OPTIONS', '/wire'),
      badSecret: await answer(endpoints.strict.server.port, 'OPTIONS', '/wire', signed),
    }).toEqual({ unsigned: NO_ORIGIN, badSecret: NO_ORIGIN });
  });

  it.each(['/', '/wire', '/wire/k'])('TRACE %s: 400 BadRequest, the parse error, no Allow', async (path) => {
    expect(await answer(endpoints.open.server.port, 'TRACE', path)).toEqual([
      400,
      undefined,
      'BadRequest',
      'An error occurred when parsing the HTTP request.',
      '',
    ]);
  });

  // brekkylab/backlot, the method table (measured 2026-09-23/29): "an unsigned `PATCH` or `POST`
  // naming a selector that lacks it, answered the same 405 as a signed one"; "A signature that is
  // sent and does not verify is refused first, ahead of each 405 (`_method_refusal`)".
  it("a write naming a selector it lacks, unsigned: the selector's 405 before the credential", async () => {
    expect(await answer(endpoints.strict.server.port, 'DELETE', '/wire?versioning')).toEqual([
      405,
      'GET, PUT',
      'MethodNotAllowed',
      'The specified method is not allowed against this resource.',
      '<Method>DELETE</Method><ResourceType>VERSIONING</ResourceType>',
    ]);
  });

  it('a write naming a selector it lacks, signed over a bad secret: the signature refused first', async () => {
    const { port, url } = endpoints.strict.server;
    const [status, allow, code] = await answer(port, 'DELETE', '/wire?versioning', await wronglySigned(`${url}/wire?versioning`, 'DELETE'));
    expect([status, allow, code]).toEqual([403, undefined, 'SignatureDoesNotMatch']);
  });

  // With a version id the version id's refusals come first (routes.ts); a version id PutObjectAcl
  // takes leaves the selector's 405, answered once the request is taken (unrouted.ts). Whether S3
  // answers it before the credential as without a version id is UNCONFIRMED: open endpoint only.
  it("a write naming a selector it lacks beside a version id: the selector's 405", async () => {
    await fetch(`${endpoints.open.server.url}/wire/versioned-acl`, { method: 'PUT', body: 'x' });
    expect(await answer(endpoints.open.server.port, 'POST', '/wire/versioned-acl?acl&versionId=null')).toEqual([
      405,
      'GET, PUT',
      'MethodNotAllowed',
      'The specified method is not allowed against this resource.',
      '<Method>POST</Method><ResourceType>ACL</ResourceType>',
    ]);
  });
});
