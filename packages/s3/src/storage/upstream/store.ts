/**
 * @module
 * The upstream store: objects sealed by Strongbox, stored on any S3-compatible endpoint (AWS S3,
 * Ceph RGW, SeaweedFS, Garage, MinIO, another Strongbox). The split:
 *
 * - the **data directory** (local, durable as the filesystem store: fsync, atomic replace, lock)
 *   holds everything that is not bulk bytes: bucket, object, upload and part manifests with their
 *   metadata (sizes, ETags, the wrapped data keys and SSE-C verifiers the engine stores), the
 *   SSE-S3 root keys (the engine keeps them in the same directory), and one marker per upstream blob;
 * - the **upstream bucket** holds only sealed blobs, under `<prefix><64 hex digits>` names.
 *
 * So the upstream operator sees ciphertext under opaque names and no key; losing the data directory
 * loses the keys, and with them the objects (back it up like a KMS's key store). An object is
 * committed by its local manifest only after its upstream write succeeded, so a failure mid-upload
 * leaves no visible object, and the orphan is deleted upstream (at once, or at the next open).
 */

import type { S3Client } from '@aws-sdk/client-s3';
import { type DataDirectoryEnvironment, openDataDirectoryStore } from '../filesystem/store.ts';
import type { ObjectStore } from '../types.ts';
import { upstreamBlobStorage } from './blobs.ts';
import { guarded, MAX_PART_SIZE, MIN_PART_SIZE, type S3Sdk } from './upload.ts';

/** Default bytes per upstream part: memory per write in flight is one part. */
const DEFAULT_PART_SIZE = 8 * 1024 * 1024;

/** The upstream S3 endpoint and bucket. Either `client`, or `endpoint` (and credentials) to make one. */
export interface UpstreamOptions {
  /** The upstream bucket, which must exist. */
  readonly bucket: string;
  /** Prepended to every upstream key (e.g. `strongbox/`). Default none. */
  readonly prefix?: string;
  /** A client to use (the caller's: it is not destroyed on close). Overrides the settings below. */
  readonly client?: S3Client;
  /** The endpoint URL, e.g. `http://127.0.0.1:9000`. Default: the SDK's (AWS S3 in `region`). */
  readonly endpoint?: string;
  /** Default `us-east-1`. */
  readonly region?: string;
  /** Default: the SDK's default credential chain (environment, profile, instance role). */
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string; readonly sessionToken?: string };
  /** Path-style addressing (`endpoint/bucket/key`). Default: true with an `endpoint`, false without. */
  readonly forcePathStyle?: boolean;
  /** Bytes per upstream part, 5 MiB .. 5 GiB; an object holds at most 10,000 parts. Default 8 MiB. */
  readonly partSize?: number;
}

/** Options of `openUpstreamObjectStore`. */
export interface UpstreamStoreOptions extends DataDirectoryEnvironment {
  /** The local data directory holding the manifests and blob markers (created if missing). */
  readonly directory: string;
  readonly upstream: UpstreamOptions;
}

/**
 * Opens an upstream store: manifests in `directory`, sealed bytes in the upstream bucket. Checks
 * the upstream bucket is reachable (HeadBucket), then opens the data directory, deleting upstream
 * what an interrupted write left.
 *
 * @throws RangeError for a part size out of bounds; Error if the upstream bucket cannot be reached
 *   (the upstream's error as `cause`), the directory is in use or a manifest is damaged.
 * @example
 * ```ts
 * import { openUpstreamObjectStore } from '@strongbox/s3';
 * const store = await openUpstreamObjectStore({
 *   directory: '/var/lib/strongbox/s3',
 *   upstream: { endpoint: 'http://127.0.0.1:9000', bucket: 'sealed', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } },
 * });
 * await store.close();
 * ```
 */
export async function openUpstreamObjectStore(options: UpstreamStoreOptions): Promise<ObjectStore> {
  const { upstream } = options;
  const partSize = upstream.partSize ?? DEFAULT_PART_SIZE;
  if (!Number.isSafeInteger(partSize) || partSize < MIN_PART_SIZE || partSize > MAX_PART_SIZE)
    throw new RangeError(`"upstream.partSize" expected ${MIN_PART_SIZE}..${MAX_PART_SIZE} bytes, got ${partSize}`);
  if (typeof upstream.bucket !== 'string' || upstream.bucket === '') throw new TypeError('"upstream.bucket" expected a bucket name');
  // Loaded here, not with the package: the SDK's import costs more than the rest of the engine.
  const sdk: S3Sdk = await import('@aws-sdk/client-s3');
  const client = upstream.client ?? makeClient(sdk, upstream);
  const release = upstream.client === undefined ? () => client.destroy() : () => undefined;
  try {
    await guarded(() => client.send(new sdk.HeadBucketCommand({ Bucket: upstream.bucket })));
  } catch (error) {
    release();
    throw new Error(`The upstream bucket ${upstream.bucket}${upstream.endpoint === undefined ? '' : ` at ${upstream.endpoint}`} cannot be reached`, {
      cause: (error as Error).cause ?? error,
    });
  }
  const blobs = upstreamBlobStorage({ sdk, client, bucket: upstream.bucket, prefix: upstream.prefix ?? '', partSize, release });
  return openDataDirectoryStore(options.directory, blobs, options);
}

function makeClient(sdk: S3Sdk, upstream: UpstreamOptions): S3Client {
  return new sdk.S3Client({
    region: upstream.region ?? 'us-east-1',
    ...(upstream.endpoint === undefined ? {} : { endpoint: upstream.endpoint }),
    ...(upstream.credentials === undefined ? {} : { credentials: upstream.credentials }),
    forcePathStyle: upstream.forcePathStyle ?? upstream.endpoint !== undefined,
    // Many S3-compatible stores reject the flexible checksums the SDK sends by default since
    // January 2025 (the reference's §6.6); the sealed format authenticates every frame anyway.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}
