/**
 * A single PutObject or UploadPart uploads at most 5 GiB; S3 refuses a larger declared size from
 * its headers, before the body, with 400 EntityTooLarge (ErrorResponses). Over a real socket, with
 * `Expect: 100-continue` and a declared 5 GiB + 1 body that is never sent: the answer must come
 * without it. Strongbox took any size.
 */

import { request } from 'node:http';
import { CreateMultipartUploadCommand } from '@aws-sdk/client-s3';
import { expect, it } from 'vitest';
import { checkProposedSize, MAX_UPLOAD_SIZE } from '../../src/index.ts';
import { catchS3 } from '../helpers/errors.ts';
import { useInProcessS3 } from '../helpers/sdk-fixture.ts';
import { listen } from '../helpers/wire.ts';

const sdk = useInProcessS3({ buckets: ['data'] });

/** Sends only the head of a PUT declaring `size` bytes, and reads the answer. */
async function declare(path: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  const server = await listen(sdk.engine.handler);
  try {
    return await new Promise((resolve, reject) => {
      const req = request(`${server.url}${path}`, { method: 'PUT', headers: { expect: '100-continue', ...headers } }, (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          body += chunk;
        });
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      req.flushHeaders();
    });
  } finally {
    await server.close();
  }
}

const TOO_LARGE = String(MAX_UPLOAD_SIZE + 1);

it('PutObject declaring more than 5 GiB is 400 EntityTooLarge before any body is sent', async () => {
  const { status, body } = await declare('/data/big', { 'content-length': TOO_LARGE });
  expect(status).toBe(400);
  expect(body).toContain('<Code>EntityTooLarge</Code>');
  expect(body).toContain('<Message>Your proposed upload exceeds the maximum allowed object size.</Message>');
  expect(body).toContain(`<ProposedSize>${TOO_LARGE}</ProposedSize>`);
  expect(body).toContain(`<MaxSizeAllowed>${MAX_UPLOAD_SIZE}</MaxSizeAllowed>`);
});

it('UploadPart likewise, by its aws-chunked decoded length too', async () => {
  const { UploadId } = await sdk.client.send(new CreateMultipartUploadCommand({ Bucket: 'data', Key: 'mpu' }));
  const path = `/data/mpu?partNumber=1&uploadId=${UploadId}`;
  expect((await declare(path, { 'content-length': TOO_LARGE })).status).toBe(400);
  const chunked = await declare(path, {
    'content-length': '100',
    'content-encoding': 'aws-chunked',
    'x-amz-content-sha256': 'STREAMING-UNSIGNED-PAYLOAD-TRAILER',
    'x-amz-decoded-content-length': TOO_LARGE,
  });
  expect([chunked.status, chunked.body.includes('<Code>EntityTooLarge</Code>')]).toEqual([400, true]);
});

it('exactly 5 GiB is allowed', () => {
  expect(() => checkProposedSize(undefined, MAX_UPLOAD_SIZE)).not.toThrow();
  expect(() => checkProposedSize(MAX_UPLOAD_SIZE, MAX_UPLOAD_SIZE + 100)).not.toThrow();
  expect(catchS3(() => checkProposedSize(MAX_UPLOAD_SIZE + 1, 10)).code).toBe('EntityTooLarge');
});
