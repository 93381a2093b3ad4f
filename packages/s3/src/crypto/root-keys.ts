/**
 * @module
 * SSE-S3's service root keys: a keyring of AES-256 root keys, the newest wrapping every new data
 * key, every older one still unwrapping the data keys it wrapped, so rotation never makes an
 * object unreadable. AWS rotates the keys behind SSE-S3 on its own schedule and does not publish
 * it; here a key is rotated on `rotate()` or, with `rotationPeriodMs`, when it is older than that
 * when a data key is wrapped (clock injected).
 *
 * Root keys live where @strongbox/kms keeps its root key: in the data directory, in
 * `sse-s3-root-keys/` (`root-key-vault.ts` keeps the files, crash-safely);
 * `SseS3RootKeys.inMemory()` keeps them in memory only (in-process mode).
 */

import { join } from 'node:path';
import { type FileIo, nodeFileIo } from '@strongbox/service-kernel';
import { type EncryptionContext, type Keyring, rawAesKeyring, type WrappedDataKey } from './envelope-adapter.ts';
import { directoryVault, ROOT_KEY_LENGTH, type RootKeyVault } from './root-key-vault.ts';

/** The directory under the data directory that holds the root keys. */
export const ROOT_KEYS_DIRECTORY = 'sse-s3-root-keys';

/** Options of the root keyring. */
export interface RootKeyOptions {
  /** Rotate the current key when it is at least this old (milliseconds); default: only on `rotate()`. */
  readonly rotationPeriodMs?: number;
  /** Milliseconds since the epoch. */
  readonly now?: () => number;
}

/** Options of root keys kept in a data directory. */
export interface DirectoryRootKeyOptions extends RootKeyOptions {
  /**
   * Every step that changes the key directory goes through it (creating it, a key file's create,
   * a leftover's link and unlinks, the directory fsyncs): pass the data-directory store's
   * lease-fenced io (`ObjectStore.dataDirectoryIo`) so a process whose lease lapsed creates or
   * removes no key file beside the new holder's. Reads stay plain. Default: the kernel's
   * `nodeFileIo` (no lease).
   */
  readonly io?: FileIo;
}

interface RootKey {
  readonly generation: number;
  readonly created: number;
  readonly keyring: Keyring & { readonly id: string; destroy(): void };
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
   * @throws Error if a key file is malformed, unreadable or readable by group or others, or a
   *   directory sits under the temporary name of a generation past the newest key; what
   *   `options.io` throws (the `ServiceError` `LEASE_LOST` of a fenced io once its lease is lost).
   */
  static async openDirectory(directory: string, options: DirectoryRootKeyOptions = {}): Promise<SseS3RootKeys> {
    return SseS3RootKeys.#open(directoryVault(join(directory, ROOT_KEYS_DIRECTORY), options.io ?? nodeFileIo), options);
  }

  static async #open(vault: RootKeyVault, options: RootKeyOptions): Promise<SseS3RootKeys> {
    const roots = new SseS3RootKeys(vault, options);
    const loaded = await vault.load();
    try {
      for (const { generation, created, key } of loaded) {
        roots.#keys.push({ generation, created, keyring: rawAesKeyring(`sse-s3-root-${generation}`, key) });
      }
    } catch (error) {
      roots.destroy();
      throw error;
    } finally {
      // The keyrings hold their own copies.
      for (const { key } of loaded) key.fill(0);
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
