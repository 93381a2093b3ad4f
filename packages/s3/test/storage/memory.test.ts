import { describe, expect, it } from 'vitest';
import { createMemoryObjectStore, handOver, type ObjectStore, type StreamOptions } from '../../src/index.ts';
import { runObjectStoreConformance } from './conformance.ts';

runObjectStoreConformance('memory', async (environment) => ({ store: await createMemoryObjectStore(environment) }), 60);

describe('memory store: chunk ownership', () => {
  const bytes = (...values: number[]) => new Uint8Array(values);

  async function stored(store: ObjectStore, key: string, options?: StreamOptions): Promise<Uint8Array[]> {
    const reader = await store.openObject('own', key);
    if (reader === undefined) throw new Error(`no object ${key}`);
    try {
      const chunks: Uint8Array[] = [];
      for await (const chunk of reader.stream(0, reader.info.size, options)) chunks.push(chunk);
      return chunks;
    } finally {
      await reader.close();
    }
  }

  it("copies a body's chunks, so the caller reusing its buffer changes nothing stored", async () => {
    const store = await createMemoryObjectStore();
    await store.createBucket('own', {});
    const chunk = bytes(1, 2, 3);
    await store.putObject('own', 'copied', [chunk], {});
    chunk.fill(9);
    expect(await stored(store, 'copied')).toEqual([bytes(1, 2, 3)]);
  });

  it("keeps a handed-over body's chunks as they are (no copy)", async () => {
    const store = await createMemoryObjectStore();
    await store.createBucket('own', {});
    const chunk = bytes(4, 5, 6);
    await store.putObject(
      'own',
      'kept',
      handOver(
        (async function* () {
          yield chunk;
        })(),
      ),
      {},
    );
    const [view] = await stored(store, 'kept', { readOnly: true });
    expect(view?.buffer).toBe(chunk.buffer);
  });

  it('streams copies unless the consumer is read-only: writing into a chunk never changes the object', async () => {
    const store = await createMemoryObjectStore();
    await store.createBucket('own', {});
    await store.putObject('own', 'k', [bytes(7, 8, 9)], {});
    const [copy] = await stored(store, 'k');
    copy?.fill(0);
    const [view] = await stored(store, 'k', { readOnly: true });
    expect(view).toEqual(bytes(7, 8, 9));
    const [again] = await stored(store, 'k', { readOnly: true });
    expect(again?.buffer).toBe(view?.buffer);
  });
});
