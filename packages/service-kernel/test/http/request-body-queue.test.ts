/**
 * The request body reader's queue (`nodeStreamingRequest`): while the handler stays behind the
 * client, taken chunks must not keep their slots for the rest of the body.
 */

import type { IncomingMessage } from 'node:http';
import { PassThrough } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { __TESTS } from '../../src/http/request-body.ts';
import { nodeStreamingRequest } from '../../src/index.ts';

/** A stand-in for a request with a body: a stream with the head's members. */
function incoming(): PassThrough & IncomingMessage {
  const stream = new PassThrough() as PassThrough & IncomingMessage;
  Object.assign(stream, { method: 'PUT', url: '/b/k', headers: { 'content-length': '1' }, socket: { remoteAddress: '127.0.0.1' } });
  return stream;
}

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Chunk `index` of a body: 1 KiB that says which chunk it is. */
function chunkOf(index: number): Buffer {
  const chunk = Buffer.alloc(1024, index % 251);
  chunk.writeUInt32BE(index);
  return chunk;
}

/**
 * Streams `count` chunks while the handler keeps `lagOf(i)` chunks behind the client (at least
 * one, so the queue never empties), checking each chunk's place; returns the most slots the
 * queue array had.
 */
async function streamBehind(count: number, lagOf: (index: number) => number): Promise<number> {
  const source = incoming();
  const body = nodeStreamingRequest(source).body[Symbol.asyncIterator]();
  let read = 0;
  let mostSlots = 0;
  const take = async (): Promise<void> => {
    const result = await body.next();
    expect(result.done).toBe(false);
    expect(Buffer.from(result.value as Uint8Array).equals(chunkOf(read))).toBe(true);
    read++;
    mostSlots = Math.max(mostSlots, __TESTS.queueSlots(body));
  };
  for (let written = 0; written < count; ) {
    source.write(chunkOf(written++));
    await turn();
    while (written - read > lagOf(written)) await take();
  }
  source.end();
  while (read < count) await take();
  expect((await body.next()).done).toBe(true);
  return mostSlots;
}

describe('nodeStreamingRequest body queue', () => {
  it('a handler steadily a few chunks behind: the queue keeps a bounded number of slots over 20,000 chunks', async () => {
    const mostSlots = await streamBehind(20_000, () => 8);
    // At most twice the chunks waiting plus the compaction threshold (1024), never one per chunk.
    expect(mostSlots).toBeLessThanOrEqual(2 * 9 + 1024);
  });

  it('whatever the lag (past the 64 KiB read-ahead too, so the request pauses), chunks arrive in order and the queue stays bounded (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 1, max: 100 }), { minLength: 1, maxLength: 8 }), async (lags) => {
        // Each lag holds for 400 chunks: 3,200 chunks at most, past the compaction threshold.
        const mostSlots = await streamBehind(lags.length * 400, (index) => lags[Math.min(lags.length - 1, Math.floor(index / 400))]!);
        expect(mostSlots).toBeLessThanOrEqual(2 * 101 + 1024);
      }),
      { numRuns: 8 },
    );
  });
});
