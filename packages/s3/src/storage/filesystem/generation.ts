/**
 * @module
 * The takeover fence of a data directory: every open starts a generation. What the lease checks
 * cannot exclude (the service kernel's `lease.ts`) is a step already past its first check when the
 * process was paused: it completes when the process resumes. So the directory holding every
 * bucket is renamed, in one step, from `gen-<n>` to `gen-<n+1>` before anything is loaded, and
 * every path the store writes goes through it. A previous holder's late step (a manifest's rename,
 * an unlink, a bucket directory's removal, a new bucket) then finds its paths gone and fails,
 * instead of replacing or removing what the new holder acknowledged, or naming a blob the new
 * holder removed as an orphan (which would stop the next open). Only a blob file it had already
 * opened can still receive bytes: an orphan, removed at the next open. Every open, not only a
 * takeover, as KMS's generation leap (the lease epoch alone does not tell a takeover).
 */

import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { createDirectoryDurably, type FileIo, nodeFileIo, TEMPORARY_MARK } from '@strongbox/service-kernel';
import { bucketFromDirectoryName, DELETED_MARK, generationDirectoryName, generationFromDirectoryName } from './layout.ts';

/**
 * Starts this holder's generation before anything is read: the generation directory, which holds
 * every bucket, is renamed to the next number (or the first is made), so every path a previous
 * holder may still use (paused past its lease, its directory taken over) stops existing, and its
 * late steps fail (ENOENT) instead of landing in this holder's files. One rename, whatever the
 * number of buckets. Buckets of a directory from before generations (directly in the root) and
 * what a crash left of them are moved in. Every step goes through `io` (the store's lease-fenced
 * one: an opener that lost its lease before a step renames and creates nothing).
 * @returns the new generation directory.
 * @throws Error if the root holds more than one generation (no open leaves two); what `io`
 *   throws (the `ServiceError` `LEASE_LOST` once the lease is lost).
 * @example const base = await startGeneration(directory, fencedFileIo(nodeFileIo, lease));
 */
export async function startGeneration(root: string, io: FileIo = nodeFileIo): Promise<string> {
  const rename = io.rename ?? nodeFileIo.rename!;
  const syncDirectory = io.syncDirectory ?? nodeFileIo.syncDirectory!;
  const names = await readdir(root);
  const generations = names.flatMap((name) => generationFromDirectoryName(name) ?? []);
  if (generations.length > 1) {
    throw new Error(`The data directory ${root} holds several generations (${generations.map(generationDirectoryName).join(', ')}); it is damaged.`);
  }
  const previous = generations[0];
  const next = join(root, generationDirectoryName((previous ?? 0) + 1));
  if (previous === undefined) await createDirectoryDurably(next, { io });
  else await rename(join(root, generationDirectoryName(previous)), next);
  for (const name of names) {
    if (bucketFromDirectoryName(name) !== undefined || name.includes(TEMPORARY_MARK) || name.startsWith(DELETED_MARK)) {
      await rename(join(root, name), join(next, name));
    }
  }
  await syncDirectory(next);
  await syncDirectory(root);
  return next;
}
