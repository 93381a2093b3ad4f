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

import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { errorCode, FORM_CONTENT_TYPE, formOf, sendRaw } from '../helpers/raw-form.ts';
import { servedForSuite } from '../helpers/served-suite.ts';
import { argued } from '../helpers/wire.ts';

const HEADER = 'AWS4-HMAC-SHA256 Credential=test/20261207/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=00';

/** A form posted to `path` with `authorization`: status, code and what follows the message. */
async function post(port: number, path: string, authorization: string): Promise<[number, string | undefined, string | undefined]> {
  const headers = { authorization, 'content-type': FORM_CONTENT_TYPE, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' };
  const { status, body } = await sendRaw(port, 'POST', path, headers, formOf('k.txt', 'x'));
  return [status, errorCode(body), /<\/Message>(.*?)<RequestId>/.exec(body)?.[1]];
}

describe('a POST form presenting its credential two ways', () => {
  const endpoint = servedForSuite('forms', { strict: true });

  it('a header beside X-Amz-Algorithm or Signature: the 400 naming the header, as any request gets, nothing stored', async () => {
    const refused = [400, 'InvalidArgument', argued('Authorization', HEADER)];
    const { port } = endpoint.server;
    expect({
      presigned: await post(port, '/forms?X-Amz-Algorithm=AWS4-HMAC-SHA256', HEADER),
      sigV2: await post(port, '/forms?Signature=c2ln', HEADER),
    }).toEqual({ presigned: refused, sigV2: refused });
    expect((await endpoint.client.send(new ListObjectsV2Command({ Bucket: 'forms' }))).Contents).toBeUndefined();
  });
});
