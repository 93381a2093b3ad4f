/**
 * Bucket policies through `strongbox serve`'s two listeners, over real sockets: the SDK over the
 * HTTPS listener (trusting the self-signed certificate) and over the plain HTTP port reach the
 * same engine, and an HTTPS-only bucket policy (`aws:SecureTransport`) lets the first through and
 * refuses the second with S3's 403 AccessDenied.
 */

import { readFile } from 'node:fs/promises';
import { CreateBucketCommand, GetObjectCommand, PutBucketPolicyCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { startServer } from '../src/index.ts';
import { s3Client } from './helpers/cli.ts';

describe('an HTTPS-only bucket policy on strongbox serve', () => {
  it('passes SDK calls through the HTTPS listener and refuses the same calls on the HTTP port', async () => {
    const server = await startServer({ port: 0, https: { port: 0 } });
    const clients: S3Client[] = [];
    try {
      const https = server.https;
      if (https === undefined) throw new Error('no https listener');
      const tls = s3Client(https.url, await readFile(https.certificate.path, 'utf8'));
      const plain = s3Client(server.url);
      clients.push(tls, plain);
      await tls.send(new CreateBucketCommand({ Bucket: 'tls-only' }));
      await tls.send(
        new PutBucketPolicyCommand({
          Bucket: 'tls-only',
          Policy: JSON.stringify({
            Version: '2012-10-17',
            Statement: [
              {
                Sid: 'RestrictToTLSRequestsOnly',
                Action: 's3:*',
                Effect: 'Deny',
                Resource: ['arn:aws:s3:::tls-only', 'arn:aws:s3:::tls-only/*'],
                Condition: { Bool: { 'aws:SecureTransport': 'false' } },
                Principal: '*',
              },
            ],
          }),
        }),
      );
      await tls.send(new PutObjectCommand({ Bucket: 'tls-only', Key: 'k', Body: 'over tls' }));
      expect(await (await tls.send(new GetObjectCommand({ Bucket: 'tls-only', Key: 'k' }))).Body?.transformToString()).toBe('over tls');
      for (const call of [
        () => plain.send(new PutObjectCommand({ Bucket: 'tls-only', Key: 'k', Body: 'plain' })),
        () => plain.send(new GetObjectCommand({ Bucket: 'tls-only', Key: 'k' })),
      ]) {
        await expect(call()).rejects.toMatchObject({ name: 'AccessDenied', $metadata: { httpStatusCode: 403 } });
      }
      // Nothing the refused PUT sent was stored.
      expect(await (await tls.send(new GetObjectCommand({ Bucket: 'tls-only', Key: 'k' }))).Body?.transformToString()).toBe('over tls');
    } finally {
      for (const client of clients) client.destroy();
      await server.close();
    }
  });
});
