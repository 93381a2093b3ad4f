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
 *
 * The parent is often not Strongbox's (the parent of `--data` is the user's directory), and some
 * parents cannot be fsynced by this process at all: opening a directory for fsync needs read
 * permission (a 0711 or 0733 parent refuses with EACCES), and some file systems take no directory
 * fsync (EINVAL or ENOTSUP on squashfs, vboxsf, some FUSE and network file systems; EROFS on a
 * read-only one). There Strongbox cannot do better than the file system does without that fsync,
 * and refusing would only turn away a directory that worked before, so those errors are best
 * effort: a warning, once per parent, and the call goes on. An error of the fsync itself (EIO,
 * ENOSPC, anything else) still fails the call: the entry may not be durable, and a retry can fix it.
 */

import { stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ServiceError } from '../errors.ts';
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
 * level they are made in, too. A parent this process cannot fsync at all (EACCES, EPERM, EINVAL,
 * ENOTSUP, EROFS from `io.syncDirectory`: an unreadable parent, a file system without directory
 * fsync) is skipped, whether `path` was created or found, with one `process.emitWarning` (code
 * `STRONGBOX_DIRECTORY_FSYNC`) per parent and process: the entry is then as durable as the file
 * system makes it on its own, which is all that can be had there. A new directory is never a commit on its own (a store commits by a
 * file written in it, or by a rename), so a failure here is reported as the file system raised
 * it, and the caller must not acknowledge anything inside `path`.
 * @returns whether `path` was created by this call.
 * @throws the file system's error: ENOENT if a parent is missing and `recursive` is not set,
 *   EEXIST if `path` exists but is not a directory, ENOTDIR if a parent is not one, EACCES
 *   from a mkdir; ENOSPC, EIO or any other error of a parent's fsync but the best-effort ones
 *   above (the directory then exists, not durably: call again); what `io`
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
    await syncParent(syncDirectory, parent);
    return false;
  }
  // The level made in `parent` is the top of what `recursive` creates: `parent` was in place
  // already, possibly the deepest level of an earlier call that crashed before its fsync.
  const grandparent = dirname(parent);
  if (options.recursive === true && grandparent !== parent) await syncParent(syncDirectory, grandparent);
  await syncParent(syncDirectory, parent);
  return true;
}

/**
 * What `syncDirectory` raises when this process cannot fsync the directory at all, rather than
 * when the fsync failed: no read permission to open it (EACCES, EPERM), no directory fsync on its
 * file system (EINVAL, ENOTSUP; Linux's EOPNOTSUPP is the same number), a read-only one (EROFS).
 */
const CANNOT_SYNC: ReadonlySet<string> = new Set(['EACCES', 'EPERM', 'EINVAL', 'ENOTSUP', 'EOPNOTSUPP', 'EROFS']);

/** The parents already warned about in this process: one line each, not one per open. */
const warnedParents = new Set<string>();

/**
 * Fsyncs `directory` after garbage was unlinked from it (an old generation's files, expired audit
 * files), where the commit that made it garbage is durable already. An fsync error then means only
 * that the removals may not be durable: a crash may bring the garbage back, and the next open
 * removes it again (the stores' recovery removes what is not current, and fsyncs strictly). So,
 * as for the parents `createDirectoryDurably` cannot fsync, it does not fail the acknowledged
 * write: a directory this process cannot fsync at all (EACCES, EPERM, EINVAL, ENOTSUP, EROFS)
 * gets the same one warning per directory and process, and any other error (EIO, ENOSPC) a
 * `process.emitWarning` each time (code `STRONGBOX_DIRECTORY_FSYNC`): never swallowed, and a
 * later fsync of the directory (the next rotation's, the next open's) makes the removals durable
 * with it. What `io` throws that is no file-system error (the `ServiceError` `LEASE_LOST` of an
 * injected or fenced io) is rethrown: the caller must stop.
 * @throws what `io.syncDirectory` throws that has no errno `code` (`LEASE_LOST`).
 * @example
 * ```ts
 * await io.unlink!(join(directory, 'journal-00000003.sbx'));
 * await syncDirectoryAfterRemoval(directory, io); // warns, never fails, on EIO
 * ```
 */
export async function syncDirectoryAfterRemoval(directory: string, io: FileIo = nodeFileIo): Promise<void> {
  try {
    await (io.syncDirectory ?? nodeFileIo.syncDirectory!)(directory);
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    // Only the file system's own errors (an errno code) are the removals' business.
    if (error instanceof ServiceError || typeof code !== 'string' || !/^E[A-Z0-9]+$/.test(code)) throw error;
    if (CANNOT_SYNC.has(code)) {
      warnCannotSync(directory, code);
      return;
    }
    process.emitWarning(
      `The fsync of the directory ${directory} after removing files no longer used failed (${code}); they may come back after a crash, and are removed again at the next start.`,
      { code: 'STRONGBOX_DIRECTORY_FSYNC' },
    );
  }
}

/** Fsyncs `directory`; one this process cannot fsync at all is skipped with a warning (see the module). */
async function syncParent(syncDirectory: (path: string) => Promise<void>, directory: string): Promise<void> {
  try {
    await syncDirectory(directory);
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    if (typeof code !== 'string' || !CANNOT_SYNC.has(code)) throw error;
    warnCannotSync(directory, code);
  }
}

/** Warns, once per directory and process, that `directory` cannot be fsynced at all. */
function warnCannotSync(directory: string, code: string): void {
  if (warnedParents.has(directory)) return;
  warnedParents.add(directory);
  process.emitWarning(
    `Cannot fsync the directory ${directory} (${code}); what Strongbox creates or removes in it is as durable as its file system makes it without that fsync.`,
    { code: 'STRONGBOX_DIRECTORY_FSYNC' },
  );
}

async function isDirectory(path: string): Promise<boolean> {
  return stat(path).then(
    (found) => found.isDirectory(),
    () => false,
  );
}
