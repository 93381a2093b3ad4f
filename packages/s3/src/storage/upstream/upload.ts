/**
 * @module
 * Streaming one body to an upstream S3 object without holding it whole: the body is gathered into
 * one part-sized buffer; a body that ends within the first part is one PutObject, a longer one a
 * multipart upload (CreateMultipartUpload, one UploadPart per buffer, CompleteMultipartUpload),
 * so memory stays at one part whatever the size. A failure aborts the multipart upload, so the
 * upstream shows no object for it (S3: an object appears only when its upload completes).
 */

import type * as ClientS3 from '@aws-sdk/client-s3';
import { assertChunk } from '../support.ts';
import type { BodySource } from '../types.ts';
import { upstreamFailure } from './errors.ts';

/** S3's bounds on a part that is not the last (5 MiB .. 5 GiB). */
export const MIN_PART_SIZE: number = 5 * 1024 * 1024;
export const MAX_PART_SIZE: number = 5 * 1024 * 1024 * 1024;
/** S3's limit on parts per upload: an object holds at most 10,000 × the part size. */
const MAX_PARTS = 10_000;

/** The `@aws-sdk/client-s3` module, imported only once an upstream store is opened. */
export type S3Sdk = typeof ClientS3;

/** Where one blob goes upstream. */
export interface UpstreamTarget {
  readonly sdk: S3Sdk;
  readonly client: ClientS3.S3Client;
  readonly bucket: string;
  readonly key: string;
  /** Bytes per part (and the largest body sent as a single PutObject). */
  readonly partSize: number;
  /** Told a multipart upload's id once it exists, before any part is sent (to journal it). */
  readonly onMultipart?: (uploadId: string) => Promise<void>;
}

/**
 * Sends `body` to `target`, streaming.
 * @returns the number of bytes stored.
 * @throws the body's own error as is; an upstream failure as an S3Error (`upstreamFailure`).
 * @example const size = await uploadStream({ sdk, client, bucket: 'sealed', key: 'k', partSize: 8 << 20 }, chunks);
 */
export async function uploadStream(target: UpstreamTarget, body: BodySource): Promise<number> {
  let buffer = new Uint8Array(target.partSize);
  let filled = 0;
  let size = 0;
  let multipart: Multipart | undefined;
  try {
    for await (const chunk of body) {
      let bytes = assertChunk(chunk);
      size += bytes.length;
      while (bytes.length > 0) {
        if (filled === buffer.length) {
          multipart ??= await Multipart.start(target);
          await multipart.send(buffer);
          // The SDK is done with the sent buffer once its request resolved; a fresh one keeps
          // that independent of how the SDK holds bodies.
          buffer = new Uint8Array(target.partSize);
          filled = 0;
        }
        const take = Math.min(bytes.length, buffer.length - filled);
        buffer.set(bytes.subarray(0, take), filled);
        filled += take;
        bytes = bytes.subarray(take);
      }
    }
    if (multipart === undefined) {
      const { sdk } = target;
      await guarded(() =>
        target.client.send(new sdk.PutObjectCommand({ Bucket: target.bucket, Key: target.key, Body: buffer.subarray(0, filled), ContentLength: filled })),
      );
      return size;
    }
    if (filled > 0) await multipart.send(buffer.subarray(0, filled));
    await multipart.complete();
    return size;
  } catch (error) {
    await multipart?.abort();
    throw error;
  }
}

/** One multipart upload in progress. */
class Multipart {
  readonly #target: UpstreamTarget;
  readonly #uploadId: string;
  readonly #parts: { PartNumber: number; ETag: string }[] = [];

  private constructor(target: UpstreamTarget, uploadId: string) {
    this.#target = target;
    this.#uploadId = uploadId;
  }

  static async start(target: UpstreamTarget): Promise<Multipart> {
    const { sdk } = target;
    const created = await guarded(() => target.client.send(new sdk.CreateMultipartUploadCommand({ Bucket: target.bucket, Key: target.key })));
    if (created.UploadId === undefined) throw upstreamFailure(new Error('the upstream CreateMultipartUpload answered no UploadId'));
    const multipart = new Multipart(target, created.UploadId);
    try {
      await target.onMultipart?.(created.UploadId);
    } catch (error) {
      await multipart.abort();
      throw error;
    }
    return multipart;
  }

  async send(bytes: Uint8Array): Promise<void> {
    const partNumber = this.#parts.length + 1;
    if (partNumber > MAX_PARTS)
      throw upstreamFailure(new Error(`the body is larger than ${MAX_PARTS} parts of ${this.#target.partSize} bytes; raise the upstream part size`));
    const { sdk, client, bucket, key } = this.#target;
    const answer = await guarded(() =>
      client.send(
        new sdk.UploadPartCommand({ Bucket: bucket, Key: key, UploadId: this.#uploadId, PartNumber: partNumber, Body: bytes, ContentLength: bytes.length }),
      ),
    );
    if (answer.ETag === undefined) throw upstreamFailure(new Error(`the upstream UploadPart ${partNumber} answered no ETag`));
    this.#parts.push({ PartNumber: partNumber, ETag: answer.ETag });
  }

  async complete(): Promise<void> {
    const { sdk, client, bucket, key } = this.#target;
    await guarded(() =>
      client.send(new sdk.CompleteMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: this.#uploadId, MultipartUpload: { Parts: this.#parts } })),
    );
  }

  /** Best effort: an upload the upstream could not abort is left to its lifecycle rules. */
  async abort(): Promise<void> {
    const { sdk, client, bucket, key } = this.#target;
    await client.send(new sdk.AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: this.#uploadId })).catch(() => undefined);
  }
}

/**
 * Runs one upstream call, turning its failure into the S3 error to answer.
 * @throws S3Error ServiceUnavailable or InternalError (`upstreamFailure`).
 * @example const head = await guarded(() => client.send(new HeadBucketCommand({ Bucket: 'sealed' })));
 */
export async function guarded<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw upstreamFailure(error);
  }
}
