/** What an object store holds for a key, read back whole through its reader. */

import type { ObjectStore } from '../../src/index.ts';

/**
 * The bytes `store` holds for `bucket`/`key`, read whole through its reader, which is closed after.
 * @throws Error when the store holds no such object; the reader's own error when reading fails.
 */
export async function storedBytes(store: ObjectStore, bucket: string, key: string): Promise<number[]> {
  const reader = await store.openObject(bucket, key);
  if (reader === undefined) throw new Error(`no object ${key}`);
  try {
    return [...(await reader.read(0, reader.info.size))];
  } finally {
    await reader.close();
  }
}
