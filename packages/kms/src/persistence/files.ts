/**
 * @module
 * The data directory's file names and the few file-system steps durability rests on: writing a
 * buffer completely, fsyncing a file, and fsyncing a directory so that a create, rename or unlink
 * in it survives a power loss (POSIX leaves directory entries undurable until the directory
 * itself is synced). Writes and file syncs go through `FileIo`, so tests can inject failures.
 */

import { open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';

/** The file operations the store's durability depends on. */
export interface FileIo {
  /** Writes all of `bytes` at the handle's position (append mode for journals). */
  write(handle: FileHandle, bytes: Uint8Array): Promise<void>;
  /** Makes the handle's written data durable (fdatasync). */
  sync(handle: FileHandle): Promise<void>;
  /**
   * Cuts the file to `length` bytes and makes that durable (ftruncate, fdatasync): drops what a
   * failed append left past the last durable record. Default: `nodeFileIo.truncate`.
   */
  truncate?(handle: FileHandle, length: number): Promise<void>;
}

/** Real writes and fdatasync. */
export const nodeFileIo: FileIo = Object.freeze({
  async write(handle: FileHandle, bytes: Uint8Array): Promise<void> {
    let offset = 0;
    while (offset < bytes.length) {
      const { bytesWritten } = await handle.write(bytes, offset, bytes.length - offset);
      offset += bytesWritten;
    }
  },
  async sync(handle: FileHandle): Promise<void> {
    await handle.datasync();
  },
  async truncate(handle: FileHandle, length: number): Promise<void> {
    await handle.truncate(length);
    await handle.datasync();
  },
});

/**
 * Whether a file-system error means the disk (or the user's quota) is full: a condition that
 * passes, unlike an I/O error, so the store may roll back and carry on.
 * @example isOutOfSpace(Object.assign(new Error('no space'), { code: 'ENOSPC' })) // true
 */
export function isOutOfSpace(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'ENOSPC' || code === 'EDQUOT';
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

/** fsyncs a directory so the entries created, renamed or removed in it are durable. */
export async function syncDirectory(directory: string): Promise<void> {
  // Windows cannot open a directory for syncing (and NTFS journals metadata itself).
  if (process.platform === 'win32') return;
  const handle = await open(directory, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** `join` re-exported so callers build every path the same way. */
export const pathIn: (directory: string, name: string) => string = join;
