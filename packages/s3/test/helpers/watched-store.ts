/**
 * A memory `ObjectStore` a test watches, for the suites of the object-tag condition keys
 * (`operations/object-tag-conditions.*.sdk.test.ts`, `object-tagging.sdk.test.ts`): every call's
 * method name is recorded, and the `headObject` of an armed key (authorization's read of the
 * object's tags) is followed, once, by `swap(key)` (another writer's overwrite) before its caller
 * hears the answer. So a test puts an overwrite between the tag read and the handler's own read of
 * the object without timers, or counts the reads a request makes.
 */

import { CreateBucketCommand, type S3Client } from '@aws-sdk/client-s3';
import { createMemoryObjectStore, type ObjectStore } from '../../src/index.ts';
import { inProcessClient, type WireEngine, wireEngine } from './wire.ts';

/** The bucket `watchedEngine` creates. */
export const WATCHED_BUCKET = 'data';

/** A watched store (see the module). */
export interface WatchedStore {
  readonly store: ObjectStore;
  /** The names of the methods called, in order; a test empties it to count one request's. */
  readonly calls: string[];
  /** Arms `keys`: the next `headObject` of each is followed by `swap`. */
  arm(...keys: string[]): void;
  /** Disarms every key whose `headObject` has not come yet. */
  disarm(): void;
}

/** A watched store and an engine on it, with an SDK client as the bucket's owner. */
export interface WatchedEngine extends WatchedStore {
  readonly engine: WireEngine;
  readonly client: S3Client;
  /** Destroys the client, closes the engine, then the store (a store the caller made stays the caller's to close). */
  close(): Promise<void>;
}

/**
 * A fresh memory store, watched: `swap` runs after the `headObject` of each armed key.
 * @example const { store, arm } = await watchedStore((key) => overwrite(key)); arm('doc');
 */
export async function watchedStore(swap: (key: string) => Promise<void> = async () => {}): Promise<WatchedStore> {
  const memory = await createMemoryObjectStore();
  const calls: string[] = [];
  const armed = new Set<string>();
  const store = new Proxy(memory, {
    get: (target, name) => {
      const member = target[name as keyof ObjectStore];
      if (typeof member !== 'function') return member;
      return (...args: unknown[]) => {
        calls.push(String(name));
        const result = (member as (...args: unknown[]) => unknown).apply(target, args);
        const key = args[1];
        if (name !== 'headObject' || typeof key !== 'string' || !armed.delete(key)) return result;
        return (result as Promise<unknown>).then(async (answer) => {
          await swap(key);
          return answer;
        });
      };
    },
  });
  return {
    store,
    calls,
    arm: (...keys) => {
      for (const key of keys) armed.add(key);
    },
    disarm: () => armed.clear(),
  };
}

/**
 * An engine on a fresh watched store, its owner's in-process SDK client, and the bucket
 * `WATCHED_BUCKET`; `swap` gets the client.
 * @example const { client, arm, close } = await watchedEngine((c, key) => c.send(new PutObjectCommand(...)));
 */
export async function watchedEngine(swap: (client: S3Client, key: string) => Promise<unknown> = async () => {}): Promise<WatchedEngine> {
  let client: S3Client | undefined;
  const watched = await watchedStore(async (key) => {
    if (client !== undefined) await swap(client, key);
  });
  const engine = wireEngine({ engine: { storage: watched.store } });
  const owner = inProcessClient(engine.handler);
  client = owner;
  const close = async (): Promise<void> => {
    owner.destroy();
    await engine.close();
    await watched.store.close();
  };
  try {
    await owner.send(new CreateBucketCommand({ Bucket: WATCHED_BUCKET }));
  } catch (error) {
    await close();
    throw error;
  }
  return { ...watched, engine, client: owner, close };
}
