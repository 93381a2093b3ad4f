/**
 * @module
 * The clock's offset kept in a data directory, so that a restart does not move the emulator's time
 * back: keys rotated, deleted or created at a moved time stay in its past, as the clock's "never
 * backwards" rule promises. Time keeps running while the emulator is stopped (the offset is from
 * the system clock, not a frozen instant), as it does for AWS. A reset sets it back to the base.
 *
 * Files: `clock-<n>.json`, one per holder of the directory that moved the clock
 * (`{"offsetMs": <whole number>}`). The offset is the highest-numbered file's. A start, once it
 * holds the directory's lease, removes the clock files' temporaries before it reads the offset
 * (`removeClockTemporaries`): a holder stopped across a takeover (past its lease, its step's lease
 * check passed before the pause) lands a file only by renaming or linking its temporary, so its
 * late step then fails, or ran before the read; a start and stop whose clock never moves writes
 * nothing. A holder's first move creates its own file numbered past every one in place (linked
 * into place, so it appears whole; a name taken meanwhile makes it try the next), and later moves
 * replace only that file; then it removes the lower-numbered ones. So a late rename of a holder
 * whose temporary survived (it was made after the new holder's start: its write is refused
 * anyway) writes a file the new holder's files outnumber, as the stores keep a late step out of
 * the new holder's files (the service kernel's README, "How the services contain such a late
 * step"). A reset (`data-reset.ts`) puts a
 * file of offset 0 above the others rather than removing them, so numbering never goes back.
 * `clock.json`, the one file of the previous layout, is read when no numbered file exists, and
 * removed once the first holder's file is in place.
 *
 * Every step goes through the service kernel's lease-fenced file layer (`fencedFileIo`), and a
 * write is acknowledged (`flushed`) only once the lease is confirmed again after it is durable.
 */

import { randomBytes } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type DirectoryLease,
  type FileIo,
  fencedFileIo,
  nodeFileIo,
  replaceFileDurably,
  syncDirectoryAfter,
  syncDirectoryAfterRemoval,
  TEMPORARY_MARK,
} from '@strongbox/service-kernel';
import { CLOCK_FILE, CLOCK_FILE_NUMBERED } from '../data-files.ts';

/** A numbered clock file or one of its temporaries: its number. */
const CLOCK_FILE_OR_TEMPORARY = /^clock-(\d{1,15})\.json(?:\.tmp-[0-9a-f]+)?$/;

/** A temporary of a clock file (`clock-<n>.json.tmp-<random>`, `clock.json.tmp-<random>`). */
const CLOCK_TEMPORARY = /^clock(?:-\d{1,15})?\.json\.tmp-[0-9a-f]+$/;

/** The previous layout's one file in the data directory (read when no numbered one exists). */
export { CLOCK_FILE } from '../data-files.ts';

/** The name of holder `number`'s clock file. */
export function clockFileName(number: number): string {
  return `clock-${number}.json`;
}

/** The numbers of the clock files (with `pattern`, their temporaries too) among `entries`, ascending. */
function clockNumbers(entries: readonly string[], pattern: RegExp = CLOCK_FILE_NUMBERED): number[] {
  const numbers: number[] = [];
  for (const entry of entries) {
    const found = pattern.exec(entry);
    if (found?.[1] !== undefined) numbers.push(Number(found[1]));
  }
  return numbers.sort((a, b) => a - b);
}

async function listing(directory: string): Promise<string[]> {
  try {
    return await readdir(directory);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return [];
    throw error;
  }
}

/** The file holding `directory`'s offset: its highest-numbered clock file, else `clock.json`. */
async function highestName(directory: string): Promise<string> {
  const highest = clockNumbers(await listing(directory)).at(-1);
  return highest === undefined ? CLOCK_FILE : clockFileName(highest);
}

/**
 * The offset kept in `directory` (its highest-numbered clock file's, else `clock.json`'s), or
 * `undefined` when there is none (or no directory yet).
 * @throws TypeError for a file that is not `{"offsetMs": <whole number>}`.
 * @example const offsetMs = await readClockOffset('/var/lib/strongbox');
 */
export async function readClockOffset(directory: string): Promise<number | undefined> {
  let name = await highestName(directory);
  let text: string;
  for (;;) {
    try {
      text = await readFile(join(directory, name), 'utf8');
      break;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw error;
      // Removed between the listing and the read: a holder put a higher-numbered file in place
      // first (`startClockFile`), which holds the offset now. Gone with nothing in its place: none.
      const now = await highestName(directory);
      if (now === name) return undefined;
      name = now;
    }
  }
  let offsetMs: unknown;
  try {
    offsetMs = (JSON.parse(text) as { offsetMs?: unknown } | null)?.offsetMs;
  } catch {
    offsetMs = undefined;
  }
  if (typeof offsetMs !== 'number' || !Number.isSafeInteger(offsetMs)) {
    throw new TypeError(`${directory}/${name} is damaged: expected {"offsetMs": <whole number of milliseconds>}`);
  }
  return offsetMs;
}

/**
 * Removes the clock files' temporaries from `directory` through `io` (fenced by the caller's
 * lease): what a crash left mid-write, and the temporary of a holder stopped across a takeover
 * before its rename or link. A start calls it once it holds the directory and before it reads the
 * offset: every clock file a previous holder lands by a rename or a link (the only steps that put
 * one in place) needs its temporary, so once they are gone such a late step fails with ENOENT, and
 * one that ran first has landed before the read, which then sees it. Any other late step of that
 * holder (an open of a new temporary) is followed by a write the lease refuses. So a start needs
 * no clock file of its own to outnumber a late one: it writes none until its clock moves.
 * @throws the file system's error (but ENOENT: removed meanwhile), or the lease's (`LEASE_LOST`).
 * @example await removeClockTemporaries(directory, fencedFileIo(nodeFileIo, lease));
 */
export async function removeClockTemporaries(directory: string, io: FileIo): Promise<void> {
  const unlink = io.unlink ?? nodeFileIo.unlink!;
  const temporaries = (await listing(directory)).filter((entry) => CLOCK_TEMPORARY.test(entry));
  for (const entry of temporaries) {
    await unlink(join(directory, entry)).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error;
    });
  }
  // Not required for the fence (a crash ends every late step too); keeps a crash from bringing them back.
  if (temporaries.length > 0) await syncDirectoryAfterRemoval(directory, io);
}

/**
 * Creates a clock file of `offsetMs` numbered past every one in `directory`, durably, through `io`
 * (fenced by the caller's lease), then removes the lower-numbered ones and `clock.json`: the start
 * of a holder's own file, and a reset's offset 0 (`data-reset.ts`, under the reset's lease).
 * @returns the new file's number.
 * @throws the file system's error, or the lease's (`LEASE_LOST`).
 * @example const number = await startClockFile(directory, 0, fencedFileIo(nodeFileIo, lease));
 */
export async function startClockFile(directory: string, offsetMs: number, io: FileIo): Promise<number> {
  const entries = await listing(directory);
  // Past every number in use, a temporary's too (a holder's file on its way into place).
  let number = (clockNumbers(entries, CLOCK_FILE_OR_TEMPORARY).at(-1) ?? 0) + 1;
  for (;;) {
    try {
      await createExclusively(directory, clockFileName(number), offsetBytes(offsetMs), io);
      break;
    } catch (error) {
      // Another holder (one stopped across a takeover, late) took the number: the next is this one's.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      number += 1;
    }
  }
  const unlink = io.unlink ?? nodeFileIo.unlink!;
  for (const entry of entries) {
    const older = CLOCK_FILE_OR_TEMPORARY.exec(entry)?.[1];
    // Lower-numbered files and their temporaries (a late removal of them removes nothing a newer holder reads).
    const isOlder = older !== undefined ? Number(older) < number : entry === CLOCK_FILE || entry.startsWith(`${CLOCK_FILE}.tmp`);
    if (isOlder) await unlink(join(directory, entry)).catch(() => undefined);
  }
  return number;
}

/**
 * Creates `name` in `directory` holding `bytes`, appearing only whole and never over another file:
 * written to a temporary of a random name (this call's own, so it is removed after a failure
 * even once the lease is lost), fsynced, linked to `name` (EEXIST if it exists), then the
 * directory fsynced, each step through `io`.
 */
async function createExclusively(directory: string, name: string, bytes: Uint8Array, io: FileIo): Promise<void> {
  const temporary = join(directory, `${name}${TEMPORARY_MARK}${randomBytes(6).toString('hex')}`);
  const unlink = io.unlink ?? nodeFileIo.unlink!;
  const handle = await (io.open ?? nodeFileIo.open!)(temporary, 'wx', 0o600);
  try {
    try {
      await io.write(handle, bytes);
      await (io.syncFile ?? nodeFileIo.syncFile!)(handle);
    } finally {
      await (io.close ?? nodeFileIo.close!)(handle);
    }
    await (io.link ?? nodeFileIo.link!)(temporary, join(directory, name));
  } finally {
    await unlink(temporary).catch(() => undefined);
  }
  await syncDirectoryAfter(directory, join(directory, name), io);
}

function offsetBytes(offsetMs: number): Uint8Array {
  return new TextEncoder().encode(`${JSON.stringify({ offsetMs })}\n`);
}

/** Writes the offset as it moves, one write at a time, the last one winning. */
export interface ClockFile {
  /**
   * Records `offsetMs`, written durably in the background under the lease `lease` answers now:
   * the first write under a lease starts that holder's file (`startClockFile`), later ones replace
   * it. A write whose turn comes after a later offset was recorded is skipped (the later one's
   * write carries the latest), so a superseded offset is never written.
   */
  save(offsetMs: number): void;
  /**
   * Resolves once every offset recorded so far is durable.
   * @throws the failure of the last write: ServiceError `LEASE_LOST` once another process took
   *   the directory over, the file system's error, or the lease's.
   */
  flushed(): Promise<void>;
  /** Resolves once every offset recorded so far is written or has failed (never rejects). */
  settled(): Promise<void>;
}

/**
 * The writer of `directory`'s clock files.
 * @param lease - called as each offset is recorded: the lease its write goes under (the stores'
 *   of that moment; while a reset replaces them, the next ones', so that no write runs between
 *   the two leases). A rejection fails that write.
 * @param io - the file layer under the fenced one (tests play a takeover with it).
 * @example const file = clockFile(directory, async () => lease); file.save(86_400_000); await file.flushed();
 */
export function clockFile(directory: string, lease: () => Promise<Pick<DirectoryLease, 'confirm'>>, io: FileIo = nodeFileIo): ClockFile {
  let chain: Promise<void> = Promise.resolve();
  let failure: unknown;
  let latest = 0;
  let queued = 0;
  // The lease whose holder's file this writer replaces, and that file's number.
  let own: { readonly fence: Pick<DirectoryLease, 'confirm'>; readonly number: number } | undefined;
  return {
    save(offsetMs) {
      latest = offsetMs;
      queued += 1;
      const held = lease();
      // Awaited in turn below; a lease that fails before its turn must not be an unhandled rejection.
      held.catch(() => undefined);
      chain = chain.then(async () => {
        queued -= 1;
        try {
          const fence = await held;
          // A later save is queued: it writes the latest offset, this one would only precede it.
          if (queued > 0) return;
          const fenced = withOwnRemoval(io, fence);
          if (own?.fence === fence) await replaceFileDurably(directory, clockFileName(own.number), offsetBytes(latest), fenced);
          else own = { fence, number: await startClockFile(directory, latest, fenced) };
          // Still the holder once it is durable: it landed before any takeover.
          await fence.confirm();
          failure = undefined;
        } catch (error) {
          failure = error;
        }
      });
    },
    async flushed() {
      await chain;
      if (failure !== undefined) throw failure;
    },
    settled: () => chain,
  };
}

/**
 * `io` fenced by `fence`, but for its removals: those of a write's own temporary file after a
 * failed step (`clock-<n>.json.tmp-<random>`, created exclusively by this write), and
 * `startClockFile`'s of lower-numbered files, which no newer holder reads. So they are made even
 * once the lease is lost, rather than left in the new holder's directory.
 */
function withOwnRemoval(io: FileIo, fence: Pick<DirectoryLease, 'confirm'>): FileIo {
  return { ...fencedFileIo(io, fence), unlink: io.unlink ?? nodeFileIo.unlink! };
}
