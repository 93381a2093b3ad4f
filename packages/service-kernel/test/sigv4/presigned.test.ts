/**
 * Presigned URLs as S3 verifies them, with URLs made by the official `@aws-sdk/s3-request-presigner`
 * (default settings: it hoists the SDK's default checksum headers into the query on PUT): they
 * verify until their `X-Amz-Expires` is spent on the injected clock, then are refused with S3's
 * `Request has expired` and its three elements; malformed parameters are
 * `AuthorizationQueryParametersError`; any tampering is `SignatureDoesNotMatch`; SSE-C headers must
 * be signed and sent.
 */

import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl as presign } from '@aws-sdk/s3-request-presigner';
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import {
  createSigV4Authenticator,
  type HttpRequest,
  ManualClock,
  NO_USERS,
  parseUsers,
  ServiceError,
  verifyPresignedRequest,
  withDefaultUser,
} from '../../src/index.ts';

const ACCOUNT = '111122223333';
const REGION = 'eu-west-1';
const NOW = Date.UTC(2026, 11, 6, 5, 0, 0);
const USERS = withDefaultUser(
  parseUsers({ users: [{ accessKeyId: 'AKIABOB', secretAccessKey: 'bob-secret', principal: `arn:aws:iam::${ACCOUNT}:user/bob` }] }),
  ACCOUNT,
  REGION,
);
const clients: S3Client[] = [];
afterAll(() => {
  for (const client of clients) client.destroy();
});

/** The presigner's URL, dated NOW (what the injected clock is compared with). */
const getSignedUrl: typeof presign = (client, command, options = {}) => presign(client, command, { ...options, signingDate: new Date(NOW) });

function s3(accessKeyId = 'AKIABOB', secretAccessKey = 'bob-secret'): S3Client {
  const client = new S3Client({
    endpoint: 'http://127.0.0.1:4566',
    forcePathStyle: true,
    region: REGION,
    credentials: { accessKeyId, secretAccessKey },
  });
  clients.push(client);
  return client;
}

/** The request a client sends for a presigned URL: its path and query as they are, the Host, and `headers`. */
function requestFor(url: string, method: string, headers: Record<string, string> = {}): HttpRequest {
  // The path as the presigner wrote it: WHATWG URL parsing would remove `.` and `..` segments
  // (keys such as `.` or `a/../b`), which a client sending the URL as is does not.
  const afterScheme = url.indexOf('//') + 2;
  const pathStart = url.indexOf('/', afterScheme);
  return { method, path: url.slice(pathStart), headers: { host: url.slice(afterScheme, pathStart), ...headers }, body: new Uint8Array() };
}

function verify(request: HttpRequest, now = NOW, strict = true) {
  return verifyPresignedRequest(request, { users: USERS, strict, account: ACCOUNT, service: 's3', now });
}

async function refusal(promise: Promise<unknown>): Promise<ServiceError> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  if (!(error instanceof ServiceError)) throw new Error(`expected a ServiceError, got ${String(error)}`);
  return error;
}

function withParam(url: string, name: string, value: string | undefined): string {
  const parsed = new URL(url);
  if (value === undefined) parsed.searchParams.delete(name);
  else parsed.searchParams.set(name, value);
  return parsed.toString();
}

describe('presigned GET and PUT from the official presigner', () => {
  it('verifies a GET URL as the signing user, in the Region of its scope, with an unsigned payload', async () => {
    const url = await getSignedUrl(s3(), new GetObjectCommand({ Bucket: 'reports', Key: 'q1.csv' }), { expiresIn: 900 });
    const identity = await verify(requestFor(url, 'GET'));
    expect(identity.caller.arn).toBe(`arn:aws:iam::${ACCOUNT}:user/bob`);
    expect(identity.region).toBe(REGION);
    expect(identity.payload.contentSha256).toBe('UNSIGNED-PAYLOAD');
    expect(identity.expiresAt).toBe(NOW + 900_000);
    expect(identity.signedAt).toBe(NOW);
  });

  it('verifies a PUT URL carrying the default checksum parameters the presigner hoists into the query', async () => {
    const url = await getSignedUrl(s3(), new PutObjectCommand({ Bucket: 'reports', Key: 'dir/a b+c.txt', ContentType: 'text/plain' }));
    expect(new URL(url).searchParams.get('x-amz-sdk-checksum-algorithm')).toBe('CRC32');
    await expect(verify(requestFor(url, 'PUT', { 'content-type': 'text/plain' }))).resolves.toMatchObject({ region: REGION });
  });

  it('verifies keys of any characters: the path is signed as sent, not encoded twice', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.string({ minLength: 1, maxLength: 40, unit: 'grapheme' }), fc.constantFrom('.', '..', './a', 'a/../b', 'a//b', '%2F')),
        async (key) => {
          const url = await getSignedUrl(s3(), new GetObjectCommand({ Bucket: 'reports', Key: key }));
          await expect(verify(requestFor(url, 'GET'))).resolves.toBeDefined();
        },
      ),
      { numRuns: 40 },
    );
  });

  it('is the authenticator query form in S3 mode', async () => {
    const authenticate = createSigV4Authenticator({
      users: USERS,
      strict: true,
      account: ACCOUNT,
      region: REGION,
      service: 's3',
      clock: new ManualClock(NOW),
      payloadMode: 's3',
    });
    const url = await getSignedUrl(s3(), new GetObjectCommand({ Bucket: 'reports', Key: 'k' }));
    await expect(authenticate(requestFor(url, 'GET'))).resolves.toMatchObject({
      region: REGION,
      payload: { contentSha256: 'UNSIGNED-PAYLOAD' },
      signedAt: NOW,
    });
    await expect(authenticate(requestFor(withParam(url, 'X-Amz-Signature', '0'.repeat(64)), 'GET'))).rejects.toMatchObject({ code: 'SignatureDoesNotMatch' });
  });
});

describe('expiry on the injected clock', () => {
  it('accepts the URL up to its last second and refuses it after with Request has expired, naming both times', async () => {
    const url = await getSignedUrl(s3(), new GetObjectCommand({ Bucket: 'reports', Key: 'k' }), { expiresIn: 60 });
    await expect(verify(requestFor(url, 'GET'), NOW + 60_000)).resolves.toBeDefined();
    const error = await refusal(verify(requestFor(url, 'GET'), NOW + 61_000));
    expect(error).toMatchObject({ code: 'AccessDenied', status: 403, message: 'Request has expired' });
    expect(error.fields).toEqual([
      ['X-Amz-Expires', '60'],
      ['Expires', '2026-12-06T05:01:00Z'],
      ['ServerTime', '2026-12-06T05:01:01Z'],
    ]);
  });

  it('refuses X-Amz-Expires beyond a week, below zero, or not a number, before looking at the signature', async () => {
    const url = await getSignedUrl(s3(), new GetObjectCommand({ Bucket: 'reports', Key: 'k' }));
    const cases: [string, string][] = [
      ['604801', 'X-Amz-Expires must be less than a week (in seconds); that is, the given X-Amz-Expires must be less than 604800 seconds'],
      ['-1', 'X-Amz-Expires must be non-negative'],
      ['soon', 'X-Amz-Expires should be a number'],
    ];
    for (const [value, message] of cases) {
      const error = await refusal(verify(requestFor(withParam(url, 'X-Amz-Expires', value), 'GET')));
      expect(error).toMatchObject({ code: 'AuthorizationQueryParametersError', status: 400, message });
    }
    // A week exactly is allowed: signed that way by the presigner itself.
    const week = await getSignedUrl(s3(), new GetObjectCommand({ Bucket: 'reports', Key: 'k' }), { expiresIn: 604_800 });
    await expect(verify(requestFor(week, 'GET'), NOW + 604_800_000)).resolves.toBeDefined();
  });
});

describe('malformed query authentication', () => {
  it('refuses a URL missing any of the six parameters with S3 text', async () => {
    const url = await getSignedUrl(s3(), new GetObjectCommand({ Bucket: 'reports', Key: 'k' }));
    for (const name of ['X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Date', 'X-Amz-Expires', 'X-Amz-SignedHeaders', 'X-Amz-Signature']) {
      const error = await refusal(verify(requestFor(withParam(url, name, undefined), 'GET')));
      expect(error.code).toBe('AuthorizationQueryParametersError');
      expect(error.message).toBe(
        'Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.',
      );
    }
  });

  it('refuses another algorithm, a bad date, and a malformed or mismatched credential scope', async () => {
    const url = await getSignedUrl(s3(), new GetObjectCommand({ Bucket: 'reports', Key: 'k' }));
    const credential = new URL(url).searchParams.get('X-Amz-Credential') ?? '';
    const cases: [string, string, RegExp][] = [
      ['X-Amz-Algorithm', 'AWS4-HMAC-SHA1', /^X-Amz-Algorithm only supports/],
      ['X-Amz-Date', '2026-12-06T05:00:00Z', /^X-Amz-Date must be in the ISO8601 Long Format/],
      ['X-Amz-Credential', 'AKIABOB/20261206/eu-west-1/s3', /the Credential is mal-formed/],
      ['X-Amz-Credential', credential.replace('/s3/', '/kms/'), /incorrect service "kms"\. This endpoint belongs to "s3"\./],
      ['X-Amz-Credential', credential.replace('aws4_request', 'aws5_request'), /incorrect terminal "aws5_request"/],
      [
        'X-Amz-Credential',
        credential.replace('20261206', '20261205'),
        /^Invalid credential date "20261205"\. This date is not the same as X-Amz-Date: "20261206"\.$/,
      ],
    ];
    for (const [name, value, message] of cases) {
      const error = await refusal(verify(requestFor(withParam(url, name, value), 'GET')));
      expect(error.code, `${name}=${value}`).toBe('AuthorizationQueryParametersError');
      expect(error.message).toMatch(message);
    }
  });
});

describe('each authentication parameter once, and host signed', () => {
  it('refuses any of the six parameters given twice, before or after the first, with the same or another value', async () => {
    const url = await getSignedUrl(s3(), new GetObjectCommand({ Bucket: 'reports', Key: 'k' }));
    const params = new URL(url).searchParams;
    const [base, query] = url.split('?') as [string, string];
    for (const name of ['X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Date', 'X-Amz-Expires', 'X-Amz-SignedHeaders', 'X-Amz-Signature']) {
      const same = encodeURIComponent(params.get(name) ?? '');
      for (const repeated of [`${base}?${name}=${same}&${query}`, `${url}&${name}=${same}`, `${url}&${name}=20261206T055900Z`]) {
        const error = await refusal(verify(requestFor(repeated, 'GET')));
        expect([error.code, error.status, error.message], repeated).toEqual(['AuthorizationQueryParametersError', 400, `${name} must be given only once`]);
      }
    }
    await expect(verify(requestFor(url, 'GET'))).resolves.toMatchObject({ signedAt: NOW });
  });

  it('refuses a URL whose X-Amz-SignedHeaders does not name host, though its signature is right', async () => {
    const signer = new SignatureV4({
      service: 's3',
      region: REGION,
      credentials: { accessKeyId: 'AKIABOB', secretAccessKey: 'bob-secret' },
      sha256: Hash.bind(null, 'sha256'),
      uriEscapePath: false,
    });
    const presign = (unsignable: string[]) =>
      signer.presign(
        {
          method: 'GET',
          protocol: 'http:',
          hostname: 'reports.localhost',
          path: '/k',
          query: {},
          headers: { host: 'reports.localhost', 'x-amz-foo': 'bar', 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' },
        },
        {
          expiresIn: 600,
          signingDate: new Date(NOW),
          unsignableHeaders: new Set(unsignable),
          unhoistableHeaders: new Set(['x-amz-foo', 'x-amz-content-sha256']),
        },
      );
    const request = (query: Record<string, unknown> | undefined, host: string): HttpRequest => ({
      method: 'GET',
      path: `/k?${new URLSearchParams(query as Record<string, string>).toString()}`,
      headers: { host, 'x-amz-foo': 'bar' },
      body: new Uint8Array(),
    });
    const hostless = await presign(['host', 'x-amz-content-sha256']);
    expect(hostless.query?.['X-Amz-SignedHeaders']).toBe('x-amz-foo');
    for (const host of ['reports.localhost', 'other.localhost']) {
      const error = await refusal(verify(request(hostless.query, host)));
      expect([error.code, error.status, error.message]).toEqual(['AuthorizationQueryParametersError', 400, 'X-Amz-SignedHeaders must include host']);
    }
    const hosted = await presign(['x-amz-content-sha256']);
    await expect(verify(request(hosted.query, 'reports.localhost'))).resolves.toMatchObject({ signedAt: NOW });
    await expect(verify(request(hosted.query, 'other.localhost'))).rejects.toMatchObject({ code: 'SignatureDoesNotMatch' });
  });
});

describe('signatures', () => {
  it('refuses any changed byte of the path or a parameter with SignatureDoesNotMatch and S3 text', async () => {
    const url = await getSignedUrl(s3(), new GetObjectCommand({ Bucket: 'reports', Key: 'q1.csv', ResponseContentType: 'text/csv' }));
    const tampered = [
      url.replace('/reports/q1.csv', '/reports/q2.csv'),
      withParam(url, 'response-content-type', 'text/html'),
      withParam(url, 'extra', '1'),
      withParam(
        url,
        'X-Amz-Signature',
        (new URL(url).searchParams.get('X-Amz-Signature') ?? '').replace(/^./, (c) => (c === '0' ? '1' : '0')),
      ),
    ];
    for (const changed of tampered) {
      const error = await refusal(verify(requestFor(changed, 'GET')));
      expect(error).toMatchObject({
        code: 'SignatureDoesNotMatch',
        status: 403,
        message: 'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
      });
      expect(error.fields[0]).toEqual(['AWSAccessKeyId', 'AKIABOB']);
    }
    // The method is signed too.
    await expect(verify(requestFor(url, 'DELETE'))).rejects.toMatchObject({ code: 'SignatureDoesNotMatch' });
  });

  it('refuses a URL signed with another secret, showing the string to sign and canonical request the client signed', async () => {
    const wrong = await getSignedUrl(s3('AKIABOB', 'not-bob'), new GetObjectCommand({ Bucket: 'reports', Key: 'k' }));
    const error = await refusal(verify(requestFor(wrong, 'GET')));
    expect(error.code).toBe('SignatureDoesNotMatch');
    const fields = new Map(error.fields);
    expect([...fields.keys()]).toEqual([
      'AWSAccessKeyId',
      'StringToSign',
      'SignatureProvided',
      'StringToSignBytes',
      'CanonicalRequest',
      'CanonicalRequestBytes',
    ]);
    const stringToSign = fields.get('StringToSign') ?? '';
    expect(stringToSign.split('\n').slice(0, 3)).toEqual(['AWS4-HMAC-SHA256', '20261206T050000Z', '20261206/eu-west-1/s3/aws4_request']);
    expect(fields.get('CanonicalRequest')?.split('\n')).toEqual(
      expect.arrayContaining(['GET', '/reports/k', 'host:127.0.0.1:4566', 'host', 'UNSIGNED-PAYLOAD']),
    );
    expect(fields.get('StringToSignBytes')).toBe(Array.from(Buffer.from(stringToSign), (byte) => byte.toString(16).padStart(2, '0')).join(' '));
    // Exactly what the client signed: its own key over this string gives the signature it sent.
    const clientSigner = new SignatureV4({
      service: 's3',
      region: REGION,
      credentials: { accessKeyId: 'AKIABOB', secretAccessKey: 'not-bob' },
      sha256: Hash.bind(null, 'sha256'),
    });
    expect(await clientSigner.sign(stringToSign, { signingDate: new Date(NOW) })).toBe(fields.get('SignatureProvided'));
  });

  it('answers unknown keys with InvalidAccessKeyId in strict mode and as the account root otherwise', async () => {
    const unknown = await getSignedUrl(s3('AKIAEVE', 'eve'), new GetObjectCommand({ Bucket: 'reports', Key: 'k' }));
    const error = await refusal(verify(requestFor(unknown, 'GET')));
    expect(error).toMatchObject({ code: 'InvalidAccessKeyId', status: 403, message: 'The AWS Access Key Id you provided does not exist in our records.' });
    expect(error.fields).toEqual([['AWSAccessKeyId', 'AKIAEVE']]);
    await expect(verify(requestFor(unknown, 'GET'), NOW, false)).resolves.toMatchObject({ caller: { arn: `arn:aws:iam::${ACCOUNT}:root` } });
  });

  it('still checks expiry for an unknown key in non-strict mode', async () => {
    const url = await getSignedUrl(s3('AKIAEVE', 'eve'), new GetObjectCommand({ Bucket: 'reports', Key: 'k' }), { expiresIn: 1 });
    await expect(
      verifyPresignedRequest(requestFor(url, 'GET'), { users: NO_USERS, strict: false, account: ACCOUNT, service: 's3', now: NOW + 5_000 }),
    ).rejects.toMatchObject({
      message: 'Request has expired',
    });
  });
});

describe('SSE-C with presigned URLs', () => {
  const key = Buffer.alloc(32, 7);
  const headers = {
    'x-amz-server-side-encryption-customer-algorithm': 'AES256',
    'x-amz-server-side-encryption-customer-key': key.toString('base64'),
    'x-amz-server-side-encryption-customer-key-md5': '', // filled below
  };

  async function ssecUrl(): Promise<{ url: string; sent: Record<string, string> }> {
    const { createHash } = await import('node:crypto');
    const sent = { ...headers, 'x-amz-server-side-encryption-customer-key-md5': createHash('md5').update(key).digest('base64') };
    const url = await getSignedUrl(
      s3(),
      new PutObjectCommand({
        Bucket: 'reports',
        Key: 'secret',
        SSECustomerAlgorithm: 'AES256',
        SSECustomerKey: key.toString('base64'),
        SSECustomerKeyMD5: sent['x-amz-server-side-encryption-customer-key-md5'],
      }),
    );
    return { url, sent };
  }

  it('signs the SSE-C headers (the presigner keeps them out of the query) and verifies when they are all sent', async () => {
    const { url, sent } = await ssecUrl();
    const signedHeaders = new URL(url).searchParams.get('X-Amz-SignedHeaders') ?? '';
    expect(signedHeaders.split(';')).toEqual(expect.arrayContaining(Object.keys(headers)));
    await expect(verify(requestFor(url, 'PUT', sent))).resolves.toBeDefined();
  });

  it('refuses the request when the SSE-C headers are not sent, or another key is sent', async () => {
    const { url, sent } = await ssecUrl();
    await expect(verify(requestFor(url, 'PUT'))).rejects.toMatchObject({ code: 'SignatureDoesNotMatch' });
    const other = { ...sent, 'x-amz-server-side-encryption-customer-key': Buffer.alloc(32, 8).toString('base64') };
    await expect(verify(requestFor(url, 'PUT', other))).rejects.toMatchObject({ code: 'SignatureDoesNotMatch' });
  });

  it('a mismatch explains itself without the key: not in the canonical request (headers or query), its bytes, nor the string to sign', async () => {
    const { createHash } = await import('node:crypto');
    const md5 = createHash('md5').update(key).digest('base64');
    const secret = key.toString('base64');
    const fromHeaders = await getSignedUrl(
      s3('AKIABOB', 'not-bob'),
      new GetObjectCommand({ Bucket: 'reports', Key: 'secret', SSECustomerAlgorithm: 'AES256', SSECustomerKey: secret, SSECustomerKeyMD5: md5 }),
    );
    const signer = new SignatureV4({
      service: 's3',
      region: REGION,
      credentials: { accessKeyId: 'AKIABOB', secretAccessKey: 'not-bob' },
      sha256: Hash.bind(null, 'sha256'),
      uriEscapePath: false,
    });
    // A hand-made URL carrying the key as query parameters (`presign` hoists unsigned x-amz-* headers).
    const inQuery = await signer.presign(
      {
        method: 'GET',
        protocol: 'http:',
        hostname: '127.0.0.1:4566',
        path: '/reports/secret',
        query: {},
        headers: {
          host: '127.0.0.1:4566',
          'x-amz-copy-source-server-side-encryption-customer-key': secret,
          'x-amz-server-side-encryption-customer-key': secret,
        },
      },
      { signingDate: new Date(NOW) },
    );
    expect(Object.keys(inQuery.query ?? {})).toContain('x-amz-server-side-encryption-customer-key');
    const requests = [
      requestFor(fromHeaders, 'GET', { ...headers, 'x-amz-server-side-encryption-customer-key-md5': md5 }),
      {
        method: 'GET',
        path: `/reports/secret?${new URLSearchParams(inQuery.query as Record<string, string>).toString()}`,
        headers: { host: '127.0.0.1:4566' },
        body: new Uint8Array(),
      },
    ];
    for (const request of requests) {
      const fields = new Map((await refusal(verify(request))).fields);
      const canonical = fields.get('CanonicalRequest') ?? '';
      expect(canonical).toMatch(/x-amz-server-side-encryption-customer-key[:=]REDACTED/);
      expect(Buffer.from((fields.get('CanonicalRequestBytes') ?? '').replace(/ /g, ''), 'hex').toString('utf8')).toBe(canonical);
      for (const value of [secret, encodeURIComponent(secret)]) {
        for (const [name, text] of fields) expect(text, name).not.toContain(value);
      }
    }
  });

  it('refuses x-amz-* headers the URL did not sign with AccessDenied naming them', async () => {
    const url = await getSignedUrl(s3(), new PutObjectCommand({ Bucket: 'reports', Key: 'k' }));
    const error = await refusal(verify(requestFor(url, 'PUT', { 'x-amz-server-side-encryption': 'AES256', 'x-amz-tagging': 'a=b' })));
    expect(error).toMatchObject({ code: 'AccessDenied', status: 403, message: 'There were headers present in the request which were not signed' });
    expect(error.fields).toEqual([['HeadersNotSigned', 'x-amz-server-side-encryption, x-amz-tagging']]);
  });
});

describe('a signed x-amz-* header sent only in the query (the JavaScript SDK v2 form)', () => {
  const signer = new SignatureV4({
    service: 's3',
    region: REGION,
    credentials: { accessKeyId: 'AKIABOB', secretAccessKey: 'bob-secret' },
    sha256: Hash.bind(null, 'sha256'),
    uriEscapePath: false,
  });

  /**
   * What `AWS.S3#getSignedUrl('putObject', { ServerSideEncryption })` of the v2 SDK sends: the
   * header signed (named in X-Amz-SignedHeaders) with its value in the query, and no header.
   */
  async function v2Url(parameters: Record<string, string>): Promise<HttpRequest> {
    const host = '127.0.0.1:4566';
    const signed = await signer.presign(
      {
        method: 'PUT',
        protocol: 'http:',
        hostname: host,
        path: '/reports/k',
        query: { ...parameters },
        headers: { host, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD', ...lowerCased(parameters) },
      },
      // As a presigner: the payload is UNSIGNED-PAYLOAD, neither signed nor in the query.
      {
        signingDate: new Date(NOW),
        unhoistableHeaders: new Set(['x-amz-content-sha256', ...Object.keys(lowerCased(parameters))]),
        unsignableHeaders: new Set(['x-amz-content-sha256']),
      },
    );
    const query = new URLSearchParams(signed.query as Record<string, string>).toString().replace(/\+/g, '%20');
    return { method: 'PUT', path: `/reports/k?${query}`, headers: { host }, body: new Uint8Array() };
  }

  function lowerCased(parameters: Record<string, string>): Record<string, string> {
    return Object.fromEntries(Object.entries(parameters).map(([name, value]) => [name.toLowerCase(), value]));
  }

  it('verifies with the value taken from the query parameter of the same name, in any case', async () => {
    const request = await v2Url({ 'x-amz-server-side-encryption': 'aws:kms', 'x-amz-server-side-encryption-customer-key-MD5': 'bWQ1' });
    expect(new URLSearchParams(request.path.split('?')[1]).get('X-Amz-SignedHeaders')).toBe(
      'host;x-amz-server-side-encryption;x-amz-server-side-encryption-customer-key-md5',
    );
    await expect(verify(request)).resolves.toMatchObject({ caller: { arn: `arn:aws:iam::${ACCOUNT}:user/bob` } });
  });

  it('refuses the URL when the parameter is changed, removed or given twice (SignatureDoesNotMatch)', async () => {
    const request = await v2Url({ 'x-amz-server-side-encryption': 'aws:kms' });
    const changed = { ...request, path: request.path.replace('aws%3Akms', 'AES256') };
    const removed = { ...request, path: request.path.replace(/&?x-amz-server-side-encryption=aws%3Akms/, '') };
    const twice = { ...request, path: `${request.path}&X-AMZ-SERVER-SIDE-ENCRYPTION=aws%3Akms` };
    for (const tampered of [changed, removed, twice]) {
      expect(tampered.path).not.toBe(request.path);
      await expect(verify(tampered)).rejects.toMatchObject({ code: 'SignatureDoesNotMatch', status: 403 });
    }
  });

  it('a header sent as well is the value verified, and must then match what was signed', async () => {
    const request = await v2Url({ 'x-amz-server-side-encryption': 'aws:kms' });
    await expect(verify({ ...request, headers: { ...request.headers, 'x-amz-server-side-encryption': 'aws:kms' } })).resolves.toBeDefined();
    await expect(verify({ ...request, headers: { ...request.headers, 'x-amz-server-side-encryption': 'AES256' } })).rejects.toMatchObject({
      code: 'SignatureDoesNotMatch',
    });
  });

  it('never reads the six presigning parameters as headers', async () => {
    // A URL naming x-amz-date among its signed headers but sending no such header does not verify,
    // though X-Amz-Date is in its query.
    const signed = await signer.presign(
      { method: 'GET', protocol: 'http:', hostname: 'h', path: '/reports/k', query: {}, headers: { host: 'h', 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' } },
      { signingDate: new Date(NOW), unhoistableHeaders: new Set(['x-amz-content-sha256']), unsignableHeaders: new Set(['x-amz-content-sha256']) },
    );
    const query = { ...(signed.query as Record<string, string>), 'X-Amz-SignedHeaders': 'host;x-amz-date' };
    const request = { method: 'GET', path: `/reports/k?${new URLSearchParams(query).toString()}`, headers: { host: 'h' }, body: new Uint8Array() };
    await expect(verify(request)).rejects.toMatchObject({ code: 'SignatureDoesNotMatch' });
  });
});
