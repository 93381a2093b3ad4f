/**
 * @module
 * Streaming a blob durably: written under its final (fresh, random) name, fsynced, and its
 * directory fsynced, before anything names it. The other durability steps (`syncDirectory`,
 * `replaceFileDurably`, the directory lock) are the service kernel's (`@strongbox/service-kernel`).
 */

import { open, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { syncDirectory, writeAll } from '@strongbox/service-kernel';
import { assertChunk } from '../support.ts';
import type { BodySource } from '../types.ts';

/**
 * Streams `body` into a new file `path` (which must not exist), then fsyncs it and its directory.
 * Chunks are written as they arrive, so memory stays at one chunk whatever the size.
 * @returns the number of bytes written.
 * @throws the body's or the file system's error, after removing the partial file.
 * @example const size = await writeStreamDurably(blobs, blobId, [new Uint8Array([1, 2, 3])]);
 */
export async function writeStreamDurably(directory: string, name: string, body: BodySource): Promise<number> {
  const path = join(directory, name);
  const handle = await open(path, 'wx', 0o600);
  let size = 0;
  try {
    for await (const chunk of body) {
      const bytes = assertChunk(chunk);
      await writeAll(handle, bytes);
      size += bytes.length;
    }
    await handle.datasync();
  } catch (error) {
    await handle.close();
    // A partial blob is named by nothing and would be removed at the next open anyway.
    await unlink(path).catch(() => undefined);
    throw error;
  }
  await handle.close();
  await syncDirectory(directory);
  return size;
}
