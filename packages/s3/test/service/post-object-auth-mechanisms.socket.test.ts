/**
 * A POST form (POST Object) whose request presents a credential two ways: an `Authorization`
 * header beside a presigned URL's `X-Amz-Algorithm` or SigV2's `Signature` in the query. S3 refuses
 * a request so presented ahead of every other credential check, whatever each says, with 400
 * InvalidArgument "Only one auth mechanism allowed; …", `ArgumentName` `Authorization` and the
 * header as `ArgumentValue` (brekkylab/backlot `backlot/auth.py`, `resolve_sigv4`, measured against
 * S3 us-east-1 2026-09-29; a redirect's `Bearer` header beside a presigned URL is echoed so in
 * captures of S3's answer quoted by clients, `<ArgumentValue>Bearer accesskey=derp</ArgumentValue>`;
 * s3rver's `lib/middleware/authentication.js` refuses every request so, a form's included).
 * UNCONFIRMED that S3 answers a form so presented: no capture sends one. Nothing is stored.
 */

import { request as httpRequest } from 'node:http';
import { CreateBucketCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { argued, CREDENTIALS, listen, REGION, wireEngine } from '../helpers/wire.ts';

const HEADER = 'AWS4-HMAC-SHA256 Credential=test/20261207/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=00';
const FORM =
  '--XB\r\nContent-Disposition: form-data; name="key"\r\n\r\nk.txt\r\n--XB\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n\r\nx\r\n--XB--\r\n';

/** The form posted to `path` with `authorization`: status, code and what follows the message. */
function post(port: number, path: string, authorization: string): Promise<[number, string | undefined, string | undefined]> {
  return new Promise((resolve, reject) => {
    const headers = {
      authorization,
      'content-type': 'multipart/form-data; boundary=XB',
      'x-amz-content-sha256': 'UNSIGNED-PAYLOAD',
      'content-length': String(Buffer.byteLength(FORM)),
    };
    const outgoing = httpRequest({ host: '127.0.0.1', port, method: 'POST', path, headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve([response.statusCode ?? 0, /<Code>([^<]*)</.exec(text)?.[1], /<\/Message>(.*?)<RequestId>/.exec(text)?.[1]]);
      });
    });
    outgoing.on('error', reject);
    outgoing.end(FORM);
  });
}

describe('a POST form presenting its credential two ways', () => {
  let port: number;
  let client: S3Client;
  let close: () => Promise<void>;
  beforeAll(async () => {
    const engine = wireEngine({ strict: true });
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

  it('a header beside X-Amz-Algorithm or Signature: the 400 naming the header, as any request gets, nothing stored', async () => {
    const refused = [400, 'InvalidArgument', argued('Authorization', HEADER)];
    expect({
      presigned: await post(port, '/forms?X-Amz-Algorithm=AWS4-HMAC-SHA256', HEADER),
      sigV2: await post(port, '/forms?Signature=c2ln', HEADER),
    }).toEqual({ presigned: refused, sigV2: refused });
    expect((await client.send(new ListObjectsV2Command({ Bucket: 'forms' }))).Contents).toBeUndefined();
  });
});
