/**
 * @module
 * Durable file creation and replacement. POSIX makes a file's data durable only after fsync, and
 * a directory entry (a create, rename or unlink) only after the directory itself is fsynced;
 * rename(2) replaces a name atomically and link(2) creates one exclusively. So a file is written
 * under a temporary name, fsynced, moved into place and its directory fsynced: after a crash the
 * name holds either the old content or the whole new one, never a part.
 */

import { randomBytes } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { ServiceError, type ServiceErrorOf } from '../errors.ts';
import { type FileIo, nodeFileIo, syncDirectory } from './file-io.ts';

/** Marks the temporary files of `replaceFileDurably`; anything carrying it is garbage at open. */
export const TEMPORARY_MARK = '.tmp-';

/**
 * The `ServiceError` `NOT_DURABLE`: a change to a directory's entries (a replace's rename) took
 * effect, but making it durable (the directory fsync after it) failed: every later read sees the
 * change, yet a crash may still undo it. So the caller must treat the change as made, not roll
 * back as after a failure before it: deleting what the new file names, or keeping in memory what
 * the old one said, would disagree with the files now and, if the change survives, after a
 * restart. Its `detail.path` is the path the change is in place at, its `cause` the file system's
 * error.
 *
 * @example
 * ```ts
 * try {
 *   await replaceFileDurably(directory, 'object.json', bytes);
 * } catch (error) {
 *   if (!isServiceError(error, 'NOT_DURABLE')) await deleteBlob(); // nothing names it
 *   throw error;
 * }
 * ```
 */
function notDurable(path: string, cause: unknown): ServiceErrorOf<'NOT_DURABLE'> {
  const message = `${path} was changed, but the change could not be made durable (${(cause as Error | null)?.message ?? String(cause)}); a crash may undo it`;
  return new ServiceError('NOT_DURABLE', message, [], { cause, detail: { path } }) as ServiceErrorOf<'NOT_DURABLE'>;
}

/**
 * fsyncs `directory` after a change of its entries that already took effect at `path` (a rename,
 * an unlink, a link), through `io.syncDirectory`.
 * @throws ServiceError `NOT_DURABLE`, with the file system's error as its cause, if the fsync
 *   fails: the change stays in place.
 * @example
 * ```ts
 * await unlink(join(objects, 'k.json'));
 * await syncDirectoryAfter(objects, join(objects, 'k.json')); // ServiceError NOT_DURABLE: the file is gone all the same
 * ```
 */
export async function syncDirectoryAfter(directory: string, path: string, io: FileIo = nodeFileIo): Promise<void> {
  try {
    await (io.syncDirectory ?? syncDirectory)(directory);
  } catch (error) {
    throw notDurable(path, error);
  }
}

/** Options of `replaceFileWith`. */
export interface ReplaceOptions {
  /**
   * The writes, the file sync and the directory fsync go through it (tests inject failures).
   * Default: `nodeFileIo`.
   */
  readonly io?: FileIo;
  /**
   * A fixed temporary name, for a service whose recovery recognises its own temporaries (KMS's
   * `snapshot-<gen>.sbx.tmp`); a leftover of a crash under it is overwritten. Default:
   * `name.tmp-<random>` (see `TEMPORARY_MARK`), created exclusively.
   */
  readonly temporaryName?: string;
}

/**
 * Atomically replaces `directory/name` with what `write` writes: a temporary file (mode 0600),
 * `write(handle, io)`, `io.sync`, rename over `name`, `io.syncDirectory`. For files written in
 * pieces (a snapshot streamed record by record); `replaceFileDurably` is the one-buffer form.
 * @throws ServiceError `NOT_DURABLE` when the directory fsync after the rename fails: `name` then
 *   holds the new content (a crash may bring the old one back) and no temporary file is left; otherwise
 *   what `write` or the file system throws (the close of the temporary file included: it can
 *   report a lost write-back), and `name` then still holds its old content and the temporary file
 *   is removed.
 * @example
 * ```ts
 * await replaceFileWith(directory, 'snapshot-00000002.sbx', async (handle, io) => {
 *   for (const record of records) await io.write(handle, record);
 * }, { temporaryName: 'snapshot-00000002.sbx.tmp' });
 * ```
 */
export async function replaceFileWith(
  directory: string,
  name: string,
  write: (handle: FileHandle, io: FileIo) => Promise<void>,
  options: ReplaceOptions = {},
): Promise<void> {
  const io = options.io ?? nodeFileIo;
  // Through `io` too, so a fenced one refuses it once the lease is lost (the temporary then stays
  // for the next open to remove): a fixed `temporaryName` may be the new holder's file by then.
  const unlink = io.unlink ?? nodeFileIo.unlink!;
  const temporary = join(directory, options.temporaryName ?? `${name}${TEMPORARY_MARK}${randomBytes(6).toString('hex')}`);
  const handle = await (io.open ?? nodeFileIo.open!)(temporary, options.temporaryName === undefined ? 'wx' : 'w', 0o600);
  try {
    await closeAfter(handle, io, async () => {
      await write(handle, io);
      await io.sync(handle);
    });
  } catch (error) {
    // A full disk must get its space back: the caller carries on without this file.
    await unlink(temporary).catch(() => undefined);
    throw error;
  }
  try {
    await (io.rename ?? nodeFileIo.rename!)(temporary, join(directory, name));
  } catch (error) {
    await unlink(temporary).catch(() => undefined);
    throw error;
  }
  // Past the rename nothing can be rolled back: the name holds the new content from here on.
  await syncDirectoryAfter(directory, join(directory, name), io);
}

/**
 * Atomically replaces `directory/name` with `bytes`: a temporary file `name.tmp-<random>` (mode
 * 0600), fsync, rename over `name`, directory fsync (each through `io`).
 * @throws ServiceError `NOT_DURABLE` when the directory fsync after the rename fails (`name` then holds
 *   `bytes`, see `replaceFileWith`); otherwise the file system's error, and `name` then still
 *   holds its old content and the temporary file is removed.
 * @example await replaceFileDurably(bucketDirectory, 'bucket.json', new TextEncoder().encode('{}'));
 */
export async function replaceFileDurably(directory: string, name: string, bytes: Uint8Array, io: FileIo = nodeFileIo): Promise<void> {
  await replaceFileWith(directory, name, (handle, writer) => writer.write(handle, bytes), { io });
}

/** How `createFileExclusivelyDurably` moves the written file into place, and through what. */
export interface ExclusiveCreateOptions {
  /**
   * `'create'` (default): link(2) the temporary file to `path`, which fails with EEXIST if `path`
   * exists, so a name is never overwritten. `'replace'`: rename(2) over `path` (for a file the
   * caller knows to be a crash's leftover, such as a truncated key).
   */
  readonly mode?: 'create' | 'replace';
  /**
   * Every step goes through it: the removals, the open, the write, the fsync (`syncFile`), the
   * close, the link or rename, and the directory fsync (tests inject failures; a lease fences
   * them, `fencedFileIo`). Default: `nodeFileIo`.
   */
  readonly io?: FileIo;
}

/**
 * Creates the file `path` holding `bytes`, owner-only (0600), appearing only complete: writes
 * `path.tmp` (removing a leftover of an earlier crash first), chmods it to 0600 (the umask can
 * only clear bits, never add them), fsyncs it, links it to `path` (or renames it, see `mode`),
 * and fsyncs the directory, each step through `options.io`. For secrets such as root keys; the
 * caller holds the directory lock, since `path.tmp` is a fixed name.
 * @throws ServiceError `NOT_DURABLE` when the last step, the directory fsync, fails: `path` then
 *   holds `bytes` and every later read sees them, but a crash may undo it (as `replaceFileWith`).
 *   Otherwise the file system's error (EEXIST if `path` exists in `'create'` mode; a failed close
 *   too, which can report a lost write-back), and `path` is then untouched and `path.tmp` removed
 *   (best effort: if that removal fails too, the next call removes it before anything else).
 * @example await createFileExclusivelyDurably('/var/lib/strongbox/root.key', keyText);
 */
export async function createFileExclusivelyDurably(path: string, bytes: Uint8Array, options: ExclusiveCreateOptions = {}): Promise<void> {
  const io = options.io ?? nodeFileIo;
  const unlink = io.unlink ?? nodeFileIo.unlink!;
  const temporary = `${path}.tmp`;
  // A leftover of a crash between the write and the link: never used, so never needed.
  await unlink(temporary).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'ENOENT') throw error;
  });
  const handle = await (io.open ?? nodeFileIo.open!)(temporary, 'wx', 0o600);
  try {
    await closeAfter(handle, io, async () => {
      await handle.chmod(0o600);
      await io.write(handle, bytes);
      // fsync, not `io.sync` (fdatasync): the mode the chmod set must be durable too.
      await (io.syncFile ?? nodeFileIo.syncFile!)(handle);
    });
  } catch (error) {
    // A secret half written, or whole but unconfirmed: no copy of it stays behind.
    await unlink(temporary).catch(() => undefined);
    throw error;
  }
  const create = (options.mode ?? 'create') === 'create';
  try {
    await (create ? (io.link ?? nodeFileIo.link!) : (io.rename ?? nodeFileIo.rename!))(temporary, path);
  } catch (error) {
    await unlink(temporary).catch(() => undefined);
    throw error;
  }
  // `path` is in place from here on, so a failure now must not read as "not created". A second
  // name of the same owner-only file left behind is what a crash between the link and this
  // unlink leaves too; the next call (or the store's open) removes it.
  if (create) await unlink(temporary).catch(() => undefined);
  await syncDirectoryAfter(dirname(path), path, io);
}

/**
 * Runs `steps` on `handle` and closes it through `io.close`, whether `steps` fail or not; the
 * first failure is thrown, a failed close's too (it can report a write-back the sync did not).
 */
async function closeAfter(handle: FileHandle, io: FileIo, steps: () => Promise<void>): Promise<void> {
  const close = io.close ?? nodeFileIo.close!;
  try {
    await steps();
  } catch (error) {
    await close(handle).catch(() => undefined);
    throw error;
  }
  await close(handle);
}
