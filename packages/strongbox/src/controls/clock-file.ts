/**
 * @module
 * The clock's offset kept in a data directory (`clock.json`), so that a restart does not move
 * the emulator's time back: keys rotated, deleted or created at a moved time stay in its past, as
 * the clock's "never backwards" rule promises. Time keeps running while the emulator is stopped
 * (the offset is from the system clock, not a frozen instant), as it does for AWS. A reset removes
 * the file with the rest of the state.
 */

import { readFile } from 'node:fs/promises';
import { replaceFileDurably } from '@strongbox/service-kernel';
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
  /** Records `offsetMs` (written durably in the background). */
  save(offsetMs: number): void;
  /**
   * Resolves once every offset recorded so far is durable.
   * @throws the file system's error of a failed write.
   */
  flushed(): Promise<void>;
}

/**
 * The writer of `directory`'s clock file.
 * @example const file = clockFile(directory); file.save(86_400_000); await file.flushed();
 */
export function clockFile(directory: string): ClockFile {
  let chain: Promise<void> = Promise.resolve();
  let failure: unknown;
  return {
    save(offsetMs) {
      chain = chain.then(async () => {
        try {
          await replaceFileDurably(directory, CLOCK_FILE, new TextEncoder().encode(`${JSON.stringify({ offsetMs })}\n`));
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
  };
}
