/**
 * @module
 * The in-memory store (the default of the in-process mode): the shared `IndexedObjectStore` over
 * blobs kept as lists of copied chunks, so a body is never concatenated into one buffer and a
 * caller reusing its buffers cannot change what was stored.
 */

import { ObservedBody } from '@strongbox/service-kernel';
import { IndexedObjectStore, type StoreEnvironment } from './indexed-store.ts';
import type { BucketRecord, LoadedBucket, ObjectRecord, PartRecord, Persistence, UploadRecord } from './persistence.ts';
import { assertChunk, isHandedOver } from './support.ts';
import type { BodySource, ObjectStore } from './types.ts';

/**
 * Creates an empty in-memory object store.
 *
 * @example
 * ```ts
 * import { createMemoryObjectStore } from '@strongbox/s3';
 * const store = await createMemoryObjectStore();
 * await store.createBucket('demo', {});
 * await store.putObject('demo', 'hello.txt', [new TextEncoder().encode('hi')], {});
 * ```
 */
export async function createMemoryObjectStore(environment: StoreEnvironment = {}): Promise<ObjectStore> {
  return IndexedObjectStore.open(new MemoryPersistence(), environment);
}

/** Blobs as chunk lists; manifests need no storage (the index is the state). */
class MemoryPersistence implements Persistence {
  readonly #blobs = new Map<string, { chunks: Uint8Array[]; size: number }>();

  async load(): Promise<readonly LoadedBucket[]> {
    return [];
  }

  async writeBlob(bucket: string, blobId: string, body: BodySource): Promise<number> {
    const chunks: Uint8Array[] = [];
    let size = 0;
    // A handed-over body's chunks are kept as they are: their producer (a cipher) holds no
    // reference to them and never writes to them again; any other body's are copied.
    const keep = isHandedOver(body);
    for await (const chunk of body) {
      const bytes = assertChunk(chunk);
      if (bytes.length === 0) continue;
      chunks.push(keep ? bytes : bytes.slice());
      size += bytes.length;
    }
    this.#blobs.set(blobName(bucket, blobId), { chunks, size });
    return size;
  }

  async readBlob(bucket: string, blobId: string, offset: number, length: number): Promise<Uint8Array> {
    const out = new Uint8Array(length);
    let position = 0;
    for (const chunk of this.#slices(bucket, blobId, offset, length)) {
      out.set(chunk, position);
      position += chunk.length;
    }
    return out;
  }

  streamBlob(bucket: string, blobId: string, offset: number, length: number, readOnly = false): AsyncIterable<Uint8Array> {
    // A read-only consumer (a decryptor) gets views, listed now: no generator, no copy.
    if (readOnly) return ObservedBody.of([...this.#slices(bucket, blobId, offset, length)]);
    return this.#copies(bucket, blobId, offset, length);
  }

  /** Copies, made as they are read, so a consumer writing into a chunk cannot change the stored object. */
  async *#copies(bucket: string, blobId: string, offset: number, length: number): AsyncIterable<Uint8Array> {
    for (const chunk of this.#slices(bucket, blobId, offset, length)) yield chunk.slice();
  }

  async deleteBlob(bucket: string, blobId: string): Promise<void> {
    this.#blobs.delete(blobName(bucket, blobId));
  }

  async writeBucket(_record: BucketRecord): Promise<void> {}
  async deleteBucket(_name: string): Promise<void> {}
  async writeObject(_bucket: string, _record: ObjectRecord): Promise<void> {}
  async deleteObject(_bucket: string, _key: string): Promise<void> {}
  async writeUpload(_bucket: string, _record: UploadRecord): Promise<void> {}
  async writePart(_bucket: string, _uploadId: string, _record: PartRecord): Promise<void> {}
  async deleteUpload(_bucket: string, _uploadId: string): Promise<void> {}
  async close(): Promise<void> {}

  *#slices(bucket: string, blobId: string, offset: number, length: number): Generator<Uint8Array> {
    const blob = this.#blobs.get(blobName(bucket, blobId));
    if (blob === undefined) throw new Error(`blob ${blobId} is missing`);
    let start = 0;
    const end = offset + length;
    for (const chunk of blob.chunks) {
      const chunkEnd = start + chunk.length;
      if (chunkEnd > offset && start < end) yield chunk.subarray(Math.max(0, offset - start), Math.min(chunk.length, end - start));
      start = chunkEnd;
      if (start >= end) break;
    }
  }
}

function blobName(bucket: string, blobId: string): string {
  return `${bucket}\0${blobId}`;
}
