/**
 * @module
 * Where a data directory keeps the bytes of its blobs. The data directory always holds the
 * manifests (buckets, objects, uploads, parts); the bytes they name live either in the bucket's
 * `blobs/` directory (`localBlobStorage`, the filesystem store) or on an upstream S3 endpoint
 * (the upstream store, ../upstream/), which keeps one marker file per blob in `blobs/` instead.
 * Either way a blob is written once under a fresh random id before any manifest names it.
 */

import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { type FileIo, isServiceError } from '@strongbox/service-kernel';
import type { BodySource } from '../types.ts';
import { unlinkThrough, writeStreamDurably } from './durable.ts';
import { blobFileName } from './layout.ts';

/** Read chunk size for streamed GETs from local blobs. */
const READ_CHUNK = 64 * 1024;

/**
 * Blob bytes of a data directory. `directory` is the bucket's `blobs/` directory; every write
 * resolves only once the blob is as durable as the backend makes it. Every file a blob storage
 * removes from the data directory goes through the `removal` io it is given: the store's
 * lease-fenced one (the kernel's `fencedFileIo`), so a holder whose directory another process
 * took over removes nothing (LEASE_LOST).
 */
export interface BlobStorage {
  /**
   * Writes a new blob from a stream; a failed write leaves nothing a later open would not remove
   * (what it removes at once goes through `removal`).
   */
  write(directory: string, bucket: string, blobId: string, body: BodySource, removal: FileIo): Promise<number>;
  /** Exactly `length` bytes from `offset`. */
  read(directory: string, bucket: string, blobId: string, offset: number, length: number): Promise<Uint8Array>;
  /** `length` bytes from `offset`, in bounded chunks. */
  stream(directory: string, bucket: string, blobId: string, offset: number, length: number): AsyncIterable<Uint8Array>;
  /**
   * Deletes a blob, its files through `removal`; deleting a missing blob is not an error (nor,
   * upstream, an object the upstream cannot delete now: its marker stays for the next open).
   * @throws what `removal`'s unlink throws but ENOENT: the `ServiceError` `LEASE_LOST` of the
   *   fenced io, a file-system error (the caller, `FileSystemPersistence.deleteBlob`, reports it
   *   and goes on: `blobLeftBehind`).
   */
  delete(directory: string, bucket: string, blobId: string, removal: FileIo): Promise<void>;
  /**
   * Deletes whatever blobs `directory` still lists, before the directory itself is removed; files
   * through `removal`.
   * @throws what `removal`'s unlink throws but ENOENT (`LEASE_LOST`, a file-system error) and,
   *   upstream, an upstream deletion's error: the bucket's deletion or the open's repair then
   *   fails, and the directory stays with its blobs.
   */
  drop(directory: string, removal: FileIo): Promise<void>;
  close(): Promise<void>;
}

/**
 * Blobs as files in the bucket's `blobs/` directory: streamed to disk chunk by chunk, fsynced with
 * their directory before any manifest names them, read back in 64 KiB chunks. Writes, syncs and
 * closes go through `io` (default: the kernel's `nodeFileIo`): unfenced, as the store confirms its
 * lease once before a blob's write (nothing names the blob yet), not at every chunk; removals go
 * through the `removal` io each call is given.
 *
 * @example const blobs = localBlobStorage(); await blobs.write(dir, 'b', blobId, [bytes]);
 */
export function localBlobStorage(io?: FileIo): BlobStorage {
  return {
    write: (directory, _bucket, blobId, body, removal) => writeStreamDurably(directory, blobFileName(blobId), body, io, removal),
    read: async (directory, bucket, blobId, offset, length) => {
      const handle = await open(join(directory, blobFileName(blobId)), 'r');
      try {
        const out = new Uint8Array(length);
        let position = 0;
        while (position < length) {
          const { bytesRead } = await handle.read(out, position, length - position, offset + position);
          if (bytesRead === 0) throw shortBlob(bucket, blobId);
          position += bytesRead;
        }
        return out;
      } finally {
        await handle.close();
      }
    },
    stream: (directory, bucket, blobId, offset, length) => streamFile(join(directory, blobFileName(blobId)), bucket, blobId, offset, length),
    // No directory fsync: if the unlink is lost in a crash, the blob is an orphan removed at open.
    delete: (directory, _bucket, blobId, removal) => unlinkThrough(removal)(join(directory, blobFileName(blobId))).catch(ignoreMissing),
    // The files go with their directory.
    drop: async () => {},
    close: async () => {},
  };
}

async function* streamFile(path: string, bucket: string, blobId: string, offset: number, length: number): AsyncIterable<Uint8Array> {
  if (length === 0) return;
  let remaining = length;
  for await (const chunk of createReadStream(path, { start: offset, end: offset + length - 1, highWaterMark: READ_CHUNK }) as AsyncIterable<Buffer>) {
    remaining -= chunk.length;
    yield new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length);
  }
  if (remaining !== 0) throw shortBlob(bucket, blobId);
}

/** A blob that ends before its manifest says it does. */
export function shortBlob(bucket: string, blobId: string): Error {
  return new Error(`blob ${blobId} of bucket ${bucket} is shorter than its manifest says`);
}

/**
 * Reports a blob's removal that failed where nothing names the blob any more (the commit that let
 * go of it is durable, or its write failed): the blob stays, an orphan the next open removes
 * (`../restore.ts`), and the request goes on. A lost lease (the `ServiceError` `LEASE_LOST`) is
 * quiet: the lease told its holder already, and the directory is the new holder's. Any other
 * error is a `process.emitWarning` each time (code `STRONGBOX_BLOB_REMOVAL`), as the kernel's
 * `syncDirectoryAfterRemoval` warns of a failed fsync after a removal: never swallowed, never a
 * failure. The warning names the blob and the error's code, nothing of its content.
 * @example await storage.delete(directory, bucket, blobId, removal).catch((error) => blobLeftBehind(bucket, blobId, error));
 */
export function blobLeftBehind(bucket: string, blobId: string, error: unknown): void {
  if (isServiceError(error, 'LEASE_LOST')) return;
  const { code, name } = (error ?? {}) as { code?: unknown; name?: unknown };
  process.emitWarning(
    `Could not remove the blob ${blobId} of the bucket ${bucket}, which nothing names any more (${String(code ?? name ?? error)}); it is removed at the next start.`,
    { code: 'STRONGBOX_BLOB_REMOVAL' },
  );
}

/** Ignores ENOENT (an unlink of something already gone). */
export function ignoreMissing(error: NodeJS.ErrnoException): void {
  if (error.code !== 'ENOENT') throw error;
}
