/**
 * An in-memory plaintext is uploaded as a stream of ciphertext, which the SDK does not retry: the
 * client retries it itself, making the stream again (the same bytes), on the errors the SDK retries
 * (5xx, throttling, a corrected clock skew), as the S3 client's retry strategy grants; other errors
 * are not retried.
 */

import { Readable } from 'node:stream';
import { S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { retryErrorType } from '../../src/client/retry.ts';
import { AesKeyring, S3EncryptionClient } from '../../src/index.ts';

/** An S3 whose PUTs fail with `failures` statuses first, keeping every body it receives. */
function flakyS3(failures: number[], maxAttempts: number): { client: S3Client; bodies: Buffer[] } {
  const bodies: Buffer[] = [];
  const client = new S3Client({
    region: 'us-east-1',
    endpoint: 'http://flaky.test',
    forcePathStyle: true,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts,
    requestHandler: {
      handle: async (request: { body?: unknown }) => {
        const chunks: Buffer[] = [];
        if (request.body !== undefined && typeof (request.body as AsyncIterable<Uint8Array>)[Symbol.asyncIterator] === 'function')
          for await (const chunk of request.body as AsyncIterable<Uint8Array>) chunks.push(Buffer.from(chunk));
        bodies.push(Buffer.concat(chunks));
        const status = failures.shift();
        if (status !== undefined) {
          const code = status === 503 ? 'SlowDown' : 'AccessDenied';
          const xml = `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>no</Message></Error>`;
          return { response: { statusCode: status, headers: { 'content-type': 'application/xml' }, body: Readable.from([Buffer.from(xml)]) } };
        }
        return { response: { statusCode: 200, headers: { etag: '"0"' }, body: Readable.from([]) } };
      },
    } as never,
  });
  return { client, bodies };
}

describe('retrying a streamed in-memory upload', () => {
  const keyring = new AesKeyring({ wrappingKey: new Uint8Array(32).fill(3) });

  it('retries a 503 with the same ciphertext, up to maxAttempts', async () => {
    const { client, bodies } = flakyS3([503, 503], 3);
    const cse = new S3EncryptionClient({ s3: client, keyring });
    await cse.putObject({ Bucket: 'b', Key: 'k', Body: 'retry me' });
    expect(bodies).toHaveLength(3);
    expect(bodies[1]?.equals(bodies[0] ?? Buffer.alloc(0))).toBe(true);
    expect(bodies[2]?.equals(bodies[0] ?? Buffer.alloc(0))).toBe(true);
    client.destroy();
  });

  it('gives up after maxAttempts, and never retries a 403', async () => {
    const busy = flakyS3([503, 503, 503], 2);
    await expect(new S3EncryptionClient({ s3: busy.client, keyring }).putObject({ Bucket: 'b', Key: 'k', Body: 'x' })).rejects.toMatchObject({
      name: 'SlowDown',
    });
    expect(busy.bodies).toHaveLength(2);
    const denied = flakyS3([403], 3);
    await expect(new S3EncryptionClient({ s3: denied.client, keyring }).putObject({ Bucket: 'b', Key: 'k', Body: 'x' })).rejects.toMatchObject({
      name: 'AccessDenied',
    });
    expect(denied.bodies).toHaveLength(1);
    busy.client.destroy();
    denied.client.destroy();
  });

  it("classifies errors as the SDK's retry middleware does", () => {
    expect(retryErrorType({ $metadata: { httpStatusCode: 500 } })).toBe('TRANSIENT');
    expect(retryErrorType({ $metadata: { httpStatusCode: 501 } })).toBe('SERVER_ERROR');
    expect(retryErrorType({ name: 'RequestTimeout', $metadata: { httpStatusCode: 400 } })).toBe('TRANSIENT');
    expect(retryErrorType({ name: 'SlowDown', $metadata: { httpStatusCode: 503 } })).toBe('THROTTLING');
    expect(retryErrorType({ name: 'TooManyRequests', $metadata: { httpStatusCode: 429 } })).toBe('THROTTLING');
    // A refusal after which the SDK corrected its clock offset: the next attempt is signed in time.
    expect(retryErrorType({ name: 'RequestTimeTooSkewed', $metadata: { httpStatusCode: 403, clockSkewCorrected: true } })).toBe('TRANSIENT');
    expect(retryErrorType({ name: 'RequestTimeTooSkewed', $metadata: { httpStatusCode: 403 } })).toBe('CLIENT_ERROR');
    expect(retryErrorType({ code: 'ECONNRESET' })).toBe('TRANSIENT');
    expect(retryErrorType({ code: 'EAI_AGAIN' })).toBe('TRANSIENT');
    expect(retryErrorType({ name: 'Error', cause: { code: 'ENOTFOUND' } })).toBe('TRANSIENT');
    expect(retryErrorType({ name: 'AbortError', $metadata: { httpStatusCode: 503 } })).not.toBe('TRANSIENT');
    expect(retryErrorType({ name: 'NoSuchBucket', $metadata: { httpStatusCode: 404 } })).toBe('CLIENT_ERROR');
    expect(retryErrorType('text')).toBe('CLIENT_ERROR');
  });

  it("uses the S3 client's retry strategy, and an abort cuts its backoff short", async () => {
    const errorTypes: string[] = [];
    const controller = new AbortController();
    const { client, bodies } = flakyS3([503, 503], 3);
    // A caller's strategy whose backoff would last an hour: only the abort can end the wait.
    client.config.retryStrategy = async () => ({
      acquireInitialRetryToken: async () => ({ getRetryCount: () => 0, getRetryDelay: () => 0 }),
      refreshRetryTokenForRetry: async (_token: unknown, info: { errorType: string }) => {
        errorTypes.push(info.errorType);
        controller.abort(new Error('caller gave up'));
        return { getRetryCount: () => 1, getRetryDelay: () => 3_600_000 };
      },
      recordSuccess: () => undefined,
    });
    const cse = new S3EncryptionClient({ s3: client, keyring });
    await expect(cse.putObject({ Bucket: 'b', Key: 'k', Body: 'x' }, { abortSignal: controller.signal })).rejects.toThrow('caller gave up');
    expect(errorTypes).toEqual(['THROTTLING']);
    expect(bodies).toHaveLength(1);
    client.destroy();
  });
});
