/**
 * @module
 * Durable directory creation. A new directory is an entry in its parent, and POSIX makes an entry
 * durable only once the directory holding it is fsynced (Linux's fsync(2): "Calling fsync() does
 * not necessarily ensure that the entry in the directory containing the file has also reached
 * disk. For that an explicit fsync() on a file descriptor for the directory is also needed."). So
 * a directory made and then filled with durably written files can still vanish, files and all, in
 * a power loss, unless its parent was fsynced after the mkdir and before anything written inside
 * it was acknowledged. Every data directory, and every directory a store makes inside one, is
 * created here, through `FileIo` (so fault injection and a lease's fencing see each step).
 */

import { stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { type FileIo, nodeFileIo } from './file-io.ts';

/** Options of `createDirectoryDurably`. */
export interface DirectoryCreateOptions {
  /**
   * The mkdirs and parent fsyncs go through it (tests inject failures; `fencedFileIo` refuses the
   * mkdirs once its lease is lost). Default: `nodeFileIo`.
   */
  readonly io?: FileIo;
  /** The mode of each directory created (the umask applies). Default: 0700. */
  readonly mode?: number;
  /** Creates missing parents too (each made durable in its own parent), as `mkdir -p`. Default: false. */
  readonly recursive?: boolean;
}

/**
 * Makes sure the directory `path` exists and that its entry is durable: creates it if missing
 * (`io.mkdir`), then fsyncs its parent (`io.syncDirectory`). With `recursive`, each missing
 * level is created the same way, top down, each one's parent fsynced before the next level is
 * made in it, so a crash leaves at most one level whose entry may not be durable: the deepest one
 * made. A later call therefore fsyncs the parent of the deepest level it finds in place: the parent
 * of `path` when `path` exists, and with `recursive`, when it creates levels, the parent of the
 * level they are made in, too. A new directory is never a commit on its own (a store commits by a
 * file written in it, or by a rename), so a failure here is reported as the file system raised
 * it, and the caller must not acknowledge anything inside `path`.
 * @returns whether `path` was created by this call.
 * @throws the file system's error: ENOENT if a parent is missing and `recursive` is not set,
 *   EEXIST if `path` exists but is not a directory, ENOTDIR if a parent is not one, EACCES,
 *   ENOSPC, EIO from an fsync (the directory then exists, not durably: call again); what `io`
 *   throws (the `ServiceError` `LEASE_LOST` from a fenced io once its lease is lost: nothing is
 *   created then).
 * @example
 * ```ts
 * await createDirectoryDurably('/var/lib/strongbox/s3', { recursive: true });
 * await replaceFileDurably('/var/lib/strongbox/s3', 'state.json', bytes); // cannot vanish with its directory
 * ```
 */
export async function createDirectoryDurably(path: string, options: DirectoryCreateOptions = {}): Promise<boolean> {
  const io = options.io ?? nodeFileIo;
  const syncDirectory = io.syncDirectory ?? nodeFileIo.syncDirectory!;
  const parent = dirname(path);
  try {
    await (io.mkdir ?? nodeFileIo.mkdir!)(path, options.mode ?? 0o700);
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    if (code === 'ENOENT' && options.recursive === true && parent !== path) {
      await createDirectoryDurably(parent, options);
      // Not recursive again: a parent removed in between is an error, not a loop.
      return createDirectoryDurably(path, { ...options, recursive: false });
    }
    // Made by someone else meanwhile, or long ago; a file (or a link to one) under the name is no directory.
    if (code !== 'EEXIST' || !(await isDirectory(path))) throw error;
    await syncDirectory(parent);
    return false;
  }
  // The level made in `parent` is the top of what `recursive` creates: `parent` was in place
  // already, possibly the deepest level of an earlier call that crashed before its fsync.
  const grandparent = dirname(parent);
  if (options.recursive === true && grandparent !== parent) await syncDirectory(grandparent);
  await syncDirectory(parent);
  return true;
}

async function isDirectory(path: string): Promise<boolean> {
  return stat(path).then(
    (found) => found.isDirectory(),
    () => false,
  );
}
