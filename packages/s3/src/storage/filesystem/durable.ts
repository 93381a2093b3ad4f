/**
 * @module
 * The file-system steps durability rests on. POSIX makes a file's data durable only after fsync,
 * and a directory entry (a create, rename or unlink) only after the directory itself is fsynced;
 * rename(2) replaces a name atomically. So a small file is replaced by writing a temporary file,
 * fsyncing it, renaming it over the old name and fsyncing the directory, and a streamed blob is
 * written under its final (fresh, random) name, fsynced, and its directory fsynced, before
 * anything names it.
 */

import { randomBytes } from 'node:crypto';
import { open, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { assertChunk } from '../support.ts';
import type { BodySource } from '../types.ts';

/** Suffix of temporary files; anything carrying it is garbage at open. */
export const TEMPORARY_MARK = '.tmp-';

/**
 * fsyncs a directory so entries created, renamed or removed in it survive a power loss.
 * @throws the file system's error.
 */
export async function syncDirectory(directory: string): Promise<void> {
  // Windows cannot open a directory for syncing (and NTFS journals its metadata itself).
  if (process.platform === 'win32') return;
  const handle = await open(directory, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Atomically replaces `directory/name` with `bytes`: temporary file, fsync, rename, directory fsync.
 * @throws the file system's error; the old content is then unchanged.
 */
export async function replaceFileDurably(directory: string, name: string, bytes: Uint8Array): Promise<void> {
  const temporary = join(directory, `${name}${TEMPORARY_MARK}${randomBytes(6).toString('hex')}`);
  const handle = await open(temporary, 'wx', 0o600);
  try {
    await writeAll(handle, bytes);
    await handle.datasync();
  } catch (error) {
    await handle.close();
    await unlink(temporary).catch(() => undefined);
    throw error;
  }
  await handle.close();
  try {
    await rename(temporary, join(directory, name));
  } catch (error) {
    await unlink(temporary).catch(() => undefined);
    throw error;
  }
  await syncDirectory(directory);
}

/**
 * Streams `body` into a new file `path` (which must not exist), then fsyncs it and its directory.
 * Chunks are written as they arrive, so memory stays at one chunk whatever the size.
 * @returns the number of bytes written.
 * @throws the body's or the file system's error, after removing the partial file.
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

async function writeAll(handle: import('node:fs/promises').FileHandle, bytes: Uint8Array): Promise<void> {
  let offset = 0;
  while (offset < bytes.length) {
    const { bytesWritten } = await handle.write(bytes, offset, bytes.length - offset);
    offset += bytesWritten;
  }
}
