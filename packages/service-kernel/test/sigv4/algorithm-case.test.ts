/**
 * The case of the `Authorization` header's scheme. S3 reads `AWS4-HMAC-SHA256` without case and
 * signs the string to sign with the algorithm as sent (brekkylab/backlot `backlot/auth.py`,
 * `resolve_sigv4` and `_verify_v4`, measured against S3 us-east-1 2026-09-29), so a header sent as
 * `aws4-hmac-sha256` and signed so verifies. The JSON services (KMS) keep the exact match: how
 * Coral reads another case is unmeasured (UNCONFIRMED), and their answer stays as it was.
 */

import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createSigV4Authenticator, type HttpRequest, ManualClock, NO_USERS, withDefaultUser } from '../../src/index.ts';

const ACCOUNT = '111122223333';
const REGION = 'eu-west-1';
const NOW = Date.UTC(2026, 11, 6, 5, 0, 0);
const AMZ_DATE = '20261206T050000Z';
const USERS = withDefaultUser(NO_USERS, ACCOUNT, REGION);
const SIGNED_HEADERS = 'host;x-amz-content-sha256;x-amz-date';

const sha256Hex = (data: string | Uint8Array): string => createHash('sha256').update(data).digest('hex');

/**
 * A `POST /` of `body` to `service` signed by hand by the default user (`test`/`test`): the header
 * names `scheme`, and the string to sign starts with `signedAs`.
 */
function signed(service: string, scheme: string, signedAs: string, body = new Uint8Array(0)): HttpRequest {
  const contentSha256 = sha256Hex(body);
  const scope = `${AMZ_DATE.slice(0, 8)}/${REGION}/${service}/aws4_request`;
  const headers = ['host:h', `x-amz-content-sha256:${contentSha256}`, `x-amz-date:${AMZ_DATE}`];
  const canonical = ['POST', '/', '', ...headers, '', SIGNED_HEADERS, contentSha256].join('\n');
  const toSign = [signedAs, AMZ_DATE, scope, sha256Hex(canonical)].join('\n');
  let key: Buffer = Buffer.from('AWS4test');
  for (const part of [AMZ_DATE.slice(0, 8), REGION, service, 'aws4_request']) key = createHmac('sha256', key).update(part).digest();
  const signature = createHmac('sha256', key).update(toSign).digest('hex');
  return {
    method: 'POST',
    path: '/',
    headers: {
      host: 'h',
      'x-amz-content-sha256': contentSha256,
      'x-amz-date': AMZ_DATE,
      authorization: `${scheme} Credential=test/${scope}, SignedHeaders=${SIGNED_HEADERS}, Signature=${signature}`,
    },
    body,
  };
}

function authenticator(service: string, payloadMode: 'json' | 's3') {
  return createSigV4Authenticator({ users: USERS, strict: true, account: ACCOUNT, region: REGION, service, payloadMode, clock: new ManualClock(NOW) });
}

describe('the SigV4 scheme in another case', () => {
  const s3 = authenticator('s3', 's3');

  it.each(['aws4-hmac-sha256', 'Aws4-Hmac-Sha256'])('S3: %s, signed over itself, verifies as the upper-case scheme does', async (scheme) => {
    const upper = await s3(signed('s3', 'AWS4-HMAC-SHA256', 'AWS4-HMAC-SHA256'));
    const other = await s3(signed('s3', scheme, scheme));
    expect(other.caller).toEqual(upper.caller);
    expect(other.caller).toMatchObject({ accessKeyId: 'test', account: ACCOUNT });
  });

  it('S3: a lower-case scheme signed over the upper-case one does not verify, and the string to sign named starts as sent', async () => {
    const refusal = await s3(signed('s3', 'aws4-hmac-sha256', 'AWS4-HMAC-SHA256')).then(
      () => undefined,
      (error: unknown) => error as { code: string; fields: readonly (readonly [string, string])[] },
    );
    expect(refusal?.code).toBe('SignatureDoesNotMatch');
    const stringToSign = refusal?.fields.find(([name]) => name === 'StringToSign')?.[1];
    expect(stringToSign?.split('\n')[0]).toBe('aws4-hmac-sha256');
  });

  it('KMS: a lower-case scheme signed over itself is still the unsupported algorithm', async () => {
    const kms = authenticator('kms', 'json');
    const body = new TextEncoder().encode('{}');
    await expect(kms(signed('kms', 'AWS4-HMAC-SHA256', 'AWS4-HMAC-SHA256', body))).resolves.toMatchObject({ region: REGION });
    await expect(kms(signed('kms', 'aws4-hmac-sha256', 'aws4-hmac-sha256', body))).rejects.toMatchObject({
      code: 'IncompleteSignatureException',
      message: "Unsupported AWS 'algorithm': 'aws4-hmac-sha256' (only AWS4-HMAC-SHA256 for now). ",
    });
  });
});
