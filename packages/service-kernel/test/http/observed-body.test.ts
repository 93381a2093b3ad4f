/**
 * `ObservedBody`: a body's pass-through checks as observers of one pass. Each observer sees every
 * chunk in order; end checks run in the order observers were added (a chain of stages' order,
 * innermost first), the first failure failing the body before it ends; a failing chunk closes the
 * source; a body handed on to a longer list of observers cannot be read a second time.
 */

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type BodyObserver, ObservedBody } from '../../src/index.ts';

async function* streamed(chunks: readonly Uint8Array[]): AsyncGenerator<Uint8Array> {
  yield* chunks;
}

async function read(body: AsyncIterable<Uint8Array>): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  for await (const chunk of body) out.push(chunk);
  return out;
}

/** An observer recording what it saw into `log` under `name`; `fail` makes a step throw. */
function recorder(log: string[], name: string, fail: { update?: number; end?: 'sync' | 'async' } = {}): BodyObserver {
  let seen = 0;
  return {
    update(chunk) {
      log.push(`${name}:update:${chunk.length}`);
      if (fail.update === seen++) throw new Error(`${name} refused chunk ${seen - 1}`);
    },
    end() {
      log.push(`${name}:end`);
      if (fail.end === 'sync') throw new Error(`${name} refused the end`);
      if (fail.end === 'async') return Promise.reject(new Error(`${name} refused the end`));
      return undefined;
    },
  };
}

const chunksArbitrary = fc.array(fc.uint8Array({ maxLength: 64 }), { maxLength: 8 });

describe('ObservedBody', () => {
  it('passes every chunk on unchanged, each observer seeing each chunk in order, held or streamed', async () => {
    await fc.assert(
      fc.asyncProperty(chunksArbitrary, fc.integer({ min: 0, max: 3 }), fc.boolean(), async (chunks, observers, held) => {
        const seen: Uint8Array[][] = Array.from({ length: observers }, () => []);
        let body = held ? ObservedBody.of(chunks) : ObservedBody.observe(streamed(chunks), { update: () => undefined });
        for (let index = 0; index < observers; index++) body = ObservedBody.observe(body, { update: (chunk) => void seen[index]?.push(chunk) });
        expect(await read(body)).toEqual(chunks);
        for (const list of seen) expect(list).toEqual(chunks);
      }),
    );
  });

  it('runs end checks in the order observers were added; the first failure fails the body and later checks do not run', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom<'ok' | 'sync' | 'async'>('ok', 'sync', 'async'), { minLength: 1, maxLength: 4 }),
        fc.boolean(),
        async (ends, held) => {
          const log: string[] = [];
          const chunks = [new Uint8Array(3)];
          let body = held ? ObservedBody.of(chunks) : ObservedBody.observe(streamed(chunks), { update: () => undefined });
          ends.forEach((end, index) => {
            body = ObservedBody.observe(body, recorder(log, `o${index}`, end === 'ok' ? {} : { end }));
          });
          const failing = ends.findIndex((end) => end !== 'ok');
          if (failing < 0) await expect(read(body)).resolves.toEqual(chunks);
          else await expect(read(body)).rejects.toThrow(`o${failing} refused the end`);
          const lastEnd = failing < 0 ? ends.length - 1 : failing;
          expect(log.filter((entry) => entry.endsWith(':end'))).toEqual(Array.from({ length: lastEnd + 1 }, (_, index) => `o${index}:end`));
        },
      ),
    );
  });

  it('fails at a chunk an observer refuses: later observers do not see it, the source is closed, nothing after it passes', async () => {
    const log: string[] = [];
    let closed = false;
    async function* source(): AsyncGenerator<Uint8Array> {
      try {
        yield new Uint8Array(1);
        yield new Uint8Array(2);
        yield new Uint8Array(3);
      } finally {
        closed = true;
      }
    }
    const body = ObservedBody.observe(ObservedBody.observe(source(), recorder(log, 'a', { update: 1 })), recorder(log, 'b'));
    const passed: number[] = [];
    await expect(
      (async () => {
        for await (const chunk of body) passed.push(chunk.length);
      })(),
    ).rejects.toThrow('a refused chunk 1');
    expect(passed).toEqual([1]);
    expect(log).toEqual(['a:update:1', 'b:update:1', 'a:update:2']);
    expect(closed).toBe(true);
  });

  it('passes a source failure on as it is, with no end check run', async () => {
    const log: string[] = [];
    async function* failing(): AsyncGenerator<Uint8Array> {
      yield new Uint8Array(1);
      throw new Error('the socket closed');
    }
    await expect(read(ObservedBody.observe(failing(), recorder(log, 'a')))).rejects.toThrow('the socket closed');
    expect(log).toEqual(['a:update:1']);
  });

  it('closes the source when the reader stops early (return)', async () => {
    let closed = false;
    async function* source(): AsyncGenerator<Uint8Array> {
      try {
        yield new Uint8Array(1);
        yield new Uint8Array(2);
      } finally {
        closed = true;
      }
    }
    for await (const _ of ObservedBody.observe(source(), { update: () => undefined })) break;
    expect(closed).toBe(true);
  });

  it('reads chunks held whole with no observers as often as asked', async () => {
    const body = ObservedBody.of([new Uint8Array(1), new Uint8Array(2)]);
    expect(await read(body)).toEqual(await read(body));
    const empty = ObservedBody.of([]);
    expect([await read(empty), await read(empty)]).toEqual([[], []]);
  });

  it('refuses to be read twice once observed, or after a body observing more took its place', async () => {
    const body = ObservedBody.of([new Uint8Array(1)]);
    const extended = ObservedBody.observe(body, { update: () => undefined });
    expect(() => body[Symbol.asyncIterator]()).toThrow(TypeError);
    expect(() => ObservedBody.observe(body, { update: () => undefined })).toThrow(TypeError);
    await read(extended);
    expect(() => extended[Symbol.asyncIterator]()).toThrow('the body has already been read');
    const streamedOnce = ObservedBody.observe(streamed([new Uint8Array(1)]), { update: () => undefined });
    await read(streamedOnce);
    expect(() => streamedOnce[Symbol.asyncIterator]()).toThrow('the body has already been read');
  });

  it('reads any iterable of chunks (a sync generator) as a stream', async () => {
    function* chunks(): Generator<Uint8Array> {
      yield new Uint8Array(4);
      yield new Uint8Array(5);
    }
    const sizes: number[] = [];
    const body = ObservedBody.observe(chunks(), { update: (chunk) => void sizes.push(chunk.length) });
    expect((await read(body)).map((chunk) => chunk.length)).toEqual([4, 5]);
    expect(sizes).toEqual([4, 5]);
  });

  it('says a body handed on to another observer was handed on, when it is read', () => {
    const original = ObservedBody.of([new Uint8Array([1])]);
    ObservedBody.observe(original, { update: () => undefined });
    expect(() => original[Symbol.asyncIterator]()).toThrow('the body was handed on to another observer');
    expect(() => ObservedBody.observe(original, { update: () => undefined })).toThrow('the body was handed on to another observer');
  });

  it('fails with the observer’s error when closing the source fails too, as a for await stage does', async () => {
    const source: AsyncIterable<Uint8Array> = {
      [Symbol.asyncIterator]: () => ({
        next: async () => ({ done: false, value: new Uint8Array([1]) }),
        return: async () => {
          throw new Error('closing failed');
        },
      }),
    };
    const failing = {
      update: (): void => {
        throw new TypeError('the observer’s error');
      },
    };
    // The stage it replaced: a `for await` whose body throws keeps its own error (IteratorClose).
    async function* stage(): AsyncGenerator<Uint8Array> {
      for await (const chunk of source) {
        failing.update();
        yield chunk;
      }
    }
    await expect(stage().next()).rejects.toThrow('the observer’s error');
    await expect(ObservedBody.observe(source, failing)[Symbol.asyncIterator]().next()).rejects.toThrow('the observer’s error');
  });
});
