/**
 * @module
 * SSE-S3's service root keys: a keyring of AES-256 root keys, the newest wrapping every new data
 * key, every older one still unwrapping the data keys it wrapped, so rotation never makes an
 * object unreadable. AWS rotates the keys behind SSE-S3 on its own schedule and does not publish
 * it; here a key is rotated on `rotate()` or, with `rotationPeriodMs`, when it is older than that
 * when a data key is wrapped (clock injected).
 *
 * Root keys live where @strongbox/kms keeps its root key: in the data directory, each in
 * `sse-s3-root-keys/root-<generation>.key` (mode 0600, JSON `{ created, key }` with the key in
 * base64), created crash-safely with the service kernel's `createFileExclusivelyDurably` (temporary file,
 * fsync, exclusive link, directory fsync, as @strongbox/kms creates its `root.key`) so a key
 * appears only complete; a key file anyone else may read is refused, as OpenSSH refuses a loose
 * private key. `SseS3RootKeys.inMemory()` keeps them in memory only (in-process mode).
 */

import { constants } from 'node:fs';
import { mkdir, open, readdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { createFileExclusivelyDurably } from '@strongbox/service-kernel';
import { type EncryptionContext, type Keyring, rawAesKeyring, type WrappedDataKey } from './envelope-adapter.ts';

/** The directory under the data directory that holds the root keys. */
export const ROOT_KEYS_DIRECTORY = 'sse-s3-root-keys';
const ROOT_KEY_LENGTH = 32;
const ROOT_FILE = /^root-(\d{8})\.key$/;

/** Options of the root keyring. */
export interface RootKeyOptions {
  /** Rotate the current key when it is at least this old (milliseconds); default: only on `rotate()`. */
  readonly rotationPeriodMs?: number;
  /** Milliseconds since the epoch. */
  readonly now?: () => number;
}

interface RootKey {
  readonly generation: number;
  readonly created: number;
  readonly keyring: Keyring & { readonly id: string; destroy(): void };
}

/** Where root keys are kept. */
interface RootKeyVault {
  load(): Promise<{ generation: number; created: number; key: Uint8Array }[]>;
  save(generation: number, created: number, key: Uint8Array): Promise<void>;
}

/**
 * The SSE-S3 root keyring: a `Keyring` for @strongbox/envelope whose wrapped keys name the root
 * key generation that wrapped them (`raw-aes:sse-s3-root-<generation>`).
 *
 * @example
 * ```ts
 * import { SseS3RootKeys } from '@strongbox/s3';
 * const roots = await SseS3RootKeys.openDirectory('/var/lib/strongbox/s3');
 * await roots.rotate(); // new objects use the new key; old ones stay readable
 * ```
 */
export class SseS3RootKeys implements Keyring {
  readonly #vault: RootKeyVault;
  readonly #now: () => number;
  readonly #rotationPeriodMs: number | undefined;
  readonly #keys: RootKey[] = [];
  #rotating: Promise<void> | undefined;

  private constructor(vault: RootKeyVault, options: RootKeyOptions) {
    this.#vault = vault;
    this.#now = options.now ?? Date.now;
    this.#rotationPeriodMs = options.rotationPeriodMs;
  }

  /** Root keys kept in memory only, starting with one fresh key. */
  static async inMemory(options: RootKeyOptions = {}): Promise<SseS3RootKeys> {
    return SseS3RootKeys.#open({ load: async () => [], save: async () => undefined }, options);
  }

  /**
   * Root keys kept in `<directory>/sse-s3-root-keys/`, creating the first on first use.
   * @throws Error if a key file is malformed or readable by group or others.
   */
  static async openDirectory(directory: string, options: RootKeyOptions = {}): Promise<SseS3RootKeys> {
    return SseS3RootKeys.#open(directoryVault(join(directory, ROOT_KEYS_DIRECTORY)), options);
  }

  static async #open(vault: RootKeyVault, options: RootKeyOptions): Promise<SseS3RootKeys> {
    const roots = new SseS3RootKeys(vault, options);
    for (const { generation, created, key } of await vault.load()) {
      roots.#keys.push({ generation, created, keyring: rawAesKeyring(`sse-s3-root-${generation}`, key) });
      key.fill(0);
    }
    if (roots.#keys.length === 0) await roots.rotate();
    return roots;
  }

  /** The generation of the key that wraps new data keys. */
  get currentGeneration(): number {
    return this.#current().generation;
  }

  /** Every generation held, oldest first. */
  get generations(): readonly number[] {
    return this.#keys.map((key) => key.generation);
  }

  /** Makes a new root key the current one (persisted before it is used). */
  async rotate(): Promise<void> {
    // One rotation at a time: concurrent callers share it instead of minting several keys.
    this.#rotating ??= (async () => {
      const generation = (this.#keys.at(-1)?.generation ?? 0) + 1;
      const key = crypto.getRandomValues(new Uint8Array(ROOT_KEY_LENGTH));
      const created = this.#now();
      try {
        await this.#vault.save(generation, created, key);
        this.#keys.push({ generation, created, keyring: rawAesKeyring(`sse-s3-root-${generation}`, key) });
      } finally {
        key.fill(0);
      }
    })().finally(() => (this.#rotating = undefined));
    return this.#rotating;
  }

  // Not `async`: the root keyring's own promise is handed back as it is (an async function
  // returning it would resolve a second promise with it, a few more turns per object), and a
  // synchronous failure still arrives as a rejection.
  wrapDataKey(dataKey: Uint8Array, context: EncryptionContext): Promise<WrappedDataKey> {
    try {
      if (this.#rotationPeriodMs !== undefined && this.#now() - this.#current().created >= this.#rotationPeriodMs) {
        return this.rotate().then(() => this.#current().keyring.wrapDataKey(dataKey, context));
      }
      return this.#current().keyring.wrapDataKey(dataKey, context);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  unwrapDataKey(wrapped: WrappedDataKey, context: EncryptionContext): Promise<Uint8Array | undefined> {
    try {
      const root = this.#keys.find((key) => key.keyring.id === wrapped.keyringId);
      return root === undefined ? Promise.resolve(undefined) : root.keyring.unwrapDataKey(wrapped, context);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** Wipes every root key held in memory. */
  destroy(): void {
    for (const key of this.#keys) key.keyring.destroy();
  }

  /** Redacted: root keys never reach logs. */
  toJSON(): { generations: readonly number[] } {
    return { generations: this.generations };
  }

  #current(): RootKey {
    const current = this.#keys.at(-1);
    if (current === undefined) throw new Error('no SSE-S3 root key');
    return current;
  }
}

function directoryVault(directory: string): RootKeyVault {
  return {
    async load() {
      await mkdir(directory, { recursive: true, mode: 0o700 });
      const found: { generation: number; created: number; key: Uint8Array }[] = [];
      for (const name of await readdir(directory)) {
        const match = ROOT_FILE.exec(name);
        // A `.tmp` left by a crash before its link: never used, so never needed.
        if (name.endsWith('.tmp')) await unlink(join(directory, name));
        if (match?.[1] !== undefined) found.push({ generation: Number(match[1]), ...(await readKeyFile(join(directory, name))) });
      }
      return found.sort((a, b) => a.generation - b.generation);
    },
    async save(generation, created, key) {
      const path = join(directory, `root-${String(generation).padStart(8, '0')}.key`);
      // Exclusive (link): a generation is never overwritten.
      await createFileExclusivelyDurably(path, new TextEncoder().encode(`${JSON.stringify({ created, key: Buffer.from(key).toString('base64') })}\n`));
    },
  };
}

async function readKeyFile(path: string): Promise<{ created: number; key: Uint8Array }> {
  const handle = await open(path, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0));
  try {
    // Checked on the open handle, so the file cannot be swapped between check and read.
    const stats = await handle.stat();
    if (process.platform !== 'win32' && (stats.mode & 0o077) !== 0) {
      throw new Error(
        `${path} has mode ${(stats.mode & 0o777).toString(8).padStart(4, '0')}; an SSE-S3 root key must not be accessible to group or others. Run \`chmod 600 ${path}\`.`,
      );
    }
    const parsed = JSON.parse(await handle.readFile('utf8')) as { created?: unknown; key?: unknown };
    const key = typeof parsed.key === 'string' ? Buffer.from(parsed.key, 'base64') : undefined;
    if (typeof parsed.created !== 'number' || key === undefined || key.length !== ROOT_KEY_LENGTH) {
      throw new Error(`${path} is not an SSE-S3 root key file ({"created": <ms>, "key": <base64 of 32 bytes>})`);
    }
    return { created: parsed.created, key: new Uint8Array(key) };
  } finally {
    await handle.close();
  }
}
