/**
 * @module
 * The data directory, checked before any store opens it: it must be a directory this process can
 * create files in (it is created when missing, but its parent must exist: a mistyped path does
 * not grow a tree of directories), and it must not hold state written in another format. Each
 * refusal is one `StrongboxError` (`UNUSABLE` or `OTHER_FORMAT`) whose message says what is wrong,
 * raised at once: Node's recursive `mkdir` never returns for some unusable paths (`/proc/nope`
 * spins a thread-pool thread at full CPU), so no recursive `mkdir` runs before these checks pass.
 *
 * The format is recorded in `strongbox.json` at the top of the directory (`{"format":1,...}`),
 * written when the directory is first used; a directory without it that already holds state was
 * written by a Strongbox from before the marker, which wrote format 1. A non-empty directory
 * with neither the marker nor any Strongbox file (`data-files.ts`) is refused: it is not ours.
 */

import { randomBytes } from 'node:crypto';
import { open, readdir, readFile, stat, unlink } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { createDirectoryDurably, type FileIo, replaceFileDurably } from '@strongbox/service-kernel';
import { FORMAT_FILE, isStrongboxEntry } from './data-files.ts';
import { StrongboxError } from './errors.ts';
import { VERSION } from './version.ts';

/** The data directory format this Strongbox reads and writes. */
export const DATA_FORMAT = 1;

/** The marker file naming the directory's format. */
export { FORMAT_FILE } from './data-files.ts';

/** A data directory refused before anything was opened: one line naming the path. */
function refused(code: 'UNUSABLE' | 'OTHER_FORMAT', directory: string, reason: string): StrongboxError {
  return new StrongboxError(code, `data directory '${directory}': ${reason}`);
}

/** Options of `prepareDataDirectory`. */
export interface PrepareDataDirectoryOptions {
  /** The file layer the directory is created through (tests inject faults). Default: the service kernel's `nodeFileIo`. */
  readonly io?: FileIo;
}

/**
 * Makes sure `directory` can hold Strongbox's state: creates it if missing (not its parents),
 * proves files can be created in it, and checks or records its format. A parent this process
 * cannot fsync (writable but not readable, or on a file system without directory fsync) is no
 * refusal: `createDirectoryDurably` warns and goes on, as durable as that file system allows.
 * @throws StrongboxError UNUSABLE (also: a non-empty directory holding no Strongbox file; a
 *   directory created here whose parent's fsync then failed, e.g. EIO, which says so) or
 *   OTHER_FORMAT; nothing is left behind then (a directory created here stays, empty).
 * @example await prepareDataDirectory('./strongbox-data');
 */
export async function prepareDataDirectory(directory: string, options: PrepareDataDirectoryOptions = {}): Promise<void> {
  const unusable = (reason: string): StrongboxError => refused('UNUSABLE', directory, reason);
  const existing = await stat(directory).catch((error: NodeJS.ErrnoException) => error);
  if (existing instanceof Error) {
    if (existing.code === 'ENOTDIR') throw unusable(`a part of the path is not a directory`);
    if (existing.code !== 'ENOENT') throw unusable(describe(existing));
    const parent = dirname(resolve(directory));
    const parentStat = await stat(parent).catch((error: NodeJS.ErrnoException) => error);
    if (parentStat instanceof Error) {
      throw unusable(
        parentStat.code === 'ENOENT' ? `its parent '${parent}' does not exist (create it first)` : `its parent '${parent}': ${describe(parentStat)}`,
      );
    }
    if (!parentStat.isDirectory()) throw unusable(`its parent '${parent}' is not a directory`);
    try {
      // Durably (the parent fsynced): the stores' acknowledged files must not vanish with it.
      // Another process may have made it in between: that is no refusal.
      await createDirectoryDurably(directory, options.io === undefined ? {} : { io: options.io });
    } catch (error) {
      // In place now: the mkdir worked (here or in another process) and the parent's fsync failed.
      if ((await stat(directory).catch(() => undefined))?.isDirectory() === true) {
        throw unusable(
          `was created, but its parent '${parent}' could not be fsynced (${describe(error)}), so the directory may not survive a power loss; start again to retry`,
        );
      }
      throw unusable(`cannot be created: ${describe(error)}`);
    }
  } else if (!existing.isDirectory()) {
    throw unusable('not a directory');
  }
  await probeWritable(directory, unusable);
  await checkFormat(directory);
}

/** Creates and removes a file in `directory`: the only reliable proof (root ignores modes; `/proc` and read-only mounts refuse regardless of them). */
async function probeWritable(directory: string, unusable: (reason: string) => StrongboxError): Promise<void> {
  const probe = join(directory, `.strongbox-probe-${randomBytes(6).toString('hex')}`);
  try {
    const handle = await open(probe, 'wx', 0o600);
    await handle.close();
  } catch (error) {
    throw unusable(`cannot create files in it: ${describe(error)}`);
  }
  await unlink(probe);
}

async function checkFormat(directory: string): Promise<void> {
  const text = await readFile(join(directory, FORMAT_FILE), 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw refused('UNUSABLE', directory, `cannot read ${FORMAT_FILE}: ${describe(error)}`);
  });
  if (text === undefined) {
    // First use (or state from before the marker, which is format 1): record the format. A
    // directory already holding other files, none of them Strongbox's, is someone's project
    // (`strongbox serve --data .`): adopting it would let a reset delete alongside its files.
    const entries = await readdir(directory);
    if (entries.length > 0 && !entries.some(isStrongboxEntry)) {
      throw refused('UNUSABLE', directory, `holds files that are not Strongbox's; use an empty directory`);
    }
    // Written before any lease is held, unfenced, and possibly late (this process stopped before
    // its rename while another one found the directory unmarked too, marked it and serves it).
    // Harmless: a start reads only `format` from it, which every process of this format writes
    // alike (`createdBy` only names a release in a refusal), and no other file depends on it; a
    // late rename replaces it by an equal marker. A process of another format racing the first
    // use would leave the wrong marker: the next start then refuses (OTHER_FORMAT) and changes
    // nothing (only format 1 exists so far).
    const marker = { format: DATA_FORMAT, createdBy: `strongbox ${VERSION}`, note: 'The format of this Strongbox data directory; do not edit.' };
    await replaceFileDurably(directory, FORMAT_FILE, new TextEncoder().encode(`${JSON.stringify(marker, null, 2)}\n`));
    return;
  }
  let recorded: { format?: unknown; createdBy?: unknown } | undefined;
  try {
    recorded = JSON.parse(text) as { format?: unknown; createdBy?: unknown };
  } catch {
    recorded = undefined;
  }
  const format = recorded?.format;
  if (typeof format !== 'number' || !Number.isSafeInteger(format)) {
    throw refused('OTHER_FORMAT', directory, `${FORMAT_FILE} does not name a format this Strongbox knows`);
  }
  if (format !== DATA_FORMAT) {
    const by = typeof recorded?.createdBy === 'string' ? ` by ${recorded.createdBy}` : '';
    const advice = format > DATA_FORMAT ? 'use that Strongbox or a newer one, or another directory' : 'use the Strongbox that wrote it, or another directory';
    throw refused('OTHER_FORMAT', directory, `written in format ${format}${by}; strongbox ${VERSION} reads format ${DATA_FORMAT} (${advice})`);
  }
}

/** An errno failure in a few words, with its code. */
function describe(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  const words: Record<string, string> = {
    EACCES: 'permission denied',
    EPERM: 'operation not permitted',
    EROFS: 'read-only file system',
    ENOENT: 'no such file or directory',
    ENOSPC: 'no space left on the device',
    ENOTDIR: 'a part of the path is not a directory',
    ELOOP: 'too many symbolic links',
    ENAMETOOLONG: 'the name is too long',
  };
  const known = typeof code === 'string' ? words[code] : undefined;
  return known === undefined ? (error as Error).message : `${known} (${code})`;
}
