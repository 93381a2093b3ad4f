/**
 * DeleteBucket racing the writes that fill a bucket (the shared `IndexedObjectStore`): S3 is
 * strongly consistent, so a DeleteBucket that succeeds means no write into the bucket was
 * acknowledged, whatever the interleaving. A persistence whose manifest writes wait on a gate the
 * test opens makes each interleaving happen on purpose (no timing).
 */

import { describe, expect, it } from 'vitest';
import { S3Error } from '../../src/errors.ts';
import { IndexedObjectStore } from '../../src/storage/indexed-store.ts';
import type { BucketRecord, LoadedBucket, ObjectRecord, PartRecord, Persistence, UploadRecord } from '../../src/storage/persistence.ts';
import type { BodySource } from '../../src/storage/types.ts';

/** A gate: `entered` resolves when a write reaches it, `open()` lets the write go on. */
class Gate {
  entered: Promise<void>;
  #enter!: () => void;
  #open!: () => void;
  #opened: Promise<void>;

  constructor() {
    this.entered = new Promise((resolve) => {
      this.#enter = resolve;
    });
    this.#opened = new Promise((resolve) => {
      this.#open = resolve;
    });
  }

  async pass(): Promise<void> {
    this.#enter();
    await this.#opened;
  }

  open(): void {
    this.#open();
  }
}

/** Blobs in memory; `gates` hold the named steps until the test opens them. */
class GatedPersistence implements Persistence {
  readonly gates: Partial<Record<'writeObject' | 'writeUpload' | 'deleteBucket', Gate>> = {};
  readonly #blobs = new Map<string, Uint8Array>();

  async load(): Promise<readonly LoadedBucket[]> {
    return [];
  }
  async writeBlob(bucket: string, blobId: string, body: BodySource): Promise<number> {
    const chunks: Uint8Array[] = [];
    for await (const chunk of body) chunks.push(chunk);
    const bytes = Buffer.concat(chunks);
    this.#blobs.set(`${bucket}/${blobId}`, bytes);
    return bytes.length;
  }
  async readBlob(bucket: string, blobId: string, offset: number, length: number): Promise<Uint8Array> {
    return this.#blobs.get(`${bucket}/${blobId}`)!.subarray(offset, offset + length);
  }
  async *streamBlob(bucket: string, blobId: string, offset: number, length: number): AsyncIterable<Uint8Array> {
    yield await this.readBlob(bucket, blobId, offset, length);
  }
  async deleteBlob(bucket: string, blobId: string): Promise<void> {
    this.#blobs.delete(`${bucket}/${blobId}`);
  }
  async writeBucket(_record: BucketRecord): Promise<void> {}
  async deleteBucket(_name: string): Promise<void> {
    await this.gates.deleteBucket?.pass();
  }
  async writeObject(_bucket: string, _record: ObjectRecord): Promise<void> {
    await this.gates.writeObject?.pass();
  }
  async deleteObject(_bucket: string, _key: string): Promise<void> {}
  async writeUpload(_bucket: string, _record: UploadRecord): Promise<void> {
    await this.gates.writeUpload?.pass();
  }
  async writePart(_bucket: string, _uploadId: string, _record: PartRecord): Promise<void> {}
  async deleteUpload(_bucket: string, _uploadId: string): Promise<void> {}
  async close(): Promise<void> {}
}

async function storeWithBucket(): Promise<{ store: IndexedObjectStore; persistence: GatedPersistence }> {
  const persistence = new GatedPersistence();
  const store = await IndexedObjectStore.open(persistence);
  await store.createBucket('race', {});
  return { store, persistence };
}

const body = (): Uint8Array[] => [new TextEncoder().encode('acknowledged')];

describe('DeleteBucket racing the writes into the bucket', () => {
  it('refuses (BucketNotEmpty) while an object manifest is being written, and the object stays', async () => {
    const { store, persistence } = await storeWithBucket();
    const gate = (persistence.gates.writeObject = new Gate());
    const put = store.putObject('race', 'k', body(), {});
    await gate.entered;
    expect(await store.deleteBucket('race')).toBe('not-empty');
    gate.open();
    await put;
    expect(await store.getBucket('race')).toBeDefined();
    expect((await store.headObject('race', 'k'))?.size).toBe(12);
  });

  it('refuses while a multipart upload is being created, and the upload stays', async () => {
    const { store, persistence } = await storeWithBucket();
    const gate = (persistence.gates.writeUpload = new Gate());
    const created = store.createUpload('race', 'k', {});
    await gate.entered;
    expect(await store.deleteBucket('race')).toBe('not-empty');
    gate.open();
    const upload = await created;
    expect(await store.getUpload('race', upload.uploadId)).toBeDefined();
  });

  it('once it is removing the bucket, a write that starts finds no bucket instead of being acknowledged into it', async () => {
    const { store, persistence } = await storeWithBucket();
    const gate = (persistence.gates.deleteBucket = new Gate());
    const deleted = store.deleteBucket('race');
    await gate.entered;
    const put = store.putObject('race', 'k', body(), {}).then(
      () => 'acknowledged',
      (error: unknown) => (error instanceof S3Error ? error.code : error),
    );
    const upload = store.createUpload('race', 'u', {}).then(
      () => 'acknowledged',
      (error: unknown) => (error instanceof S3Error ? error.code : error),
    );
    gate.open();
    expect(await deleted).toBe('deleted');
    expect([await put, await upload]).toEqual(['NoSuchBucket', 'NoSuchBucket']);
    expect(await store.getBucket('race')).toBeUndefined();
  });

  it('keeps the bucket when removing its files fails', async () => {
    const persistence = new GatedPersistence();
    const store = await IndexedObjectStore.open(persistence);
    await store.createBucket('race', {});
    persistence.deleteBucket = async () => {
      throw new Error('EIO');
    };
    await expect(store.deleteBucket('race')).rejects.toThrow('EIO');
    expect(await store.getBucket('race')).toBeDefined();
    await store.putObject('race', 'k', body(), {});
  });
});
