/**
 * @module
 * Reading a data directory's generation back when it opens: each bucket's record, object
 * manifests, uploads with their parts, and the names of its blobs, for the index to rebuild
 * (`../restore.ts`); and removing what a crash left of a step that never took effect or already
 * did: a bucket built under a temporary name or renamed away for deletion, a manifest's temporary
 * file, an upload directory without its `upload.json`.
 */

import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type FileIo, nodeFileIo, TEMPORARY_MARK } from '@strongbox/service-kernel';
import type { LoadedBucket, ObjectRecord, PartRecord, UploadRecord } from '../persistence.ts';
import type { BlobStorage } from './blobs.ts';
import { BLOBS, BUCKET_FILE, bucketFromDirectoryName, DELETED_MARK, isBlobFileName, OBJECTS, UPLOAD_FILE, UPLOADS } from './layout.ts';
import { decodeBucket, decodeObject, decodePart, decodeUpload } from './records.ts';

/**
 * The buckets of the generation directory `base`, the leftovers of interrupted steps removed (the
 * blobs of a bucket renamed away for deletion through `blobs`, wherever they rest; every file
 * through `io`, the store's fenced one, so an opener that lost its lease removes nothing).
 * @throws Error if a manifest is damaged (`records.ts`); file-system errors as Node raises them;
 *   what `io` throws (the `ServiceError` `LEASE_LOST`).
 * @example const buckets = await loadBuckets(base, localBlobStorage(), fencedFileIo(nodeFileIo, lease));
 */
export async function loadBuckets(base: string, blobs: BlobStorage, io: FileIo = nodeFileIo): Promise<readonly LoadedBucket[]> {
  const removeTree = io.removeTree ?? nodeFileIo.removeTree!;
  const loaded: LoadedBucket[] = [];
  for (const name of await readdir(base)) {
    const path = join(base, name);
    // An interrupted bucket creation or deletion: never acknowledged, or already acknowledged gone.
    if (name.includes(TEMPORARY_MARK) || name.startsWith(DELETED_MARK)) {
      if (name.startsWith(DELETED_MARK)) await blobs.drop(join(path, BLOBS), io);
      await removeTree(path);
      continue;
    }
    const bucket = bucketFromDirectoryName(name);
    if (bucket !== undefined) loaded.push(await loadBucket(path, io));
  }
  return loaded;
}

/** One bucket's records and blob names, the temporary files of interrupted writes removed. */
async function loadBucket(directory: string, io: FileIo): Promise<LoadedBucket> {
  const unlink = io.unlink ?? nodeFileIo.unlink!;
  const removeTree = io.removeTree ?? nodeFileIo.removeTree!;
  const bucketPath = join(directory, BUCKET_FILE);
  const bucket = decodeBucket(await readFile(bucketPath), bucketPath);
  const objects: ObjectRecord[] = [];
  const objectsDirectory = join(directory, OBJECTS);
  for (const name of await readdir(objectsDirectory)) {
    const path = join(objectsDirectory, name);
    if (name.includes(TEMPORARY_MARK)) await unlink(path);
    else objects.push(decodeObject(await readFile(path), path));
  }
  const uploads: { upload: UploadRecord; parts: PartRecord[] }[] = [];
  const uploadsDirectory = join(directory, UPLOADS);
  for (const name of await readdir(uploadsDirectory)) {
    const uploadDirectory = join(uploadsDirectory, name);
    const names = await readdir(uploadDirectory);
    if (!names.includes(UPLOAD_FILE)) {
      await removeTree(uploadDirectory);
      continue;
    }
    const uploadPath = join(uploadDirectory, UPLOAD_FILE);
    const upload = decodeUpload(await readFile(uploadPath), uploadPath);
    const parts: PartRecord[] = [];
    for (const partName of names) {
      const path = join(uploadDirectory, partName);
      if (partName.includes(TEMPORARY_MARK)) await unlink(path);
      else if (partName !== UPLOAD_FILE) parts.push(decodePart(await readFile(path), path));
    }
    uploads.push({ upload, parts });
  }
  const blobIds = (await readdir(join(directory, BLOBS))).filter(isBlobFileName);
  return { bucket, objects, uploads, blobIds };
}
