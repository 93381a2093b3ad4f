/**
 * @module
 * Checksums as the multipart operations keep them: every part stores its checksum values by
 * algorithm (the upload's algorithm when it named one; else the value the part sent, if any, and
 * the CRC64NVME S3 defaults to, computed beside it when the part sent another algorithm, so the
 * completed object's default full-object checksum combines from its parts without reading them
 * back). A completed object keeps its checksum (`checksums.ts`'s field, as a single PUT's) and,
 * when COMPOSITE, each part's value in position order, which a `partNumber` read answers.
 */

import { compositeChecksum, createChecksumHasher } from '../../crypto/checksum-hasher.ts';
import type { ChecksumAlgorithm, StoredChecksum, UploadChecksum } from '../../model/checksum.ts';
import { type ChecksumValues, fullObjectChecksum } from '../../model/checksum-multipart.ts';
import type { EncryptionMode } from '../../model/encryption.ts';
import type { BodySource, StoredFields } from '../../storage/types.ts';

/** The stored field of a completed COMPOSITE object holding its parts' checksums (JSON array, position order). */
export const PART_CHECKSUMS_FIELD = 'part-checksums';

/** A body with a CRC64NVME computed beside the checksum its request asked for. */
export interface DefaultChecksummedBody {
  readonly body: BodySource;
  /** The CRC64NVME (base64), once `body` has been read to its end. @throws Error before. */
  readonly value: () => string;
}

/**
 * Wraps `body` to compute S3's default CRC64NVME as it streams (for a part of an upload that named
 * no algorithm whose request sent another one).
 * @example const withDefault = defaultChecksummedBody(checksummed.body);
 */
export function defaultChecksummedBody(body: BodySource): DefaultChecksummedBody {
  let value: string | undefined;
  async function* hashed(): AsyncGenerator<Uint8Array> {
    const hasher = createChecksumHasher('CRC64NVME');
    for await (const chunk of body) {
      hasher.update(chunk);
      yield chunk;
    }
    value = Buffer.from(await hasher.digest()).toString('base64');
  }
  return {
    body: hashed(),
    value: () => {
      if (value === undefined) throw new Error('the checksum is known once the body has been read');
      return value;
    },
  };
}

/**
 * Whether a part of `upload` needs S3's default CRC64NVME computed beside the algorithm it sent: an
 * upload that named no algorithm gets a default CRC64NVME full-object checksum, except SSE-C
 * uploads, which LocalStack records S3 giving none (second-hand, UNCONFIRMED by a capture).
 */
export function needsDefaultChecksum(upload: { readonly checksum: UploadChecksum; readonly mode: EncryptionMode }, sent: ChecksumAlgorithm): boolean {
  return hasDefaultChecksum(upload) && sent !== 'CRC64NVME';
}

/** Whether a completed upload that named no algorithm gets S3's default CRC64NVME checksum. */
export function hasDefaultChecksum(upload: { readonly checksum: UploadChecksum; readonly mode: EncryptionMode }): boolean {
  return !upload.checksum.requested && upload.mode !== 'SSE-C';
}

/**
 * The checksum of a completed object from its parts' stored values and plaintext sizes, in
 * position order: COMPOSITE `checksum(parts' binary checksums)-N`, FULL_OBJECT the combined CRC, or
 * S3's default CRC64NVME full-object checksum; undefined when the upload gets none (SSE-C without
 * an algorithm) or a part stored before part checksums were kept lacks the value.
 *
 * @throws Error when a part of an upload that named an algorithm lacks its value (UploadPart and
 *   UploadPartCopy always store it).
 * @example await objectChecksumOf(upload, [{ partNumber: 1, checksums: { CRC32: 'NSRBwg==' }, size: 3 }])
 */
export async function objectChecksumOf(
  upload: { readonly checksum: UploadChecksum; readonly mode: EncryptionMode },
  parts: readonly { readonly partNumber: number; readonly checksums: ChecksumValues; readonly size: number }[],
): Promise<StoredChecksum | undefined> {
  const { algorithm, type, requested } = upload.checksum;
  if (!requested && !hasDefaultChecksum(upload)) return undefined;
  const values: { value: string; size: number }[] = [];
  for (const part of parts) {
    const value = part.checksums[algorithm];
    if (value === undefined) {
      if (!requested) return undefined;
      throw new Error(`part ${part.partNumber} of a ${algorithm} upload has no ${algorithm} checksum`);
    }
    values.push({ value, size: part.size });
  }
  if (type === 'COMPOSITE') {
    return {
      algorithm,
      type,
      value: await compositeChecksum(
        algorithm,
        values.map((part) => part.value),
      ),
    };
  }
  return { algorithm, type, value: fullObjectChecksum(algorithm, values) };
}

/**
 * The stored fields of a completed object's COMPOSITE part checksums (none for FULL_OBJECT, whose
 * part reads answer no checksum).
 */
export function partChecksumFields(checksum: StoredChecksum | undefined, parts: readonly { readonly checksums: ChecksumValues }[]): StoredFields {
  if (checksum?.type !== 'COMPOSITE') return {};
  return { [PART_CHECKSUMS_FIELD]: JSON.stringify(parts.map((part) => part.checksums[checksum.algorithm] ?? '')) };
}

/**
 * The checksum a `partNumber` read of a COMPOSITE object answers: its part's (position `partNumber`).
 * @example storedPartChecksum(fields, 2) // 'NSRBwg=='
 */
export function storedPartChecksum(fields: StoredFields, partNumber: number): string | undefined {
  const text = fields[PART_CHECKSUMS_FIELD];
  if (text === undefined) return undefined;
  const values = JSON.parse(text) as unknown;
  const value = Array.isArray(values) ? (values[partNumber - 1] as unknown) : undefined;
  return typeof value === 'string' && value !== '' ? value : undefined;
}
