/**
 * @module
 * The file operations a data directory's durability rests on: writing a buffer completely, making
 * a file's data durable and making a directory's entries durable. They go through `FileIo`, so
 * tests can inject failures (a full disk, an I/O error) at exactly these steps.
 */

import { type FileHandle, link, mkdir, open, rename, rm, unlink } from 'node:fs/promises';

/** The file operations a store's durability depends on. */
export interface FileIo {
  /** Writes all of `bytes` at the handle's position (append mode for journals). */
  write(handle: FileHandle, bytes: Uint8Array): Promise<void>;
  /** Makes the handle's written data durable (fdatasync). */
  sync(handle: FileHandle): Promise<void>;
  /**
   * Makes the handle's data and all its metadata durable (fsync), for a new file whose mode must
   * survive a crash too: fdatasync may leave a chmod unwritten. Default: `handle.sync()`.
   */
  syncFile?(handle: FileHandle): Promise<void>;
  /**
   * Cuts the file to `length` bytes and makes that durable (ftruncate, fdatasync): drops what a
   * failed append left past the last durable record. Default: `nodeFileIo.truncate`.
   */
  truncate?(handle: FileHandle, length: number): Promise<void>;
  /**
   * Makes the entries created, renamed or removed in `directory` durable (fsync of the directory).
   * Default: `nodeFileIo.syncDirectory` (`syncDirectory`).
   */
  syncDirectory?(directory: string): Promise<void>;
  /**
   * Closes the handle. A close can report a write-back error the writes and the sync did not
   * (network file systems flush on close), so a durable write treats its failure as the write's.
   * Default: `nodeFileIo.close` (`handle.close()`).
   */
  close?(handle: FileHandle): Promise<void>;
  /**
   * Opens `path` with `flags` (`'wx'`: creates it, failing if it exists), new files with `mode`:
   * ENOSPC when the file system is out of inodes, EMFILE. Default: node's `open`.
   */
  open?(path: string, flags: string, mode?: number): Promise<FileHandle>;
  /**
   * Renames `from` to `to`, replacing `to` atomically (a durable replace's commit point): ENOSPC
   * when the directory must grow. Default: node's `rename`.
   */
  rename?(from: string, to: string): Promise<void>;
  /**
   * Gives the file `existing` the further name `path`, failing with EEXIST if `path` exists (an
   * exclusive create's commit point). Default: node's `link`.
   */
  link?(existing: string, path: string): Promise<void>;
  /** Removes the file `path` (a removal's commit point). Default: node's `unlink`. */
  unlink?(path: string): Promise<void>;
  /** Creates the directory `path` (not its parents) with `mode`. Default: node's `mkdir`. */
  mkdir?(path: string, mode?: number): Promise<void>;
  /**
   * Removes `path` and everything under it; a missing `path` is no error (`rm -rf`): what is left
   * of a removed bucket or upload. Not durable on its own (fsync the parent). Default: node's
   * `rm` with `recursive` and `force`.
   */
  removeTree?(path: string): Promise<void>;
}

/**
 * Writes all of `bytes` at the handle's position: `FileHandle.write` may write fewer bytes than
 * asked, so it loops until everything is written.
 * @throws the file system's error (ENOSPC, EIO, ...).
 * @example await writeAll(handle, new TextEncoder().encode('line\n'));
 */
export async function writeAll(handle: FileHandle, bytes: Uint8Array): Promise<void> {
  let offset = 0;
  while (offset < bytes.length) {
    const { bytesWritten } = await handle.write(bytes, offset, bytes.length - offset);
    offset += bytesWritten;
  }
}

/**
 * fsyncs a directory so the entries created, renamed or removed in it survive a power loss.
 * @throws the file system's error (ENOENT if the directory does not exist).
 * @example await syncDirectory('/var/lib/strongbox');
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
 * Real writes, fdatasync, fsync, directory fsync, opens, renames, links, unlinks, directory
 * creation and tree removal.
 * @example await nodeFileIo.write(handle, bytes); await nodeFileIo.sync(handle);
 */
export const nodeFileIo: FileIo = Object.freeze({
  write: writeAll,
  syncDirectory,
  async sync(handle: FileHandle): Promise<void> {
    await handle.datasync();
  },
  syncFile: (handle: FileHandle): Promise<void> => handle.sync(),
  async truncate(handle: FileHandle, length: number): Promise<void> {
    await handle.truncate(length);
    await handle.datasync();
  },
  close: (handle: FileHandle): Promise<void> => handle.close(),
  open: (path: string, flags: string, mode?: number): Promise<FileHandle> => open(path, flags, mode),
  rename: (from: string, to: string): Promise<void> => rename(from, to),
  link: (existing: string, path: string): Promise<void> => link(existing, path),
  unlink: (path: string): Promise<void> => unlink(path),
  async mkdir(path: string, mode?: number): Promise<void> {
    await mkdir(path, { mode });
  },
  removeTree: (path: string): Promise<void> => rm(path, { recursive: true, force: true }),
});

/**
 * Whether a file-system error means the disk (or the user's quota) is full: a condition that
 * passes, unlike an I/O error, so a store may roll back and carry on.
 * @example isOutOfSpace(Object.assign(new Error('no space'), { code: 'ENOSPC' })) // true
 */
export function isOutOfSpace(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'ENOSPC' || code === 'EDQUOT';
}
