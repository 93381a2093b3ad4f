/**
 * @module
 * The data-directory store's single writer. `commit` applies changes to memory at once (concurrent
 * requests see them) and resolves only after the record holding them is written and fdatasync'd
 * (`journal.ts`). Group commit: commits arriving while a write is in flight share the next record
 * and the next fsync; a batch of more than 8 MiB of JSON is split between commits into several
 * records. `whenDurable` lets the dispatcher hold a response that rests on a change still waiting
 * for its fsync. The records a batch becomes are `journal-records.ts`'s; the store's contract is
 * `directory-store-contract.ts`.
 *
 * A full disk (ENOSPC, EDQUOT) is a passing condition: the journal is cut back to its last durable
 * record, every change not yet durable is rolled back in memory (each commit keeps the inverse of
 * its changes, `KmsState.inverseOf`), and the requests that made them fail with
 * `KMSInternalException`; nothing acknowledged is lost, reads go on, and the next commit simply
 * tries again. Any other write or fsync failure, or one the journal cannot be cut back from,
 * leaves memory and disk possibly apart, so the store refuses every later commit, and
 * `whenDurable` every later response, with `KMSInternalException`, and reports the cause through
 * `failure` and `onError`. Once another process has taken the directory over (the lease, see
 * `directory-store.ts`), the changes not yet acknowledged are rolled back as on a full disk, and
 * every later call is refused (`refusal`), reads and cryptographic operations included.
 */

import { isServiceError, type ServiceErrorOf } from '@strongbox/service-kernel';
import { KmsError } from '../errors.ts';
import type { Change, KmsState } from '../model/state.ts';
import type { AuditSink } from './audit-log.ts';
import type { DirectoryStore, DirectoryStoreParts } from './directory-store-contract.ts';
import { isOutOfSpace } from './files.ts';
import type { Journal } from './journal.ts';
import { type Commit, journalRecords } from './journal-records.ts';
import type { RootKeySource } from './root-key.ts';
import { takenOver, unavailable } from './store-refusals.ts';

interface Waiter {
  resolve(): void;
  reject(error: unknown): void;
}

interface Pending extends Waiter, Commit {
  /** The changes that undo this commit, in the order to apply them (see `KmsState.inverseOf`). */
  readonly undo: readonly Change[];
  /** This commit's number in apply order. */
  readonly serial: number;
}

interface Barrier extends Waiter {
  /** Resolves once commits up to this number are durable. */
  readonly serial: number;
}

/** The store's single writer over an open data directory (`openDirectoryStore` makes it). */
export class DataDirectoryStore implements DirectoryStore {
  readonly state: KmsState;
  readonly audit: AuditSink;
  readonly directory: string;
  readonly rootKeySource: RootKeySource;
  readonly #parts: DirectoryStoreParts;
  readonly #journal: Journal;
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
  /** Whether the disk was full at the last write (so `DISK_FULL` is reported once per episode). */
  #diskFull = false;
  /** Whether the failure is a lost lease: every call is refused then (`refusal`). */
  #fenced = false;

  constructor(parts: DirectoryStoreParts) {
    this.#parts = parts;
    this.state = parts.state;
    this.audit = parts.audit;
    this.directory = parts.directory;
    this.rootKeySource = parts.rootKeySource;
    this.#journal = parts.journal;
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

  confirmLease(): Promise<void> {
    return this.#parts.confirm();
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
      await this.#journal.close();
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
        const due = this.#journal.snapshotDue(this.#parts.threshold);
        // No await between taking the batch and capturing the state in #snapshot: the snapshot
        // then holds exactly the durable records plus this batch.
        if (snapshotWaiters.length > 0 || due) await this.#snapshotOrAppend(batch, snapshotWaiters.length > 0);
        else await this.#append(batch);
      } catch (error) {
        const cause = error instanceof Error ? error : new Error(String(error));
        if (isServiceError(cause, 'LEASE_LOST')) {
          // Refused by a lease check: before this batch reached the file, or after a snapshot
          // holding it was made durable (`snapshotPlaced`: the journal open or an unlink after it
          // was refused). Either way the callers get an outcome-unknown error, never an
          // acknowledgement, and the new holder's generation is higher than any this store
          // wrote. Undo what is not durable in memory, then stop writing.
          this.#undo(batch, snapshotWaiters);
          this.leaseLost(cause);
          this.#active = false;
          return;
        }
        if (!isOutOfSpace(cause) || this.#journal.snapshotPlaced || !(await this.#journal.cutBack())) {
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
      if (asked || this.#journal.snapshotPlaced || !isOutOfSpace(error)) throw error;
      this.#journal.putOffSnapshot();
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
    for (const { encoded, commits } of journalRecords(batch)) {
      // One record, written and fdatasync'd after the one before it is durable (`journal.ts`).
      await this.#journal.append(encoded);
      // Still this directory's holder once the record is durable: it landed before any takeover.
      await this.#parts.confirm();
      // These commits are durable now, even if a later record of the batch fails.
      this.#settle(commits);
    }
  }

  async #snapshot(): Promise<void> {
    await this.#journal.snapshot(this.state.toChanges());
    await this.#parts.confirm();
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
