/**
 * @module
 * A managed upload (the `@aws-sdk/lib-storage` `Upload` idea, for encrypted objects): a stream of
 * unknown length is cut into parts of `partSize` plaintext bytes, one part in memory at a time, and
 * sent as an encrypted multipart upload (one GCM stream across the parts); a body that fits in one
 * part is sent as a single PutObject. Parts go one after another, since the cipher runs in order.
 */

import type {
  CompleteMultipartUploadCommandOutput,
  CreateMultipartUploadCommandInput,
  PutObjectCommandInput,
  PutObjectCommandOutput,
} from '@aws-sdk/client-s3';
import { S3EncryptionClientError } from '../errors.ts';
import { toNodeReadable } from './body.ts';
import type { ClientContext, RequestOptions } from './context.ts';
import { createEncryptedMultipartUpload, type EncryptedMultipartUpload } from './multipart.ts';
import { PLAINTEXT_INTEGRITY_FIELDS, putEncryptedObject } from './put-object.ts';

/** The default part size: 8 MiB (S3 wants at least 5 MiB for every part but the last). */
export const DEFAULT_PART_SIZE: number = 8 * 1024 * 1024;

/** Options of a managed upload. */
export interface UploadOptions extends RequestOptions {
  /** Plaintext bytes per part: a multiple of 16 (the GCM block rule), default 8 MiB. */
  readonly partSize?: number;
}

/**
 * Encrypts and uploads a body of any length (no `ContentLength` needed), holding at most one part
 * in memory. Returns PutObject's output for a one-part body, CompleteMultipartUpload's otherwise.
 * On failure the multipart upload is aborted.
 *
 * @throws RangeError for a part size that is not a positive multiple of 16;
 *   S3EncryptionClientError as putObject; S3 errors pass through.
 * @example
 * ```ts
 * await uploadEncrypted(context, { Bucket: 'b', Key: 'k', Body: createReadStream('big.bin') });
 * ```
 */
export async function uploadEncrypted(
  context: ClientContext,
  input: PutObjectCommandInput,
  options: UploadOptions = {},
): Promise<PutObjectCommandOutput | CompleteMultipartUploadCommandOutput> {
  const partSize = options.partSize ?? DEFAULT_PART_SIZE;
  if (!Number.isSafeInteger(partSize) || partSize <= 0 || partSize % 16 !== 0)
    throw new RangeError(`"partSize" expected a positive multiple of 16, got ${partSize}`);
  for (const field of PLAINTEXT_INTEGRITY_FIELDS)
    if (input[field] !== undefined)
      throw new S3EncryptionClientError('InvalidConfiguration', `${field} would describe the plaintext, not the stored ciphertext; leave it to the SDK`);
  const { Body, ContentLength: _length, ...rest } = input;
  let parts: Buffer[] = [];
  let size = 0;
  let upload: EncryptedMultipartUpload | undefined;
  try {
    for await (const chunk of toNodeReadable(Body ?? new Uint8Array(0))) {
      let data = typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk as Uint8Array);
      while (data.length > 0) {
        // A full part is sent only once more data is known to follow, so the last part is always flagged.
        if (size === partSize) {
          upload ??= await createEncryptedMultipartUpload(context, rest as CreateMultipartUploadCommandInput, options);
          await upload.uploadPart({ Body: Buffer.concat(parts, size) });
          parts = [];
          size = 0;
        }
        const take = Math.min(partSize - size, data.length);
        parts.push(data.subarray(0, take));
        size += take;
        data = data.subarray(take);
      }
    }
    if (upload === undefined) return await putEncryptedObject(context, { ...input, Body: Buffer.concat(parts, size), ContentLength: size }, options);
    await upload.uploadPart({ Body: Buffer.concat(parts, size), isLastPart: true });
    return await upload.complete();
  } catch (error) {
    // Leave no half-written upload (and its stored parts) behind; the original error wins.
    if (upload !== undefined) await upload.abort().catch(() => undefined);
    throw error;
  }
}
