/**
 * @module
 * A `ChangeStore` on a data directory: state survives restarts and crashes. Layout:
 *
 * ```
 * root.key                 base64 root key (only when none is passed in; mode 0600)
 * lock                     pid of the process using the directory
 * snapshot-<gen>.sbx       the whole state at the start of generation <gen>
 * journal-<gen>.sbx        changes committed since that snapshot, appended in commit order
 * ```
 *
 * This module opens the directory: it takes the lock, resolves the root key (`root-key.ts`),
 * recovers the state (`recovery.ts`), opens the audit log (`audit-log.ts`) and the journal
 * (`journal.ts`), and hands them to the store's writer (`group-commit.ts`), which applies and
 * persists every commit. Every record is sealed under the root key (`codec.ts`).
 *
 * The directory lock is a lease (the service kernel's `acquireDirectoryLease`): every journal,
 * snapshot and audit write, and every rename, unlink, truncation and open for writing of those
 * files (the open's removal of leftovers and cuts of torn tails included: an opener paused past its
 * lease must not act on a listing that is stale by then), first confirms it (`fencedFileIo`); only
 * reads and fsyncs, which change nothing, skip it. A commit is acknowledged only
 * after the lease is confirmed again once its record is durable. Once another process has taken
 * the directory over (this one was paused past its lease), nothing more is written: the changes
 * not yet acknowledged are rolled back in memory as on a full disk and fail with
 * `KMSInternalException`, and so does every later call, reads and cryptographic operations
 * included (`refusal`, `whenDurable`): the new holder may have changed any key since, so this
 * process's state is stale, and the audit events of its calls could not be written any more.
 * `onError` hears `LEASE_LOST` once (from the write that found it, or from the renewal, whichever
 * comes first); the process should then stop. Every open that recovers state starts a new
 * generation at once, two past the one it recovered (a snapshot, a new journal, the old files
 * deleted), so a write of a previous holder that is still alive (paused past its lease, its
 * directory taken over) lands in a file no longer read, never between this holder's records; the
 * generation skipped is the one the old holder's own racing snapshot would take. Its audit log
 * likewise starts a new file two past the newest (`audit-log.ts`). After a data reset, which removes every numbered file, the
 * directory's numbering floor (`number-floor.ts`) keeps the next open's numbers past the removed
 * ones, so the names of an old holder stopped across the reset stay out of use too. Every open, not only one that took a stale lock over (a lease epoch
 * above 1): an opener can also find no lock at all while the old holder lives (deleted by hand,
 * or between another opener's removal of the stale lock and its create), and starts at epoch 1.
 */

import { readdir } from 'node:fs/promises';
import type { Backend } from '@strongbox/envelope';
import { createDirectoryDurably, type DirectoryLockOptions, fencedFileIo } from '@strongbox/service-kernel';
import { KmsState } from '../model/state.ts';
import { AuditLog } from './audit-log.ts';
import { RecordSealer } from './codec.ts';
import { acquireLock } from './directory-lock.ts';
import type { DirectoryStore } from './directory-store-contract.ts';
import { classifyFiles, type FileIo, journalName, nodeFileIo, pathIn, snapshotName, syncDirectory, unlessLeaseLost } from './files.ts';
import { DataDirectoryStore } from './group-commit.ts';
import { Journal, openJournal } from './journal.ts';
import { readNumberFloor } from './number-floor.ts';
import { type Recovered, recover } from './recovery.ts';
import { removeRootKeyLeftover, resolveRootKey } from './root-key.ts';
import { writeSnapshot } from './snapshot.ts';

/** Options of {@link openDirectoryStore}. */
export interface DirectoryStoreOptions {
  /** The data directory; created (mode 0700) if missing. */
  readonly directory: string;
  /** 32-byte root key; default `STRONGBOX_ROOT_KEY`, else `<directory>/root.key` (see `root-key.ts`). */
  readonly rootKey?: Uint8Array;
  /**
   * Journal size in bytes past which the state is snapshotted and a new journal started. Default:
   * 4 MiB or the last snapshot's size, whichever is larger (so compaction stays linear overall).
   */
  readonly snapshotThresholdBytes?: number;
  /**
   * Told about write failures: a `KmsError` `WRITE_FAILED` once, when the store stops (it then
   * refuses all commits), `LEASE_LOST` once, when another process took the directory over (the
   * store refuses every call from then on, reads included: stop the process), or `DISK_FULL` when a full disk first refuses a write
   * after the last successful one (the store rolls back and carries on).
   */
  readonly onError?: (error: Error) => void;
  /** Crypto backend for sealing; default the platform's. */
  readonly backend?: Backend;
  /**
   * The file steps: writes, syncs, opens, renames, links, unlinks, truncations, the data
   * directory's creation and every directory fsync; for fault-injection tests only.
   */
  readonly io?: FileIo;
  /** Size past which a new audit file starts (`audit-log.ts`). Default 4 MiB. */
  readonly auditFileBytes?: number;
  /** The lease's clock and renewal schedule; for tests only (default: `Date.now`, every 3 s). */
  readonly lease?: Pick<DirectoryLockOptions, 'now' | 'scheduleRenewal'>;
}

/**
 * Opens (or creates) a data directory, recovers its state, and returns a store whose `state` is
 * the recovered state.
 *
 * @throws KmsError INVALID_ROOT_KEY, INSECURE_ROOT_KEY, MISSING_ROOT_KEY, WRONG_ROOT_KEY, CORRUPT
 *   or LOCKED (see `errors.ts`); the service kernel's ServiceError `NOT_DURABLE` (a directory
 *   fsync failed after `root.key` or the open's snapshot was put in place) or `LEASE_LOST`
 *   (another process took the directory over during the open); file-system errors as Node raises
 *   them.
 * @example
 * ```ts
 * const store = await openDirectoryStore({ directory: './kms-data' });
 * const kms = new Kms({ store });
 * // ...
 * await kms.close();
 * ```
 */
export async function openDirectoryStore(options: DirectoryStoreOptions): Promise<DirectoryStore> {
  const { directory } = options;
  if (typeof directory !== 'string' || directory === '') throw new TypeError(`"directory" expected a non-empty path, got ${JSON.stringify(directory)}`);
  const threshold = options.snapshotThresholdBytes;
  if (threshold !== undefined && !(Number.isSafeInteger(threshold) && threshold >= 0)) {
    throw new RangeError(`"snapshotThresholdBytes" expected a non-negative integer, got ${threshold}`);
  }
  // Durably (its parent fsynced), or every file acknowledged in it could vanish with its entry.
  // Before the lock, which lives in it: so through the plain io, unfenced.
  await createDirectoryDurably(directory, { recursive: true, io: options.io ?? nodeFileIo });
  // The store exists only once recovery is done; a loss found earlier fails the open's own writes.
  let store: DataDirectoryStore | undefined;
  const lease = await acquireLock(directory, { ...options.lease, onLost: (error) => store?.leaseLost(error) });
  let sealer: RecordSealer | undefined;
  try {
    const files = classifyFiles(await readdir(directory));
    const hasState = files.snapshots.length > 0 || files.journals.length > 0;
    // Audit files are sealed under the root key too: a directory that holds only those gets no
    // fresh key either, and its truncated root.key is no crash's leftover.
    const sealed = hasState || files.audits.length > 0;
    const io = fencedFileIo(options.io ?? nodeFileIo, lease);
    const rootKey = await resolveRootKey(directory, options.rootKey, sealed, io);
    sealer = new RecordSealer(rootKey.key, options.backend);
    rootKey.key.fill(0);
    // Recovery proves the key against the state (WRONG_ROOT_KEY), the audit log's open against
    // every audit record (CORRUPT): both before anything is written under the key.
    const fromFiles = hasState ? await recover(directory, files, sealer, io) : undefined;
    // Past every number the directory had before a reset (`number-floor.ts`), as a leap is past
    // the generation it recovers: two past, the one between being an old holder's racing snapshot's.
    const floor = await readNumberFloor(directory);
    const after = floor === undefined ? 0 : floor + 1;
    const audit = await AuditLog.open(directory, files.audits, sealer, io, options.auditFileBytes, { newFile: true, after });
    let recovered: Recovered;
    if (fromFiles !== undefined) {
      // One snapshot per start, whoever held the directory before (see the module comment).
      recovered = await leapGeneration(directory, fromFiles, sealer, io, after);
    } else {
      // First start (or a crash during the first start, or the first after a reset): the empty
      // state as snapshot 1 (or two past the floor), so a directory always proves which root key
      // it belongs to.
      const unlink = io.unlink ?? nodeFileIo.unlink!;
      for (const name of files.temporaries) {
        await unlink(pathIn(directory, name)).catch((error: NodeJS.ErrnoException) => {
          if (error.code !== 'ENOENT') throw error;
        });
      }
      const generation = after + 1;
      const snapshotBytes = await writeSnapshot(directory, generation, [], sealer, io);
      recovered = { state: new KmsState(), generation, journalRecords: 0, journalBytes: 0, snapshotBytes };
    }
    // The key is proven now (everything sealed was opened under it, or there was nothing): a
    // root.key.tmp a crash left is garbage. The journal's open below fsyncs the directory.
    await removeRootKeyLeftover(directory, io);
    const journal = new Journal(directory, sealer, io, await openJournal(directory, recovered.generation, io), recovered);
    store = new DataDirectoryStore({
      directory,
      sealer,
      journal,
      state: recovered.state,
      audit,
      release: () => lease.release(),
      confirm: () => lease.confirm(),
      rootKeySource: rootKey.source,
      threshold,
      onError: options.onError,
    });
    if (lease.lost !== undefined) store.leaseLost(lease.lost);
    return store;
  } catch (error) {
    sealer?.destroy();
    await lease.release();
    throw error;
  }
}

/**
 * At every open that recovered state: the recovered state as the snapshot of generation + 2 (or
 * two past the numbering floor, if that is higher), and
 * the recovered generation's files deleted (see the module comment), before anything is appended.
 */
async function leapGeneration(directory: string, recovered: Recovered, sealer: RecordSealer, io: FileIo, after: number): Promise<Recovered> {
  // Above the floor too: a directory whose state was copied in after a reset may be numbered below it.
  const generation = Math.max(recovered.generation + 1, after) + 1;
  const snapshotBytes = await writeSnapshot(directory, generation, recovered.state.toChanges(), sealer, io);
  const unlink = io.unlink ?? nodeFileIo.unlink!;
  // Left for the next open if a removal fails; a lost lease stops this open here.
  await unlink(pathIn(directory, journalName(recovered.generation))).catch(unlessLeaseLost);
  await unlink(pathIn(directory, snapshotName(recovered.generation))).catch(unlessLeaseLost);
  await (io.syncDirectory ?? syncDirectory)(directory);
  return { state: recovered.state, generation, journalRecords: 0, journalBytes: 0, snapshotBytes };
}
