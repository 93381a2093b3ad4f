/**
 * @module
 * Empties a caller's S3 object store (`createStrongbox({ s3Store })`) on reset: the store outlives
 * the engines a reset replaces, so without this its buckets, objects and uploads would survive a
 * reset that promises a fresh state. Through the store's own interface: every upload aborted,
 * every object deleted, then every bucket deleted.
 */

import type { ObjectStore } from '@strongbox/s3';

/** Entries listed per call. */
const PAGE = 1000;

/**
 * Removes every bucket, object and upload from `store`.
 * @throws the store's error; or Error if a bucket is still not empty after its objects and
 *   uploads were removed (someone wrote to the store during the reset).
 * @example await emptyObjectStore(await createMemoryObjectStore());
 */
export async function emptyObjectStore(store: ObjectStore): Promise<void> {
  for (const bucket of await store.listBuckets()) {
    // Each pass deletes what it listed, so the next starts from the beginning again.
    for (
      let page = await store.listUploads(bucket.name, { maxUploads: PAGE });
      page.uploads.length > 0;
      page = await store.listUploads(bucket.name, { maxUploads: PAGE })
    ) {
      for (const upload of page.uploads) await store.abortUpload(bucket.name, upload.uploadId);
    }
    for (
      let page = await store.listObjects(bucket.name, { maxKeys: PAGE });
      page.objects.length > 0;
      page = await store.listObjects(bucket.name, { maxKeys: PAGE })
    ) {
      for (const object of page.objects) await store.deleteObject(bucket.name, object.key);
    }
    const result = await store.deleteBucket(bucket.name);
    if (result === 'not-empty') throw new Error(`bucket ${bucket.name} was written to during the reset; reset again`);
  }
}
