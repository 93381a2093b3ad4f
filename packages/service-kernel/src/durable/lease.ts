/**
 * @module
 * A held data-directory lock as a lease that fences its holder. A holder paused past its lease
 * (SIGSTOP, a long GC pause, a laptop asleep) may find on waking that another process took the
 * directory over (`lock.ts`); if it went on writing, two processes would write one directory and
 * each would overwrite, interleave with or delete what the other wrote. So the holder checks,
 * before every durable commit (`confirm`) and at every renewal, that the lock file in place is
 * still its own: the file it created and still holds open. Its open handle keeps that file's
 * inode allocated, so no later lock file can have the same device and inode: a different one, or
 * none, means a newer lease (a higher epoch, `lock-owner.ts`) or a lock deleted by hand. From then
 * on the lease is lost for good: `confirm` rejects with the `ServiceError` `LEASE_LOST`, and
 * `onLost` tells the service once, which refuses every later call, reads included (the new holder
 * may have changed anything since, so this process's state is stale), and should stop.
 *
 * A commit also renews the lease first when the last renewal is older than `RENEW_ON_COMMIT_MS`
 * (the renewal timer was held up), so a holder that slept but was not taken over refreshes its
 * lease before it writes rather than race an opener that finds it expired. So at a check the
 * lock's mtime is under `RENEW_ON_COMMIT_MS` old, and no opener finds it expired for at least
 * `LEASE_EXPIRY_MS - RENEW_ON_COMMIT_MS` (9 s, less any clock difference between hosts) after it.
 * What no check on a plain file system can exclude is a step whose system call runs later than
 * that after its check (the process stopped between the two, or the call queued behind stalled
 * I/O), or any step after the lock file was deleted by hand: that would need the storage to refuse
 * stale epochs (the package README, "What the lease fences, and what it cannot", states it whole).
 * So a store confirms again once the write is durable and acknowledges it only then: a write
 * that raced a takeover is never acknowledged (its caller sees an internal error, the outcome
 * unknown), and a new holder, which reads the directory after its takeover, can keep such a late
 * write out of its own files by writing to new ones (KMS starts a new generation at every open, S3
 * renames the directory of its buckets: a takeover cannot be told from the epoch alone, since an
 * opener that finds no lock file at all, deleted by hand or between another opener's removal and
 * its create, starts at epoch 1).
 */

import type { FileHandle } from 'node:fs/promises';
import { open, stat } from 'node:fs/promises';
import { ServiceError, type ServiceErrorOf } from '../errors.ts';
import { type FileIo, nodeFileIo } from './file-io.ts';
import { LEASE_EXPIRY_MS, LEASE_RENEW_MS, parseLockLease } from './lock-owner.ts';

/**
 * Age of the last renewal past which a commit renews the lease before writing (two missed
 * renewals: the event loop or the whole process was held up).
 */
export const RENEW_ON_COMMIT_MS: number = 2 * LEASE_RENEW_MS;

/** Who holds a lost lease now, as far as its lock file tells. */
export type LeaseSuccessor =
  /** A newer lock file is in place: its writer's pid (if it names one yet) and its epoch. */
  | { readonly kind: 'lock'; readonly pid: number | undefined; readonly epoch: number }
  /** The lock file is gone (deleted by hand, or by a taker between its delete and its create). */
  | { readonly kind: 'removed' };

/**
 * The `ServiceError` `LEASE_LOST`: the directory's lease was lost, another process took the
 * directory over (or its lock file was deleted), so this process must not write to it any more.
 * Services map it to their own internal error for callers and report it once to the operator.
 */
function leaseLost(directory: string, path: string, epoch: number, successor: LeaseSuccessor): ServiceErrorOf<'LEASE_LOST'> {
  const detail = { directory, path, epoch, successor };
  return new ServiceError('LEASE_LOST', lostMessage(directory, path, epoch, successor), [], { detail }) as ServiceErrorOf<'LEASE_LOST'>;
}

function lostMessage(directory: string, path: string, epoch: number, successor: LeaseSuccessor): string {
  const refused =
    'this process refuses every further call on it, reads included (its state is stale), and should stop, letting the other process serve the directory';
  if (successor.kind === 'removed')
    return `The lock ${path} of the data directory ${directory} was removed while this process held it (lease epoch ${epoch}); ${refused}.`;
  const who = successor.pid === undefined ? 'another process' : `process ${successor.pid}`;
  return `The data directory ${directory} was taken over by ${who} (lease epoch ${successor.epoch}) after this process's lease (epoch ${epoch}) lapsed unrenewed for ${LEASE_EXPIRY_MS / 1000} s; ${refused}.`;
}

/** A held data-directory lock. */
export interface DirectoryLease {
  /** The data directory as given. */
  readonly directory: string;
  /** The lock file's path. */
  readonly path: string;
  /** This lease's fencing token (`lock-owner.ts`). */
  readonly epoch: number;
  /** The loss, once detected (by a renewal or a `confirm`); `undefined` while held. */
  readonly lost: ServiceErrorOf<'LEASE_LOST'> | undefined;
  /**
   * Checks, right before a durable commit, that the lease is still this process's (renewing it
   * first when its last renewal is old). Each call checks the file anew, after it was called: so a
   * store that confirms again after its write is durable and before acknowledging it knows the
   * write landed before any takeover (a new holder reads the directory only after its takeover).
   * @throws ServiceError `LEASE_LOST` once the lease is lost; the file system's error if the lock cannot be
   *   checked; Error after `release`.
   */
  confirm(): Promise<void>;
  /** Stops the renewals and removes the lock file if it is still this lease's (idempotent). */
  release(): Promise<void>;
}

/** `open` flags that only read: an open with any other flags may create, truncate or write. */
const READ_ONLY_FLAGS: ReadonlySet<string> = new Set(['r', 'rs']);

/**
 * `io` with every step that changes the directory preceded by `lease.confirm()`: writes and
 * truncates, renames, links, unlinks, directory creation, tree removal and opens that may create or change a
 * file (any flags but `'r'`). A store whose steps go through it changes nothing once the lease is
 * lost (the step rejects with the `ServiceError` `LEASE_LOST` before touching the file): a lapsed
 * holder's snapshot rename cannot replace the new holder's file, nor its unlink remove one. Syncs
 * (of files and directories), closes and read-only opens are left alone: they change nothing, or
 * only make durable what a confirmed step did.
 * @example const io = fencedFileIo(nodeFileIo, lease); await io.rename!(from, to); // ServiceError LEASE_LOST once lost
 */
export function fencedFileIo(io: FileIo, lease: Pick<DirectoryLease, 'confirm'>): FileIo {
  const truncate = io.truncate ?? nodeFileIo.truncate!;
  const open = io.open ?? nodeFileIo.open!;
  const rename = io.rename ?? nodeFileIo.rename!;
  const link = io.link ?? nodeFileIo.link!;
  const unlink = io.unlink ?? nodeFileIo.unlink!;
  const mkdir = io.mkdir ?? nodeFileIo.mkdir!;
  const removeTree = io.removeTree ?? nodeFileIo.removeTree!;
  return Object.freeze({
    async write(handle: FileHandle, bytes: Uint8Array): Promise<void> {
      await lease.confirm();
      await io.write(handle, bytes);
    },
    sync: (handle: FileHandle): Promise<void> => io.sync(handle),
    syncFile: io.syncFile ?? nodeFileIo.syncFile!,
    syncDirectory: io.syncDirectory ?? nodeFileIo.syncDirectory!,
    close: io.close ?? nodeFileIo.close!,
    async open(path: string, flags: string, mode?: number): Promise<FileHandle> {
      if (!READ_ONLY_FLAGS.has(flags)) await lease.confirm();
      return open(path, flags, mode);
    },
    async rename(from: string, to: string): Promise<void> {
      // A lapsed holder's snapshot renamed over the new holder's would replace its state.
      await lease.confirm();
      await rename(from, to);
    },
    async link(existing: string, path: string): Promise<void> {
      await lease.confirm();
      await link(existing, path);
    },
    async unlink(path: string): Promise<void> {
      await lease.confirm();
      await unlink(path);
    },
    async mkdir(path: string, mode?: number): Promise<void> {
      await lease.confirm();
      await mkdir(path, mode);
    },
    async removeTree(path: string): Promise<void> {
      // A lapsed holder's removal of a leftover directory could remove the new holder's.
      await lease.confirm();
      await removeTree(path);
    },
    async truncate(handle: FileHandle, length: number): Promise<void> {
      // A cut-back after a takeover could cut off what the new holder appended to a shared file.
      await lease.confirm();
      await truncate(handle, length);
    },
  });
}

/** What `startLease` needs. */
export interface LeaseParts {
  readonly directory: string;
  readonly path: string;
  /** The created lock file, held open for the lease's life. */
  readonly handle: FileHandle;
  readonly epoch: number;
  /** Wall clock, as openers judge a lease by (the lock file's mtime against their `Date.now()`). */
  readonly now: () => number;
  /** Runs `renew` periodically until the returned function is called. */
  readonly scheduleRenewal: (renew: () => Promise<void>) => () => void;
  /** Told once, when the loss is detected. */
  readonly onLost: ((error: ServiceErrorOf<'LEASE_LOST'>) => void) | undefined;
  /** Runs once on release, after the renewals stopped (removing the file, closing the handle). */
  readonly onRelease: () => Promise<void>;
}

/**
 * Starts renewing a freshly created lock and answers it as a lease.
 * @throws the file system's error if the handle cannot be stat'ed.
 * @example const lease = await startLease(parts); await lease.confirm(); await lease.release();
 */
export async function startLease(parts: LeaseParts): Promise<DirectoryLease> {
  const { dev, ino } = await parts.handle.stat();
  return new Lease(parts, dev, ino);
}

class Lease implements DirectoryLease {
  readonly directory: string;
  readonly path: string;
  readonly epoch: number;
  readonly #parts: LeaseParts;
  readonly #dev: number;
  readonly #ino: number;
  readonly #stopRenewal: () => void;
  /** When the lock file's mtime was last set to this process's clock (the file was written just before). */
  #renewedAt: number;
  #lost: ServiceErrorOf<'LEASE_LOST'> | undefined;
  #renewing: Promise<void> = Promise.resolve();
  #released: Promise<void> | undefined;

  constructor(parts: LeaseParts, dev: number, ino: number) {
    this.directory = parts.directory;
    this.path = parts.path;
    this.epoch = parts.epoch;
    this.#parts = parts;
    this.#dev = dev;
    this.#ino = ino;
    this.#renewedAt = parts.now();
    const stop = parts.scheduleRenewal(() => this.#renew());
    let stopped = false;
    this.#stopRenewal = () => {
      if (stopped) return;
      stopped = true;
      stop();
    };
  }

  get lost(): ServiceErrorOf<'LEASE_LOST'> | undefined {
    return this.#lost;
  }

  confirm(): Promise<void> {
    if (this.#lost !== undefined) return Promise.reject(this.#lost);
    if (this.#released !== undefined) return Promise.reject(new Error(`The lock ${this.path} was released`));
    return this.#check();
  }

  release(): Promise<void> {
    this.#released ??= (async () => {
      this.#stopRenewal();
      await this.#renewing;
      await this.#parts.onRelease();
    })();
    return this.#released;
  }

  async #check(): Promise<void> {
    if (this.#parts.now() - this.#renewedAt >= RENEW_ON_COMMIT_MS) await this.#renew();
    else await this.#verify();
    if (this.#lost !== undefined) throw this.#lost;
  }

  /** Sets the lock file's mtime to now (through the handle: this lease's own file), then verifies it is still in place. */
  #renew(): Promise<void> {
    if (this.#lost !== undefined || this.#released !== undefined) return this.#renewing;
    this.#renewing = (async () => {
      const at = this.#parts.now();
      try {
        await this.#parts.handle.utimes(at / 1000, at / 1000);
      } catch (error) {
        // Not fatal here: the lease lapses, and another opener may take over after the expiry,
        // which the next check then finds.
        process.emitWarning(`Could not renew the lock ${this.path}: ${(error as Error).message}`, { code: 'STRONGBOX_LOCK_RENEWAL' });
        await this.#verify();
        return;
      }
      // Verified after the renewal: a takeover before it leaves another file in place, found here;
      // one after it had to judge this renewal's mtime, which is fresh.
      if (await this.#verify()) this.#renewedAt = at;
    })().catch((error: unknown) => {
      process.emitWarning(`Could not check the lock ${this.path}: ${(error as Error).message}`, { code: 'STRONGBOX_LOCK_RENEWAL' });
    });
    return this.#renewing;
  }

  /** Whether the lock file in place is still this lease's; marks the lease lost if not. */
  async #verify(): Promise<boolean> {
    if (this.#lost !== undefined) return false;
    const current = await stat(this.path).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined;
      throw error;
    });
    if (current !== undefined && current.dev === this.#dev && current.ino === this.#ino) return true;
    if (this.#lost === undefined) this.#lose(current === undefined ? { kind: 'removed' } : await this.#successor());
    return false;
  }

  /** The newer lease in place, read from its file (best effort: it may be gone again). */
  async #successor(): Promise<LeaseSuccessor> {
    let handle: FileHandle;
    try {
      handle = await open(this.path, 'r');
    } catch {
      return { kind: 'removed' };
    }
    try {
      return { kind: 'lock', ...parseLockLease(await handle.readFile('utf8')) };
    } catch {
      return { kind: 'lock', pid: undefined, epoch: 0 };
    } finally {
      await handle.close().catch(() => undefined);
    }
  }

  #lose(successor: LeaseSuccessor): void {
    if (this.#lost !== undefined) return;
    this.#lost = leaseLost(this.directory, this.path, this.epoch, successor);
    // Nothing left to renew: the file in place is another lease's (renewing through the handle
    // would only touch this lease's unlinked file anyway).
    this.#stopRenewal();
    try {
      this.#parts.onLost?.(this.#lost);
    } catch {
      // A failing callback must not keep the lease from being fenced.
    }
  }
}
