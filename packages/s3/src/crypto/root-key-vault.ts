/**
 * @module
 * The files of SSE-S3's root keys: each in `sse-s3-root-keys/root-<generation>.key` (mode 0600,
 * JSON `{ created, key }` with the key in base64), created crash-safely with the service kernel's
 * `createFileExclusivelyDurably` (temporary file, fsync, exclusive link, directory fsync, as
 * @strongbox/kms creates its `root.key`) so a key appears only complete; a key file anyone else
 * may read is refused, as OpenSSH refuses a loose private key. A temporary a crash left is removed
 * only once proven redundant, or the interrupted create is completed when it holds a whole key
 * (`settleLeftover`). Every step that changes the directory goes through the data-directory
 * store's lease-fenced io when given (as KMS's root key does), so a process whose lease lapsed
 * adds or removes no key file.
 */

import { constants } from 'node:fs';
import { lstat, open, readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { createDirectoryDurably, createFileExclusivelyDurably, type FileIo, nodeFileIo } from '@strongbox/service-kernel';

/** The length of a root key (AES-256). */
export const ROOT_KEY_LENGTH = 32;
const ROOT_FILE = /^root-(\d{8})\.key$/;
/** `createFileExclusivelyDurably`'s temporary of a root key file, left by a crash. */
const ROOT_LEFTOVER = /^root-(\d{8})\.key\.tmp$/;

/** Where root keys are kept. */
export interface RootKeyVault {
  load(): Promise<{ generation: number; created: number; key: Uint8Array }[]>;
  save(generation: number, created: number, key: Uint8Array): Promise<void>;
}

/**
 * The root keys kept in `directory`, every change through `io`.
 * @throws from `load()`: a key file that cannot be read, is not a root key or is readable by
 *   others, or a directory under the temporary name of a generation past the newest key (a
 *   rotation could never write there; nothing is removed then); from `save()`: the kernel's
 *   durable-create errors.
 * @example const keys = await directoryVault('/data/sse-s3-root-keys', nodeFileIo).load();
 */
export function directoryVault(directory: string, io: FileIo): RootKeyVault {
  const files = fileSteps(io);
  return {
    async load() {
      await ensureDirectory(directory, io);
      // Sorted: generations in order, whatever order the file system lists them in.
      const names = (await readdir(directory)).sort();
      const found = new Map<number, { created: number; key: Uint8Array }>();
      try {
        for (const name of names) {
          const match = ROOT_FILE.exec(name);
          if (match?.[1] !== undefined) found.set(Number(match[1]), await readKeyFile(join(directory, name)));
        }
        const foreign: { path: string; generation: number; isDirectory: boolean }[] = [];
        for (const name of names) {
          const match = ROOT_LEFTOVER.exec(name);
          if (match?.[1] === undefined) continue;
          const generation = Number(match[1]);
          const settled = await settleLeftover(files, directory, name, found.has(generation));
          if (settled === undefined) continue;
          if ('isDirectory' in settled) foreign.push({ path: join(directory, name), generation, isDirectory: settled.isDirectory });
          else found.set(generation, settled);
        }
        refuseForeignAhead(foreign, Math.max(0, ...found.keys()));
      } catch (error) {
        // A later file refused: the keys already decoded are not handed to anyone, so wiped here.
        for (const { key } of found.values()) key.fill(0);
        throw error;
      }
      return [...found].map(([generation, read]) => ({ generation, ...read })).sort((a, b) => a.generation - b.generation);
    },
    async save(generation, created, key) {
      const path = join(directory, `root-${String(generation).padStart(8, '0')}.key`);
      // A view of the key, not a copy (`Buffer.from(key)` could copy it into Node's shared pool).
      // The base64 text is a string, which JavaScript cannot wipe: it stays until collected.
      const text = new TextEncoder().encode(`${JSON.stringify({ created, key: Buffer.from(key.buffer, key.byteOffset, key.length).toString('base64') })}\n`);
      try {
        // Exclusive (link): a generation is never overwritten.
        await createFileExclusivelyDurably(path, text, { io });
      } finally {
        text.fill(0);
      }
    },
  };
}

/**
 * Decides about `root-<n>.key.tmp`, the temporary `createFileExclusivelyDurably` writes a key to
 * before linking it to `root-<n>.key`, left by a crash. It is removed only once proven redundant,
 * as @strongbox/kms does with its `root.key.tmp`: it may be the only copy of a key that wraps data
 * keys (a crash between the link and the unlink, then `root-<n>.key` lost by hand).
 * - `root-<n>.key` exists: the leftover is removed if it is a second name of that file or holds
 *   the same bytes; anything else is kept, with a warning (nothing proves it unneeded).
 * - `root-<n>.key` is missing and the leftover is not a whole key file: a crash before its link,
 *   the key never used (a key is used only once linked, and was whole and fsynced by then), so it
 *   is removed.
 * - `root-<n>.key` is missing and the leftover is a whole key: the create is completed (fsync,
 *   link, unlink, directory fsync) and the key returned. If the key was never used this only adds
 *   a generation; if it was, this restores the only copy.
 * - anything but a regular file under the name (a directory, a symlink) is kept and answered as
 *   `{ isDirectory }`, for `refuseForeignAhead`.
 *
 * Another process loading the directory at the same time (two opens racing, or a holder whose
 * lease lapsed) may settle the same leftover between these steps: a leftover gone (ENOENT) or a
 * `root-<n>.key` already in place at the link (EEXIST) means it was settled, and the key is read
 * back from `root-<n>.key`.
 * @throws Error if a whole key in it is readable by group or others, or cannot be read; the file
 *   system's errors.
 */
async function settleLeftover(
  files: FileSteps,
  directory: string,
  name: string,
  finalExists: boolean,
): Promise<{ created: number; key: Uint8Array } | { isDirectory: boolean } | undefined> {
  const leftover = join(directory, name);
  const final = join(directory, name.slice(0, -'.tmp'.length));
  // Only a regular file is what `createFileExclusivelyDurably` writes; anything else under the
  // name (a directory, a symlink) is no key of ours: kept, for `refuseForeignAhead` to judge.
  const kind = await lstat(leftover).catch((error: unknown) => (errorCode(error) === 'ENOENT' ? undefined : Promise.reject(error)));
  if (kind !== undefined && !kind.isFile()) return { isDirectory: kind.isDirectory() };
  if (finalExists) {
    await settleBeside(files, directory, leftover, final);
    return undefined;
  }
  let read: Awaited<ReturnType<typeof readKeyText>>;
  try {
    read = await readKeyText(leftover, { sync: true });
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return settledElsewhere(final);
    throw error;
  }
  if (read.parsed === undefined) {
    await files.unlinkIfPresent(leftover);
    await files.syncDirectory(directory);
    return undefined;
  }
  try {
    refuseLooseMode(leftover, read.mode);
    await files.link(leftover, final);
  } catch (error) {
    read.parsed.key.fill(0);
    const code = errorCode(error);
    if (code === 'ENOENT') return settledElsewhere(final);
    if (code === 'EEXIST') {
      await settleBeside(files, directory, leftover, final);
      return readKeyFile(final);
    }
    throw error;
  }
  await files.unlinkIfPresent(leftover);
  await files.syncDirectory(directory);
  return read.parsed;
}

/**
 * Judges what is under a leftover's name but is no regular file (so nothing Strongbox wrote: its
 * creates write files only). A directory at a generation past the newest key is refused: every
 * rotation creates the next generation's `.tmp` after removing a leftover under that name
 * (`createFileExclusivelyDurably`), which unlink(2) cannot do to a directory (EISDIR), so the
 * first rotation to reach it would fail on every call that asks for it, the open's own first key
 * included, long after the start; refused now, the message names the path to remove. It is not
 * removed here: a directory someone made may hold their files, and a start never deletes what
 * Strongbox did not write. Anything else (a directory below the newest key, which no rotation
 * reaches again; a symlink, which that unlink removes without touching its target) is kept, with
 * a warning, and the start goes on, as in KMS.
 * @throws Error naming the first directory that a rotation would reach.
 */
function refuseForeignAhead(foreign: readonly { path: string; generation: number; isDirectory: boolean }[], newest: number): void {
  const blocking = foreign.find((entry) => entry.isDirectory && entry.generation > newest);
  if (blocking !== undefined) {
    throw new Error(
      `${blocking.path} is a directory under the name of the temporary file of SSE-S3 root key generation ${blocking.generation}, which a key rotation writes; remove it (Strongbox never creates one).`,
    );
  }
  for (const { path } of foreign) {
    process.emitWarning(`Kept ${path}: it is not a regular file, so not a root key written here; remove it by hand.`, {
      code: 'STRONGBOX_ROOT_KEY_LEFTOVER',
    });
  }
}

/**
 * A leftover beside its `root-<n>.key`: removed if a second name of it or the same bytes, else
 * kept with a warning. One already removed (by another process settling it) is left alone.
 */
async function settleBeside(files: FileSteps, directory: string, leftover: string, final: string): Promise<void> {
  try {
    const [a, b] = await Promise.all([stat(leftover), stat(final)]);
    const same = (a.dev === b.dev && a.ino === b.ino) || (await sameBytes(leftover, final));
    if (!same) {
      process.emitWarning(
        `Kept ${leftover}: it differs from ${final}, so it may be the only copy of a root key; remove it by hand once it is known to be unneeded.`,
        {
          code: 'STRONGBOX_ROOT_KEY_LEFTOVER',
        },
      );
      return;
    }
    await files.unlink(leftover);
  } catch (error) {
    if (errorCode(error) !== 'ENOENT') throw error;
  }
  await files.syncDirectory(directory);
}

/** The steps that change the key directory, through `io` (a fenced io refuses them once its lease is lost). */
interface FileSteps {
  link(existing: string, path: string): Promise<void>;
  unlink(path: string): Promise<void>;
  unlinkIfPresent(path: string): Promise<void>;
  syncDirectory(directory: string): Promise<void>;
}

function fileSteps(io: FileIo): FileSteps {
  const unlink = io.unlink ?? nodeFileIo.unlink!;
  return {
    link: io.link ?? nodeFileIo.link!,
    unlink,
    unlinkIfPresent: (path) =>
      unlink(path).catch((error: unknown) => {
        if (errorCode(error) !== 'ENOENT') throw error;
      }),
    syncDirectory: io.syncDirectory ?? nodeFileIo.syncDirectory!,
  };
}

/**
 * Creates the key directory if it is missing, durably (its parent fsynced, the data directory
 * above it too when made here), through `io`: a key written in a directory whose entry a power
 * loss drops is lost with it. The parent is fsynced even when the directory exists, in case an
 * earlier start crashed before that fsync.
 */
async function ensureDirectory(directory: string, io: FileIo): Promise<void> {
  await createDirectoryDurably(directory, { io, recursive: true });
}

function errorCode(error: unknown): unknown {
  return (error as { code?: unknown } | null)?.code;
}

/** Whether two (small, secret) files hold the same bytes; the copies read are wiped. */
async function sameBytes(a: string, b: string): Promise<boolean> {
  const [x, y] = await Promise.all([readFile(a), readFile(b)]);
  try {
    return x.equals(y);
  } finally {
    x.fill(0);
    y.fill(0);
  }
}

/**
 * A leftover that vanished under this load: another loader settled it, either linking it as
 * `final` (read it from there) or removing it as torn, in which case no `final` exists and the
 * generation never was.
 */
async function settledElsewhere(final: string): Promise<{ created: number; key: Uint8Array } | undefined> {
  const linked = await lstat(final).then(
    () => true,
    (error: unknown) => (errorCode(error) === 'ENOENT' ? false : Promise.reject(error)),
  );
  return linked ? readKeyFile(final) : undefined;
}

async function readKeyFile(path: string): Promise<{ created: number; key: Uint8Array }> {
  const { mode, parsed } = await readKeyText(path, { sync: false });
  refuseLooseMode(path, mode);
  if (parsed === undefined) throw new Error(`${path} is not an SSE-S3 root key file ({"created": <ms>, "key": <base64 of 32 bytes>})`);
  return parsed;
}

function refuseLooseMode(path: string, mode: number): void {
  if (process.platform !== 'win32' && (mode & 0o077) !== 0) {
    throw new Error(
      `${path} has mode ${(mode & 0o777).toString(8).padStart(4, '0')}; an SSE-S3 root key must not be accessible to group or others. Run \`chmod 600 ${path}\`.`,
    );
  }
}

/**
 * Reads a key file through one handle (so it cannot be swapped between the mode check and the
 * read): its mode, and its key, or `undefined` if it is not a whole key file. `sync` fsyncs it
 * first (a leftover about to be linked may never have been).
 * @throws Error naming `path` if it cannot be read (the file system's error as its cause); the
 *   file system's error if it cannot be opened or fsynced.
 */
async function readKeyText(
  path: string,
  options: { readonly sync: boolean },
): Promise<{ mode: number; parsed: { created: number; key: Uint8Array } | undefined }> {
  const handle = await open(path, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0));
  try {
    const { mode } = await handle.stat();
    if (options.sync) await handle.sync();
    // The JSON text and the base64 string cannot be wiped (JavaScript strings); the decoded bytes are.
    // Read outside the parse's `try`: a failed read (EIO) says nothing about the content, and a
    // leftover taken for "not a whole key" would be removed, though it may be a key's only copy.
    let text: string;
    try {
      text = await handle.readFile('utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException | null)?.code ?? (error as Error | null)?.name;
      throw new Error(`Could not read the SSE-S3 root key file ${path} (${code}); nothing was changed.`, { cause: error });
    }
    let parsed: { created?: unknown; key?: unknown };
    try {
      parsed = JSON.parse(text) as { created?: unknown; key?: unknown };
    } catch {
      return { mode, parsed: undefined };
    }
    if (typeof parsed !== 'object' || parsed === null || typeof parsed.created !== 'number' || typeof parsed.key !== 'string')
      return { mode, parsed: undefined };
    const decoded = Buffer.from(parsed.key, 'base64');
    try {
      if (decoded.length !== ROOT_KEY_LENGTH) return { mode, parsed: undefined };
      return { mode, parsed: { created: parsed.created, key: new Uint8Array(decoded) } };
    } finally {
      decoded.fill(0);
    }
  } finally {
    await handle.close();
  }
}
