/**
 * The request body reader of the node:http edge (`nodeStreamingRequest`): every byte in order,
 * back-pressure on the request when the handler reads slower than the client sends, and failures
 * of the request surfacing in the handler's iteration.
 */

import type { IncomingMessage } from 'node:http';
import { PassThrough } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nodeStreamingRequest } from '../../src/index.ts';

/** A stand-in for a request with a body: a stream with the head's members. */
function incoming(): PassThrough & IncomingMessage {
  const stream = new PassThrough() as PassThrough & IncomingMessage;
  Object.assign(stream, { method: 'PUT', url: '/b/k', headers: { 'content-length': '1' }, socket: { remoteAddress: '127.0.0.1' } });
  return stream;
}

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('nodeStreamingRequest body', () => {
  it('hands over every chunk in order, however sending and reading interleave (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.record({ size: fc.integer({ min: 1, max: 40_000 }), readFirst: fc.boolean() }), { maxLength: 12 }), async (plan) => {
        const source = incoming();
        const body = nodeStreamingRequest(source).body[Symbol.asyncIterator]();
        const sent: Buffer[] = [];
        const received: Uint8Array[] = [];
        const pending: Promise<IteratorResult<Uint8Array>>[] = [];
        for (const [index, { size, readFirst }] of plan.entries()) {
          if (readFirst) pending.push(body.next());
          const chunk = Buffer.alloc(size, index + 1);
          sent.push(chunk);
          source.write(chunk);
          await turn();
        }
        source.end();
        for (;;) {
          const result = await (pending.shift() ?? body.next());
          if (result.done) break;
          received.push(result.value);
        }
        expect(Buffer.concat(received).equals(Buffer.concat(sent))).toBe(true);
      }),
      { numRuns: 40 },
    );
  });

  it('answers next() calls made before any chunk arrived in order, and each with its own chunk', async () => {
    const source = incoming();
    const body = nodeStreamingRequest(source).body[Symbol.asyncIterator]();
    const first = body.next();
    const second = body.next();
    const third = body.next();
    source.write(Buffer.from('one'));
    source.end(Buffer.from('two'));
    expect([(await first).value, (await second).value].map((chunk) => Buffer.from(chunk as Uint8Array).toString())).toEqual(['one', 'two']);
    expect((await third).done).toBe(true);
  });

  it('pauses the request while the handler is behind by 64 KiB or more, and resumes it as the handler catches up', async () => {
    const source = incoming();
    const body = nodeStreamingRequest(source).body[Symbol.asyncIterator]();
    const first = body.next();
    for (let i = 0; i < 6; i++) source.write(Buffer.alloc(16 * 1024, i));
    await turn();
    expect(Buffer.from((await first).value as Uint8Array).equals(Buffer.alloc(16 * 1024, 0))).toBe(true);
    expect(source.isPaused()).toBe(true);
    await body.next();
    await body.next();
    expect(source.isPaused()).toBe(false);
    source.end();
    let rest = 0;
    for (let result = await body.next(); !result.done; result = await body.next()) rest += result.value.length;
    expect(rest).toBe(3 * 16 * 1024);
  });

  it('fails the iteration when the request fails part-way (the chunks before still arrive)', async () => {
    const source = incoming();
    const body = nodeStreamingRequest(source).body;
    source.write(Buffer.from('abc'));
    await turn();
    const seen: string[] = [];
    const reading = (async () => {
      for await (const chunk of body) {
        seen.push(Buffer.from(chunk).toString());
        source.destroy(new Error('connection reset'));
      }
    })();
    await expect(reading).rejects.toThrow('connection reset');
    expect(seen).toEqual(['abc']);
  });

  it('fails the iteration when the request closes before its body ended', async () => {
    const source = incoming();
    const body = nodeStreamingRequest(source).body[Symbol.asyncIterator]();
    const waiting = body.next();
    source.destroy();
    await expect(waiting).rejects.toThrow('the request closed before its body ended');
  });

  it('fails at once when the request was destroyed before the handler began to read (a client that sent a short body and closed)', async () => {
    const source = incoming();
    source.on('error', () => undefined); // node:http's own request emits no 'error' without a listener
    source.destroy(new Error('socket hang up'));
    await turn();
    await expect(nodeStreamingRequest(source).body[Symbol.asyncIterator]().next()).rejects.toThrow('socket hang up');
  });

  it('ends at once when the request body was read to its end before', async () => {
    const source = incoming();
    source.end(Buffer.from('done'));
    source.resume();
    await new Promise((resolve) => source.once('end', resolve));
    expect((await nodeStreamingRequest(source).body[Symbol.asyncIterator]().next()).done).toBe(true);
  });

  it('a handler that returns early detaches from the request without destroying it', async () => {
    const source = incoming();
    const body = nodeStreamingRequest(source).body;
    source.write(Buffer.from('first'));
    for await (const _chunk of body) break;
    expect(source.destroyed).toBe(false);
    expect(source.listenerCount('data')).toBe(0);
    expect(source.listenerCount('end')).toBe(0);
  });
});
