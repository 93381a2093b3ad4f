/**
 * A POST form whose request carries an empty `Authorization` header. S3 reads an empty header,
 * with no credential in the query, as no credential at all (brekkylab/backlot `backlot/auth.py`,
 * `resolve_sigv4`, measured against S3 us-east-1 2026-09-29/30; `protocol/auth-scheme.ts`): the
 * request is unsigned, as a REST PUT so sent already is here. A form so sent is then an unsigned
 * form upload, not a signed head lacking `x-amz-content-sha256`. UNCONFIRMED for a form: no
 * capture sends one; the rule as measured is about the header, whatever the request.
 */

import { request as httpRequest } from 'node:http';
import { CreateBucketCommand, GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CREDENTIALS, listen, REGION, wireEngine } from '../helpers/wire.ts';

const FORM =
  '--XB\r\nContent-Disposition: form-data; name="key"\r\n\r\nform.txt\r\n--XB\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n\r\nx\r\n--XB--\r\n';

/** Sends `body` to `path` with `headers` and an empty `Authorization`: status and error code. */
function send(port: number, method: string, path: string, headers: Record<string, string>, body: string): Promise<[number, string | undefined]> {
  return new Promise((resolve, reject) => {
    const all = { ...headers, authorization: '', 'content-length': String(Buffer.byteLength(body)) };
    const outgoing = httpRequest({ host: '127.0.0.1', port, method, path, headers: all }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve([response.statusCode ?? 0, /<Code>([^<]*)</.exec(Buffer.concat(chunks).toString('utf8'))?.[1]]));
    });
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

describe('an empty Authorization header on a POST form', () => {
  let port: number;
  let client: S3Client;
  let close: () => Promise<void>;
  beforeAll(async () => {
    const engine = wireEngine();
    const server = await listen(engine.handler);
    port = server.port;
    client = new S3Client({ endpoint: server.url, region: REGION, credentials: CREDENTIALS, forcePathStyle: true });
    close = async () => {
      client.destroy();
      await server.close();
      await engine.close();
    };
    await client.send(new CreateBucketCommand({ Bucket: 'forms' }));
  });
  afterAll(async () => {
    await close();
  });

  it('is an unsigned upload, stored, as a PUT with an empty header is', async () => {
    expect({
      put: await send(port, 'PUT', '/forms/put.txt', {}, 'x'),
      post: await send(port, 'POST', '/forms', { 'content-type': 'multipart/form-data; boundary=XB' }, FORM),
    }).toEqual({ put: [200, undefined], post: [204, undefined] });
    const stored = await client.send(new GetObjectCommand({ Bucket: 'forms', Key: 'form.txt' }));
    expect(await stored.Body?.transformToString()).toBe('x');
  });
});
