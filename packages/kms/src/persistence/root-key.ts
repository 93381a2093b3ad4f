/**
 * @module
 * The root key that seals a data directory, taken from (first match wins): the `rootKey` option,
 * the `STRONGBOX_ROOT_KEY` environment variable (base64 of 32 bytes), or the directory's
 * `root.key` file. `root.key` holds the base64 text of 32 bytes (44 characters, an optional
 * trailing newline), so the same text works as `STRONGBOX_ROOT_KEY`; it is created with mode
 * 0600 on the first start of an empty directory, and an existing one that group or others may
 * read is refused, as OpenSSH refuses a private key with loose permissions: a key anyone on the
 * host can read seals nothing. A directory that already holds state (snapshots, journals or audit
 * files: everything sealed under the key) never gets a fresh key: a
 * missing `root.key` there is an error, not a silent restart from nothing.
 *
 * Creation is crash-safe: the key is written to `root.key.tmp`, fsynced, linked to `root.key`
 * and the directory fsynced, so `root.key` appears only complete. An empty or truncated
 * `root.key` (what a crash during an in-place create could leave) is replaced while the directory
 * holds no state yet, since nothing can have been sealed under it; any other malformed key is
 * refused rather than silently swapped for a new one. A `root.key.tmp` a crash left (before the
 * link: a key never used; or after it: a second name of `root.key`) is removed once the open has
 * proven the directory's key (`removeRootKeyLeftover`), so no stray copy of a key stays on disk.
 * The caller holds the directory lock.
 */

import { constants } from 'node:fs';
import { type FileHandle, lstat, open } from 'node:fs/promises';
import { createFileExclusivelyDurably, isServiceError } from '@strongbox/service-kernel';
import { KmsError } from '../errors.ts';
import { type FileIo, nodeFileIo, pathIn } from './files.ts';

/** The root key file's name inside the data directory. */
export const ROOT_KEY_FILE = 'root.key';
/** Where `createFileExclusivelyDurably` writes `root.key` before linking it into place. */
const ROOT_KEY_TEMPORARY = `${ROOT_KEY_FILE}.tmp`;
/** The environment variable holding a base64 root key. */
export const ROOT_KEY_ENV = 'STRONGBOX_ROOT_KEY';
/** AES-256. */
export const ROOT_KEY_LENGTH = 32;

/** Base64 of exactly 32 bytes: 43 characters and one `=`. */
const BASE64_32 = /^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=$/;
/** What an interrupted write of a key line can leave: nothing, or a proper prefix of it. */
const TRUNCATED_KEY = /^[A-Za-z0-9+/]{0,43}$/;

/** Where a root key came from. */
export type RootKeySource = 'option' | 'environment' | 'file' | 'created';

/** Whether anything exists under `path` (a failure to tell reads as no: it only words a message). */
async function exists(path: string): Promise<boolean> {
  return lstat(path).then(
    () => true,
    () => false,
  );
}

/**
 * Decodes a base64 root key.
 * @param where - names the source in the error (never the key itself).
 * @throws KmsError INVALID_ROOT_KEY if `text` is not the base64 of 32 bytes.
 */
export function parseRootKey(text: string, where: string): Uint8Array {
  const trimmed = text.trim();
  if (!BASE64_32.test(trimmed)) {
    throw new KmsError(
      'INVALID_ROOT_KEY',
      `${where} must hold the base64 encoding of 32 bytes (44 characters, as printed by \`openssl rand -base64 32\`); it holds ${trimmed.length} characters that are not.`,
    );
  }
  // The text is a string, which JavaScript cannot wipe; the decoded copy (small, so maybe in
  // Node's shared pool) is wiped once copied out.
  const decoded = Buffer.from(trimmed, 'base64');
  try {
    return new Uint8Array(decoded);
  } finally {
    decoded.fill(0);
  }
}

/**
 * Finds the root key for `directory`, creating `root.key` when the directory holds no state yet
 * and no key was given.
 *
 * @param hasState - whether the directory already holds anything sealed under a root key
 *   (snapshots, journals or audit files).
 * @param io - creates `root.key` (fault-injection tests; the store's lease fences it).
 * @throws KmsError INVALID_ROOT_KEY, INSECURE_ROOT_KEY or MISSING_ROOT_KEY; the kernel's
 *   `NOT_DURABLE` or the file system's error if `root.key` cannot be created.
 */
export async function resolveRootKey(
  directory: string,
  rootKey: Uint8Array | undefined,
  hasState: boolean,
  io: FileIo = nodeFileIo,
): Promise<{ key: Uint8Array; source: RootKeySource }> {
  if (rootKey !== undefined) {
    if (!(rootKey instanceof Uint8Array) || rootKey.length !== ROOT_KEY_LENGTH) {
      throw new KmsError(
        'INVALID_ROOT_KEY',
        `"rootKey" expected a Uint8Array of length ${ROOT_KEY_LENGTH}, got ${rootKey instanceof Uint8Array ? `length=${rootKey.length}` : typeof rootKey}`,
      );
    }
    return { key: rootKey.slice(), source: 'option' };
  }
  const fromEnvironment = process.env[ROOT_KEY_ENV];
  if (fromEnvironment !== undefined && fromEnvironment !== '') return { key: parseRootKey(fromEnvironment, ROOT_KEY_ENV), source: 'environment' };
  const path = pathIn(directory, ROOT_KEY_FILE);
  const existing = await readRootKeyFile(path, !hasState);
  if (existing === 'truncated') return { key: await createRootKeyFile(path, 'replace', io), source: 'created' };
  if (existing !== undefined) return { key: existing, source: 'file' };
  if (hasState) {
    // `hasState` also covers a directory holding only audit files: "state" would mislead there.
    const leftover = pathIn(directory, ROOT_KEY_TEMPORARY);
    const hint = (await exists(leftover))
      ? `: ${leftover}, left by an interrupted creation of it, may be a copy (check it before renaming it to ${ROOT_KEY_FILE})`
      : '';
    throw new KmsError(
      'MISSING_ROOT_KEY',
      `The data directory ${directory} holds files sealed under a root key (snapshots, journals or audit files) but ${path} is missing; pass the root key it was sealed with (the rootKey option or ${ROOT_KEY_ENV}) or restore ${ROOT_KEY_FILE}${hint}.`,
    );
  }
  return { key: await createRootKeyFile(path, 'create', io), source: 'created' };
}

/**
 * Reads and checks `root.key`: `undefined` if it does not exist; `'truncated'` if it is empty or
 * a truncated key and `replaceable` (the directory holds no state).
 */
async function readRootKeyFile(path: string, replaceable: boolean): Promise<Uint8Array | 'truncated' | undefined> {
  let handle: FileHandle;
  try {
    handle = await open(path, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    // Checked on the open handle, not the path, so the file cannot be swapped between check and read.
    const stats = await handle.stat();
    if (!stats.isFile()) throw new KmsError('INVALID_ROOT_KEY', `${path} is not a regular file.`);
    if (process.platform !== 'win32' && (stats.mode & 0o077) !== 0) {
      const mode = (stats.mode & 0o777).toString(8).padStart(4, '0');
      throw new KmsError(
        'INSECURE_ROOT_KEY',
        `${path} has mode ${mode}; a root key must not be accessible to group or others. Run \`chmod 600 ${path}\` and start again.`,
      );
    }
    // A string: JavaScript cannot wipe it (parseRootKey wipes the bytes it decodes).
    const text = await handle.readFile('utf8');
    if (replaceable && TRUNCATED_KEY.test(text.trim())) return 'truncated';
    return parseRootKey(text, path);
  } finally {
    await handle.close();
  }
}

/**
 * Writes a fresh key to `root.key.tmp`, fsyncs it and moves it into place
 * (`createFileExclusivelyDurably`): `link` for a new `root.key` (exclusive: under the directory
 * lock nobody else creates it), `rename` to replace a truncated one. Then fsyncs the directory,
 * so the name is durable before anything is sealed.
 */
async function createRootKeyFile(path: string, mode: 'create' | 'replace', io: FileIo): Promise<Uint8Array> {
  const key = new Uint8Array(ROOT_KEY_LENGTH);
  crypto.getRandomValues(key);
  // A view of the key, not a copy (`Buffer.from(key)` could copy it into Node's shared pool). The
  // base64 string cannot be wiped (JavaScript strings are immutable) and stays until collected;
  // the encoded bytes written are wiped below.
  const text = new TextEncoder().encode(`${Buffer.from(key.buffer, key.byteOffset, key.length).toString('base64')}\n`);
  try {
    await createFileExclusivelyDurably(path, text, { mode, io });
  } catch (error) {
    // `root.key` may be in place (NOT_DURABLE) but nothing is sealed under it: the next open reads it.
    key.fill(0);
    throw error;
  } finally {
    text.fill(0);
  }
  return key;
}

/**
 * Removes the `root.key.tmp` a crash inside `createFileExclusivelyDurably` may have left: before
 * its link, a key never used; after it, a second name of `root.key`. Call it only once the
 * directory's key is proven (its state and audit records opened under the key in use, or nothing
 * sealed at all): until then the file might be the only copy of a key the state needs (a
 * `root.key` lost by hand), and is kept. Its removal is made durable by the directory fsync that
 * follows in the open; if it is lost, the next open removes it again.
 *
 * Removing garbage must not make the directory unopenable: a removal that fails for any other
 * reason (EISDIR, EPERM on an immutable file, ...) is reported as a process warning naming the
 * file and the error code, never its content, and the open goes on, as it did before this removal
 * existed. Only a lost lease (another process holds the directory now) and EIO (the disk is
 * failing under the store) fail the open.
 * @throws what `io.unlink` throws for `LEASE_LOST`, or the file system's EIO.
 * @example await removeRootKeyLeftover(directory, io);
 */
export async function removeRootKeyLeftover(directory: string, io: FileIo = nodeFileIo): Promise<void> {
  const path = pathIn(directory, ROOT_KEY_TEMPORARY);
  await (io.unlink ?? nodeFileIo.unlink!)(path).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return;
    if (isServiceError(error, 'LEASE_LOST') || error.code === 'EIO') throw error;
    process.emitWarning(`Could not remove ${path}, a leftover of an interrupted root key creation (${error.code ?? error.name}); remove it by hand.`, {
      code: 'STRONGBOX_ROOT_KEY_LEFTOVER',
    });
  });
}
