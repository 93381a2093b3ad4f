/**
 * @module
 * The clock's offset kept in a data directory (`clock.json`), so that a restart does not move
 * the emulator's time back: keys rotated, deleted or created at a moved time stay in its past, as
 * the clock's "never backwards" rule promises. Time keeps running while the emulator is stopped
 * (the offset is from the system clock, not a frozen instant), as it does for AWS. A reset removes
 * the file with the rest of the state.
 *
 * The file is written under the data directory's lease, as every file of the directory is: each
 * step that changes the directory goes through the service kernel's lease-fenced file layer
 * (`fencedFileIo`), and a write is acknowledged (`flushed`) only once the lease is confirmed again
 * after it is durable, as the stores acknowledge theirs. So a process whose directory another one
 * took over (this one paused past its lease) writes no `clock.json` over the new holder's: its
 * write fails with the kernel's `LEASE_LOST`, and the store whose lease it is tells `onStoreError`.
 */

import { readFile } from 'node:fs/promises';
import { type DirectoryLease, type FileIo, fencedFileIo, nodeFileIo, replaceFileDurably } from '@strongbox/service-kernel';
import { CLOCK_FILE } from '../data-files.ts';

/** The file's name in the data directory. */
export { CLOCK_FILE } from '../data-files.ts';

/**
 * The offset kept in `directory`, or `undefined` when there is none (or no directory yet).
 * @throws TypeError for a file that is not `{"offsetMs": <whole number>}`.
 * @example const offsetMs = await readClockOffset('/var/lib/strongbox');
 */
export async function readClockOffset(directory: string): Promise<number | undefined> {
  let text: string;
  try {
    text = await readFile(`${directory}/${CLOCK_FILE}`, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw error;
  }
  let offsetMs: unknown;
  try {
    offsetMs = (JSON.parse(text) as { offsetMs?: unknown } | null)?.offsetMs;
  } catch {
    offsetMs = undefined;
  }
  if (typeof offsetMs !== 'number' || !Number.isSafeInteger(offsetMs)) {
    throw new TypeError(`${directory}/${CLOCK_FILE} is damaged: expected {"offsetMs": <whole number of milliseconds>}`);
  }
  return offsetMs;
}

/** Writes the offset as it moves, one write at a time, the last one winning. */
export interface ClockFile {
  /** Records `offsetMs` (written durably in the background, under the lease `lease` answers now). */
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
 * The writer of `directory`'s clock file.
 * @param lease - called as each offset is recorded: the lease its write goes under (the stores'
 *   of that moment; while a reset replaces them, the next ones', so that no write runs between
 *   the two leases). A rejection fails that write.
 * @param io - the file layer under the fenced one (tests play a takeover with it).
 * @example const file = clockFile(directory, async () => endpoint.directoryLease!); file.save(86_400_000); await file.flushed();
 */
export function clockFile(directory: string, lease: () => Promise<Pick<DirectoryLease, 'confirm'>>, io: FileIo = nodeFileIo): ClockFile {
  let chain: Promise<void> = Promise.resolve();
  let failure: unknown;
  return {
    save(offsetMs) {
      const held = lease();
      // Awaited in turn below; a lease that fails before its turn must not be an unhandled rejection.
      held.catch(() => undefined);
      chain = chain.then(async () => {
        try {
          const fence = await held;
          await replaceFileDurably(directory, CLOCK_FILE, new TextEncoder().encode(`${JSON.stringify({ offsetMs })}\n`), withOwnRemoval(io, fence));
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
 * `io` fenced by `fence`, but for its removals: the only one `replaceFileDurably` makes is of its
 * own temporary file after a failed step (`clock.json.tmp-<random>`, created exclusively by this
 * write), a name no other process can have made a file under. So it is removed even once the
 * lease is lost, rather than left in the new holder's directory, where nothing would remove it.
 */
function withOwnRemoval(io: FileIo, fence: Pick<DirectoryLease, 'confirm'>): FileIo {
  return { ...fencedFileIo(io, fence), unlink: io.unlink ?? nodeFileIo.unlink! };
}
