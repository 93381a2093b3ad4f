/**
 * The `SignedHeaders` of an `Authorization` header must be the list the signature covers, in both
 * header forms (the JSON services' and S3's). `@smithy/signature-v4`'s `sign` never signs `date`
 * nor `authorization`, so a request signed without them must not verify once its list is widened
 * to name them (with a `Date` header nobody signed); AWS, which signs the list it is given, would
 * refuse it.
 */

import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import { describe, expect, it } from 'vitest';
import { createSigV4Authenticator, type HttpRequest, ManualClock, NO_USERS, withDefaultUser } from '../../src/index.ts';

const ACCOUNT = '111122223333';
const REGION = 'eu-west-1';
const NOW = Date.UTC(2026, 11, 6, 5, 0, 0);
const USERS = withDefaultUser(NO_USERS, ACCOUNT, REGION);

const FORMS = [
  { form: 'json', service: 'kms', payloadMode: 'json', refused: 'InvalidSignatureException' },
  { form: 's3', service: 's3', payloadMode: 's3', refused: 'SignatureDoesNotMatch' },
] as const;

/** A request signed by the SDK's signer over host, x-amz-date and x-amz-content-sha256. */
async function signedRequest(service: string): Promise<HttpRequest> {
  const body = new TextEncoder().encode('{}');
  const signer = new SignatureV4({ service, region: REGION, credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, sha256: Hash.bind(null, 'sha256') });
  const hash = new Hash('sha256');
  hash.update(body);
  const contentSha256 = Buffer.from(await hash.digest()).toString('hex');
  const signed = await signer.sign(
    { method: 'POST', protocol: 'http:', hostname: 'h', path: '/', query: {}, headers: { host: 'h', 'x-amz-content-sha256': contentSha256 }, body },
    { signingDate: new Date(NOW) },
  );
  return { method: 'POST', path: '/', headers: { ...(signed.headers as Record<string, string>) }, body };
}

/** `request` with `name` added to its `SignedHeaders` (sorted, as a signer writes it) and `headers` added. */
function widened(request: HttpRequest, name: string, headers: Record<string, string>): HttpRequest {
  const authorization = request.headers['authorization'] ?? '';
  const list = /SignedHeaders=([^,]*)/.exec(authorization)?.[1] ?? '';
  const wider = [...list.split(';'), name].sort().join(';');
  return { ...request, headers: { ...request.headers, ...headers, authorization: authorization.replace(`SignedHeaders=${list}`, `SignedHeaders=${wider}`) } };
}

describe.each(FORMS)('$form header form', ({ service, payloadMode, refused }) => {
  const authenticate = createSigV4Authenticator({
    users: USERS,
    strict: true,
    account: ACCOUNT,
    region: REGION,
    service,
    payloadMode,
    clock: new ManualClock(NOW),
  });

  it('verifies the request as signed', async () => {
    const request = await signedRequest(service);
    expect(request.headers['authorization']).toContain('SignedHeaders=host;x-amz-content-sha256;x-amz-date,');
    await expect(authenticate(request)).resolves.toMatchObject({ region: REGION });
  });

  it.each([
    ['date', { date: 'Mon, 01 Jan 2001 00:00:00 GMT' }],
    ['authorization', {}],
  ])('refuses it with %s added to SignedHeaders after signing', async (name, headers) => {
    const request = widened(await signedRequest(service), name, headers);
    await expect(authenticate(request)).rejects.toMatchObject({ code: refused });
  });
});
