/**
 * @module
 * The data directory's file names (snapshots, journals, audit files). The file-system steps
 * durability rests on (`FileIo`, through which tests inject failures, and `syncDirectory`) are
 * the service kernel's (`@strongbox/service-kernel`, `durable/`).
 */

import { join } from 'node:path';
import { isServiceError } from '@strongbox/service-kernel';

// The durability primitives live in the service kernel; re-exported here so the store's modules
// (and the tests that inject `FileIo` failures) keep one import for the data directory.
export { type FileIo, isOutOfSpace, nodeFileIo, syncDirectory } from '@strongbox/service-kernel';

/**
 * The `catch` of a best-effort removal of garbage (an old generation's files, expired audit
 * files): any failure leaves the garbage for the next open to remove, except the fenced io's
 * `LEASE_LOST`, which is rethrown. Another process holds the directory then, and the step after
 * the removal must not go on as if this store still did.
 * @throws the `ServiceError` `LEASE_LOST` it is given.
 * @example await unlink(pathIn(directory, journalName(old))).catch(unlessLeaseLost);
 */
export function unlessLeaseLost(error: unknown): void {
  if (isServiceError(error, 'LEASE_LOST')) throw error;
}

/** Lists the snapshot and journal files of a directory. */
export interface DataFiles {
  /** Generations with a complete (renamed) snapshot, ascending. */
  readonly snapshots: number[];
  /** Generations with a journal, ascending. */
  readonly journals: number[];
  /** Leftover temporary files of interrupted snapshots. */
  readonly temporaries: string[];
  /** Audit files (`audit-log.ts`), ascending. */
  readonly audits: number[];
}

const SNAPSHOT = /^snapshot-(\d{1,15})\.sbx$/;
const JOURNAL = /^journal-(\d{1,15})\.sbx$/;
const TEMPORARY = /^snapshot-\d{1,15}\.sbx\.tmp$/;
const AUDIT = /^audit-(\d{1,15})\.sbx$/;
/** A numbering floor file (`number-floor.ts`) or the temporary of its creation. */
const NUMBER_FLOOR = /^number-floor-\d{1,15}(?:\.tmp)?$/;

/** The snapshot of a generation. */
export function snapshotName(generation: number): string {
  return `snapshot-${String(generation).padStart(8, '0')}.sbx`;
}

/** The journal of a generation: the changes made after its snapshot. */
export function journalName(generation: number): string {
  return `journal-${String(generation).padStart(8, '0')}.sbx`;
}

/** An audit file (`audit-log.ts`). */
export function auditName(number: number): string {
  return `audit-${String(number).padStart(8, '0')}.sbx`;
}

/**
 * The fixed names the store keeps beside its generations (`directory-lock.ts`, `root-key.ts`,
 * `number-floor.ts`;
 * `lock.break` is the kernel's takeover breaker, left only by an opener that died mid-takeover).
 */
const FIXED_NAMES: ReadonlySet<string> = new Set(['lock', 'lock.break', 'root.key', 'number-floor']);

/**
 * Whether `name`, an entry at the top of a data directory, is one the directory store writes:
 * snapshots, journals, audit files, the lock, `root.key`, `number-floor-<n>` (`number-floor`
 * before), and the temporaries of each. Tools that clean a data directory (`strongbox`'s reset)
 * remove these (but the lock and the floor, see `number-floor.ts`) and leave anything else alone.
 * @example isDirectoryStoreFile('journal-00000001.sbx'); // true
 * @example isDirectoryStoreFile('package.json'); // false
 */
export function isDirectoryStoreFile(name: string): boolean {
  if (SNAPSHOT.test(name) || JOURNAL.test(name) || AUDIT.test(name) || TEMPORARY.test(name) || NUMBER_FLOOR.test(name)) return true;
  // `createFileExclusivelyDurably` writes `<name>.tmp`, `replaceFileDurably` `<name>.tmp-<random>`.
  const base = /^(.*?)\.tmp(?:-[0-9a-f]+)?$/.exec(name)?.[1] ?? name;
  return FIXED_NAMES.has(base);
}

/** Sorts a directory listing into data files. */
export function classifyFiles(names: readonly string[]): DataFiles {
  const snapshots: number[] = [];
  const journals: number[] = [];
  const temporaries: string[] = [];
  const audits: number[] = [];
  for (const name of names) {
    const snapshot = SNAPSHOT.exec(name);
    const journal = JOURNAL.exec(name);
    const audit = AUDIT.exec(name);
    if (snapshot) snapshots.push(Number(snapshot[1]));
    else if (journal) journals.push(Number(journal[1]));
    else if (audit) audits.push(Number(audit[1]));
    else if (TEMPORARY.test(name)) temporaries.push(name);
  }
  const ascending = (a: number, b: number): number => a - b;
  return { snapshots: snapshots.sort(ascending), journals: journals.sort(ascending), temporaries, audits: audits.sort(ascending) };
}

/** `join` re-exported so callers build every path the same way. */
export const pathIn: (directory: string, name: string) => string = join;
