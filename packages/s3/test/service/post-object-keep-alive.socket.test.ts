/**
 * After an early EntityTooLarge (a POST form's file over content-length-range, refused before it
 * is read), the rest of the body is read and dropped by the edge, so the same keep-alive
 * connection carries the next request.
 */

import { Agent, request as httpRequest } from 'node:http';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { afterEach, describe, expect, it } from 'vitest';
import { CREDENTIALS, listen, REGION, wireEngine } from '../helpers/wire.ts';

const closing: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closing.splice(0)) await close();
});

interface Answer {
  status: number;
  body: string;
  reusedSocket: boolean;
}

function send(port: number, agent: Agent, method: string, path: string, headers: Record<string, string>, body?: Buffer): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest({ host: '127.0.0.1', port, method, path, headers, agent }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString(), reusedSocket: outgoing.reusedSocket }));
    });
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

describe('POST Object over a keep-alive connection', () => {
  it.each([2000, 300_000])('a %i-byte file over a 1024-byte range: 400 EntityTooLarge, then the next request on the same socket is served', async (size) => {
    const engine = wireEngine();
    const server = await listen(engine.handler);
    const client = new S3Client({ endpoint: server.url, region: REGION, credentials: CREDENTIALS, forcePathStyle: true });
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    closing.push(async () => {
      agent.destroy();
      client.destroy();
      await server.close();
      await engine.close();
    });
    await client.send(new CreateBucketCommand({ Bucket: 'uploads' }));
    const presigned = await createPresignedPost(client, { Bucket: 'uploads', Key: 'big', Conditions: [['content-length-range', 0, 1024]] });
    const boundary = 'b0undary';
    const fields = Object.entries(presigned.fields)
      .map(([name, value]) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`)
      .join('');
    const body = Buffer.concat([
      Buffer.from(`${fields}--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.bin"\r\n\r\n`),
      Buffer.alloc(size, 0x61),
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    const headers = { 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': String(body.length) };
    const refused = await send(server.port, agent, 'POST', '/uploads', headers, body);
    expect([refused.status, /<Code>([^<]*)</.exec(refused.body)?.[1]]).toEqual([400, 'EntityTooLarge']);
    const next = await send(server.port, agent, 'GET', '/uploads?list-type=2', {});
    expect(next).toMatchObject({ status: 200, reusedSocket: true });
    expect(next.body).not.toContain('<Key>');
  });
});
