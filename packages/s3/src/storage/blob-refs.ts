/**
 * @module
 * Reference counts on blobs, per bucket: a blob is counted once for every manifest that names it
 * and every open reader of it, and deleted when the last one lets go, so a reader keeps reading a
 * replaced or deleted object's bytes until it closes.
 */

import { S3Error } from '../errors.ts';

/** bucket → blob id → number of manifests and open readers naming it. */
export class BlobRefs {
  readonly #counts = new Map<string, Map<string, number>>();
  readonly #deleteBlob: (bucket: string, blobId: string) => Promise<void>;

  /** `deleteBlob` removes a blob once nothing names it. */
  constructor(deleteBlob: (bucket: string, blobId: string) => Promise<void>) {
    this.#deleteBlob = deleteBlob;
  }

  /** Starts counting for `bucket`, from `counts` (a restored bucket's) or from nothing. */
  track(bucket: string, counts: Map<string, number> = new Map()): void {
    this.#counts.set(bucket, counts);
  }

  /** Stops counting for a deleted bucket. */
  untrack(bucket: string): void {
    this.#counts.delete(bucket);
  }

  /** Counts one more name for each blob. @throws S3Error NoSuchBucket. */
  retain(bucket: string, blobIds: readonly string[]): void {
    const refs = this.#counts.get(bucket);
    if (refs === undefined) throw new S3Error('NoSuchBucket', { fields: [['BucketName', bucket]] });
    for (const id of blobIds) refs.set(id, (refs.get(id) ?? 0) + 1);
  }

  /** Counts one name less for each blob, deleting those nothing names any more. */
  async release(bucket: string, blobIds: readonly string[]): Promise<void> {
    const refs = this.#counts.get(bucket);
    for (const id of blobIds) {
      const count = (refs?.get(id) ?? 1) - 1;
      if (count > 0) {
        refs?.set(id, count);
        continue;
      }
      refs?.delete(id);
      // The bucket can only be gone if it was empty, so nothing of it remains to delete.
      if (refs !== undefined) await this.#deleteBlob(bucket, id);
    }
  }
}
