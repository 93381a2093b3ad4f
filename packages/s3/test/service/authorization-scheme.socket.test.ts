/**
 * An `Authorization` header that is no AWS signature, over a real socket (no SDK sends one). S3
 * reads an empty header, with no credential in the query, as no credential: the request is
 * unsigned. A header whose scheme is not `AWS4-HMAC-SHA256`, `AWS4-ECDSA-P256-SHA256` or SigV2's
 * `AWS`, matched without case (a `Bearer` token, `AWS4-HMAC-SHA512`), is 400 InvalidArgument
 * "Unsupported Authorization Type", `ArgumentName` `Authorization`, `ArgumentValue` the header,
 * ahead of the SigV4 header's own checks (a missing `x-amz-content-sha256`) (brekkylab/backlot
 * `backlot/auth.py`, `resolve_sigv4`, measured against S3 us-east-1 2026-09-29/30: "with no
 * credential in the query, every one measured read the request as unsigned ... anything but
 * `AWS4-HMAC-SHA256`, `AWS4-ECDSA-P256-SHA256` and V2's `AWS` is `InvalidArgument`, \"Unsupported
 * Authorization Type\", Bearer and `AWS4-HMAC-SHA512` alike").
 */

import { createHash, createHmac } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { argued, CREDENTIALS, openAndStrict, REGION } from '../helpers/wire.ts';

/**
 * Headers of an unsigned-payload GET of `path` at `host` signed with SigV4 by hand, the scheme
 * written as `algorithm` both in the header and in the string to sign (no SDK writes it otherwise
 * than in upper case).
 */
function signedAs(algorithm: string, host: string, path: string): Record<string, string> {
  const amzDate = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+/, '');
  const day = amzDate.slice(0, 8);
  const scope = `${day}/${REGION}/s3/aws4_request`;
  const signedHeaders = 'host;x-amz-content-sha256;x-amz-date';
  const canonical = [
    'GET',
    path,
    '',
    `host:${host}`,
    'x-amz-content-sha256:UNSIGNED-PAYLOAD',
    `x-amz-date:${amzDate}`,
    '',
    signedHeaders,
    'UNSIGNED-PAYLOAD',
  ].join('\n');
  const toSign = [algorithm, amzDate, scope, createHash('sha256').update(canonical).digest('hex')].join('\n');
  let key: Buffer = Buffer.from(`AWS4${CREDENTIALS.secretAccessKey}`);
  for (const part of [day, REGION, 's3', 'aws4_request']) key = createHmac('sha256', key).update(part).digest();
  const signature = createHmac('sha256', key).update(toSign).digest('hex');
  return {
    authorization: `${algorithm} Credential=${CREDENTIALS.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`,
    'x-amz-content-sha256': 'UNSIGNED-PAYLOAD',
    'x-amz-date': amzDate,
  };
}

async function answer(url: string, headers: Record<string, string> = {}): Promise<[number, string | undefined, string | undefined, string | undefined]> {
  const response = await fetch(url, { headers });
  const text = await response.text();
  return [response.status, /<Code>([^<]*)</.exec(text)?.[1], /<Message>([^<]*)</.exec(text)?.[1], /<\/Message>(.*?)<RequestId>/.exec(text)?.[1]];
}

describe('an Authorization header that is no AWS signature', () => {
  const endpoints = openAndStrict();
  beforeAll(async () => {
    await fetch(`${endpoints.open.server.url}/wire/k`, { method: 'PUT', body: 'kept' });
  });

  it('an empty header is no credential: the open endpoint serves it, the strict one answers as unsigned', async () => {
    const open = await fetch(`${endpoints.open.server.url}/wire/k`, { headers: { authorization: '' } });
    expect([open.status, await open.text()]).toEqual([200, 'kept']);
    const unsigned = await answer(`${endpoints.strict.server.url}/wire/k`);
    expect(await answer(`${endpoints.strict.server.url}/wire/k`, { authorization: '' })).toEqual(unsigned);
  });

  it.each(['Bearer x', 'AWS4-HMAC-SHA512 Credential=test/20261207/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=00'])(
    'Authorization: %s is 400 Unsupported Authorization Type, naming the header',
    async (header) => {
      for (const { server } of [endpoints.open, endpoints.strict]) {
        expect(await answer(`${server.url}/wire/k`, { authorization: header })).toEqual([
          400,
          'InvalidArgument',
          'Unsupported Authorization Type',
          argued('Authorization', header),
        ]);
      }
    },
  );

  // backlot `backlot/auth.py`, `resolve_sigv4` and `_verify_v4` (measured against S3 us-east-1
  // 2026-09-29): the scheme is matched without case and the string to sign starts "with the
  // algorithm as sent", so a lower-case SigV4 scheme signed over itself is verified.
  it('a SigV4 scheme sent in lower case and signed so is verified as AWS4-HMAC-SHA256 is: the signed caller answered', async () => {
    const { url } = endpoints.strict.server;
    const host = new URL(url).host;
    // No object `k` on the strict endpoint: a verified caller is told NoSuchKey, an unverified one 403.
    const [upper, lower] = await Promise.all(
      ['AWS4-HMAC-SHA256', 'aws4-hmac-sha256'].map((scheme) => answer(`${url}/wire/k`, signedAs(scheme, host, '/wire/k'))),
    );
    expect({ upper: upper?.slice(0, 2), lower: lower?.slice(0, 2) }).toEqual({ upper: [404, 'NoSuchKey'], lower: [404, 'NoSuchKey'] });
  });

  // backlot `backlot/auth.py`, `resolve_sigv4` (`_NO_SPACE`, same measurement): a header with no
  // space is refused before its scheme is read, naming the header.
  it.each(['AWS', 'AWS4-HMAC-SHA256', 'Bearer'])('Authorization: %s, no space, is 400 InvalidArgument naming the one space required', async (header) => {
    expect(await answer(`${endpoints.strict.server.url}/wire/k`, { authorization: header, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' })).toEqual([
      400,
      'InvalidArgument',
      // As on the wire: the XML escapes each apostrophe.
      'Authorization header is invalid -- one and only one &apos; &apos; (space) required',
      argued('Authorization', header),
    ]);
  });
});
