/**
 * The endpoint's S3 engine on an upstream store (`s3Upstream`, the `--upstream-*` flags): the
 * options reach the engine, which checks the upstream bucket when it starts, and an upstream needs
 * a data directory for the keys and metadata. (The upstream store itself is tested against s3rver
 * in @strongbox/s3.)
 */

import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { openEndpoint } from '../src/index.ts';
import { tempDir } from './helpers/cli.ts';

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('the endpoint with an S3 upstream', () => {
  it('passes the upstream to the S3 engine, whose calls then fail naming the unreachable bucket', async () => {
    const dir = await tempDir();
    const endpoint = `http://127.0.0.1:${await closedPort()}`;
    const opened = await openEndpoint({
      dataDirectory: dir.path,
      s3Upstream: { endpoint, bucket: 'sealed-objects', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } },
    });
    try {
      await expect(opened.s3.listBuckets({})).rejects.toThrow(`The upstream bucket sealed-objects at ${endpoint} cannot be reached`);
    } finally {
      await opened.s3.close();
      await opened.kms.close();
      await dir.cleanup();
    }
  });

  it('refuses an upstream without a data directory', async () => {
    await expect(openEndpoint({ s3Upstream: { bucket: 'sealed-objects' } })).rejects.toThrow('s3Upstream needs a dataDirectory');
  });
});
