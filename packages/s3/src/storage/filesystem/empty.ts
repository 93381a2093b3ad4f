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
 */

import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { type FileIo, nodeFileIo } from '@strongbox/service-kernel';
import { generationFromDirectoryName } from './layout.ts';

/**
 * Removes every bucket, object, upload and blob of the data directory `directory` (its store
 * closed, under the caller's lock), and the lock, but keeps its highest generation directory,
 * empty, so the next open numbers its generation past every one before (see the module). The
 * removals are durable when it resolves (each emptied directory fsynced). A directory without a
 * generation directory is removed whole (its parent is the caller's to fsync); a missing one is
 * left missing.
 * @throws the file system's error (the directory then is partly emptied: call again).
 * @example await emptyDataDirectory('/var/lib/strongbox/s3');
 */
export async function emptyDataDirectory(directory: string, io: FileIo = nodeFileIo): Promise<void> {
  let names: string[];
  try {
    names = await readdir(directory);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  const removeTree = io.removeTree ?? nodeFileIo.removeTree!;
  const syncDirectory = io.syncDirectory ?? nodeFileIo.syncDirectory!;
  const generations = names.flatMap((name) => generationFromDirectoryName(name) ?? []);
  if (generations.length === 0) {
    // Nothing numbered to go on from: removed whole (the caller fsyncs its parent).
    await removeTree(directory);
    return;
  }
  const kept = Math.max(...generations);
  for (const name of names) {
    if (generationFromDirectoryName(name) === kept) {
      const generation = join(directory, name);
      for (const inner of await readdir(generation)) await removeTree(join(generation, inner));
      await syncDirectory(generation);
    } else {
      await removeTree(join(directory, name));
    }
  }
  await syncDirectory(directory);
}
