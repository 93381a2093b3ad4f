/**
 * `strongbox serve` logs one line per request (method, service, operation, status, duration) and
 * never a secret: the SSE-C key of a request, in any of its forms, appears nowhere in the output.
 * `--quiet` stops the lines. The CLI runs as a child process, as `pnpm start` runs it.
 */

import { createHash, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { Agent } from 'node:https';
import { CreateKeyCommand } from '@aws-sdk/client-kms';
import { CreateBucketCommand, GetObjectCommand, PutBucketEncryptionCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { formatRequestLine, operationOfTarget } from '../src/request-log.ts';
import { failureOf, kmsClient, serve } from './helpers/cli.ts';

const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
const LINE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z (GET|PUT|POST|HEAD|DELETE) (kms|s3|cloudtrail|sts|strongbox|-) [A-Za-z0-9-]+ (\d{3}|aborted) \d+ms$/;

function logLines(stdout: string): string[] {
  return stdout.split('\n').filter((line) => /^\d{4}-\d\d-\d\dT/.test(line));
}

describe('the request log of strongbox serve', () => {
  it('prints one line per request naming service, operation and status; an SSE-C key never appears', async () => {
    const serving = await serve(['--https-port', '0']);
    try {
      const httpsUrl = /https:\/\/127\.0\.0\.1:\d+/.exec(serving.stdout())![0];
      const certPath = /Certificate: (\S+)/.exec(serving.stdout())![1]!;
      const ca = await readFile(certPath, 'utf8');
      const s3 = new S3Client({
        endpoint: httpsUrl,
        region: 'us-east-1',
        credentials,
        forcePathStyle: true,
        requestHandler: { httpsAgent: new Agent({ ca }) },
      });
      const plainS3 = new S3Client({ endpoint: serving.url, region: 'us-east-1', credentials, forcePathStyle: true, maxAttempts: 1 });
      const key = randomBytes(32);
      const sse = { SSECustomerAlgorithm: 'AES256', SSECustomerKey: key.toString('base64') };
      await s3.send(new CreateBucketCommand({ Bucket: 'logged' }));
      // New buckets block SSE-C (AWS, April 2026): allow it by blocking only unencrypted uploads.
      await s3.send(
        new PutBucketEncryptionCommand({
          Bucket: 'logged',
          ServerSideEncryptionConfiguration: {
            Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' }, BlockedEncryptionTypes: { EncryptionType: ['NONE'] } }],
          },
        }),
      );
      await s3.send(new PutObjectCommand({ Bucket: 'logged', Key: 'secret-name.txt', Body: 'body-text-never-logged', ...sse }));
      const got = await s3.send(new GetObjectCommand({ Bucket: 'logged', Key: 'secret-name.txt', ...sse }));
      expect(await got.Body?.transformToString()).toBe('body-text-never-logged');
      // Over plain HTTP S3 refuses the key, but it was sent: it must not be logged either.
      expect((await failureOf(plainS3.send(new GetObjectCommand({ Bucket: 'logged', Key: 'secret-name.txt', ...sse })))).status).toBe(400);
      await kmsClient(serving.url).send(new CreateKeyCommand({}));
      await fetch(`${serving.url}/_strongbox/health`);
      s3.destroy();
      plainS3.destroy();
      const exit = await serving.stop();
      const lines = logLines(exit.stdout);
      for (const line of lines) expect(line).toMatch(LINE);
      expect(lines.map((line) => line.split(' ').slice(1, 5).join(' '))).toEqual([
        'PUT s3 CreateBucket 200',
        'PUT s3 PutBucketEncryption 200',
        'PUT s3 PutObject 200',
        'GET s3 GetObject 200',
        'GET s3 GetObject 400',
        'POST kms CreateKey 200',
        'GET strongbox health 200',
      ]);
      const output = exit.stdout + exit.stderr;
      for (const secret of [
        key.toString('base64'),
        key.toString('hex'),
        createHash('md5').update(key).digest('base64'),
        'body-text-never-logged',
        'secret-name',
        'Credential=',
      ]) {
        expect(output).not.toContain(secret);
      }
    } finally {
      await serving.stop('SIGKILL');
    }
  });

  it('--quiet prints no request lines', async () => {
    const serving = await serve(['--quiet']);
    try {
      await kmsClient(serving.url).send(new CreateKeyCommand({}));
      const exit = await serving.stop();
      expect(exit.code).toBe(0);
      expect(logLines(exit.stdout)).toEqual([]);
    } finally {
      await serving.stop('SIGKILL');
    }
  });
});

describe('log line parts', () => {
  it('keeps only plain operation names from X-Amz-Target, so a crafted header cannot write into the log', () => {
    expect(operationOfTarget('TrentService.GenerateDataKey')).toBe('GenerateDataKey');
    expect(operationOfTarget('TrentService.Encrypt\n2026-01-01T00:00:00.000Z POST kms Forged 200 1ms')).toBe('-');
    expect(operationOfTarget('TrentService.')).toBe('-');
  });

  it('formats time, method, service, operation, status and whole milliseconds', () => {
    expect(formatRequestLine({ time: 0, method: 'GET', service: 's3', operation: 'ListBuckets', status: 200, durationMs: 1.6 })).toBe(
      '1970-01-01T00:00:00.000Z GET s3 ListBuckets 200 2ms\n',
    );
    expect(formatRequestLine({ time: 0, method: 'PUT', service: 's3', operation: 'PutObject', status: 'aborted', durationMs: 0.2 })).toBe(
      '1970-01-01T00:00:00.000Z PUT s3 PutObject aborted 0ms\n',
    );
  });
});
