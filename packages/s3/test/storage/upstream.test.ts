/**
 * The upstream store against s3rver over a real socket: the ObjectStore conformance suite, the
 * journal that accounts for every upstream object, ranged reads as ranged upstream GETs, and an
 * upstream failing mid-upload (S3 errors, cut connections) leaving no visible object and, once the
 * upstream is back, no orphan.
 */

import { randomBytes } from 'node:crypto';
import { readdir, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ObjectStore, openUpstreamObjectStore, type S3Error, type UpstreamOptions } from '../../src/index.ts';
import { catchS3Async } from '../helpers/errors.ts';
import { faultyIo } from '../helpers/faulty-io.ts';
import { generationPath } from '../helpers/layout.ts';
import { tempDirectory } from '../helpers/temp.ts';
import { type FaultProxy, type RunningS3rver, S3RVER_CREDENTIALS, startFaultProxy, startS3rver, upstreamClient, upstreamKeys } from '../helpers/upstream.ts';
import { gatedBody, runObjectStoreConformance } from './conformance.ts';

const BUCKET = 'strongbox-upstream';
const MiB = 1024 * 1024;

let s3rver: RunningS3rver;
let proxy: FaultProxy;
let fixtures = 0;

beforeAll(async () => {
  s3rver = await startS3rver([BUCKET]);
  proxy = await startFaultProxy(s3rver.endpoint);
});

afterAll(async () => {
  await proxy.close();
  await s3rver.close();
});

/** Upstream settings for a fresh prefix of the shared s3rver bucket. */
function upstreamOptions(overrides: Partial<UpstreamOptions> = {}): UpstreamOptions {
  fixtures++;
  return { endpoint: s3rver.endpoint, bucket: BUCKET, credentials: S3RVER_CREDENTIALS, prefix: `t${fixtures}/`, ...overrides };
}

runObjectStoreConformance(
  'upstream (s3rver)',
  async (environment) => {
    const directory = tempDirectory('upstream-store');
    const upstream = upstreamOptions();
    let store: ObjectStore = await openUpstreamObjectStore({ directory, upstream, ...environment });
    return {
      store: forward(() => store),
      reopen: async () => {
        await store.close();
        store = await openUpstreamObjectStore({ directory, upstream, ...environment });
        return store;
      },
    };
  },
  // Every write is an HTTP round trip and two fsyncs; the memory backend's 60 runs exercise the
  // listing logic at length.
  4,
);

/** A store whose calls go to whatever `current` returns (the fixture's store across reopens). */
function forward(current: () => ObjectStore): ObjectStore {
  return new Proxy({} as ObjectStore, {
    get: (_target, name) => {
      const store = current();
      const member = store[name as keyof ObjectStore];
      return typeof member === 'function' ? (member as (...args: unknown[]) => unknown).bind(store) : member;
    },
  });
}

/** Markers in the data directory: one per blob that may exist upstream. */
async function markers(directory: string): Promise<string[]> {
  const names: string[] = [];
  const generation = generationPath(directory);
  for (const bucket of await readdir(generation)) {
    if (!bucket.startsWith('b-')) continue;
    names.push(...(await readdir(join(generation, bucket, 'blobs'))));
  }
  return names;
}

async function readAll(store: ObjectStore, bucket: string, key: string): Promise<Buffer> {
  const reader = await store.openObject(bucket, key);
  if (reader === undefined) throw new Error(`${key} is missing`);
  try {
    const chunks: Uint8Array[] = [];
    for await (const chunk of reader.stream()) chunks.push(chunk);
    return Buffer.concat(chunks);
  } finally {
    await reader.close();
  }
}

/** A body of `size` random bytes in 64 KiB chunks, as a socket delivers it. */
function chunksOf(body: Uint8Array, chunk = 64 * 1024): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  for (let offset = 0; offset < body.length; offset += chunk) chunks.push(body.subarray(offset, offset + chunk));
  return chunks;
}

describe('upstream store: what goes upstream', () => {
  it('stores each blob under <prefix><64 hex digits>: no bucket, key or metadata appears upstream', async () => {
    const directory = tempDirectory('upstream-names');
    const upstream = upstreamOptions();
    const store = await openUpstreamObjectStore({ directory, upstream });
    await store.createBucket('reports', {});
    await store.putObject('reports', 'q1/secret-name.csv', [new TextEncoder().encode('sealed bytes stand-in')], { 'x-meta': 'private' });
    await store.putObject('reports', 'empty', [], {});
    const keys = await upstreamKeys(s3rver.client, BUCKET, upstream.prefix);
    expect(keys).toHaveLength(2);
    for (const key of keys) expect(key).toMatch(/^t\d+\/[0-9a-f]{64}$/);
    expect(await markers(directory)).toHaveLength(2);
    await store.deleteObject('reports', 'empty');
    expect(await upstreamKeys(s3rver.client, BUCKET, upstream.prefix)).toHaveLength(1);
    expect(await markers(directory)).toHaveLength(1);
    await store.close();
  });

  it('streams a body larger than a part as a multipart upload, and reads any range back', async () => {
    const directory = tempDirectory('upstream-multipart');
    const store = await openUpstreamObjectStore({ directory, upstream: upstreamOptions({ endpoint: proxy.endpoint, partSize: 5 * MiB }) });
    await store.createBucket('b', {});
    const body = new Uint8Array(randomBytes(11 * MiB + 123));
    proxy.seen.length = 0;
    const info = await store.putObject('b', 'big', chunksOf(body), {});
    expect(info.size).toBe(body.length);
    // Three parts: 5 MiB, 5 MiB and the rest; never the whole body in one request.
    expect(
      proxy.seen.filter((seen) => seen.method === 'PUT' && seen.url.includes('partNumber=')).map((seen) => /partNumber=(\d+)/.exec(seen.url)?.[1]),
    ).toEqual(['1', '2', '3']);
    expect(Buffer.from(await readAll(store, 'b', 'big')).equals(Buffer.from(body))).toBe(true);
    await store.close();
  });

  it('a PUT whose bucket is deleted while its body streams fails NoSuchBucket and leaves nothing upstream', async () => {
    const directory = tempDirectory('upstream-bucket-gone');
    const upstream = upstreamOptions();
    const store = await openUpstreamObjectStore({ directory, upstream });
    await store.createBucket('b', {});
    const body = gatedBody();
    const put = catchS3Async(() => store.putObject('b', 'k', body.chunks, {}));
    await body.started;
    // The bucket's deletion finds the blob's marker and deletes upstream what is not there yet;
    // the body then ends and is uploaded: the failed write must delete it once more.
    expect(await store.deleteBucket('b')).toBe('deleted');
    body.release();
    expect((await put).code).toBe('NoSuchBucket');
    expect(await upstreamKeys(s3rver.client, BUCKET, upstream.prefix)).toEqual([]);
    await store.close();
  });

  it('a ranged read is one ranged upstream GET of just those bytes, after one GET of the blob’s first 4 KiB to check its pin, which later reads within them reuse', async () => {
    const directory = tempDirectory('upstream-range');
    const store = await openUpstreamObjectStore({ directory, upstream: upstreamOptions({ endpoint: proxy.endpoint }) });
    await store.createBucket('b', {});
    const body = new Uint8Array(randomBytes(3 * MiB));
    await store.putObject('b', 'k', chunksOf(body), {});
    const reader = await store.openObject('b', 'k');
    proxy.seen.length = 0;
    expect(Buffer.from(await reader!.read(2 * MiB + 5, 4096)).equals(Buffer.from(body.subarray(2 * MiB + 5, 2 * MiB + 5 + 4096)))).toBe(true);
    const streamed: Uint8Array[] = [];
    for await (const chunk of reader!.stream(MiB, 70_000)) streamed.push(chunk);
    expect(Buffer.concat(streamed).equals(Buffer.from(body.subarray(MiB, MiB + 70_000)))).toBe(true);
    // Within the first 4 KiB (where a sealed object's header lies): served from what the pin check read.
    expect(Buffer.from(await reader!.read(10, 100)).equals(Buffer.from(body.subarray(10, 110)))).toBe(true);
    await reader!.close();
    const gets = proxy.seen.filter((seen) => seen.method === 'GET');
    expect(gets.map((seen) => seen.range)).toEqual(['bytes=0-4095', `bytes=${2 * MiB + 5}-${2 * MiB + 5 + 4095}`, `bytes=${MiB}-${MiB + 69_999}`]);
    expect(gets.map((seen) => seen.responseBytes)).toEqual([4096, 4096, 70_000]);
    await store.close();
  });

  it('deleting a bucket deletes upstream the blobs readers still held, and an interrupted bucket deletion is finished at open', async () => {
    const directory = tempDirectory('upstream-drop');
    const upstream = upstreamOptions();
    const store = await openUpstreamObjectStore({ directory, upstream });
    await store.createBucket('gone', {});
    await store.putObject('gone', 'k', [new TextEncoder().encode('held by a reader')], {});
    const reader = await store.openObject('gone', 'k');
    await store.deleteObject('gone', 'k');
    // The reader keeps the blob (and its upstream object) alive past the object's deletion.
    expect(await upstreamKeys(s3rver.client, BUCKET, upstream.prefix)).toHaveLength(1);
    expect(await store.deleteBucket('gone')).toBe('deleted');
    expect(await upstreamKeys(s3rver.client, BUCKET, upstream.prefix)).toEqual([]);
    await reader!.close();
    await store.createBucket('later', {});
    await store.putObject('later', 'k', [new TextEncoder().encode('x')], {});
    await store.close();
    // A crash between a bucket deletion's rename and its removal leaves a `deleted-` directory
    // whose markers still name upstream objects: opening deletes them.
    const generation = generationPath(directory);
    const bucketDirectory = (await readdir(generation)).find((name) => name.startsWith('b-'))!;
    await rename(join(generation, bucketDirectory), join(generation, 'deleted-0123456789ab'));
    expect(await upstreamKeys(s3rver.client, BUCKET, upstream.prefix)).toHaveLength(1);
    const reopened = await openUpstreamObjectStore({ directory, upstream });
    expect(await upstreamKeys(s3rver.client, BUCKET, upstream.prefix)).toEqual([]);
    expect(await readdir(directory)).not.toContain('deleted-0123456789ab');
    await reopened.close();
  });

  it('an upstream that ignores Range: a read from byte 0 takes what it asked for, a read from elsewhere is InternalError', async () => {
    const directory = tempDirectory('upstream-no-range');
    const store = await openUpstreamObjectStore({ directory, upstream: upstreamOptions({ endpoint: proxy.endpoint }) });
    await store.createBucket('b', {});
    // Past the first 4 KiB, which the pin check reads (from byte 0) and the reader then keeps.
    await store.putObject('b', 'k', [new TextEncoder().encode('0123456789'.repeat(1000))], {});
    const reader = await store.openObject('b', 'k');
    proxy.ignoreRanges = true;
    try {
      expect(Buffer.from(await reader!.read(0, 4)).toString()).toBe('0123');
      expect((await catchS3Async(() => reader!.read(5003, 4))).code).toBe('InternalError');
    } finally {
      proxy.ignoreRanges = false;
    }
    await reader!.close();
    await store.close();
  });

  it('refuses to open when the upstream bucket is missing, naming it', async () => {
    const attempt = openUpstreamObjectStore({ directory: tempDirectory('upstream-missing'), upstream: upstreamOptions({ bucket: 'no-such-upstream' }) });
    await expect(attempt).rejects.toThrow(/The upstream bucket no-such-upstream at http:\/\/127\.0\.0\.1:\d+ cannot be reached/);
  });

  it('refuses a part size outside 5 MiB .. 5 GiB', async () => {
    const attempt = openUpstreamObjectStore({ directory: tempDirectory('upstream-part'), upstream: upstreamOptions({ partSize: MiB }) });
    await expect(attempt).rejects.toThrow(RangeError);
  });
});

describe('upstream store: a failing upstream', () => {
  /** A store through the proxy with a client that does not retry (so each fault is seen once). */
  async function faultyStore(directory: string, prefix: string): Promise<ObjectStore> {
    const client = upstreamClient(proxy.endpoint, { maxAttempts: 1 });
    return openUpstreamObjectStore({ directory, upstream: { client, bucket: BUCKET, prefix, partSize: 5 * MiB } });
  }

  const cases: { name: string; fault: NonNullable<FaultProxy['fault']>; code: string; status: number }[] = [
    {
      name: 'a 500 on the second part',
      fault: (request) => (request.url?.includes('partNumber=2') ? { status: 500, code: 'InternalError' } : undefined),
      code: 'InternalError',
      status: 500,
    },
    {
      name: 'a 503 SlowDown on the second part',
      fault: (request) => (request.url?.includes('partNumber=2') ? { status: 503, code: 'SlowDown' } : undefined),
      code: 'ServiceUnavailable',
      status: 503,
    },
    {
      name: 'the connection cut during the second part',
      fault: (request) => (request.url?.includes('partNumber=2') ? 'cut' : undefined),
      code: 'ServiceUnavailable',
      status: 503,
    },
    {
      name: 'a 403 on the completion',
      fault: (request) => (request.method === 'POST' && request.url?.includes('uploadId=') ? { status: 403, code: 'AccessDenied' } : undefined),
      code: 'InternalError',
      status: 500,
    },
    {
      name: 'a 503 on a single PUT',
      fault: (request) => (request.method === 'PUT' ? { status: 503, code: 'ServiceUnavailable' } : undefined),
      code: 'ServiceUnavailable',
      status: 503,
    },
  ];

  for (const { name, fault, code, status } of cases) {
    it(`${name}: the PUT fails as ${code} ${status}, the old object stays, nothing is left upstream`, async () => {
      fixtures++;
      const prefix = `f${fixtures}/`;
      const directory = tempDirectory('upstream-fault');
      const store = await faultyStore(directory, prefix);
      await store.createBucket('b', {});
      const old = new TextEncoder().encode('the old object');
      await store.putObject('b', 'k', [old], {});
      const body = name.includes('single') ? new Uint8Array(randomBytes(1000)) : new Uint8Array(randomBytes(11 * MiB));
      proxy.fault = fault;
      let error: S3Error;
      try {
        error = await catchS3Async(() => store.putObject('b', 'k', chunksOf(body), {}));
      } finally {
        proxy.fault = undefined;
      }
      expect([error.code, error.status]).toEqual([code, status]);
      // The upstream's own words never reach the caller.
      expect(error.message).not.toContain('injected');
      expect(Buffer.from(await readAll(store, 'b', 'k')).toString()).toBe('the old object');
      expect(await upstreamKeys(s3rver.client, BUCKET, prefix)).toHaveLength(1);
      expect(await markers(directory)).toHaveLength(1);
      await store.close();
    });
  }

  it('a 503 on a single PUT whose marker’s removal then fails with EIO: the PUT still fails as 503, and the next open removes the marker', async () => {
    fixtures++;
    const prefix = `f${fixtures}/`;
    const directory = tempDirectory('upstream-fault-marker');
    const faulty = faultyIo();
    const client = upstreamClient(proxy.endpoint, { maxAttempts: 1 });
    const store = await openUpstreamObjectStore({ directory, io: faulty.io, upstream: { client, bucket: BUCKET, prefix, partSize: 5 * MiB } });
    await store.createBucket('b', {});
    proxy.fault = (request) => (request.method === 'PUT' ? { status: 503, code: 'ServiceUnavailable' } : undefined);
    faulty.arm((call) => call.step === 'unlink' && call.path?.includes('/blobs/') === true, 'EIO');
    let error: S3Error;
    try {
      error = await catchS3Async(() => store.putObject('b', 'k', [new Uint8Array(randomBytes(1000))], {}));
    } finally {
      proxy.fault = undefined;
    }
    expect(faulty.disarm().fired?.step).toBe('unlink');
    expect([error.code, error.status]).toEqual(['ServiceUnavailable', 503]);
    expect(await markers(directory)).toHaveLength(1);
    await store.close();
    const reopened = await openUpstreamObjectStore({ directory, upstream: upstreamOptions({ prefix }) });
    expect(await markers(directory)).toHaveLength(0);
    await reopened.close();
  });

  it('an upstream down through the failure keeps the marker; the next open deletes the orphan upstream', async () => {
    fixtures++;
    const prefix = `f${fixtures}/`;
    const directory = tempDirectory('upstream-orphan');
    const store = await faultyStore(directory, prefix);
    await store.createBucket('b', {});
    // Part 1 lands upstream; from part 2 on, the upstream is down (its clean-up requests fail too).
    proxy.fault = (request) =>
      request.url?.includes('partNumber=1') || (request.method === 'POST' && request.url?.includes('uploads'))
        ? undefined
        : { status: 503, code: 'ServiceUnavailable' };
    try {
      const error = await catchS3Async(() => store.putObject('b', 'k', chunksOf(new Uint8Array(randomBytes(11 * MiB))), {}));
      expect(error.code).toBe('ServiceUnavailable');
    } finally {
      proxy.fault = undefined;
    }
    expect(await store.headObject('b', 'k')).toBeUndefined();
    expect(await markers(directory)).toHaveLength(1);
    await store.close();

    // Reopening (upstream healthy) deletes that orphan, first aborting the multipart upload the
    // failure left open (its id journalled in the marker).
    proxy.seen.length = 0;
    const again = await faultyStore(directory, prefix);
    expect(proxy.seen.filter((seen) => seen.method === 'DELETE' && /[?&]uploadId=[^&]+/.test(seen.url))).toHaveLength(1);
    expect(await markers(directory)).toEqual([]);
    // A failed single PUT whose object did land upstream (its answer lost), and a body that fails
    // mid-stream, both while deletes fail: two more orphans.
    proxy.fault = (request) => (request.method === 'DELETE' ? { status: 503, code: 'SlowDown' } : undefined);
    try {
      const failing = (async function* () {
        yield new Uint8Array(randomBytes(100));
        throw new Error('client went away');
      })();
      await expect(again.putObject('b', 'k2', failing, {})).rejects.toThrow('client went away');
      await expect(
        again.putObject('b', 'k3', [new Uint8Array(10)], () => {
          throw new Error('metadata failed');
        }),
      ).rejects.toThrow('metadata failed');
    } finally {
      proxy.fault = undefined;
    }
    expect((await markers(directory)).length).toBeGreaterThanOrEqual(2);
    await again.close();

    // Upstream healthy again: opening repairs everything.
    const repaired = await faultyStore(directory, prefix);
    expect(await markers(directory)).toEqual([]);
    expect(await upstreamKeys(s3rver.client, BUCKET, prefix)).toEqual([]);
    await repaired.close();
  });

  it('a read the upstream refuses is an S3 error; the object is still there once it is back', async () => {
    fixtures++;
    const directory = tempDirectory('upstream-read-fault');
    const store = await faultyStore(directory, `f${fixtures}/`);
    await store.createBucket('b', {});
    await store.putObject('b', 'k', [new TextEncoder().encode('hello upstream')], {});
    const reader = await store.openObject('b', 'k');
    proxy.fault = (request) => (request.method === 'GET' ? { status: 503, code: 'SlowDown' } : undefined);
    try {
      expect((await catchS3Async(() => reader!.read(0, 5))).code).toBe('ServiceUnavailable');
    } finally {
      proxy.fault = undefined;
    }
    expect(Buffer.from(await reader!.read(0, 5)).toString()).toBe('hello');
    await reader!.close();
    await store.close();
  });
});
