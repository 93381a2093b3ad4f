/**
 * @module
 * Emptying a data directory for a reset (`strongbox`'s `controls/data-reset.ts`) without
 * restarting its generation numbering. The generation directory is the takeover fence
 * (`generation.ts`): a previous holder still alive (paused past its lease) reaches its files only
 * through `gen-<n>`, and every open renames it to the next number. Removed whole, the next open
 * would start at `gen-1` again, and after as many restarts as the old holder's number it would
 * hand that holder's paths back to the new state: a late unlink of an object manifest, whose
 * lease check passed before the pause, would remove the new holder's object of the same bucket
 * and key. So the highest generation directory is emptied and kept: the next open goes on from it.
 *
 * An entry that is not a real directory (a file, or a symbolic link) is removed whole, never
 * listed or followed, as the reset removed `s3` before generations were kept: listing a file
 * would fail (ENOTDIR) after the reset's marker is durable, and every later start, finishing the
 * reset, would fail the same way; following a link would remove files outside the data
 * directory, which a reset never does (only the link is Strongbox's). The generation number such
 * an entry carried (the name of a `gen-<n>` entry, or the highest `gen-<n>` a linked root lists,
 * read only) is kept by an empty real directory of that number in its place: a previous holder's
 * paths go through the link's name, so the numbering must still go on past it.
 */

import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { createDirectoryDurably, type FileIo, nodeFileIo } from '@strongbox/service-kernel';
import { generationDirectoryName, generationFromDirectoryName } from './layout.ts';

/**
 * Removes every bucket, object, upload and blob of the data directory `directory` (its store
 * closed, under the caller's lock), and the lock, but keeps its highest generation directory,
 * empty, so the next open numbers its generation past every one before (see the module). The
 * removals are durable when it resolves (each emptied directory fsynced). A directory without a
 * generation directory is removed whole (its parent is the caller's to fsync); a missing one is
 * left missing. A file or a symbolic link, at `directory` or at its highest generation, is removed
 * as such, never followed; a generation it carried is kept by an empty directory (see the module).
 * @throws the file system's error (the directory then is partly emptied: call again).
 * @example await emptyDataDirectory('/var/lib/strongbox/s3');
 */
export async function emptyDataDirectory(directory: string, io: FileIo = nodeFileIo): Promise<void> {
  const removeTree = io.removeTree ?? nodeFileIo.removeTree!;
  const syncDirectory = io.syncDirectory ?? nodeFileIo.syncDirectory!;
  let root: Awaited<ReturnType<typeof lstat>>;
  try {
    root = await lstat(directory);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  if (!root.isDirectory()) {
    // Read only, through a link that lists: the number to go on from. A file carries none.
    const kept = root.isSymbolicLink() ? highestGeneration(await readdir(directory).catch(() => [])) : undefined;
    await removeTree(directory);
    if (kept !== undefined) {
      // The parent's fsync is the caller's, as for a root removed whole.
      await createDirectoryDurably(directory, { io });
      await createDirectoryDurably(join(directory, generationDirectoryName(kept)), { io });
    }
    return;
  }
  const names = await readdir(directory);
  const kept = highestGeneration(names);
  if (kept === undefined) {
    // Nothing numbered to go on from: removed whole (the caller fsyncs its parent).
    await removeTree(directory);
    return;
  }
  for (const name of names) {
    if (generationFromDirectoryName(name) === kept) await emptyGeneration(join(directory, name), io);
    else await removeTree(join(directory, name));
  }
  await syncDirectory(directory);
}

/** The highest generation among the entry names `names`, if any. */
function highestGeneration(names: readonly string[]): number | undefined {
  const generations = names.flatMap((name) => generationFromDirectoryName(name) ?? []);
  return generations.length === 0 ? undefined : Math.max(...generations);
}

/** Empties the kept generation `path`; a file or link there is replaced by an empty directory (its parent is the caller's to fsync). */
async function emptyGeneration(path: string, io: FileIo): Promise<void> {
  const removeTree = io.removeTree ?? nodeFileIo.removeTree!;
  if (!(await lstat(path)).isDirectory()) {
    await removeTree(path);
    await (io.mkdir ?? nodeFileIo.mkdir!)(path, 0o700);
    return;
  }
  for (const inner of await readdir(path)) await removeTree(join(path, inner));
  await (io.syncDirectory ?? nodeFileIo.syncDirectory!)(path);
}
