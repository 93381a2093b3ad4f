/**
 * SigV4 verification request by request: the Coral check order and AWS's exact texts for missing,
 * incomplete and invalid signatures (research memo §5: kinesalite/dynalite captures, real KMS skew
 * text from aws/aws-sdk-js-v3#6400), the ±5 minute window at its edges, and tampering.
 */

import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import { describe, expect, it } from 'vitest';
import { createJson11Handler, createSigV4Authenticator, type HttpRequest, type SigV4Options } from '../src/http.ts';
import { Kms, ManualClock, NO_USERS, parseUsers, withDefaultUser } from '../src/index.ts';

const NOW = Date.UTC(2024, 0, 1, 12, 0, 0);
const USERS = withDefaultUser(
  parseUsers({
    users: [{ accessKeyId: 'AKIABOB', secretAccessKey: 'bob-secret', principal: 'arn:aws:iam::000000000000:user/bob', policy: { allow: ['kms:*'] } }],
  }),
  '000000000000',
);
const MISMATCH =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';

interface SignSettings {
  readonly accessKeyId?: string;
  readonly secretAccessKey?: string;
  readonly region?: string;
  readonly service?: string;
  readonly date?: number;
  readonly body?: string;
  readonly headers?: Record<string, string>;
}

/** A CreateKey request signed with @smithy/signature-v4, as the SDK signs it (headers lowercase). */
async function signedRequest(settings: SignSettings = {}): Promise<HttpRequest & { headers: Record<string, string> }> {
  const body = settings.body ?? '{}';
  const signer = new SignatureV4({
    service: settings.service ?? 'kms',
    region: settings.region ?? 'us-east-1',
    credentials: { accessKeyId: settings.accessKeyId ?? 'test', secretAccessKey: settings.secretAccessKey ?? 'test' },
    sha256: Hash.bind(null, 'sha256'),
  });
  const signed = await signer.sign(
    {
      method: 'POST',
      protocol: 'http:',
      hostname: 'localhost',
      path: '/',
      headers: { host: 'localhost:4566', 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'TrentService.CreateKey', ...settings.headers },
      body,
    },
    { signingDate: new Date(settings.date ?? NOW) },
  );
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(signed.headers)) headers[name.toLowerCase()] = String(value);
  return { method: 'POST', path: '/', headers, body: new TextEncoder().encode(body) };
}

/** Sends a request through the JSON 1.1 handler with the authenticator; returns status and parsed body. */
async function send(request: HttpRequest, options: Partial<SigV4Options> = {}): Promise<{ status: number; body: Record<string, unknown>; kms: Kms }> {
  const kms = new Kms({ quotas: false, clock: new ManualClock(NOW) });
  const authenticate = createSigV4Authenticator({
    users: USERS,
    strict: true,
    account: '000000000000',
    region: 'us-east-1',
    clock: new ManualClock(NOW),
    ...options,
  });
  const response = await createJson11Handler(kms, { authenticate })(request);
  return { status: response.status, body: JSON.parse(response.body) as Record<string, unknown>, kms };
}

const error = (type: string, message: string) => ({ status: 400, body: { __type: type, message } });

describe('authentication tokens', () => {
  it('refuses an unsigned request in strict mode with MissingAuthenticationTokenException', async () => {
    const { headers } = await signedRequest();
    const { authorization, ...unsigned } = headers;
    void authorization;
    expect(await send({ method: 'POST', path: '/', headers: unsigned, body: new TextEncoder().encode('{}') })).toMatchObject(
      error('MissingAuthenticationTokenException', 'Missing Authentication Token'),
    );
  });

  it('accepts an unsigned request in non-strict mode as the default account root', async () => {
    const { headers } = await signedRequest();
    const { authorization, ...unsigned } = headers;
    void authorization;
    const result = await send({ method: 'POST', path: '/', headers: unsigned, body: new TextEncoder().encode('{}') }, { strict: false });
    expect(result.status).toBe(200);
    expect(result.kms.auditTrail.events()[0]?.caller.arn).toBe('arn:aws:iam::000000000000:root');
  });

  it('lists every missing piece of an incomplete Authorization header, then the header', async () => {
    const request = await signedRequest();
    const { 'x-amz-date': date, ...withoutDate } = request.headers;
    void date;
    expect(await send({ ...request, headers: { ...withoutDate, authorization: 'X' } })).toMatchObject(
      error(
        'IncompleteSignatureException',
        "Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization=X",
      ),
    );
  });

  it('refuses header and query-string authentication together', async () => {
    const request = await signedRequest();
    expect(await send({ ...request, path: '/?X-Amz-Algorithm=AWS4-HMAC-SHA256' })).toMatchObject(
      error('InvalidSignatureException', "Found both 'X-Amz-Algorithm' as a query-string param and 'Authorization' as HTTP header."),
    );
  });

  it('refuses a date that is not ISO 8601 basic format', async () => {
    const request = await signedRequest();
    expect(await send({ ...request, headers: { ...request.headers, 'x-amz-date': '201' } })).toMatchObject(
      error('IncompleteSignatureException', "Date must be in ISO-8601 'basic format'. Got '201'. See http://en.wikipedia.org/wiki/ISO_8601"),
    );
  });

  it("requires 'host' among the signed headers", async () => {
    const request = await signedRequest();
    const authorization = request.headers['authorization']!.replace('host;', '');
    expect(await send({ ...request, headers: { ...request.headers, authorization } })).toMatchObject(
      error('InvalidSignatureException', "'Host' must be a 'SignedHeader' in the AWS Authorization."),
    );
  });

  it('refuses another algorithm', async () => {
    const request = await signedRequest();
    const authorization = request.headers['authorization']!.replace('AWS4-HMAC-SHA256', 'AWS4-HMAC-SHA25');
    expect(await send({ ...request, headers: { ...request.headers, authorization } })).toMatchObject(
      error('IncompleteSignatureException', "Unsupported AWS 'algorithm': 'AWS4-HMAC-SHA25' (only AWS4-HMAC-SHA256 for now). "),
    );
  });

  it('requires five credential elements', async () => {
    const request = await signedRequest();
    const authorization = request.headers['authorization']!.replace(/Credential=[^,]+/, 'Credential=a/b/c/d');
    expect(await send({ ...request, headers: { ...request.headers, authorization } })).toMatchObject(
      error('IncompleteSignatureException', "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got 'a/b/c/d'"),
    );
  });

  it('names every wrong element of the credential scope in one message', async () => {
    const request = await signedRequest();
    const authorization = request.headers['authorization']!.replace(/Credential=[^,]+/, 'Credential=test/b/c/d/e');
    expect(await send({ ...request, headers: { ...request.headers, authorization } })).toMatchObject(
      error(
        'InvalidSignatureException',
        "Credential should be scoped to a valid region, not 'c'. Credential should be scoped to correct service: 'kms'. Credential should be scoped with a valid terminator: 'aws4_request', not 'e'. Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: 'b' != '20240101', from '20240101T120000Z'.",
      ),
    );
  });

  it('refuses a request signed for another service with "Credential should be scoped to correct service: \'kms\'."', async () => {
    expect(await send(await signedRequest({ service: 's3' }))).toMatchObject(
      error('InvalidSignatureException', "Credential should be scoped to correct service: 'kms'."),
    );
  });

  it('refuses an unknown access key in strict mode after the scope checks', async () => {
    expect(await send(await signedRequest({ accessKeyId: 'AKIANOBODY' }))).toMatchObject(
      error('UnrecognizedClientException', 'The security token included in the request is invalid.'),
    );
  });
});

describe('the signature', () => {
  it('verifies for the right secret, for the default key and a users-file key', async () => {
    expect((await send(await signedRequest())).status).toBe(200);
    expect((await send(await signedRequest({ accessKeyId: 'AKIABOB', secretAccessKey: 'bob-secret' }))).status).toBe(200);
  });

  it('covers the body: a changed body fails as a signature mismatch', async () => {
    const request = await signedRequest({ body: '{"Description":"a"}' });
    expect(await send({ ...request, body: new TextEncoder().encode('{"Description":"b"}') })).toMatchObject(error('InvalidSignatureException', MISMATCH));
  });

  it('covers the signed headers: a changed X-Amz-Target fails as a signature mismatch', async () => {
    const request = await signedRequest();
    expect(await send({ ...request, headers: { ...request.headers, 'x-amz-target': 'TrentService.DescribeKey' } })).toMatchObject(
      error('InvalidSignatureException', MISMATCH),
    );
  });

  it('ignores unsigned headers the client did not sign', async () => {
    const request = await signedRequest();
    expect((await send({ ...request, headers: { ...request.headers, 'user-agent': 'changed', 'x-forwarded-for': '10.0.0.1' } })).status).toBe(200);
  });

  it('fails when a signed header is missing from the request', async () => {
    const request = await signedRequest({ headers: { 'x-custom': 'v' } });
    const { 'x-custom': custom, ...headers } = request.headers;
    expect(custom).toBe('v');
    expect(await send({ ...request, headers })).toMatchObject(error('InvalidSignatureException', MISMATCH));
  });

  it('takes the payload hash from the body, not from a lying x-amz-content-sha256 header', async () => {
    const lying = await signedRequest({ body: '{}', headers: { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' } });
    expect(await send(lying)).toMatchObject(error('InvalidSignatureException', MISMATCH));
  });

  it('refuses a signature of a different length without throwing', async () => {
    const request = await signedRequest();
    const authorization = request.headers['authorization']!.replace(/Signature=\w+/, 'Signature=abc');
    expect(await send({ ...request, headers: { ...request.headers, authorization } })).toMatchObject(error('InvalidSignatureException', MISMATCH));
  });

  it('treats a users-file key as unknown to a directory without it', async () => {
    expect(
      await send(await signedRequest({ accessKeyId: 'AKIABOB', secretAccessKey: 'bob-secret' }), { users: withDefaultUser(NO_USERS, '000000000000') }),
    ).toMatchObject(error('UnrecognizedClientException', 'The security token included in the request is invalid.'));
  });
});

describe('clock skew (5 minutes either way)', () => {
  const minute = 60_000;

  it('accepts signatures exactly 5 minutes old or 5 minutes ahead', async () => {
    expect((await send(await signedRequest({ date: NOW - 5 * minute }))).status).toBe(200);
    expect((await send(await signedRequest({ date: NOW + 5 * minute }))).status).toBe(200);
  });

  it('refuses a signature older than 5 minutes with "Signature expired"', async () => {
    expect(await send(await signedRequest({ date: NOW - 5 * minute - 1000 }))).toMatchObject(
      error('InvalidSignatureException', 'Signature expired: 20240101T115459Z is now earlier than 20240101T115500Z (20240101T120000Z - 5 min.)'),
    );
  });

  it('refuses a signature more than 5 minutes ahead with "Signature not yet current"', async () => {
    expect(await send(await signedRequest({ date: NOW + 5 * minute + 1000 }))).toMatchObject(
      error('InvalidSignatureException', 'Signature not yet current: 20240101T120501Z is still later than 20240101T120500Z (20240101T120000Z + 5 min.)'),
    );
  });

  it('checks the clock before the access key, as Coral does, also in non-strict mode', async () => {
    expect(await send(await signedRequest({ accessKeyId: 'AKIANOBODY', date: NOW - 60 * minute }), { strict: false })).toMatchObject({
      status: 400,
      body: { __type: 'InvalidSignatureException' },
    });
  });
});
