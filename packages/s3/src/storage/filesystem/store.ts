/**
 * @module
 * The data-directory store (the default of `strongbox serve --data`): the shared
 * `IndexedObjectStore` over files laid out as in ./layout.ts. Bodies are streamed to disk chunk by
 * chunk and read back in 64 KiB chunks; every write is acknowledged only once durable, and a
 * commit whose outcome the disk leaves unknown fails while the index shows it
 * (`persistence.ts`); a crash leaves no half object visible, since an object exists only through
 * its manifest; and opening the directory again brings everything back, removing what a crash
 * left over (`load.ts`).
 *
 * Opening takes the directory's lock, a lease (`lock.ts`): once another process took the
 * directory over (this one was paused past its lease), every write fails with 500 InternalError
 * and no further step starts; the store still reads (the S3 engine refuses every call, and
 * `strongbox serve` exits); `onError` hears the kernel's `LEASE_LOST` once. A step already past
 * its lease check when the process was paused lands nowhere: every open starts a generation
 * (`generation.ts`).
 */

import { createDirectoryDurably, type DirectoryLease, type DirectoryLockOptions, type FileIo } from '@strongbox/service-kernel';
import { IndexedObjectStore, type StoreEnvironment } from '../indexed-store.ts';
import type { ObjectStore } from '../types.ts';
import { type BlobStorage, localBlobStorage } from './blobs.ts';
import { lockDirectory } from './lock.ts';
import { FileSystemPersistence } from './persistence.ts';

/** What a data-directory store (local or upstream blobs) is opened with, beyond clock and ids. */
export interface DataDirectoryEnvironment extends StoreEnvironment {
  /**
   * Told once when another process took the directory over after this one's lease lapsed (a
   * `ServiceError` `LEASE_LOST`): every write fails from then on (the store still reads; the S3 engine
   * refuses every call).
   */
  readonly onError?: (error: Error) => void;
  /** The lease's clock and renewal schedule; for tests only (default: `Date.now`, every 3 s). */
  readonly lease?: Pick<DirectoryLockOptions, 'now' | 'scheduleRenewal'>;
  /**
   * The file operations durability rests on (writes, fsyncs, closes, directory fsyncs of blobs
   * and manifests), as the KMS directory store takes them; for tests, which inject failures there
   * (a full disk, an I/O error). Default: the kernel's `nodeFileIo`.
   */
  readonly io?: FileIo;
}

/** Options of `openFileSystemObjectStore`. */
export interface FileSystemStoreOptions extends DataDirectoryEnvironment {
  /** The data directory (created if missing). */
  readonly directory: string;
}

/**
 * Opens (or creates) a data directory as an object store, taking its lock.
 *
 * @throws S3Error `DataDirectoryLocked` if another live process holds the directory; Error if a
 *   manifest is damaged.
 * @example
 * ```ts
 * import { openFileSystemObjectStore } from '@strongbox/s3';
 * const store = await openFileSystemObjectStore({ directory: '/var/lib/strongbox/s3' });
 * await store.createBucket('demo', {});
 * await store.close();
 * ```
 */
export async function openFileSystemObjectStore(options: FileSystemStoreOptions): Promise<ObjectStore> {
  return openDataDirectoryStore(options.directory, localBlobStorage(options.io), options);
}

/**
 * Opens a data directory whose blob bytes live in `blobs` (local files, or an upstream endpoint),
 * taking its lock; `blobs` is closed with the store, or here if opening fails.
 * @throws S3Error `DataDirectoryLocked` if another live process holds the directory; Error if a
 *   manifest is damaged.
 * @example const store = await openDataDirectoryStore(directory, localBlobStorage(), {});
 */
export async function openDataDirectoryStore(directory: string, blobs: BlobStorage, environment: DataDirectoryEnvironment): Promise<ObjectStore> {
  try {
    // Durably (its parent fsynced), before the lock that lives in it: through the plain io, unfenced.
    await createDirectoryDurably(directory, { recursive: true, ...(environment.io === undefined ? {} : { io: environment.io }) });
  } catch (error) {
    await blobs.close();
    throw error;
  }
  let lease: DirectoryLease;
  try {
    lease = await lockDirectory(directory, {
      ...environment.lease,
      onLost: (error) => {
        try {
          environment.onError?.(error);
        } catch {
          // A failing callback must not keep the store from being fenced.
        }
      },
    });
  } catch (error) {
    await blobs.close();
    throw error;
  }
  const persistence = new FileSystemPersistence(directory, lease, blobs, environment.io);
  try {
    return await IndexedObjectStore.open(persistence, environment);
  } catch (error) {
    await persistence.close();
    throw error;
  }
}
