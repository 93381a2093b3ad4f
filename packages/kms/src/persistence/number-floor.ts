/**
 * @module
 * The numbering floor of a data directory: the file `number-floor`, holding the highest number a
 * snapshot, journal or audit file of the directory had when its state was last removed (a data
 * reset, `strongbox`'s `controls/data-reset.ts`). A store's fence against a previous holder still
 * alive (paused past its lease) is that holder's names: every open starts a generation past any
 * the old holder could write (`directory-store.ts`), so a late step of it (an unlink, a rename,
 * an append, whose lease check passed before the pause) finds only its own names. A reset empties
 * the directory, and without a floor the next open would start again at generation 1 and audit
 * file 1: names a holder stopped across the takeover, the reset and the restart may still use,
 * and its late unlink would remove the new holder's file. With the floor, an open of a directory
 * with no state starts two past it, as the generation leap does, and numbering never repeats
 * within the directory.
 */

import { readFile } from 'node:fs/promises';
import { replaceFileDurably } from '@strongbox/service-kernel';
import { KmsError } from '../errors.ts';
import { classifyFiles, type FileIo, nodeFileIo, pathIn } from './files.ts';

/** The floor's file name (kept by a reset; see `isDirectoryStoreFile`). */
export const NUMBER_FLOOR_FILE = 'number-floor';

const TEMPORARY_NUMBER = /^snapshot-(\d{1,15})\.sbx\.tmp$/;

/**
 * Reads the directory's numbering floor.
 * @returns the floor, or `undefined` if the directory has none (never reset).
 * @throws KmsError CORRUPT if the file holds anything but a number; the file system's error.
 * @example const floor = await readNumberFloor('/var/lib/strongbox'); // 7, or undefined
 */
export async function readNumberFloor(directory: string): Promise<number | undefined> {
  let text: string;
  try {
    text = await readFile(pathIn(directory, NUMBER_FLOOR_FILE), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  if (!/^\d{1,15}\n?$/.test(text)) throw new KmsError('CORRUPT', `${pathIn(directory, NUMBER_FLOOR_FILE)} holds no number.`);
  return Number(text.trim());
}

/**
 * Raises the numbering floor of `directory` to the highest number among `names` (its listing:
 * snapshots, their temporaries, journals and audit files) if that is above the floor, durably,
 * before those files are removed (see the module). Call it under the directory's lock.
 * @returns the floor now in place (0 for a directory that never held a numbered file).
 * @throws KmsError CORRUPT for a damaged floor file; the kernel's `NOT_DURABLE` (the new floor is
 *   in place but its directory fsync failed: call again); the file system's error.
 * @example await raiseNumberFloor(directory, await readdir(directory)); // then remove the state
 */
export async function raiseNumberFloor(directory: string, names: readonly string[], io: FileIo = nodeFileIo): Promise<number> {
  const highest = highestFileNumber(names);
  const floor = (await readNumberFloor(directory)) ?? 0;
  if (highest <= floor) return floor;
  await replaceFileDurably(directory, NUMBER_FLOOR_FILE, new TextEncoder().encode(`${highest}\n`), io);
  return highest;
}

/**
 * The highest number among `names` (a directory's listing): of its snapshots, their temporaries,
 * journals and audit files; 0 for none. Every open of a store numbers a file past it (a
 * generation, an audit file), so a number above one seen earlier tells that a store opened since.
 * @example highestFileNumber(['snapshot-00000003.sbx', 'audit-00000004.sbx']); // 4
 */
export function highestFileNumber(names: readonly string[]): number {
  const files = classifyFiles(names);
  const temporaries = files.temporaries.map((name) => Number(TEMPORARY_NUMBER.exec(name)?.[1] ?? 0));
  return Math.max(0, ...files.snapshots, ...files.journals, ...files.audits, ...temporaries);
}

/**
 * The highest generation number among `names` (a directory's listing): of its snapshots, their
 * temporaries and journals, not its audit files; 0 for none. Every open of a store writes a
 * snapshot past the numbering floor (two past it, or past the generation it recovers), so a
 * generation above a floor raised earlier tells that a store opened since. Audit files do not tell
 * it: a previous holder stopped across a takeover can create its log's next file late, under the
 * number the new holder's log starts at (`audit-log.ts`), whereas its late snapshot or journal is
 * at most its own generation + 1, which the new holder's open leapt past.
 * @example highestGenerationNumber(['snapshot-00000003.sbx', 'audit-00000004.sbx']); // 3
 */
export function highestGenerationNumber(names: readonly string[]): number {
  const files = classifyFiles(names);
  const temporaries = files.temporaries.map((name) => Number(TEMPORARY_NUMBER.exec(name)?.[1] ?? 0));
  return Math.max(0, ...files.snapshots, ...files.journals, ...temporaries);
}
