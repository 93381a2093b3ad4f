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
 * `commit` applies changes to memory at once (concurrent requests see them) and resolves only
 * after the record holding them is written and fdatasync'd. Group commit: commits arriving while
 * a write is in flight share the next record and the next fsync; a batch of more than 8 MiB of
 * JSON is split between commits into several records, each written and fdatasync'd before the
 * next, so only the last record of a journal can ever be torn. When the journal outgrows its
 * threshold, the state is written as snapshot <gen+1> (temp file, fsync, rename, directory
 * fsync), then journal <gen+1> is created and generation <gen>'s files are deleted; recovery
 * (`recovery.ts`) handles a crash between any two of these steps. Every record is sealed under
 * the root key (`codec.ts`). `whenDurable` lets the dispatcher hold a response that rests on a
 * change still waiting for its fsync.
 *
 * A full disk (ENOSPC, EDQUOT) is a passing condition: the journal is cut back to its last durable
 * record, every change not yet durable is rolled back in memory (each commit keeps the inverse of
 * its changes, `KmsState.inverseOf`), and the requests that made them fail with
 * `KMSInternalException`; nothing acknowledged is lost, reads go on, and the next commit simply
 * tries again, so writes resume by themselves once there is space. A snapshot the disk has no room
 * for is skipped (the journal keeps growing until one fits); one whose directory fsync fails after
 * its rename is in place (`NOT_DURABLE`), and counts as written. Any other write or fsync failure, or
 * one the journal cannot be cut back from, leaves memory and disk possibly apart, so the store
 * refuses every later commit, and `whenDurable` every later response, with `KMSInternalException`,
 * and reports the cause through `failure` and `onError`; restart to recover the durable state.
 *
 * The directory lock is a lease (the service kernel's `acquireDirectoryLease`): every journal,
 * snapshot and audit write first confirms it (`fencedFileIo`), and a commit is acknowledged only
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
 * likewise starts a new file. Every open, not only one that took a stale lock over (a lease epoch
 * above 1): an opener can also find no lock at all while the old holder lives (deleted by hand,
 * or between another opener's removal of the stale lock and its create), and starts at epoch 1.
 */

import { type FileHandle, mkdir, open, readdir, unlink } from 'node:fs/promises';
import type { Backend } from '@strongbox/envelope';
import { type DirectoryLockOptions, fencedFileIo, isServiceError, type ServiceErrorOf } from '@strongbox/service-kernel';
import { KmsError } from '../errors.ts';
import { type Change, KmsState } from '../model/state.ts';
import { AuditLog, type AuditSink } from './audit-log.ts';
import { changesJson, encodeChange, RecordSealer } from './codec.ts';
import { acquireLock } from './directory-lock.ts';
import { classifyFiles, type FileIo, isOutOfSpace, journalName, nodeFileIo, pathIn, snapshotName, syncDirectory } from './files.ts';
import { type Recovered, recover } from './recovery.ts';
import { type RootKeySource, resolveRootKey } from './root-key.ts';
import { writeSnapshot } from './snapshot.ts';
import type { ChangeStore } from './store.ts';

/** Default journal size that triggers a snapshot (or the last snapshot's size, if larger). */
export const DEFAULT_SNAPSHOT_THRESHOLD_BYTES: number = 4 * 1024 * 1024;
/** After a snapshot found no room: journal growth before the next try. */
const SNAPSHOT_RETRY_BYTES = 1024 * 1024;
/** JSON text per journal record before a batch is split (only ever between two commits). */
const RECORD_SPLIT_CHARACTERS = 8 * 1024 * 1024;

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
  /** File writes and syncs (the snapshot's directory fsync included); for fault-injection tests only. */
  readonly io?: FileIo;
  /** Size past which a new audit file starts (`audit-log.ts`). Default 4 MiB. */
  readonly auditFileBytes?: number;
  /** The lease's clock and renewal schedule; for tests only (default: `Date.now`, every 3 s). */
  readonly lease?: Pick<DirectoryLockOptions, 'now' | 'scheduleRenewal'>;
}

/** A store on a data directory. */
export interface DirectoryStore extends ChangeStore {
  readonly directory: string;
  /** Where the root key came from. */
  readonly rootKeySource: RootKeySource;
  /** The data directory's audit log (`audit-log.ts`). */
  readonly audit: AuditSink;
  /** The write or fsync failure (or the lost lease) that stopped the store, if any. */
  readonly failure: Error | undefined;
  /** Writes a snapshot now and starts a new journal. @throws KmsError if the store has failed or closed. */
  snapshot(): Promise<void>;
  /** See `ChangeStore.whenDurable`; after a failure, a rejected promise. */
  whenDurable(): Promise<void> | undefined;
  /** See `ChangeStore.refusal`: a rejected promise once the directory was taken over. */
  refusal(): Promise<never> | undefined;
}

/**
 * Opens (or creates) a data directory, recovers its state, and returns a store whose `state` is
 * the recovered state.
 *
 * @throws KmsError INVALID_ROOT_KEY, INSECURE_ROOT_KEY, MISSING_ROOT_KEY, WRONG_ROOT_KEY, CORRUPT
 *   or LOCKED (see `errors.ts`); file-system errors as Node raises them.
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
  await mkdir(directory, { recursive: true, mode: 0o700 });
  // The store exists only once recovery is done; a loss found earlier fails the open's own writes.
  let store: DataDirectoryStore | undefined;
  const lease = await acquireLock(directory, { ...options.lease, onLost: (error) => store?.leaseLost(error) });
  let sealer: RecordSealer | undefined;
  try {
    const files = classifyFiles(await readdir(directory));
    const hasState = files.snapshots.length > 0 || files.journals.length > 0;
    const rootKey = await resolveRootKey(directory, options.rootKey, hasState);
    sealer = new RecordSealer(rootKey.key, options.backend);
    rootKey.key.fill(0);
    const io = fencedFileIo(options.io ?? nodeFileIo, lease);
    let recovered: Recovered;
    if (hasState) {
      // One snapshot per start, whoever held the directory before (see the module comment).
      recovered = await leapGeneration(directory, await recover(directory, files, sealer), sealer, io);
    } else {
      // First start (or a crash during the first start): the empty state as snapshot 1, so a
      // directory always proves which root key it belongs to.
      for (const name of files.temporaries) await unlink(pathIn(directory, name));
      const snapshotBytes = await writeSnapshot(directory, 1, [], sealer, io);
      recovered = { state: new KmsState(), generation: 1, journalRecords: 0, journalBytes: 0, snapshotBytes };
    }
    const audit = await AuditLog.open(directory, files.audits, sealer, io, options.auditFileBytes, { newFile: true });
    const journal = await openJournal(directory, recovered.generation);
    store = new DataDirectoryStore({
      directory,
      sealer,
      io,
      journal,
      recovered,
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
 * At every open that recovered state: the recovered state as the snapshot of generation + 2, and
 * the recovered generation's files deleted (see the module comment), before anything is appended.
 */
async function leapGeneration(directory: string, recovered: Recovered, sealer: RecordSealer, io: FileIo): Promise<Recovered> {
  const generation = recovered.generation + 2;
  const snapshotBytes = await writeSnapshot(directory, generation, recovered.state.toChanges(), sealer, io);
  await unlink(pathIn(directory, journalName(recovered.generation))).catch(() => undefined);
  await unlink(pathIn(directory, snapshotName(recovered.generation))).catch(() => undefined);
  await syncDirectory(directory);
  return { state: recovered.state, generation, journalRecords: 0, journalBytes: 0, snapshotBytes };
}

async function openJournal(directory: string, generation: number): Promise<FileHandle> {
  const handle = await open(pathIn(directory, journalName(generation)), 'a', 0o600);
  await syncDirectory(directory);
  return handle;
}

interface Waiter {
  resolve(): void;
  reject(error: unknown): void;
}

interface Pending extends Waiter {
  readonly changes: readonly Change[];
  /** The changes that undo this commit, in the order to apply them (see `KmsState.inverseOf`). */
  readonly undo: readonly Change[];
  /** This commit's number in apply order. */
  readonly serial: number;
}

interface Barrier extends Waiter {
  /** Resolves once commits up to this number are durable. */
  readonly serial: number;
}

interface Parts {
  readonly directory: string;
  readonly sealer: RecordSealer;
  readonly io: FileIo;
  readonly journal: FileHandle;
  readonly recovered: Recovered;
  readonly audit: AuditLog;
  readonly release: () => Promise<void>;
  /** Confirms the lease (after a write is durable, before it is acknowledged). */
  readonly confirm: () => Promise<void>;
  readonly rootKeySource: RootKeySource;
  readonly threshold: number | undefined;
  readonly onError: ((error: Error) => void) | undefined;
}

/** What a commit rejects with once the store cannot persist: AWS's generic internal error. */
function unavailable(): KmsError {
  return new KmsError('KMSInternalException', 'An internal error occurred.');
}

/**
 * What every call gets once another process took the data directory over: AWS's internal error
 * (retryable: a client that fails over reaches the directory's new holder), saying why.
 */
function takenOver(): KmsError {
  return new KmsError(
    'KMSInternalException',
    "An internal error occurred: this server's data directory was taken over by another process, so this server no longer answers requests.",
  );
}

class DataDirectoryStore implements DirectoryStore {
  readonly state: KmsState;
  readonly audit: AuditSink;
  readonly directory: string;
  readonly rootKeySource: RootKeySource;
  readonly #parts: Parts;
  #journal: FileHandle;
  #generation: number;
  #sequence: number;
  #journalBytes: number;
  #snapshotBytes: number;
  #pending: Pending[] = [];
  #snapshotWaiters: Waiter[] = [];
  #barriers: Barrier[] = [];
  /** Commits applied to memory so far, and how many of them are durable. */
  #applied = 0;
  #durable = 0;
  #active = false;
  #running: Promise<void> = Promise.resolve();
  #failure: Error | undefined;
  #closing: Promise<void> | undefined;
  /** Set once a snapshot is durable, or in place but not durable: a failure after it cannot be rolled back. */
  #snapshotPlaced = false;
  /** Journal size before which no threshold snapshot is tried again (after one found no space). */
  #snapshotRetryBytes = 0;
  /** Whether the disk was full at the last write (so `DISK_FULL` is reported once per episode). */
  #diskFull = false;
  /** Whether the failure is a lost lease: every call is refused then (`refusal`). */
  #fenced = false;

  constructor(parts: Parts) {
    this.#parts = parts;
    this.state = parts.recovered.state;
    this.audit = parts.audit;
    this.directory = parts.directory;
    this.rootKeySource = parts.rootKeySource;
    this.#journal = parts.journal;
    this.#generation = parts.recovered.generation;
    this.#sequence = parts.recovered.journalRecords;
    this.#journalBytes = parts.recovered.journalBytes;
    this.#snapshotBytes = parts.recovered.snapshotBytes;
  }

  get failure(): Error | undefined {
    return this.#failure;
  }

  commit(changes: readonly Change[]): Promise<void> {
    // Refuse before applying: after a failure memory must not drift further from the disk.
    if (this.#failure !== undefined || this.#closing !== undefined) return Promise.reject(this.#refused());
    if (changes.length === 0) return Promise.resolve();
    const inverses: Change[][] = [];
    for (const change of changes) {
      inverses.push(this.state.inverseOf(change));
      this.state.apply(change);
    }
    const undo = inverses.reverse().flat();
    const serial = ++this.#applied;
    return new Promise((resolve, reject) => {
      this.#pending.push({ changes, undo, serial, resolve, reject });
      this.#schedule();
    });
  }

  whenDurable(): Promise<void> | undefined {
    // After a lost lease too, though everything is durable: a call that was under way when the
    // loss was found answers from state the new holder may have changed since.
    if (this.#failure !== undefined) return Promise.reject(this.#refused());
    if (this.#durable === this.#applied) return undefined;
    const serial = this.#applied;
    return new Promise((resolve, reject) => this.#barriers.push({ serial, resolve, reject }));
  }

  refusal(): Promise<never> | undefined {
    return this.#fenced ? Promise.reject(takenOver()) : undefined;
  }

  snapshot(): Promise<void> {
    if (this.#failure !== undefined || this.#closing !== undefined) return Promise.reject(this.#refused());
    return new Promise((resolve, reject) => {
      this.#snapshotWaiters.push({ resolve, reject });
      this.#schedule();
    });
  }

  close(): Promise<void> {
    this.#closing ??= (async () => {
      // Commits already accepted are still written (or rejected, if the store failed).
      while (this.#active) await this.#running;
      await this.#parts.audit.close();
      await this.#journal.close().catch(() => undefined);
      this.#parts.sealer.destroy();
      await this.#parts.release();
    })();
    return this.#closing;
  }

  #schedule(): void {
    if (this.#active) return;
    this.#active = true;
    this.#running = this.#drain();
  }

  /** The single writer: one record (or snapshot) and one fsync at a time, in commit order. */
  async #drain(): Promise<void> {
    // Let commits made in the same tick join the first batch.
    await undefined;
    for (;;) {
      const batch = this.#pending.splice(0);
      const snapshotWaiters = this.#snapshotWaiters.splice(0);
      if (batch.length === 0 && snapshotWaiters.length === 0) {
        this.#active = false;
        return;
      }
      try {
        const threshold = this.#parts.threshold ?? Math.max(DEFAULT_SNAPSHOT_THRESHOLD_BYTES, this.#snapshotBytes);
        const due = this.#journalBytes >= threshold && this.#journalBytes > 0 && this.#journalBytes >= this.#snapshotRetryBytes;
        // No await between taking the batch and capturing the state in #snapshot: the snapshot
        // then holds exactly the durable records plus this batch.
        if (snapshotWaiters.length > 0 || due) await this.#snapshotOrAppend(batch, snapshotWaiters.length > 0);
        else await this.#append(batch);
      } catch (error) {
        const cause = error instanceof Error ? error : new Error(String(error));
        if (isServiceError(cause, 'LEASE_LOST')) {
          // Refused before anything reached the file: undo what is not durable, then stop writing.
          this.#undo(batch, snapshotWaiters);
          this.leaseLost(cause);
          this.#active = false;
          return;
        }
        if (!isOutOfSpace(cause) || this.#snapshotPlaced || !(await this.#cutBack())) {
          this.#fail(cause, [...batch, ...snapshotWaiters]);
          this.#active = false;
          return;
        }
        this.#rollBack(cause, batch, snapshotWaiters);
        continue;
      }
      this.#settle(batch);
      for (const waiter of snapshotWaiters) waiter.resolve();
      if (this.#diskFull) this.#diskFull = false;
    }
  }

  /**
   * A snapshot (asked for, or due by size) holding this batch; a due one the disk has no room for
   * is put off, and the batch appended to the journal instead.
   */
  async #snapshotOrAppend(batch: readonly Pending[], asked: boolean): Promise<void> {
    try {
      await this.#snapshot();
    } catch (error) {
      if (asked || this.#snapshotPlaced || !isOutOfSpace(error)) throw error;
      this.#snapshotRetryBytes = this.#journalBytes + SNAPSHOT_RETRY_BYTES;
      await this.#append(batch);
    }
  }

  /** Marks commits durable, in order, and answers them and the barriers they release. */
  #settle(pendings: readonly Pending[]): void {
    if (pendings.length === 0) return;
    this.#durable = pendings.at(-1)!.serial;
    for (const waiter of pendings) waiter.resolve();
    this.#barriers = this.#barriers.filter((barrier) => (barrier.serial <= this.#durable ? (barrier.resolve(), false) : true));
  }

  async #append(batch: readonly Pending[]): Promise<void> {
    let encoded: string[] = [];
    let characters = 0;
    let first = 0;
    for (const [index, pending] of batch.entries()) {
      for (const change of pending.changes) {
        const json = encodeChange(change);
        encoded.push(json);
        characters += json.length;
      }
      // Split only between commits: a commit's changes always land in one record, so recovery
      // never replays half of one.
      if (characters >= RECORD_SPLIT_CHARACTERS || index === batch.length - 1) {
        const record = await this.#parts.sealer.sealRecord(changesJson(encoded), { kind: 'journal', generation: this.#generation, sequence: this.#sequence });
        // One write and one fdatasync per record, in order: a record reaches the disk only after
        // the one before it is durable, so a crash can tear only the last record of the journal,
        // the invariant recovery relies on to tell a torn tail from damage (record-file.ts). One
        // write for several records would let a power loss keep a later record but not an
        // earlier one.
        await this.#parts.io.write(this.#journal, record);
        await this.#parts.io.sync(this.#journal);
        this.#sequence += 1;
        this.#journalBytes += record.length;
        // Still this directory's holder once the record is durable: it landed before any takeover.
        await this.#parts.confirm();
        // These commits are durable now, even if a later record of the batch fails.
        this.#settle(batch.slice(first, index + 1));
        first = index + 1;
        encoded = [];
        characters = 0;
      }
    }
  }

  async #snapshot(): Promise<void> {
    const changes = this.state.toChanges();
    const { directory, sealer, io } = this.#parts;
    const previous = this.#generation;
    const next = previous + 1;
    try {
      this.#snapshotBytes = await writeSnapshot(directory, next, changes, sealer, io);
    } catch (error) {
      // Renamed into place, its directory fsync failed: the next open may start from it (if the
      // rename reached the disk), so rolling back and appending to journal <previous> could lose
      // acknowledged commits. Placed, then: the store fails and stops writing (`#drain`).
      if (isServiceError(error, 'NOT_DURABLE')) this.#snapshotPlaced = true;
      throw error;
    }
    // Snapshot <next> is durable: from here on recovery starts from it, whatever happens next,
    // so no failure after this point can be rolled back.
    this.#snapshotPlaced = true;
    const journal = await openJournal(directory, next);
    const old = this.#journal;
    this.#journal = journal;
    this.#generation = next;
    this.#sequence = 0;
    this.#journalBytes = 0;
    await old.close().catch(() => undefined);
    // Garbage now; if deleting fails, recovery deletes it on the next start.
    await unlink(pathIn(directory, journalName(previous))).catch(() => undefined);
    await unlink(pathIn(directory, snapshotName(previous))).catch(() => undefined);
    await syncDirectory(directory).catch(() => undefined);
    this.#snapshotPlaced = false;
    this.#snapshotRetryBytes = 0;
    await this.#parts.confirm();
  }

  /**
   * Cuts the journal back to its last durable record (a failed append may have left part of a
   * record, which later records must not follow). @returns whether that worked.
   */
  async #cutBack(): Promise<boolean> {
    const io = this.#parts.io;
    try {
      await (io.truncate ?? nodeFileIo.truncate!)(this.#journal, this.#journalBytes);
      return true;
    } catch {
      return false;
    }
  }

  /**
   * After a write the disk had no room for: undoes in memory, newest first, every commit not yet
   * durable (this batch's rest and those queued behind it, which may build on it), and fails
   * them, their snapshot requests and the responses waiting on them. The store stays open.
   */
  #rollBack(cause: Error, batch: readonly Pending[], snapshotWaiters: readonly Waiter[]): void {
    this.#undo(batch, snapshotWaiters);
    if (this.#diskFull) return;
    this.#diskFull = true;
    try {
      this.#parts.onError?.(
        new KmsError(
          'DISK_FULL',
          `The data directory ${this.directory} is out of space (${cause.message}); changes are refused until there is room again, reads go on.`,
          { cause },
        ),
      );
    } catch {
      // A failing error callback must not stop the store.
    }
  }

  /** Undoes every commit not yet durable (newest first) and fails it and everything waiting. */
  #undo(batch: readonly Pending[], snapshotWaiters: readonly Waiter[]): void {
    const undone = [...batch, ...this.#pending.splice(0)].filter((pending) => pending.serial > this.#durable);
    for (const pending of [...undone].reverse()) for (const change of pending.undo) this.state.apply(change);
    this.#applied = this.#durable;
    const rejected = [...undone, ...snapshotWaiters, ...this.#snapshotWaiters.splice(0), ...this.#barriers.splice(0)];
    for (const waiter of rejected) waiter.reject(this.#refused());
  }

  /** The error a refused commit or call gets: why, once the directory was taken over. */
  #refused(): KmsError {
    return this.#fenced ? takenOver() : unavailable();
  }

  /**
   * Another process took the directory over: from now on every call is refused (a write in
   * flight is refused by the lease and rolled back by the writer), reported once.
   */
  leaseLost(cause: ServiceErrorOf<'LEASE_LOST'>): void {
    if (this.#failure !== undefined) return;
    this.#fenced = true;
    this.#failure = new KmsError('LEASE_LOST', cause.message, { cause });
    try {
      this.#parts.onError?.(this.#failure);
    } catch {
      // A failing error callback must not keep the store from being fenced.
    }
  }

  #fail(error: Error, waiters: readonly Waiter[]): void {
    const failure = new KmsError(
      'WRITE_FAILED',
      `Writing to the data directory ${this.directory} failed (${error.message}); the store refuses further changes. Restart to recover the durable state.`,
      { cause: error },
    );
    this.#failure = failure;
    const rejected = [...waiters, ...this.#pending.splice(0), ...this.#snapshotWaiters.splice(0), ...this.#barriers.splice(0)];
    for (const waiter of rejected) waiter.reject(unavailable());
    try {
      this.#parts.onError?.(failure);
    } catch {
      // A failing error callback must not hide the original failure.
    }
  }
}
