/**
 * The upstream store on a second Strongbox: its S3 engine on the wire (the REST handler behind
 * the kernel's in-process SDK handler), so the sealed blobs of the first Strongbox are sealed
 * again by the second (SSE-S3 by its bucket default). The conformance suite, then the engine on
 * top: objects round-trip and the second Strongbox holds only opaque names.
 */

import { CreateBucketCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ObjectStore, openUpstreamObjectStore, S3, type UpstreamOptions } from '../../src/index.ts';
import { tempDirectory } from '../helpers/temp.ts';
import { inProcessClient, type WireEngine, wireEngine } from '../helpers/wire.ts';
import { runObjectStoreConformance } from './conformance.ts';

const BUCKET = 'second-strongbox';

let second: WireEngine;
let client: S3Client;
let fixtures = 0;

beforeAll(async () => {
  second = wireEngine();
  client = inProcessClient(second.handler);
  await client.send(new CreateBucketCommand({ Bucket: BUCKET }));
});

afterAll(async () => {
  client.destroy();
  await second.close();
});

function upstream(): UpstreamOptions {
  fixtures++;
  return { client, bucket: BUCKET, prefix: `t${fixtures}/` };
}

runObjectStoreConformance(
  'upstream (a second Strongbox, in process)',
  async (environment) => {
    const directory = tempDirectory('upstream-strongbox');
    const options = upstream();
    let store: ObjectStore = await openUpstreamObjectStore({ directory, upstream: options, ...environment });
    return {
      store: new Proxy({} as ObjectStore, {
        get: (_target, name) => {
          const member = store[name as keyof ObjectStore];
          return typeof member === 'function' ? (member as (...args: unknown[]) => unknown).bind(store) : member;
        },
      }),
      reopen: async () => {
        await store.close();
        store = await openUpstreamObjectStore({ directory, upstream: options, ...environment });
        return store;
      },
    };
  },
  3,
);

describe('the engine on a second Strongbox', () => {
  it('round-trips objects whole and by range; the second Strongbox sees only opaque names', async () => {
    const options = upstream();
    const s3 = new S3({ storage: { directory: tempDirectory('upstream-strongbox-engine'), upstream: options } });
    try {
      await s3.createBucket({ Bucket: 'first' });
      const body = new Uint8Array(300_000).map((_, i) => (i * 7) % 256);
      await s3.putObject({ Bucket: 'first', Key: 'reports/q1.bin', Body: body });
      const whole = await s3.getObject({ Bucket: 'first', Key: 'reports/q1.bin' });
      expect(Buffer.from(await whole.Body.transformToByteArray()).equals(Buffer.from(body))).toBe(true);
      const ranged = await s3.getObject({ Bucket: 'first', Key: 'reports/q1.bin', Range: 'bytes=123456-133455' });
      expect(Buffer.from(await ranged.Body.transformToByteArray()).equals(Buffer.from(body.subarray(123_456, 133_456)))).toBe(true);
      const listed = await client.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: options.prefix }));
      expect((listed.Contents ?? []).map((object) => object.Key)).toEqual([expect.stringMatching(/^t\d+\/[0-9a-f]{64}$/)]);
    } finally {
      await s3.close();
    }
  });

  it('sends a body larger than a part as a multipart upload to the second Strongbox', async () => {
    const options = { ...upstream(), partSize: 5 * 1024 * 1024 };
    const s3 = new S3({ storage: { directory: tempDirectory('upstream-strongbox-multipart'), upstream: options } });
    try {
      await s3.createBucket({ Bucket: 'first' });
      const body = new Uint8Array(11 * 1024 * 1024 + 17).map((_, i) => (i * 13) % 251);
      await s3.putObject({ Bucket: 'first', Key: 'big.bin', Body: body });
      const ranged = await s3.getObject({ Bucket: 'first', Key: 'big.bin', Range: `bytes=${5 * 1024 * 1024 - 10}-${5 * 1024 * 1024 + 9}` });
      expect(Buffer.from(await ranged.Body.transformToByteArray()).equals(Buffer.from(body.subarray(5 * 1024 * 1024 - 10, 5 * 1024 * 1024 + 10)))).toBe(true);
      const whole = await s3.getObject({ Bucket: 'first', Key: 'big.bin' });
      expect(Buffer.from(await whole.Body.transformToByteArray()).equals(Buffer.from(body))).toBe(true);
      // The second Strongbox stored one object, from three parts (its ETag says so).
      const listed = await client.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: options.prefix }));
      expect((listed.Contents ?? []).map((object) => object.ETag)).toEqual([expect.stringMatching(/-3"$/)]);
    } finally {
      await s3.close();
    }
  });
});
