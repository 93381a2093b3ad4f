/**
 * @module
 * Creating a data-directory lock file, taking over a stale one. The create is exclusive
 * (`O_EXCL`), so of several openers of a free directory exactly one wins. Taking over a stale lock
 * is not one step (judge it, remove it, create a new one), so it is made exclusive by a breaker:
 * `<lock>.break`, created exclusively by the one opener that may remove a stale lock. Holding it,
 * that opener reads and judges the lock again (another opener may have taken it over since it was
 * first judged, and a new lock file can even reuse the old one's inode number, so identity alone
 * proves nothing), removes it while still holding it open (so its inode cannot be reused while it
 * is compared), creates its own, and removes the breaker. A breaker older than the lease expiry
 * was left by an opener that died mid-takeover, and is removed in turn.
 */

import { type FileHandle, open, stat, unlink } from 'node:fs/promises';
import { formatLockOwner, judgeLock, LEASE_EXPIRY_MS, type LockOwner, parseLockLease } from './lock-owner.ts';

/** Why a directory lock was refused. */
export type DirectoryLockHolder =
  /** This process holds the directory (another store of it is open). */
  | { readonly kind: 'this-process' }
  /** Another process whose lease is current, named by its pid (of its own PID namespace). */
  | { readonly kind: 'process'; readonly pid: number; readonly legacy?: true }
  /**
   * Another process created the lock, or is taking a stale one over, at the same time; or is
   * between creating a fresh lock and writing its name into it.
   */
  | { readonly kind: 'race' };

/** A lock file created: held open for the lease's life. */
export interface CreatedLock {
  readonly handle: FileHandle;
  /** One past the epoch of the lock taken over, else 1. */
  readonly epoch: number;
}

/**
 * Creates the lock file `path` naming `owner`, taking over a stale lock.
 * @returns the created lock, or who holds it.
 * @throws the file system's error.
 * @example const created = await createLockFile('/data/lock', await thisLockOwner());
 */
export async function createLockFile(path: string, owner: LockOwner): Promise<CreatedLock | DirectoryLockHolder> {
  const first = await create(path, owner, 1);
  if (first !== undefined) return first;
  const found = await readLock(path);
  try {
    // Gone since the create failed (its holder released it): try the create once more.
    if (found === undefined) return (await create(path, owner, 1)) ?? { kind: 'race' };
    const verdict = judge(found, owner);
    if (verdict !== 'stale') return verdict;
  } finally {
    await found?.handle.close();
  }
  return takeOver(path, owner);
}

/** Creates `path` exclusively and writes `owner` into it; `undefined` if it exists. */
async function create(path: string, owner: LockOwner, epoch: number): Promise<CreatedLock | undefined> {
  let handle: FileHandle;
  try {
    handle = await open(path, 'wx', 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return undefined;
    throw error;
  }
  try {
    // Not fsynced: after a power loss no process holds the directory, and an empty or missing
    // lock expires like any other.
    await handle.writeFile(formatLockOwner(owner, epoch));
  } catch (error) {
    await handle.close();
    // An empty lock would refuse every opener until it expires: it names nobody.
    await unlink(path).catch(() => undefined);
    throw error;
  }
  return { handle, epoch };
}

/** Under the breaker: judges the lock again, removes it if still stale, creates this one. */
async function takeOver(path: string, owner: LockOwner): Promise<CreatedLock | DirectoryLockHolder> {
  const breaker = `${path}.break`;
  if (!(await takeBreaker(breaker, owner))) return { kind: 'race' };
  try {
    const found = await readLock(path);
    if (found === undefined) return (await create(path, owner, 1)) ?? { kind: 'race' };
    try {
      const verdict = judge(found, owner);
      if (verdict !== 'stale') return verdict;
      // Still open here, so a file that replaced it cannot have its inode: identity proves it is
      // the lock just judged (and unrenewed since, by its mtime).
      const current = await stat(path).catch(() => undefined);
      if (current === undefined || current.dev !== found.dev || current.ino !== found.ino || current.mtimeMs !== found.mtimeMs) return { kind: 'race' };
      await unlink(path).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'ENOENT') throw error;
      });
    } finally {
      await found.handle.close();
    }
    // The new lease's epoch follows the one taken over; a plain opener that created a lock
    // meanwhile (the path was free for a moment) wins, and this one is refused.
    return (await create(path, owner, parseLockLease(found.text).epoch + 1)) ?? { kind: 'race' };
  } finally {
    await unlink(breaker).catch(() => undefined);
  }
}

/** Creates the breaker exclusively, removing one left by a takeover that died; whether it is this opener's. */
async function takeBreaker(breaker: string, owner: LockOwner): Promise<boolean> {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(breaker, 'wx', 0o600);
      await handle.writeFile(formatLockOwner(owner, 0)).finally(() => handle.close());
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const left = await stat(breaker).catch(() => undefined);
    // Another opener is taking the lock over right now (a takeover takes milliseconds).
    if (left !== undefined && Date.now() - left.mtimeMs <= LEASE_EXPIRY_MS) return false;
    if (left !== undefined) {
      const again = await stat(breaker).catch(() => undefined);
      if (again?.ino === left.ino && again.mtimeMs === left.mtimeMs) await unlink(breaker).catch(() => undefined);
    }
  }
  return false;
}

/** A lock found in place, still open (so its inode cannot be reused while it is compared). */
interface OpenLock {
  readonly handle: FileHandle;
  readonly text: string;
  readonly mtimeMs: number;
  readonly dev: number;
  readonly ino: number;
}

/** A lock file's text and identity, read through one open (which also refreshes a network file system's attributes). */
async function readLock(path: string): Promise<OpenLock | undefined> {
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    const stats = await handle.stat();
    return { handle, text: await handle.readFile('utf8'), mtimeMs: stats.mtimeMs, dev: stats.dev, ino: stats.ino };
  } catch (error) {
    await handle.close();
    throw error;
  }
}

function judge(found: OpenLock, owner: LockOwner): 'stale' | DirectoryLockHolder {
  const verdict = judgeLock(found, owner, Date.now(), isAlive);
  if (verdict.kind === 'held') return verdict.legacy === true ? { kind: 'process', pid: verdict.pid, legacy: true } : { kind: 'process', pid: verdict.pid };
  // Fresh but naming nobody yet: a process between its create and its write.
  if (verdict.kind === 'unidentified') return { kind: 'race' };
  return 'stale';
}

/** Whether a process with this pid exists (signal 0 checks without sending anything). */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
