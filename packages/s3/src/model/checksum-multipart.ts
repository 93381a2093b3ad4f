/**
 * @module
 * Multipart checksums as S3 applies them (User Guide "Checking object integrity"; model
 * CreateMultipartUpload, UploadPart, CompleteMultipartUpload; s3-sse.md §5.5), beside the upload
 * rules of `checksum.ts` (`resolveUploadChecksum`):
 *
 * - an upload that named an algorithm takes parts carrying that algorithm's checksum only (400
 *   InvalidRequest "Checksum Type mismatch occurred, …", `null` when the part sent none);
 * - the completion must use the upload's checksum type, if it names one;
 * - a FULL_OBJECT upload's object checksum is the CRC of the whole object, combined from the parts'
 *   CRCs (`checksum-combine.ts`); a COMPOSITE one's is the checksum of the parts' binary checksums
 *   with `-N` (computed where the hashers live, `crypto/checksum-hasher.ts`); an upload that named
 *   no algorithm gets S3's default, a CRC64NVME full-object checksum;
 * - a full-object checksum sent with the completion must be of the upload's algorithm, sent with
 *   `x-amz-checksum-type: FULL_OBJECT`, and equal the combined one (400 BadDigest).
 *
 * The texts are LocalStack's (its provider's tests are recorded against real S3); where no such
 * record exists the comment says UNCONFIRMED.
 */

import { S3Error } from '../errors.ts';
import { CHECKSUM_ALGORITHMS, type ChecksumAlgorithm, checksumMember, type UploadChecksum } from './checksum.ts';
import { type CombinableCrc, CRC32_PARAMETERS, CRC32C_PARAMETERS, CRC64NVME_PARAMETERS, combineCrcs, crcFromBytes, crcToBytes } from './checksum-combine.ts';

/** Checksum values by algorithm (base64), as a part request, a stored part or a completion carries them. */
export type ChecksumValues = Readonly<Partial<Record<ChecksumAlgorithm, string>>>;

/** The CRCs a full-object checksum can be combined for. */
const COMBINABLE: Readonly<Partial<Record<ChecksumAlgorithm, CombinableCrc>>> = Object.freeze({
  CRC32: CRC32_PARAMETERS,
  CRC32C: CRC32C_PARAMETERS,
  CRC64NVME: CRC64NVME_PARAMETERS,
});

/**
 * The checksum values present in a request's members (`ChecksumCRC32`, …), by algorithm.
 * @example checksumValuesOf({ ChecksumCRC32: 'NSRBwg==' }) // { CRC32: 'NSRBwg==' }
 */
export function checksumValuesOf(members: Readonly<Partial<Record<`Checksum${ChecksumAlgorithm}`, unknown>>>): ChecksumValues {
  const values: Partial<Record<ChecksumAlgorithm, string>> = Object.create(null) as Partial<Record<ChecksumAlgorithm, string>>;
  for (const algorithm of CHECKSUM_ALGORITHMS) {
    const value = members[checksumMember(algorithm)];
    if (typeof value === 'string') values[algorithm] = value;
  }
  return values;
}

/**
 * Checks an UploadPart (or UploadPartCopy) against its upload's algorithm: an upload that named one
 * takes only parts that carry that algorithm's checksum.
 *
 * @param sent - the algorithm the part request named (a value, `x-amz-sdk-checksum-algorithm` or a
 *   trailer), or undefined.
 * @throws S3Error ChecksumAlgorithmMismatch (400 InvalidRequest "Checksum Type mismatch occurred,
 *   expected checksum Type: crc32, actual checksum Type: null"; LocalStack's text, in lower case).
 * @example checkPartChecksumAlgorithm({ algorithm: 'CRC32', type: 'COMPOSITE', requested: true }, 'CRC32');
 */
export function checkPartChecksumAlgorithm(upload: UploadChecksum, sent: ChecksumAlgorithm | undefined): void {
  if (!upload.requested || sent === upload.algorithm) return;
  throw new S3Error('ChecksumAlgorithmMismatch', { detail: { expected: upload.algorithm.toLowerCase(), actual: sent?.toLowerCase() ?? 'null' } });
}

/**
 * Checks a completion's `x-amz-checksum-type` against the upload's: when sent it must be the
 * upload's type (`null` for an upload that named no algorithm).
 * @throws S3Error ChecksumModeMismatch, InvalidChecksumType.
 * @example checkCompletionChecksumType({ algorithm: 'CRC32', type: 'COMPOSITE', requested: true }, 'COMPOSITE');
 */
export function checkCompletionChecksumType(upload: UploadChecksum, type: string | undefined): void {
  if (type === undefined) return;
  const declared = upload.requested ? upload.type : undefined;
  if (type !== declared) throw new S3Error('ChecksumModeMismatch', { detail: { value: declared ?? 'null' } });
}

/**
 * A FULL_OBJECT checksum from the parts' checksums of a CRC algorithm and their plaintext sizes, in
 * part order: the CRC of the concatenated parts, base64 of its big-endian bytes, without a suffix.
 *
 * @throws TypeError for an algorithm that does not combine (SHA-1, SHA-256: S3 allows them
 *   COMPOSITE only, which `resolveUploadChecksum` enforces).
 * @example fullObjectChecksum('CRC32', [{ value: 'NSRBwg==', size: 3 }]) // 'NSRBwg=='
 */
export function fullObjectChecksum(algorithm: ChecksumAlgorithm, parts: readonly { readonly value: string; readonly size: number }[]): string {
  const crc = COMBINABLE[algorithm];
  if (crc === undefined) throw new TypeError(`${algorithm} checksums cannot be combined into a full-object checksum`);
  const combined = combineCrcs(
    crc,
    parts.map((part) => ({ crc: crcFromBytes(Buffer.from(part.value, 'base64')), length: part.size })),
  );
  return Buffer.from(crcToBytes(combined, crc.width)).toString('base64');
}

/**
 * Checks the full-object checksum a completion sends against the object's. Only an upload that
 * named an algorithm is checked (LocalStack ignores a value sent for an upload that named none;
 * UNCONFIRMED on real S3). A value of another algorithm, or the upload's value without
 * `x-amz-checksum-type: FULL_OBJECT`, is refused as a mismatch, as LocalStack records S3 doing; a
 * COMPOSITE upload's value is not compared (S3 documents the completion's value as the full
 * object's; UNCONFIRMED what it does with one on a composite upload).
 *
 * @param sent - the completion's `x-amz-checksum-*` values.
 * @param typeSent - whether the completion sent `x-amz-checksum-type`.
 * @param computed - the object's checksum (base64, `-N` for composite).
 * @throws S3Error CompletionChecksumMismatch (400 BadDigest, the algorithm in lower case).
 * @example checkCompletionChecksum({ algorithm: 'CRC32', type: 'FULL_OBJECT', requested: true }, { CRC32: v }, true, v);
 */
export function checkCompletionChecksum(upload: UploadChecksum, sent: ChecksumValues, typeSent: boolean, computed: string): void {
  if (!upload.requested) return;
  const mismatch = new S3Error('CompletionChecksumMismatch', { detail: { value: upload.algorithm.toLowerCase() } });
  if (CHECKSUM_ALGORITHMS.some((algorithm) => algorithm !== upload.algorithm && sent[algorithm] !== undefined)) throw mismatch;
  const value = sent[upload.algorithm];
  if (value === undefined || upload.type !== 'FULL_OBJECT') return;
  if (!typeSent || value !== computed) throw mismatch;
}

/**
 * Checks `x-amz-mp-object-size` (CompleteMultipartUpload) against the parts' total size.
 * @throws S3Error MpuObjectSizeMismatch (400 InvalidRequest).
 * @example checkMpuObjectSize(10, 10);
 */
export function checkMpuObjectSize(sent: number | undefined, computed: number): void {
  if (sent !== undefined && sent !== computed) throw new S3Error('MpuObjectSizeMismatch', { detail: { value: String(sent), actual: String(computed) } });
}
