/**
 * @module
 * The numbering floor of a data directory: the highest number a snapshot, journal or audit file
 * of the directory had when its state was last removed (a data reset, `strongbox`'s
 * `controls/data-reset.ts`), kept in the name of a file `number-floor-<n>` (the highest such
 * name is the floor; `number-floor`, holding the number, is the previous layout's). A store's
 * fence against a previous holder still alive (paused past its lease) is that holder's names:
 * every open starts a generation past any the old holder could write (`directory-store.ts`), so
 * a late step of it (an unlink, a rename, an append, whose lease check passed before the pause)
 * finds only its own names. A reset empties the directory, and without a floor the next open
 * would start again at generation 1 and audit file 1: names a holder stopped across the
 * takeover, the reset and the restart may still use, and its late unlink would remove the new
 * holder's file. With the floor, an open of a directory with no state starts two past it, as the
 * generation leap does, and numbering never repeats within the directory.
 *
 * The floor only rises, and a late step cannot lower it: a raise creates its own name
 * (exclusively, linked into place) and then removes the lower ones. A reset stopped across a
 * takeover past the lease check of its link (the one step that puts a floor in place) links a
 * name a later reset's outnumbers, so the floor read is still the higher one; its late removals
 * remove only names below its own. With one fixed name replaced by a rename, that late rename
 * would put the lower number back, and the next open of an emptied directory would number its
 * files where a second stopped holder's late unlink could still reach them.
 */

import { readdir, readFile } from 'node:fs/promises';
import { createFileExclusivelyDurably } from '@strongbox/service-kernel';
import { KmsError } from '../errors.ts';
import { classifyFiles, type FileIo, nodeFileIo, pathIn, unlessLeaseLost } from './files.ts';

/** The previous layout's floor file, holding the number (kept by a reset; see `isDirectoryStoreFile`). */
export const NUMBER_FLOOR_FILE = 'number-floor';

/** A floor file of this layout, `number-floor-<n>`: its number. */
const NUMBER_FLOOR_NAMED = /^number-floor-(\d{1,15})$/;

/** The floor file of `floor`. */
function floorName(floor: number): string {
  return `${NUMBER_FLOOR_FILE}-${String(floor).padStart(8, '0')}`;
}

/**
 * Whether `name`, an entry at the top of a data directory, is a numbering floor file (either
 * layout's), or a temporary of one: what a reset keeps.
 * @example isNumberFloorFile('number-floor-00000007'); // true
 */
export function isNumberFloorFile(name: string): boolean {
  const base = /^(.*?)\.tmp(?:-[0-9a-f]+)?$/.exec(name)?.[1] ?? name;
  return base === NUMBER_FLOOR_FILE || NUMBER_FLOOR_NAMED.test(base);
}

const TEMPORARY_NUMBER = /^snapshot-(\d{1,15})\.sbx\.tmp$/;

/**
 * Reads the directory's numbering floor: the highest `number-floor-<n>`, or the previous layout's
 * `number-floor` if that is higher.
 * @returns the floor, or `undefined` if the directory has none (never reset).
 * @throws KmsError CORRUPT if `number-floor` holds anything but a number; the file system's error.
 * @example const floor = await readNumberFloor('/var/lib/strongbox'); // 7, or undefined
 */
export async function readNumberFloor(directory: string): Promise<number | undefined> {
  let entries: string[];
  try {
    entries = await readdir(directory);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const floors = floorNumbers(entries);
  if (entries.includes(NUMBER_FLOOR_FILE)) {
    const previous = await readPreviousFloor(directory);
    if (previous !== undefined) floors.push(previous);
  }
  return floors.length === 0 ? undefined : Math.max(...floors);
}

function floorNumbers(entries: readonly string[]): number[] {
  return entries.flatMap((entry) => {
    const found = NUMBER_FLOOR_NAMED.exec(entry)?.[1];
    return found === undefined ? [] : [Number(found)];
  });
}

async function readPreviousFloor(directory: string): Promise<number | undefined> {
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
 * before those files are removed (see the module): creates `number-floor-<n>`, then removes the
 * lower floor files. Call it under the directory's lock.
 * @returns the floor now in place (0 for a directory that never held a numbered file).
 * @throws KmsError CORRUPT for a damaged `number-floor`; the kernel's `NOT_DURABLE` (the new floor
 *   is in place but its directory fsync failed: call again); `LEASE_LOST` from a fenced `io`; the
 *   file system's error.
 * @example await raiseNumberFloor(directory, await readdir(directory)); // then remove the state
 */
export async function raiseNumberFloor(directory: string, names: readonly string[], io: FileIo = nodeFileIo): Promise<number> {
  const highest = highestFileNumber(names);
  const floor = (await readNumberFloor(directory)) ?? 0;
  if (highest <= floor) return floor;
  try {
    await createFileExclusivelyDurably(pathIn(directory, floorName(highest)), new TextEncoder().encode(`${highest}\n`), { io });
  } catch (error) {
    // Linked meanwhile (a raise to the same number, stopped across a takeover): the same floor. An
    // EEXIST of the temporary's open (that raise's temporary) puts none in place: thrown.
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || ((await readNumberFloor(directory)) ?? 0) < highest) throw error;
  }
  // The lower ones only (a late removal of them removes nothing a later raise reads); one left
  // behind by a failed removal is outnumbered, and removed by the next raise.
  const unlink = io.unlink ?? nodeFileIo.unlink!;
  for (const entry of await readdir(directory)) {
    // The floor files and their creations' temporaries (`number-floor-<n>.tmp`, a crash's leftover).
    const number = /^number-floor-(\d{1,15})(?:\.tmp)?$/.exec(entry)?.[1];
    const lower = number !== undefined ? Number(number) < highest : entry === NUMBER_FLOOR_FILE || entry.startsWith(`${NUMBER_FLOOR_FILE}.tmp`);
    if (lower) await unlink(pathIn(directory, entry)).catch(unlessLeaseLost);
  }
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
 * it: a previous holder stopped across a takeover can create its log's next file late (one past
 * its last, the number the new holder's log leapt over, `audit-log.ts`), whereas its late snapshot
 * or journal is at most its own generation + 1, which the new holder's open leapt past too.
 * @example highestGenerationNumber(['snapshot-00000003.sbx', 'audit-00000004.sbx']); // 3
 */
export function highestGenerationNumber(names: readonly string[]): number {
  const files = classifyFiles(names);
  const temporaries = files.temporaries.map((name) => Number(TEMPORARY_NUMBER.exec(name)?.[1] ?? 0));
  return Math.max(0, ...files.snapshots, ...files.journals, ...temporaries);
}
