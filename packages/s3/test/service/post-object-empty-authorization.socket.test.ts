/**
 * A POST form whose request carries an empty `Authorization` header. S3 reads an empty header,
 * with no credential in the query, as no credential at all (brekkylab/backlot `backlot/auth.py`,
 * `resolve_sigv4`, measured against S3 us-east-1 2026-09-29/30; `protocol/auth-scheme.ts`): the
 * request is unsigned, as a REST PUT so sent already is here. A form so sent is then an unsigned
 * form upload, not a signed head lacking `x-amz-content-sha256`. UNCONFIRMED for a form: no
 * capture sends one; the rule as measured is about the header, whatever the request.
 */

import { GetObjectCommand } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { errorCode, FORM_CONTENT_TYPE, formOf, sendRaw } from '../helpers/raw-form.ts';
import { servedForSuite } from '../helpers/served-suite.ts';

/** Sends `body` to `path` with `headers` and an empty `Authorization`: status and error code. */
async function send(port: number, method: string, path: string, headers: Record<string, string>, body: string): Promise<[number, string | undefined]> {
  const answer = await sendRaw(port, method, path, { ...headers, authorization: '' }, body);
  return [answer.status, errorCode(answer.body)];
}

describe('an empty Authorization header on a POST form', () => {
  const endpoint = servedForSuite('forms');

  it('is an unsigned upload, stored, as a PUT with an empty header is', async () => {
    const { port } = endpoint.server;
    expect({
      put: await send(port, 'PUT', '/forms/put.txt', {}, 'x'),
      post: await send(port, 'POST', '/forms', { 'content-type': FORM_CONTENT_TYPE }, formOf('form.txt', 'x')),
    }).toEqual({ put: [200, undefined], post: [204, undefined] });
    const stored = await endpoint.client.send(new GetObjectCommand({ Bucket: 'forms', Key: 'form.txt' }));
    expect(await stored.Body?.transformToString()).toBe('x');
  });
});
