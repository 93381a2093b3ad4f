/**
 * @module
 * Who wrote a data-directory lock, and whether that lock is stale. A pid alone says nothing
 * outside its PID namespace: two containers on one volume are both pid 1, and `kill(pid, 0)`
 * answers for this namespace only. So the lock is a lease: its holder renews the file's mtime
 * every `LEASE_RENEW_MS`, and any opener, whatever its host or namespace, may take over a lock not
 * renewed for `LEASE_EXPIRY_MS`. Sooner than that only when the lock was written in this very PID
 * namespace of this boot of this host, where the pid can be asked: its process is gone (a
 * SIGKILLed server restarting on the same machine), or it is this process's own pid, which no
 * other live process in the namespace can have.
 *
 * Lock file format (one field a line): pid, host, namespace, epoch. The epoch is the lease's
 * fencing token: an opener that takes over a lock writes the epoch it found plus one (a lock
 * written before epochs existed counts as 0), so a holder whose lease lapsed can tell that the
 * file in place is a newer lease, not its own (`lease.ts`). A clean release removes the file and
 * ends the sequence: no holder remains to be fenced.
 *
 * A lock of a release before leases holds only its writer's pid and is never renewed: it is judged
 * by that pid alone, as that release judged it (held while the pid runs, unless it is the opener's
 * own), so a running server of the old release is not taken over because its lock is old.
 */

import { readFile, readlink } from 'node:fs/promises';
import { hostname } from 'node:os';

/** How often the holder renews its lease (the lock file's mtime). */
export const LEASE_RENEW_MS = 3_000;
/**
 * How long a lock may go unrenewed before anyone may take it over: five missed renewals, room for
 * a stalled event loop or a slow shared file system before a live holder looks dead.
 */
export const LEASE_EXPIRY_MS = 15_000;

/** The writer of a lock: `pid`, `host` and `namespace` lines. */
export interface LockOwner {
  readonly pid: number;
  readonly host: string;
  /**
   * The PID namespace and boot the pid belongs to (Linux: `boot_id` and the `/proc/self/ns/pid`
   * link), or `''` when unknown: then the pid is never asked, and only the lease decides.
   */
  readonly namespace: string;
}

/** A lock found in place: its text and when it was last renewed. */
export interface FoundLock {
  readonly text: string;
  readonly mtimeMs: number;
}

/** A lock written before leases: its writer's pid alone. */
const LEGACY_LOCK = /^(\d{1,15})\n?$/;

/** What to do with a lock found in place. */
export type LockVerdict =
  | { readonly kind: 'stale' }
  /**
   * A process holds it (named by its pid), as far as can be told; `legacy` for a lock of a release
   * before leases, which is never renewed, so waiting does not free it.
   */
  | { readonly kind: 'held'; readonly pid: number; readonly legacy?: true }
  /** Fresh, but naming nobody: a process between creating and writing it. */
  | { readonly kind: 'unidentified' };

let self: Promise<LockOwner> | undefined;

/**
 * This process as a lock's writer (computed once).
 * @example (await thisLockOwner()).pid === process.pid // true
 */
export function thisLockOwner(): Promise<LockOwner> {
  self ??= namespaceOf().then((namespace) => ({ pid: process.pid, host: hostname(), namespace }));
  return self;
}

/**
 * The lock file's text for `owner` holding the lease of `epoch`.
 * @example formatLockOwner({ pid: 7, host: 'h', namespace: '' }, 2) // '7\nh\n\n2\n'
 */
export function formatLockOwner(owner: LockOwner, epoch: number): string {
  return `${owner.pid}\n${owner.host}\n${owner.namespace}\n${epoch}\n`;
}

/** What a lock file's text says about its lease: the pid that wrote it and its epoch (0 if absent). */
export interface LockLease {
  /** The writer's pid, or `undefined` if the text names none (a file between create and write). */
  readonly pid: number | undefined;
  /** The lease's fencing token; 0 for a lock written before epochs (or naming none). */
  readonly epoch: number;
}

/**
 * Reads the pid and epoch out of a lock file's text.
 * @example parseLockLease('7\nh\n\n2\n') // { pid: 7, epoch: 2 }
 */
export function parseLockLease(text: string): LockLease {
  const [pidLine = '', , , epochLine = ''] = text.split('\n');
  const pid = /^\d{1,15}$/.test(pidLine) ? Number(pidLine) : 0;
  const epoch = /^\d{1,15}$/.test(epochLine) ? Number(epochLine) : 0;
  return { pid: pid > 0 ? pid : undefined, epoch };
}

/**
 * Whether a lock found in place may be taken over by `opener`, `now` being the opener's clock.
 * The caller has already refused a directory this process holds.
 * @param isAlive - whether a pid of the opener's namespace runs (`kill(pid, 0)`).
 * @example judgeLock({ text: '1\nother\n\n', mtimeMs: 0 }, owner, 60_000, () => true) // { kind: 'stale' }: lease expired
 */
export function judgeLock(found: FoundLock, opener: LockOwner, now: number, isAlive: (pid: number) => boolean): LockVerdict {
  const legacy = LEGACY_LOCK.exec(found.text);
  if (legacy !== null) {
    // A lock of a release before leases (`<pid>` alone) is never renewed, so its age says
    // nothing: judged as that release judged it, by its pid (in this namespace, the only one it
    // knew), a running server of that release must not be taken over.
    const pid = Number(legacy[1]);
    return pid !== opener.pid && isAlive(pid) ? { kind: 'held', pid, legacy: true } : { kind: 'stale' };
  }
  if (now - found.mtimeMs > LEASE_EXPIRY_MS) return { kind: 'stale' };
  const [pidLine = '', host, namespace] = found.text.split('\n');
  const pid = /^\d+$/.test(pidLine) ? Number(pidLine) : Number.NaN;
  if (!Number.isSafeInteger(pid) || pid <= 0) return { kind: 'unidentified' };
  const sameNamespace = host === opener.host && namespace !== undefined && namespace !== '' && namespace === opener.namespace;
  // Our own pid in our own namespace is an earlier process's (pids are unique in a namespace);
  // elsewhere it is some other process's, maybe alive (the other container's pid 1).
  if (sameNamespace && (pid === opener.pid || !isAlive(pid))) return { kind: 'stale' };
  return { kind: 'held', pid };
}

/** Linux: `<boot_id>/<pid namespace>`; `''` where either cannot be read (other systems). */
async function namespaceOf(): Promise<string> {
  try {
    const [boot, pidNamespace] = await Promise.all([readFile('/proc/sys/kernel/random/boot_id', 'utf8'), readlink('/proc/self/ns/pid')]);
    return `${boot.trim()}/${pidNamespace}`;
  } catch {
    // No /proc: no namespace to compare, so a lock is judged by its lease alone (never by its pid).
    return '';
  }
}
