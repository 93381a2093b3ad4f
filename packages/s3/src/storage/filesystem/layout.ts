/**
 * @module
 * How names map to files in a data directory. No file name is ever taken from a request: a bucket
 * directory is `b-` and the hex of the bucket name's UTF-8 bytes, an object manifest is the
 * SHA-256 of the key's UTF-8 bytes, and blob and upload ids are the store's own random tokens
 * (checked against a strict pattern anyway). So keys such as `../x`, `%2e%2e`, `a\0b` or 1024
 * bytes long all become 64 hex digits: no traversal, no NUL, no name over NAME_MAX.
 *
 * ```
 * <data>/LOCK                                  the directory lock (a lease)
 * <data>/gen-<n>/                              the buckets, renamed at every open (n + 1)
 * <data>/gen-<n>/b-<hex name>/bucket.json      bucket record
 *                    /objects/<sha256 key>.json object manifests (name the blobs)
 *                    /blobs/<id>                stored bytes, written once
 *                    /uploads/u-<id>/upload.json, part-00001.json …
 * ```
 *
 * The generation directory is the takeover fence (`generation.ts`): each open renames it, so every path
 * a previous holder still uses stops existing. Directories written before it kept the buckets
 * directly under `<data>`; an open moves them into the generation directory.
 */

import { createHash } from 'node:crypto';

/** Blob and upload ids: the store's random tokens (base64url). */
const TOKEN = /^[A-Za-z0-9_-]{8,64}$/;
const BUCKET_DIRECTORY = /^b-((?:[0-9a-f]{2})+)$/;
const GENERATION_DIRECTORY = /^gen-(\d{8})$/;

export const BUCKET_FILE = 'bucket.json';
export const OBJECTS = 'objects';
export const BLOBS = 'blobs';
export const UPLOADS = 'uploads';
export const UPLOAD_FILE = 'upload.json';
export const LOCK_FILE = 'LOCK';
/** The prefix a bucket directory is renamed to when the bucket is deleted (removed at the next open). */
export const DELETED_MARK = 'deleted-';

/** The directory name of a bucket. */
export function bucketDirectoryName(bucket: string): string {
  if (bucket.length === 0 || bucket.length > 255) throw new TypeError('"bucket" expected 1..255 characters');
  return `b-${Buffer.from(bucket, 'utf8').toString('hex')}`;
}

/** The bucket a directory name stands for, or undefined if it is not a bucket directory. */
export function bucketFromDirectoryName(name: string): string | undefined {
  const match = BUCKET_DIRECTORY.exec(name);
  return match?.[1] === undefined ? undefined : Buffer.from(match[1], 'hex').toString('utf8');
}

/** The name of the generation directory `generation` (1..99,999,999). */
export function generationDirectoryName(generation: number): string {
  if (!Number.isSafeInteger(generation) || generation < 1 || generation > 99_999_999) throw new RangeError(`generation ${generation} is out of range`);
  return `gen-${String(generation).padStart(8, '0')}`;
}

/** The generation a directory name stands for, or undefined if it is not a generation directory. */
export function generationFromDirectoryName(name: string): number | undefined {
  const match = GENERATION_DIRECTORY.exec(name);
  return match?.[1] === undefined ? undefined : Number(match[1]);
}

/** The manifest file of an object key. */
export function objectFileName(key: string): string {
  return `${createHash('sha256').update(key, 'utf8').digest('hex')}.json`;
}

/** The directory of a multipart upload. */
export function uploadDirectoryName(uploadId: string): string {
  return `u-${checkToken(uploadId, 'uploadId')}`;
}

/** The manifest file of a part. */
export function partFileName(partNumber: number): string {
  if (!Number.isInteger(partNumber) || partNumber < 1 || partNumber > 10_000) throw new RangeError(`"partNumber" expected 1..10000, got ${partNumber}`);
  return `part-${String(partNumber).padStart(5, '0')}.json`;
}

/** A blob's file name: its id, checked. */
export function blobFileName(blobId: string): string {
  return checkToken(blobId, 'blobId');
}

/** Whether a name in `blobs/` is a blob. */
export function isBlobFileName(name: string): boolean {
  return TOKEN.test(name);
}

function checkToken(token: string, title: string): string {
  if (!TOKEN.test(token)) throw new TypeError(`"${title}" expected 8..64 base64url characters`);
  return token;
}
