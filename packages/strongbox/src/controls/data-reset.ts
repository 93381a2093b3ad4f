/**
 * @module
 * A durable reset of a data directory: after `resetDataDirectory` resolves, no crash can bring the
 * old keys, buckets, objects or trail back. A marker file is made durable first, then every entry
 * of the directory that is Strongbox's state is removed and the removals fsynced, then the marker goes.
 * A crash in between leaves the marker, and the next `finishInterruptedReset` (run by
 * `openEndpoint` before it opens any store; the controlled endpoint reads the clock only after
 * that, once the store holds the lease) removes the rest: the reset is all or nothing as far as
 * anyone opening the directory can tell.
 *
 * The marker is `reset-pending-<n>`, `n` the KMS store's numbering floor once the reset raised it
 * (the highest number of its files, or the floor, when the reset began), under its lock. Every
 * open of the KMS store writes a snapshot past that (two past the floor, or past the generation it
 * recovers: `@strongbox/kms` `directory-store.ts`; compaction writes the next one before removing
 * the last), so a marker outnumbered by a generation (a snapshot, its temporary, a journal) is one
 * a store opened after: a reset stopped across a takeover (its lease check passed before the
 * pause) whose late step created the marker in the new holder's directory. Such a marker is
 * removed, not obeyed: the new holder finished (or never saw) that reset at its start, and what it
 * wrote since stays. A crash leaves no generation above it, so an interrupted reset's marker is
 * obeyed. Audit files are not compared (nor the floor a reset raises past them): a previous
 * holder stopped across a takeover can create its audit log's next file late (a snapshot or
 * journal of its only at its own generation + 1 at most, which the new holder's open leapt past),
 * numbered past a marker made before the new holder's first audit event. A late marker in a
 * directory with no generation (a finished reset, before a store opened again) is obeyed on a
 * directory with no state left: it removes nothing a store wrote. `reset-pending`,
 * the previous layout's marker, is obeyed as it was (its `.tmp`, a marker never put in place, is state).
 *
 * Removed: only what Strongbox writes (`data-files.ts`: the KMS store's files, `s3/` and their
 * temporaries); a file someone else put in the directory stays. The clock's files are replaced by
 * one of offset 0 numbered past them (`clock-file.ts` `startClockFile`), so their numbering never
 * goes back either.
 *
 * Kept: `tls/` (the HTTPS listener's certificate, which clients may have been told to trust), the
 * data directory's format marker (`strongbox.json`: the empty directory is still of this format),
 * the lock, the marker itself, and the KMS store's numbering floor (`number-floor-<n>`, raised first to
 * the highest number of the files removed: the next store numbers its files past them, so a
 * previous holder still alive, paused past its lease, cannot remove or write a file of the new
 * state under a name it knew from the old one), and for the same reason the S3 store's generation
 * directory, emptied (`s3/gen-<n>`: its next open goes on to `gen-<n+1>`).
 *
 * The directory's lock (the KMS store's `lock`, the one every store of the directory is opened
 * under) is held while anything is removed: the stores closed and released it, and another process
 * (a second `strongbox serve --data` on the same directory) may have taken it since; then the reset
 * fails with the store's LOCKED error and removes nothing of that process's live state. The lock is
 * a lease like a store's, and every step that changes the directory goes through the same
 * lease-fenced file layer (`fencedFileIo`): a reset paused past its lease, whose directory another
 * process took over meanwhile, stops with `LEASE_LOST` (`resetLost`) before its next removal instead
 * of removing the new holder's files (the S3 store's root keys keep their names across holders).
 * With an S3 upstream, the sealed bytes in the upstream bucket are left there (their keys and
 * metadata, in `s3/`, are gone, so no object refers to them).
 */

import { readdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { highestGenerationNumber, isNumberFloorFile, KmsError, raiseNumberFloor } from '@strongbox/kms';
import { emptyDataDirectory } from '@strongbox/s3';
import {
  acquireDirectoryLease,
  type FileIo,
  fencedFileIo,
  isServiceError,
  nodeFileIo,
  ServiceError,
  type ServiceErrorOf,
  syncDirectoryAfter,
} from '@strongbox/service-kernel';
import { CLOCK_FILE, CLOCK_FILE_NUMBERED, FORMAT_FILE, isStrongboxEntry, RESET_MARKER, RESET_MARKER_NUMBERED, TLS_DIRECTORY } from '../data-files.ts';
import { startClockFile } from './clock-file.ts';

export { RESET_MARKER } from '../data-files.ts';

/** The marker of a reset begun when `number` was the highest of the KMS store's file numbers. */
export function resetMarkerName(number: number): string {
  return `${RESET_MARKER}-${number}`;
}

/** The S3 store's data directory (`endpoint.ts`). */
const S3_DIRECTORY = 's3';

/** The directory lock's file, the KMS store's (`@strongbox/kms` `persistence/directory-lock.ts`). */
const LOCK_FILE = 'lock';

/** Strongbox's entries a reset leaves in place. */
const KEPT: ReadonlySet<string> = new Set([RESET_MARKER, FORMAT_FILE, TLS_DIRECTORY, LOCK_FILE]);

/** Whether `entry` is a reset's marker, of this layout or the previous one. */
function isMarker(entry: string): boolean {
  return entry === RESET_MARKER || RESET_MARKER_NUMBERED.test(entry);
}

/** Whether `entry` is one of the clock's files (`clock-file.ts`), which a reset replaces. */
function isClockFile(entry: string): boolean {
  return entry === CLOCK_FILE || CLOCK_FILE_NUMBERED.test(entry);
}

/** Whether a reset removes `entry`: Strongbox's state, never a file Strongbox did not write. */
function isResetState(entry: string): boolean {
  return isStrongboxEntry(entry) && !KEPT.has(entry) && !isMarker(entry) && !isClockFile(entry) && !isNumberFloorFile(entry);
}

/**
 * Empties `directory` of its state, durably, under its lock (see the module documentation). The
 * stores using it must be closed first.
 * @param io - the file layer, fenced by the reset's lease (a test's, to play a takeover).
 * @throws KmsError LOCKED when another process (or a store of this one) holds the directory:
 *   nothing is removed then. ServiceError LEASE_LOST when another process took the directory over
 *   during the reset (`resetLost`): nothing more is removed. A process that took it over through
 *   `openEndpoint` finished the reset as it did (`finishInterruptedReset` runs before its stores
 *   open), so nothing of the old state is left; if this reset's marker appears only after that
 *   process opened its stores (the reset stopped between the marker's lease check and its
 *   creation), the store's files outnumber the marker, and the next `finishInterruptedReset`
 *   removes it and nothing else. The file system's error otherwise; the marker then stays, and
 *   the next open finishes the reset.
 * @example await resetDataDirectory('/var/lib/strongbox');
 */
export async function resetDataDirectory(directory: string, io: FileIo = nodeFileIo): Promise<void> {
  await underLock(directory, io, async (fenced) => {
    // The number every later open of the KMS store numbers a file past (see the module).
    const number = await raiseNumberFloor(directory, await readdir(directory), fenced);
    await createMarker(join(directory, resetMarkerName(number)), fenced);
    await clear(directory, fenced);
  });
}

/**
 * Creates the marker durably, in place: opened (created, or an interrupted reset's cut back),
 * written, fsynced, then the directory fsynced, each step through `io`. Its name is what counts,
 * not its text (`markers`: a crash or a lost lease before the text is written leaves a marker
 * all the same), so it needs no temporary file; one under a fixed name would stay behind when the
 * lease is lost before it is renamed, since the fenced layer then refuses its removal (rightly: by
 * then the name may be the new holder's file).
 */
async function createMarker(path: string, io: FileIo): Promise<void> {
  const directory = dirname(path);
  const handle = await (io.open ?? nodeFileIo.open!)(path, 'w', 0o600);
  const close = io.close ?? nodeFileIo.close!;
  try {
    await io.write(handle, new TextEncoder().encode('a reset of this directory is in progress\n'));
    await (io.syncFile ?? nodeFileIo.syncFile!)(handle);
  } catch (error) {
    await close(handle).catch(() => undefined);
    throw error;
  }
  // A failed close can report a lost write-back; the marker's text is not needed, but the failure is the disk's.
  await close(handle);
  await syncDirectoryAfter(directory, path, io);
}

/**
 * Finishes a reset a crash interrupted, under the directory's lock: whether there was one. A
 * marker a store's file outnumbers (see the module) is removed instead, and nothing else.
 * @param io - the file layer, fenced by the lease (a test's, to play a takeover).
 * @throws KmsError LOCKED when another process holds the directory (nothing is removed);
 *   ServiceError LEASE_LOST when another process took it over meanwhile (`resetLost`: nothing
 *   more is removed); the file system's error.
 * @example if (await finishInterruptedReset(directory)) console.error('finished an interrupted reset');
 */
export async function finishInterruptedReset(directory: string, io: FileIo = nodeFileIo): Promise<boolean> {
  if ((await markers(directory)).length === 0) return false;
  let finished = false;
  await underLock(directory, io, async (fenced) => {
    // Another process may have finished it between the look and the lock.
    const entries = await readdir(directory);
    const found = entries.filter(isMarker);
    if (found.length === 0) return;
    // Generations only (see the module): a store's open writes a snapshot past the marker, a
    // crash leaves none. Not audit files, which a previous holder stopped across a takeover can
    // create late, numbered past a marker the new holder made before its first audit event; nor
    // the floor, which `clear` raises to such a file's number before it removes it.
    const opened = highestGenerationNumber(entries);
    const obeyed = found.some((entry) => entry === RESET_MARKER || Number(RESET_MARKER_NUMBERED.exec(entry)?.[1]) >= opened);
    if (obeyed) {
      await clear(directory, fenced);
      finished = true;
      return;
    }
    // Made late, after a store opened: that holder's state stays.
    const unlink = fenced.unlink ?? nodeFileIo.unlink!;
    for (const entry of found) await unlink(join(directory, entry));
    await (fenced.syncDirectory ?? nodeFileIo.syncDirectory!)(directory);
  });
  return finished;
}

/** The reset markers in `directory` (none when it does not exist). */
async function markers(directory: string): Promise<string[]> {
  try {
    return (await readdir(directory)).filter(isMarker);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'ENOTDIR') return [];
    throw error;
  }
}

/**
 * Runs `step` holding the directory's lease, with `io` fenced by it, or throws KmsError LOCKED
 * without running it; a lease lost during `step` is thrown as `resetLost` says.
 */
async function underLock(directory: string, io: FileIo, step: (fenced: FileIo) => Promise<void>): Promise<void> {
  let lease: Awaited<ReturnType<typeof acquireDirectoryLease>>;
  try {
    lease = await acquireDirectoryLease(directory, LOCK_FILE);
  } catch (error) {
    if (isServiceError(error, 'DIRECTORY_LOCKED')) throw new KmsError('LOCKED', `the reset removed nothing: ${error.message}`);
    throw error;
  }
  try {
    await step(fencedFileIo(io, lease));
  } catch (error) {
    if (isServiceError(error, 'LEASE_LOST')) throw resetLost(error);
    throw error;
  } finally {
    await lease.release();
  }
}

/**
 * The kernel's `LEASE_LOST` (same code and detail, the store's as its cause) in a reset's words:
 * the store's message speaks of the calls this process refuses, which a reset (at start-up, or
 * the admin API's) has none of. One line: which directory, that the reset stopped partway, and
 * who holds the directory now.
 */
function resetLost(error: ServiceErrorOf<'LEASE_LOST'>): ServiceErrorOf<'LEASE_LOST'> {
  const { directory, path, epoch, successor } = error.detail;
  const stopped = `the reset of the data directory ${directory} stopped partway`;
  const message =
    successor.kind === 'removed'
      ? `${stopped}: its lock ${path} was removed while the reset held it (lease epoch ${epoch}); nothing more was removed`
      : `${stopped}: ${successor.pid === undefined ? 'another process' : `process ${successor.pid}`} took the directory over (lease epoch ${successor.epoch}) after the reset's lease (epoch ${epoch}) lapsed, and holds it now; nothing more was removed`;
  return new ServiceError('LEASE_LOST', message, [], { detail: error.detail, cause: error }) as ServiceErrorOf<'LEASE_LOST'>;
}

async function clear(directory: string, io: FileIo): Promise<void> {
  const removeTree = io.removeTree ?? nodeFileIo.removeTree!;
  const unlink = io.unlink ?? nodeFileIo.unlink!;
  const syncDirectory = io.syncDirectory ?? nodeFileIo.syncDirectory!;
  const entries = await readdir(directory);
  // Before anything is removed: the KMS store's next open numbers its files past every one
  // removed here, so a holder stopped across a takeover and this reset can never name them.
  await raiseNumberFloor(directory, entries, io);
  // The clock back to its base, numbered past every clock file (which it removes).
  if (entries.some(isClockFile)) await startClockFile(directory, 0, io);
  for (const entry of entries) {
    if (!isResetState(entry)) continue;
    // The S3 store's generation directory is kept, emptied, for the same reason as the floor.
    if (entry === S3_DIRECTORY) await emptyDataDirectory(join(directory, entry), io);
    else await removeTree(join(directory, entry));
  }
  await syncDirectory(directory);
  // Every marker in place (this reset's, and an interrupted one's this reset finishes).
  for (const entry of await readdir(directory)) if (isMarker(entry)) await unlink(join(directory, entry));
  await syncDirectory(directory);
}
