/**
 * @module
 * Streaming a blob durably: written under its final (fresh, random) name, fsynced, and its
 * directory fsynced, before anything names it. The other durability steps (`syncDirectory`,
 * `replaceFileDurably`, the directory lock) are the service kernel's (`@strongbox/service-kernel`).
 */

import { join } from 'node:path';
import { type FileIo, nodeFileIo } from '@strongbox/service-kernel';
import { assertChunk } from '../support.ts';
import type { BodySource } from '../types.ts';

/**
 * Streams `body` into a new file `path` (which must not exist), then fsyncs it and its directory,
 * each step through `io` (tests inject failures there). Chunks are written as they arrive, so
 * memory stays at one chunk whatever the size. A failed write's file is removed through
 * `removal`: the data directory store's lease-fenced io, so a holder that lost its lease removes
 * nothing (the file is then an orphan, removed by the next open).
 * @returns the number of bytes written.
 * @throws the body's or the file system's error (a failed close or directory fsync included),
 *   after removing the file (best effort).
 * @example const size = await writeStreamDurably(blobs, blobId, [new Uint8Array([1, 2, 3])]);
 */
export async function writeStreamDurably(
  directory: string,
  name: string,
  body: BodySource,
  io: FileIo = nodeFileIo,
  removal: Pick<FileIo, 'unlink'> = io,
): Promise<number> {
  const path = join(directory, name);
  const handle = await (io.open ?? nodeFileIo.open!)(path, 'wx', 0o600);
  const close = io.close ?? nodeFileIo.close!;
  let size = 0;
  try {
    try {
      for await (const chunk of body) {
        const bytes = assertChunk(chunk);
        await io.write(handle, bytes);
        size += bytes.length;
      }
      await io.sync(handle);
    } catch (error) {
      await close(handle).catch(() => undefined);
      throw error;
    }
    // A close can report a write-back the sync did not: the blob is then not known whole.
    await close(handle);
    await (io.syncDirectory ?? nodeFileIo.syncDirectory!)(directory);
  } catch (error) {
    // Nothing names the blob yet, so removing it changes nothing; a full disk gets its space back
    // now rather than at the next open (which would remove it as an orphan). The write's own
    // error is the one to report: a refused removal (LEASE_LOST) leaves the orphan for that open.
    await unlinkThrough(removal)(path).catch(() => undefined);
    throw error;
  }
  return size;
}

/**
 * `io`'s unlink, or the kernel's own where `io` has none (an injected io may leave it out).
 * @example await unlinkThrough(removal)(join(directory, name));
 */
export function unlinkThrough(io: Pick<FileIo, 'unlink'>): (path: string) => Promise<void> {
  return io.unlink ?? nodeFileIo.unlink!;
}
