/**
 * CopyObject as a whole: it streams (the destination is written while the source is still being
 * read, in bounded chunks), and a property: under any source and destination mode pair the copy
 * reads back exactly, whole and by range, while the data directory never holds the plaintext or
 * an SSE-C key.
 */

import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type BodySource, createMemoryObjectStore, type ObjectReader, type ObjectStore, S3, type SseCustomerMembers } from '../../src/index.ts';
import { ALLOW_SSE_C, BACKENDS } from '../helpers/backends.ts';
import { members, sseC } from '../helpers/engine.ts';
import { assertNoSecretsOnDisk } from '../helpers/scan.ts';

/** A memory store that logs, while `recording`, each chunk written to it and each chunk read from it. */
async function recordingStore(): Promise<{ store: ObjectStore; events: string[]; record: (on: boolean) => void }> {
  const inner = await createMemoryObjectStore();
  const events: string[] = [];
  let recording = false;
  async function* tapped(body: BodySource): AsyncIterable<Uint8Array> {
    for await (const chunk of body) {
      if (recording) events.push(`write ${chunk.length}`);
      yield chunk;
    }
  }
  const wrapReader = (reader: ObjectReader): ObjectReader => ({
    info: reader.info,
    read: async (offset, length) => {
      const bytes = await reader.read(offset, length);
      if (recording) events.push(`read ${bytes.length}`);
      return bytes;
    },
    stream: async function* (offset, length) {
      for await (const chunk of reader.stream(offset, length)) {
        if (recording) events.push(`read ${chunk.length}`);
        yield chunk;
      }
    },
    close: () => reader.close(),
  });
  const store = new Proxy(inner, {
    get(target, property, receiver) {
      if (property === 'putObject')
        return (bucket: string, key: string, body: BodySource, fields: never) => target.putObject(bucket, key, tapped(body), fields);
      if (property === 'openObject')
        return async (bucket: string, key: string) => {
          const reader = await target.openObject(bucket, key);
          return reader === undefined ? undefined : wrapReader(reader);
        };
      const value: unknown = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { store, events, record: (on) => (recording = on) };
}

describe('CopyObject streams', () => {
  it('writes the destination while it still reads the source, in chunks far smaller than the object', async () => {
    const { store, events, record } = await recordingStore();
    const s3 = new S3({ storage: store });
    try {
      await s3.createBucket({ Bucket: 'big' });
      await s3.putBucketEncryption({ Bucket: 'big', ...ALLOW_SSE_C });
      const size = 8 * 1024 * 1024;
      const trio = sseC();
      await s3.putObject({ Bucket: 'big', Key: 'source', Body: new Uint8Array(randomBytes(size)), ...members(trio) });
      record(true);
      await s3.copyObject({
        Bucket: 'big',
        Key: 'copy',
        CopySource: 'big/source',
        CopySourceSSECustomerAlgorithm: 'AES256',
        CopySourceSSECustomerKey: trio.SSECustomerKey,
        CopySourceSSECustomerKeyMD5: trio.SSECustomerKeyMD5,
      });
      record(false);
      const sizes = (kind: string): number[] => events.filter((event) => event.startsWith(kind)).map((event) => Number(event.split(' ')[1]));
      const [reads, writes] = [sizes('read'), sizes('write')];
      expect(reads.reduce((sum, length) => sum + length, 0)).toBeGreaterThan(size);
      expect(writes.reduce((sum, length) => sum + length, 0)).toBeGreaterThan(size);
      expect(Math.max(...reads, ...writes)).toBeLessThanOrEqual(size / 8);
      // The first sealed chunk reaches storage long before the last source chunk is read.
      const firstWrite = events.findIndex((event) => event.startsWith('write'));
      const lastRead = events.reduce((last, event, index) => (event.startsWith('read') ? index : last), -1);
      expect(firstWrite).toBeGreaterThanOrEqual(0);
      expect(firstWrite).toBeLessThan(lastRead);
    } finally {
      await s3.close();
    }
  });
});

type SourceMode = 'SSE-S3' | 'SSE-C';
type TargetMode = 'default' | 'AES256' | 'SSE-C same key' | 'SSE-C new key';

describe.each(BACKENDS)('CopyObject property on the $name store', (backend) => {
  it('any source/destination mode pair round-trips the bytes, whole and by range, and stores no plaintext or SSE-C key', async () => {
    const s3 = backend.open();
    const plaintexts: Uint8Array[] = [];
    const customerKeys: Uint8Array[] = [];
    let counter = 0;
    try {
      for (const bucket of ['from', 'into']) {
        await s3.createBucket({ Bucket: bucket });
        await s3.putBucketEncryption({ Bucket: bucket, ...ALLOW_SSE_C });
      }
      await fc.assert(
        fc.asyncProperty(
          fc.nat({ max: 150_000 }).map((length) => new Uint8Array(randomBytes(length))),
          fc.constantFrom<SourceMode>('SSE-S3', 'SSE-C'),
          fc.constantFrom<TargetMode>('default', 'AES256', 'SSE-C same key', 'SSE-C new key'),
          fc.boolean(),
          fc.tuple(fc.nat(), fc.nat()),
          async (body, sourceMode, targetMode, inPlace, [pickA, pickB]) => {
            const key = `k-${counter++}`;
            const sourceKey = sseC();
            const targetKey = targetMode === 'SSE-C same key' ? sourceKey : sseC();
            // Random bodies: a scan that finds one found a leak, not a coincidence.
            if (body.length >= 47) plaintexts.push(body);
            if (sourceMode === 'SSE-C') customerKeys.push(sourceKey.raw);
            if (targetMode.startsWith('SSE-C')) customerKeys.push(targetKey.raw);
            await s3.putObject({ Bucket: 'from', Key: key, Body: body, ...(sourceMode === 'SSE-C' ? members(sourceKey) : {}) });
            const target: SseCustomerMembers & { ServerSideEncryption?: string } =
              targetMode === 'default' ? {} : targetMode === 'AES256' ? { ServerSideEncryption: 'AES256' } : members(targetKey);
            const [bucket, destination] = inPlace ? ['from', key] : ['into', `copy-${key}`];
            const copied = await s3.copyObject({
              Bucket: bucket,
              Key: destination,
              CopySource: `from/${key}`,
              // REPLACE makes every in-place copy a change S3 allows.
              ...(inPlace ? { MetadataDirective: 'REPLACE' } : {}),
              ...(sourceMode === 'SSE-C'
                ? {
                    CopySourceSSECustomerAlgorithm: 'AES256',
                    CopySourceSSECustomerKey: sourceKey.SSECustomerKey,
                    CopySourceSSECustomerKeyMD5: sourceKey.SSECustomerKeyMD5,
                  }
                : {}),
              ...target,
            });
            const read = targetMode.startsWith('SSE-C') ? members(targetKey) : {};
            expect(copied.ServerSideEncryption).toBe(targetMode.startsWith('SSE-C') ? undefined : 'AES256');
            const whole = await s3.getObject({ Bucket: bucket, Key: destination, ...read });
            expect(whole.ETag).toBe(copied.CopyObjectResult.ETag);
            expect(Buffer.from(await whole.Body.transformToByteArray()).equals(Buffer.from(body))).toBe(true);
            if (body.length === 0) return;
            const first = pickA % body.length;
            const last = first + (pickB % (body.length - first));
            const ranged = await s3.getObject({ Bucket: bucket, Key: destination, Range: `bytes=${first}-${last}`, ...read });
            expect(Buffer.from(await ranged.Body.transformToByteArray()).equals(Buffer.from(body.subarray(first, last + 1)))).toBe(true);
          },
        ),
        { numRuns: backend.name === 'memory' ? 40 : 25 },
      );
    } finally {
      await s3.close();
    }
    const directory = backend.directory();
    if (directory !== undefined) await assertNoSecretsOnDisk(directory, { plaintexts, customerKeys });
  });
});
