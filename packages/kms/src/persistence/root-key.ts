/**
 * @module
 * The root key that seals a data directory, taken from (first match wins): the `rootKey` option,
 * the `STRONGBOX_ROOT_KEY` environment variable (base64 of 32 bytes), or the directory's
 * `root.key` file. `root.key` holds the base64 text of 32 bytes (44 characters, an optional
 * trailing newline), so the same text works as `STRONGBOX_ROOT_KEY`; it is created with mode
 * 0600 (exclusive create) on the first start of an empty directory, and an existing one that group
 * or others may read is refused, as OpenSSH refuses a private key with loose permissions: a key
 * anyone on the host can read seals nothing. A directory that already holds state never gets a
 * fresh key: a missing `root.key` there is an error, not a silent restart from nothing.
 */

import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { StoreError } from './errors.ts';
import { nodeFileIo, pathIn, syncDirectory } from './files.ts';

/** The root key file's name inside the data directory. */
export const ROOT_KEY_FILE = 'root.key';
/** The environment variable holding a base64 root key. */
export const ROOT_KEY_ENV = 'STRONGBOX_ROOT_KEY';
/** AES-256. */
export const ROOT_KEY_LENGTH = 32;

/** Base64 of exactly 32 bytes: 43 characters and one `=`. */
const BASE64_32 = /^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=$/;

/** Where a root key came from. */
export type RootKeySource = 'option' | 'environment' | 'file' | 'created';

/**
 * Decodes a base64 root key.
 * @param where - names the source in the error (never the key itself).
 * @throws StoreError INVALID_ROOT_KEY if `text` is not the base64 of 32 bytes.
 */
export function parseRootKey(text: string, where: string): Uint8Array {
  const trimmed = text.trim();
  if (!BASE64_32.test(trimmed)) {
    throw new StoreError('INVALID_ROOT_KEY', `${where} must hold the base64 encoding of 32 bytes (44 characters, as printed by \`openssl rand -base64 32\`); it holds ${trimmed.length} characters that are not.`);
  }
  return new Uint8Array(Buffer.from(trimmed, 'base64'));
}

/**
 * Finds the root key for `directory`, creating `root.key` when the directory holds no state yet
 * and no key was given.
 *
 * @param hasState - whether the directory already holds snapshots or journals.
 * @throws StoreError INVALID_ROOT_KEY, INSECURE_ROOT_KEY or MISSING_ROOT_KEY.
 */
export async function resolveRootKey(directory: string, rootKey: Uint8Array | undefined, hasState: boolean): Promise<{ key: Uint8Array; source: RootKeySource }> {
  if (rootKey !== undefined) {
    if (!(rootKey instanceof Uint8Array) || rootKey.length !== ROOT_KEY_LENGTH) {
      throw new StoreError('INVALID_ROOT_KEY', `"rootKey" expected a Uint8Array of length ${ROOT_KEY_LENGTH}, got ${rootKey instanceof Uint8Array ? `length=${rootKey.length}` : typeof rootKey}`);
    }
    return { key: rootKey.slice(), source: 'option' };
  }
  const fromEnvironment = process.env[ROOT_KEY_ENV];
  if (fromEnvironment !== undefined && fromEnvironment !== '') return { key: parseRootKey(fromEnvironment, ROOT_KEY_ENV), source: 'environment' };
  const path = pathIn(directory, ROOT_KEY_FILE);
  const existing = await readRootKeyFile(path);
  if (existing !== undefined) return { key: existing, source: 'file' };
  if (hasState) {
    throw new StoreError('MISSING_ROOT_KEY', `The data directory ${directory} holds state but ${path} is missing; pass the root key it was sealed with (the rootKey option or ${ROOT_KEY_ENV}) or restore ${ROOT_KEY_FILE}.`);
  }
  const created = await createRootKeyFile(path, directory);
  return created === undefined ? { key: (await readRootKeyFile(path))!, source: 'file' } : { key: created, source: 'created' };
}

/** Reads and checks `root.key`; `undefined` if it does not exist. */
async function readRootKeyFile(path: string): Promise<Uint8Array | undefined> {
  let handle;
  try {
    handle = await open(path, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    // Checked on the open handle, not the path, so the file cannot be swapped between check and read.
    const stats = await handle.stat();
    if (!stats.isFile()) throw new StoreError('INVALID_ROOT_KEY', `${path} is not a regular file.`);
    if (process.platform !== 'win32' && (stats.mode & 0o077) !== 0) {
      const mode = (stats.mode & 0o777).toString(8).padStart(4, '0');
      throw new StoreError('INSECURE_ROOT_KEY', `${path} has mode ${mode}; a root key must not be accessible to group or others. Run \`chmod 600 ${path}\` and start again.`);
    }
    return parseRootKey(await handle.readFile('utf8'), path);
  } finally {
    await handle.close();
  }
}

/** Creates `root.key` with a fresh key; `undefined` if another process created it first. */
async function createRootKeyFile(path: string, directory: string): Promise<Uint8Array | undefined> {
  let handle;
  try {
    handle = await open(path, 'wx', 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return undefined;
    throw error;
  }
  const key = new Uint8Array(ROOT_KEY_LENGTH);
  crypto.getRandomValues(key);
  try {
    // The umask can only clear bits of 0600, never add any; chmod anyway in case it cleared the owner's.
    await handle.chmod(0o600);
    await nodeFileIo.write(handle, new TextEncoder().encode(`${Buffer.from(key).toString('base64')}\n`));
    await handle.sync();
  } finally {
    await handle.close();
  }
  await syncDirectory(directory);
  return key;
}
