/**
 * @module
 * Blob bytes on an upstream S3 endpoint, with a local journal that makes every upstream object
 * accounted for. Before a blob's first byte goes upstream, a marker file `blobs/<blob id>` holding
 * the upstream key is written durably in the data directory (and, once a multipart upload for it
 * exists, its upload id is appended, so that an upload a failure or crash left open is aborted
 * with the blob's deletion); the marker is removed only after the upstream object is deleted,
 * through the store's lease-fenced io (a holder that lost its lease removes no marker). So the
 * markers list every upstream object that may exist: the data
 * directory's repair at open (a marker that no manifest names is an orphan) deletes upstream what
 * an interrupted or failed write left, exactly as it deletes an orphaned local blob.
 *
 * Upstream keys are `<prefix>` and the SHA-256 of the Strongbox bucket and the blob's random id:
 * they reveal no bucket, key, size class or metadata; the upstream sees only sealed bytes under
 * opaque names.
 */

import { createHash } from 'node:crypto';
import { open, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import { type FileIo, nodeFileIo } from '@strongbox/service-kernel';
import { type BlobStorage, blobLeftBehind, ignoreMissing, shortBlob } from '../filesystem/blobs.ts';
import { unlinkThrough, writeStreamDurably } from '../filesystem/durable.ts';
import { blobFileName, isBlobFileName } from '../filesystem/layout.ts';
import type { BodySource } from '../types.ts';
import { upstreamFailure } from './errors.ts';
import { guarded, type S3Sdk, uploadStream } from './upload.ts';

/** Where the sealed bytes go. */
export interface UpstreamLocation {
  readonly sdk: S3Sdk;
  readonly client: S3Client;
  readonly bucket: string;
  readonly prefix: string;
  readonly partSize: number;
  /** Called by `close` (destroys a client the store made itself). */
  readonly release: () => void;
}

/**
 * Whether a ranged GET's answer starts where asked: its Content-Range (`bytes <first>-<last>/<size>`)
 * names `offset`, or, for a range from byte 0, the answer is the whole object without one (some
 * servers answer a range covering the whole object with a plain 200).
 */
function startsAt(contentRange: string | undefined, offset: number): boolean {
  if (contentRange === undefined) return offset === 0;
  const first = /^bytes (\d+)-\d+\/(?:\d+|\*)$/.exec(contentRange)?.[1];
  return first !== undefined && Number(first) === offset;
}

/**
 * Blob storage on an upstream S3 bucket, journalled by marker files in the data directory.
 * @example const blobs = upstreamBlobStorage({ sdk, client, bucket: 'sealed', prefix: 'sbx/', partSize: 8 << 20, release: () => {} });
 */
export function upstreamBlobStorage(location: UpstreamLocation): BlobStorage {
  const { sdk, client, bucket: upstreamBucket } = location;
  const keyOf = (bucket: string, blobId: string): string =>
    `${location.prefix}${createHash('sha256')
      .update(`strongbox-s3-blob\0${bucket}\0${blobFileName(blobId)}`, 'utf8')
      .digest('hex')}`;
  const deleteUpstream = async (key: string, uploadId: string | undefined): Promise<void> => {
    // Best effort: a completed upload is gone already (NoSuchUpload), and some servers cannot
    // abort at all; the object's deletion is what decides whether the marker may go.
    if (uploadId !== undefined)
      await client.send(new sdk.AbortMultipartUploadCommand({ Bucket: upstreamBucket, Key: key, UploadId: uploadId })).catch(() => undefined);
    await guarded(() => client.send(new sdk.DeleteObjectCommand({ Bucket: upstreamBucket, Key: key })));
  };
  const get = (key: string, offset: number, length: number) =>
    guarded(() => client.send(new sdk.GetObjectCommand({ Bucket: upstreamBucket, Key: key, Range: `bytes=${offset}-${offset + length - 1}` })));

  return {
    async write(directory: string, bucket: string, blobId: string, body: BodySource, removal: FileIo): Promise<number> {
      const key = keyOf(bucket, blobId);
      // The journal entry first: from here on, a crash or failure leaves a marker naming what
      // may exist upstream, and the next open deletes it.
      await writeStreamDurably(directory, blobFileName(blobId), [new TextEncoder().encode(key)], nodeFileIo, removal);
      try {
        const onMultipart = (uploadId: string): Promise<void> => appendDurably(join(directory, blobFileName(blobId)), `\n${uploadId}\n`);
        return await uploadStream({ sdk, client, bucket: upstreamBucket, key, partSize: location.partSize, onMultipart }, body);
      } catch (error) {
        // A PutObject whose answer was lost may still have stored the object: delete it. The
        // upload's own error is the one to report: a marker whose removal fails too (EIO, or the
        // lease found lost) stays, and the next open deletes the blob upstream.
        await this.delete(directory, bucket, blobId, removal).catch((removalError: unknown) => blobLeftBehind(bucket, blobId, removalError));
        throw error;
      }
    },

    async read(_directory: string, bucket: string, blobId: string, offset: number, length: number): Promise<Uint8Array> {
      const out = new Uint8Array(length);
      let position = 0;
      for await (const chunk of this.stream(_directory, bucket, blobId, offset, length)) {
        out.set(chunk, position);
        position += chunk.length;
      }
      return out;
    },

    async *stream(_directory: string, bucket: string, blobId: string, offset: number, length: number): AsyncIterable<Uint8Array> {
      if (length === 0) return;
      const answer = await get(keyOf(bucket, blobId), offset, length);
      const body = answer.Body as (AsyncIterable<Uint8Array> & { destroy?: () => void }) | undefined;
      let remaining = length;
      try {
        if (!startsAt(answer.ContentRange, offset))
          throw upstreamFailure(new Error(`the upstream answered ${answer.ContentRange ?? 'no Content-Range'} for bytes ${offset}..`));
        if (body !== undefined) {
          const chunks = body[Symbol.asyncIterator]();
          while (remaining > 0) {
            const next = await guarded(() => chunks.next());
            if (next.done === true) break;
            // Some servers answer more than the range (s3rver sends the whole object for
            // `bytes=0-0`); only the bytes asked for are used.
            const chunk = next.value.length > remaining ? next.value.subarray(0, remaining) : next.value;
            remaining -= chunk.length;
            yield chunk;
          }
        }
      } finally {
        // A consumer that stops early (a closed connection), or a longer answer, must not leave
        // the socket open.
        body?.destroy?.();
      }
      if (remaining !== 0) throw upstreamFailure(shortBlob(bucket, blobId));
    },

    async delete(directory: string, bucket: string, blobId: string, removal: FileIo): Promise<void> {
      try {
        const marker = await readMarker(join(directory, blobFileName(blobId)));
        await deleteUpstream(keyOf(bucket, blobId), marker?.uploadId);
      } catch {
        // Deferred, not lost: by now no manifest names the blob (the delete of the object it
        // belonged to is committed, or its write failed), and its marker stays, so the next open
        // deletes it upstream. Failing here would report a committed delete as failed, or hide
        // the error that made a write fail.
        return;
      }
      await unlinkThrough(removal)(join(directory, blobFileName(blobId))).catch(ignoreMissing);
    },

    async drop(directory: string, removal: FileIo): Promise<void> {
      let names: string[];
      try {
        names = await readdir(directory);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
        throw error;
      }
      for (const name of names.filter(isBlobFileName)) {
        const marker = await readMarker(join(directory, name));
        // An empty marker is one whose creation a crash cut short: nothing was sent.
        if (marker !== undefined) await deleteUpstream(marker.key, marker.uploadId);
        await unlinkThrough(removal)(join(directory, name)).catch(ignoreMissing);
      }
    },

    async close(): Promise<void> {
      location.release();
    },
  };
}

/**
 * A marker's upstream key and, if a multipart upload was started, its id (a line completed by its
 * newline: an append a crash cut short is ignored). Undefined for a missing or empty marker.
 */
async function readMarker(path: string): Promise<{ key: string; uploadId?: string } | undefined> {
  let text: string;
  try {
    text = (await readFile(path)).toString('utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const [key = '', uploadId] = text.split('\n');
  if (key === '') return undefined;
  return uploadId !== undefined && uploadId !== '' && text.endsWith('\n') ? { key, uploadId } : { key };
}

/** Appends to an existing file and flushes it (the file's directory entry is durable already). */
async function appendDurably(path: string, text: string): Promise<void> {
  const handle = await open(path, 'a');
  try {
    await handle.writeFile(text);
    await handle.datasync();
  } finally {
    await handle.close();
  }
}
