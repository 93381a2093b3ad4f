/**
 * Strict SigV4 on every surface (issue #14): a `strongbox serve --strict-auth --users FILE`
 * equivalent on a loopback port, and requests signed by `@smithy/signature-v4` (what the SDKs
 * sign with) and then spoiled the ways an attacker or a broken client would: a wrong secret, an
 * unknown key, no signature, a signed header dropped or changed, `host` left unsigned, a date
 * outside the service's window, a body changed after signing, a presigned URL past its expiry
 * or with a tampered signature, an aws-chunked chunk signature that does not chain. Each is
 * refused with the error the service itself answers (KMS and CloudTrail: JSON 1.1 400s; S3:
 * its 403s and 400s; STS: its Query errors), and nothing is stored. Every spoiled request has an
 * unspoiled twin that succeeds, so each refusal is the spoiling's doing.
 */

import { createHash } from 'node:crypto';
import { CreateBucketCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { parseUsers } from '@strongbox/kms';
import { type RunningServer, startServer } from 'strongbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANSWER_BOUND_MS, answerOf } from './fuzz/fixture.ts';
import { exchange, type RawRequest, type RawResponse, serialize } from './fuzz/raw-http.ts';
import { authorizationParts, type Signer, sign, signedChunks, withHeader } from './fuzz/signing.ts';
import { recordReliability } from './summary.ts';

const METRIC = 'authentication refusals checked (strict SigV4)';
const MINUTE = 60_000;
const ALICE = { accessKeyId: 'AKIAALICE', secretAccessKey: 'alice-secret' };
const USERS = parseUsers({
  users: [{ ...ALICE, principal: 'arn:aws:iam::000000000000:user/alice', policy: { allow: ['kms:*', 's3:*', 'cloudtrail:LookupEvents'] } }],
});
const KMS_MISMATCH =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';
const S3_MISMATCH = 'The request signature we calculated does not match the signature you provided. Check your key and signing method.';
const BUCKET = 'strict-bucket';

let server: RunningServer;
let checked = 0;

async function send(raw: RawRequest): Promise<RawResponse> {
  return answerOf(await exchange(server.port, serialize(raw), ANSWER_BOUND_MS), `${raw.method} ${raw.target}`);
}

/** A refusal: counted, then its status and the parsed error. */
async function refused(raw: RawRequest): Promise<{ status: number; json?: Record<string, unknown>; xml?: string }> {
  checked += 1;
  const response = await send(raw);
  const text = response.body.toString('utf8');
  return text.startsWith('{') ? { status: response.status, json: JSON.parse(text) as Record<string, unknown> } : { status: response.status, xml: text };
}

function kmsCall(operation: string, body: string): { method: string; path: string; headers: Record<string, string>; body: string } {
  return { method: 'POST', path: '/', headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `TrentService.${operation}` }, body };
}

const as = (signer: Partial<Signer> & { service: string }): Signer => ({ ...ALICE, ...signer });

/** `<Code>` and `<Message>` of an S3 error document. */
function s3Error(xml: string | undefined): { code: string; message: string } {
  const match = /<Error><Code>([^<]*)<\/Code><Message>([^<]*)<\/Message>/.exec(xml ?? '');
  return { code: match?.[1] ?? `not an S3 error: ${xml}`, message: (match?.[2] ?? '').replace(/&apos;/g, "'") };
}

beforeAll(async () => {
  server = await startServer({ port: 0, strictAuth: true, users: USERS, quotas: false });
  const s3 = new S3Client({ endpoint: server.url, region: 'us-east-1', credentials: ALICE, forcePathStyle: true });
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  s3.destroy();
}, 60_000);

afterAll(async () => {
  recordReliability(METRIC, checked);
  await server?.close();
});

describe('KMS (and CloudTrail, STS) under --strict-auth', () => {
  it('accepts the unspoiled request', async () => {
    const response = await send(await sign(server.port, kmsCall('ListKeys', '{}'), as({ service: 'kms' })));
    expect(response.status).toBe(200);
  });

  it('refuses a wrong secret, an unknown key and no signature with KMS errors', async () => {
    expect(await refused(await sign(server.port, kmsCall('ListKeys', '{}'), as({ service: 'kms', secretAccessKey: 'wrong' })))).toEqual({
      status: 400,
      json: { __type: 'InvalidSignatureException', message: KMS_MISMATCH },
    });
    expect(await refused(await sign(server.port, kmsCall('ListKeys', '{}'), as({ service: 'kms', accessKeyId: 'AKIAUNKNOWN' })))).toEqual({
      status: 400,
      json: { __type: 'UnrecognizedClientException', message: 'The security token included in the request is invalid.' },
    });
    const unsigned: RawRequest = {
      method: 'POST',
      target: '/',
      headers: [
        ['host', 'localhost'],
        ['content-type', 'application/x-amz-json-1.1'],
        ['x-amz-target', 'TrentService.ListKeys'],
      ],
      body: '{}',
    };
    expect(await refused(unsigned)).toEqual({ status: 400, json: { __type: 'MissingAuthenticationTokenException', message: 'Missing Authentication Token' } });
  });

  it('refuses a signed header that is missing or changed, and an unsigned host; an unsigned extra header changes nothing', async () => {
    const call = kmsCall('ListKeys', '{}');
    const signed = await sign(server.port, { ...call, headers: { ...call.headers, 'x-amz-meta-tenant': 'a' } }, as({ service: 'kms' }));
    expect(authorizationParts(signed).signedHeaders).toContain('x-amz-meta-tenant');
    const mismatch = { status: 400, json: { __type: 'InvalidSignatureException', message: KMS_MISMATCH } };
    expect(await refused(withHeader(signed, 'x-amz-meta-tenant', undefined))).toEqual(mismatch);
    expect(await refused(withHeader(signed, 'x-amz-meta-tenant', 'b'))).toEqual(mismatch);
    expect(await refused(withHeader(signed, 'x-amz-target', 'TrentService.ListAliases'))).toEqual(mismatch);
    expect((await send(withHeader(signed, 'x-unsigned-extra', 'anything'))).status).toBe(200);
    const noHost = await sign(server.port, call, as({ service: 'kms' }), { unsignable: ['host'] });
    expect(authorizationParts(noHost).signedHeaders).not.toContain('host');
    expect(await refused(noHost)).toEqual({
      status: 400,
      json: { __type: 'InvalidSignatureException', message: "'Host' must be a 'SignedHeader' in the AWS Authorization." },
    });
  });

  it('refuses a request signed more than 5 minutes off, either way, and accepts one 4 minutes off', async () => {
    const at = (offset: number) => sign(server.port, kmsCall('ListKeys', '{}'), as({ service: 'kms', date: new Date(Date.now() + offset) }));
    expect((await send(await at(-4 * MINUTE))).status).toBe(200);
    expect((await send(await at(4 * MINUTE))).status).toBe(200);
    const expired = await refused(await at(-6 * MINUTE));
    expect(expired.json).toMatchObject({
      __type: 'InvalidSignatureException',
      message: expect.stringMatching(/^Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z \(\d{8}T\d{6}Z - 5 min\.\)$/),
    });
    const future = await refused(await at(6 * MINUTE));
    expect(future.json).toMatchObject({ __type: 'InvalidSignatureException', message: expect.stringMatching(/^Signature not yet current: .* \+ 5 min\.\)$/) });
  });

  it('refuses a request replayed with another body (nothing created)', async () => {
    const signed = await sign(server.port, kmsCall('CreateAlias', '{"AliasName":"alias/one","TargetKeyId":"x"}'), as({ service: 'kms' }));
    const replayed = { ...signed, body: '{"AliasName":"alias/two","TargetKeyId":"x"}' };
    expect(await refused(replayed)).toEqual({ status: 400, json: { __type: 'InvalidSignatureException', message: KMS_MISMATCH } });
    expect(server.kms.auditTrail.events().some((event) => event.eventName === 'CreateAlias' && event.errorCode === undefined)).toBe(false);
  });

  it('refuses CloudTrail LookupEvents and STS GetCallerIdentity signed with a wrong secret, each in its protocol', async () => {
    const lookup = {
      method: 'POST',
      path: '/',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'CloudTrail_20131101.LookupEvents' },
      body: '{}',
    };
    expect((await send(await sign(server.port, lookup, as({ service: 'cloudtrail' })))).status).toBe(200);
    expect(await refused(await sign(server.port, lookup, as({ service: 'cloudtrail', secretAccessKey: 'wrong' })))).toEqual({
      status: 400,
      json: { __type: 'InvalidSignatureException', message: KMS_MISMATCH },
    });
    const sts = {
      method: 'POST',
      path: '/',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'Action=GetCallerIdentity&Version=2011-06-15',
    };
    const good = await send(await sign(server.port, sts, as({ service: 'sts' })));
    expect(good.body.toString('utf8')).toContain('<Arn>arn:aws:iam::000000000000:user/alice</Arn>');
    const bad = await refused(await sign(server.port, sts, as({ service: 'sts', secretAccessKey: 'wrong' })));
    expect(bad.status).toBe(403);
    expect(bad.xml).toMatch(/<Code>SignatureDoesNotMatch<\/Code>/);
  });
});

describe('S3 under --strict-auth', () => {
  const get = (key: string) => ({ method: 'GET', path: `/${BUCKET}/${key}`, headers: { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' } });
  const put = (key: string, body: string) => ({
    method: 'PUT',
    path: `/${BUCKET}/${key}`,
    headers: { 'x-amz-content-sha256': createHash('sha256').update(body).digest('hex') },
    body,
  });

  async function exists(key: string): Promise<boolean> {
    return (await send(await sign(server.port, { ...get(key), method: 'HEAD' }, as({ service: 's3' })))).status === 200;
  }

  it('accepts the unspoiled request', async () => {
    expect((await send(await sign(server.port, put('plain', 'hello'), as({ service: 's3' })))).status).toBe(200);
    expect((await send(await sign(server.port, get('plain'), as({ service: 's3' })))).body.toString()).toBe('hello');
  });

  it('refuses a wrong secret, an unknown key and no signature with S3 errors', async () => {
    const wrong = await refused(await sign(server.port, get('plain'), as({ service: 's3', secretAccessKey: 'wrong' })));
    expect([wrong.status, s3Error(wrong.xml)]).toEqual([403, { code: 'SignatureDoesNotMatch', message: S3_MISMATCH }]);
    const unknown = await refused(await sign(server.port, get('plain'), as({ service: 's3', accessKeyId: 'AKIAUNKNOWN' })));
    expect([unknown.status, s3Error(unknown.xml).code]).toEqual([403, 'InvalidAccessKeyId']);
    const unsigned = await refused({ method: 'GET', target: `/${BUCKET}/plain`, headers: [['host', 'localhost']] });
    expect([unsigned.status, s3Error(unsigned.xml)]).toEqual([403, { code: 'AccessDenied', message: 'Access Denied' }]);
  });

  it('refuses a signed header that is missing or changed, and an unsigned host', async () => {
    const signed = await sign(server.port, { ...get('plain'), headers: { ...get('plain').headers, 'x-amz-meta-tenant': 'a' } }, as({ service: 's3' }));
    for (const spoiled of [
      withHeader(signed, 'x-amz-meta-tenant', undefined),
      withHeader(signed, 'x-amz-meta-tenant', 'b'),
      { ...signed, target: `/${BUCKET}/other` },
    ]) {
      const answer = await refused(spoiled);
      expect([answer.status, s3Error(answer.xml).code]).toEqual([403, 'SignatureDoesNotMatch']);
    }
    const noHost = await refused(await sign(server.port, get('plain'), as({ service: 's3' }), { unsignable: ['host'] }));
    expect([noHost.status, s3Error(noHost.xml).code]).toEqual([400, 'AuthorizationHeaderMalformed']);
  });

  it("refuses a request signed more than S3's 15 minutes off with RequestTimeTooSkewed, and accepts 10 minutes off", async () => {
    const at = (offset: number) => sign(server.port, get('plain'), as({ service: 's3', date: new Date(Date.now() + offset) }));
    expect((await send(await at(-10 * MINUTE))).status).toBe(200);
    expect((await send(await at(10 * MINUTE))).status).toBe(200);
    for (const offset of [-16 * MINUTE, 16 * MINUTE]) {
      const answer = await refused(await at(offset));
      expect([answer.status, s3Error(answer.xml)]).toEqual([
        403,
        { code: 'RequestTimeTooSkewed', message: 'The difference between the request time and the current time is too large.' },
      ]);
      expect(answer.xml).toContain('<MaxAllowedSkewMilliseconds>900000</MaxAllowedSkewMilliseconds>');
    }
  });

  it('refuses a body changed after signing with XAmzContentSHA256Mismatch, storing nothing', async () => {
    const signed = await sign(server.port, put('replayed', 'first'), as({ service: 's3' }));
    const answer = await refused({ ...signed, body: 'other' });
    expect([answer.status, s3Error(answer.xml)]).toEqual([
      400,
      { code: 'XAmzContentSHA256Mismatch', message: "The provided 'x-amz-content-sha256' header does not match what was computed." },
    ]);
    expect(await exists('replayed')).toBe(false);
  });

  it('refuses an aws-chunked upload whose chunk signature does not chain, storing nothing', async () => {
    const date = new Date();
    const chunks = [Buffer.alloc(100, 1), Buffer.alloc(50, 2)];
    const upload = async (key: string, breakAt?: number) => {
      const headers = {
        'x-amz-content-sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
        'content-encoding': 'aws-chunked',
        'x-amz-decoded-content-length': '150',
      };
      const seed = await sign(server.port, { method: 'PUT', path: `/${BUCKET}/${key}`, headers }, as({ service: 's3', date }));
      return { ...seed, body: signedChunks(chunks, { ...as({ service: 's3' }), date }, authorizationParts(seed).signature, breakAt) };
    };
    expect((await send(await upload('chunked'))).status).toBe(200);
    for (const breakAt of [0, 1, 2]) {
      const answer = await refused(await upload(`chunked-broken-${breakAt}`, breakAt));
      expect([answer.status, s3Error(answer.xml)]).toEqual([403, { code: 'SignatureDoesNotMatch', message: S3_MISMATCH }]);
      expect(await exists(`chunked-broken-${breakAt}`)).toBe(false);
    }
  });

  it('refuses a presigned URL past its expiry or with a tampered signature', async () => {
    const s3 = new S3Client({ endpoint: server.url, region: 'us-east-1', credentials: ALICE, forcePathStyle: true });
    try {
      const fresh = new URL(await getSignedUrl(s3, new GetObjectCommand({ Bucket: BUCKET, Key: 'plain' }), { expiresIn: 60 }));
      expect((await send({ method: 'GET', target: fresh.pathname + fresh.search, headers: [['host', fresh.host]] })).body.toString()).toBe('hello');
      const old = new URL(
        await getSignedUrl(s3, new GetObjectCommand({ Bucket: BUCKET, Key: 'plain' }), { expiresIn: 60, signingDate: new Date(Date.now() - 2 * MINUTE) }),
      );
      const expired = await refused({ method: 'GET', target: old.pathname + old.search, headers: [['host', old.host]] });
      expect([expired.status, s3Error(expired.xml)]).toEqual([403, { code: 'AccessDenied', message: 'Request has expired' }]);
      const tampered = new URL(fresh);
      const signature = tampered.searchParams.get('X-Amz-Signature') ?? '';
      tampered.searchParams.set('X-Amz-Signature', `${signature.slice(0, -1)}${signature.endsWith('0') ? '1' : '0'}`);
      const bad = await refused({ method: 'GET', target: tampered.pathname + tampered.search, headers: [['host', tampered.host]] });
      expect([bad.status, s3Error(bad.xml)]).toEqual([403, { code: 'SignatureDoesNotMatch', message: S3_MISMATCH }]);
      // A presigned PUT cannot be turned into another key's.
      const putUrl = new URL(await getSignedUrl(s3, new PutObjectCommand({ Bucket: BUCKET, Key: 'presigned-put' }), { expiresIn: 60 }));
      const moved = await refused({
        method: 'PUT',
        target: `${putUrl.pathname.replace('presigned-put', 'elsewhere')}${putUrl.search}`,
        headers: [['host', putUrl.host]],
        body: 'x',
      });
      expect([moved.status, s3Error(moved.xml).code]).toEqual([403, 'SignatureDoesNotMatch']);
      expect(await exists('elsewhere')).toBe(false);
      await expect(s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'elsewhere' }))).rejects.toMatchObject({ $metadata: { httpStatusCode: 404 } });
    } finally {
      s3.destroy();
    }
  });
});
