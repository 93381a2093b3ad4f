/**
 * Bucket policies on the wire: the SDK puts and reads a policy, `aws:SecureTransport` follows the
 * transport the request came over (an https or http endpoint), a refusal reaches the SDK as S3's
 * 403 AccessDenied, and presigned URLs meet the signature keys (`s3:authType`, `s3:signatureAge`).
 */

import { request as httpRequest } from 'node:http';
import { CreateBucketCommand, GetBucketPolicyCommand, GetObjectCommand, PutBucketPolicyCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import { afterEach, describe, expect, it } from 'vitest';
import { CREDENTIALS, inProcessClient, listen, REGION, sdkError, type WireEngine, wireEngine } from '../helpers/wire.ts';

const engines: WireEngine[] = [];
const clients: S3Client[] = [];
afterEach(async () => {
  for (const client of clients.splice(0)) client.destroy();
  for (const engine of engines.splice(0)) await engine.close();
});

function engine(): WireEngine {
  const made = wireEngine();
  engines.push(made);
  return made;
}

function client(handler: WireEngine['handler'], endpoint: string): S3Client {
  const made = inProcessClient(handler, { endpoint });
  clients.push(made);
  return made;
}

const policy = (...statements: object[]): string => JSON.stringify({ Version: '2012-10-17', Statement: statements });

describe('a bucket policy over the SDK', () => {
  it('RestrictToTLSRequestsOnly: the same SDK call passes over https and is 403 AccessDenied over http', async () => {
    const { handler } = engine();
    const tls = client(handler, 'https://strongbox.localhost');
    const plain = client(handler, 'http://strongbox.localhost');
    await tls.send(new CreateBucketCommand({ Bucket: 'tls-only' }));
    const restrict = policy({
      Sid: 'RestrictToTLSRequestsOnly',
      Action: 's3:*',
      Effect: 'Deny',
      Resource: ['arn:aws:s3:::tls-only', 'arn:aws:s3:::tls-only/*'],
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      Principal: '*',
    });
    await tls.send(new PutBucketPolicyCommand({ Bucket: 'tls-only', Policy: restrict }));
    expect((await tls.send(new GetBucketPolicyCommand({ Bucket: 'tls-only' }))).Policy).toBe(restrict);
    await tls.send(new PutObjectCommand({ Bucket: 'tls-only', Key: 'k', Body: 'secret' }));
    const refused = await sdkError(plain.send(new PutObjectCommand({ Bucket: 'tls-only', Key: 'k', Body: 'plain' })));
    expect([refused.name, refused.$metadata.httpStatusCode, refused.message]).toEqual([
      'AccessDenied',
      403,
      'User: arn:aws:iam::000000000000:root is not authorized to perform: s3:PutObject on resource: "arn:aws:s3:::tls-only/k" with an explicit deny in a resource-based policy',
    ]);
    expect((await sdkError(plain.send(new GetObjectCommand({ Bucket: 'tls-only', Key: 'k' })))).name).toBe('AccessDenied');
    expect(await (await tls.send(new GetObjectCommand({ Bucket: 'tls-only', Key: 'k' }))).Body?.transformToString()).toBe('secret');
  });

  it('a malformed policy is the SDK’s MalformedPolicy (400)', async () => {
    const { handler } = engine();
    const tls = client(handler, 'https://strongbox.localhost');
    await tls.send(new CreateBucketCommand({ Bucket: 'malformed' }));
    const error = await sdkError(
      tls.send(
        new PutBucketPolicyCommand({
          Bucket: 'malformed',
          Policy: policy({ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::other/*' }),
        }),
      ),
    );
    expect([error.name, error.$metadata.httpStatusCode, error.message]).toEqual(['MalformedPolicy', 400, 'Policy has invalid resource']);
    expect((await sdkError(tls.send(new GetBucketPolicyCommand({ Bucket: 'malformed' })))).name).toBe('NoSuchBucketPolicy');
  });
});

describe('presigned URLs and the signature keys', () => {
  async function presign(port: number, path: string, expiresIn: number, signingDate: Date): Promise<string> {
    const signer = new SignatureV4({ service: 's3', region: REGION, credentials: CREDENTIALS, sha256: Hash.bind(null, 'sha256'), uriEscapePath: false });
    const signed = await signer.presign(
      {
        method: 'GET',
        protocol: 'http:',
        hostname: `127.0.0.1:${port}`,
        path,
        headers: { host: `127.0.0.1:${port}`, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' },
        query: {},
      },
      { expiresIn, signingDate, unhoistableHeaders: new Set(['x-amz-content-sha256']), unsignableHeaders: new Set(['x-amz-content-sha256']) },
    );
    return `${path}?${new URLSearchParams(signed.query as Record<string, string>).toString()}`;
  }

  function get(port: number, path: string): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      const outgoing = httpRequest({ host: '127.0.0.1', port, method: 'GET', path }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      });
      outgoing.on('error', reject);
      outgoing.end();
    });
  }

  it('a policy limiting presigned URLs to 10 minutes refuses an older one that has not expired, and one forbidding them refuses all', async () => {
    const made = engine();
    const server = await listen(made.handler);
    try {
      const sdk = inProcessClient(made.handler);
      clients.push(sdk);
      await sdk.send(new CreateBucketCommand({ Bucket: 'shared' }));
      await sdk.send(new PutObjectCommand({ Bucket: 'shared', Key: 'k', Body: 'by url' }));
      await sdk.send(
        new PutBucketPolicyCommand({
          Bucket: 'shared',
          Policy: policy({
            Effect: 'Deny',
            Principal: '*',
            Action: 's3:GetObject',
            Resource: 'arn:aws:s3:::shared/*',
            Condition: { NumericGreaterThan: { 's3:signatureAge': '600000' } },
          }),
        }),
      );
      const fresh = await get(server.port, await presign(server.port, '/shared/k', 3600, new Date()));
      expect([fresh.status, fresh.body]).toEqual([200, 'by url']);
      const old = await get(server.port, await presign(server.port, '/shared/k', 3600, new Date(Date.now() - 20 * 60_000)));
      expect(old.status).toBe(403);
      expect(old.body).toContain('<Code>AccessDenied</Code>');
      await sdk.send(
        new PutBucketPolicyCommand({
          Bucket: 'shared',
          Policy: policy({
            Effect: 'Deny',
            Principal: '*',
            Action: 's3:GetObject',
            Resource: 'arn:aws:s3:::shared/*',
            Condition: { StringEquals: { 's3:authType': 'REST-QUERY-STRING' } },
          }),
        }),
      );
      expect((await get(server.port, await presign(server.port, '/shared/k', 3600, new Date()))).status).toBe(403);
      expect(await (await sdk.send(new GetObjectCommand({ Bucket: 'shared', Key: 'k' }))).Body?.transformToString()).toBe('by url');
    } finally {
      await server.close();
    }
  });
});
