/**
 * @module
 * S3's additional checksums (User Guide "Checking object integrity"; s3-sse.md §5.5): the five
 * algorithms, which one a PutObject asks for, the value it claims, and how the value is written
 * (base64 of the big-endian digest). A request names at most one checksum value; without one S3
 * computes CRC64NVME (its default since 2025). The checksum is always over the plaintext, in every
 * encryption mode, and a single PUT's is a FULL_OBJECT checksum. Computing is `checksum-hasher.ts`.
 */

import { S3Error } from '../errors.ts';

/** The algorithms S3 accepts (model `ChecksumAlgorithm`). */
export type ChecksumAlgorithm = 'CRC32' | 'CRC32C' | 'CRC64NVME' | 'SHA1' | 'SHA256';

/** Whether a stored checksum covers the object's bytes (`FULL_OBJECT`) or its parts' checksums (`COMPOSITE`, `-N`). */
export type ChecksumType = 'FULL_OBJECT' | 'COMPOSITE';

/** Every algorithm, in the order SDKs prefer them when validating a response. */
export const CHECKSUM_ALGORITHMS: readonly ChecksumAlgorithm[] = Object.freeze(['CRC64NVME', 'CRC32C', 'CRC32', 'SHA1', 'SHA256']);

/** What S3 stores when a request names no checksum (PutObject model, `ChecksumCRC64NVME`). */
export const DEFAULT_CHECKSUM_ALGORITHM: ChecksumAlgorithm = 'CRC64NVME';

/** Digest bytes per algorithm. */
export const CHECKSUM_LENGTHS: Readonly<Record<ChecksumAlgorithm, number>> = Object.freeze({ CRC32: 4, CRC32C: 4, CRC64NVME: 8, SHA1: 20, SHA256: 32 });

/** The checksum members of a request or response, as the SDK names them. */
export interface ChecksumMembers {
  /** `x-amz-sdk-checksum-algorithm`: the algorithm the client computed (the value may follow in a trailer). */
  ChecksumAlgorithm?: string;
  ChecksumCRC32?: string;
  ChecksumCRC32C?: string;
  ChecksumCRC64NVME?: string;
  ChecksumSHA1?: string;
  ChecksumSHA256?: string;
}

/** The response members: the stored value of the object's algorithm, and its type. */
export interface ChecksumResponseMembers {
  ChecksumCRC32?: string;
  ChecksumCRC32C?: string;
  ChecksumCRC64NVME?: string;
  ChecksumSHA1?: string;
  ChecksumSHA256?: string;
  ChecksumType?: ChecksumType;
}

/** A request's checksum, resolved: the algorithm to compute, and the value to check it against if one was sent. */
export interface ChecksumRequest {
  readonly algorithm: ChecksumAlgorithm;
  /** Base64 as sent; undefined when none was sent (computed and stored only). */
  readonly expected: string | undefined;
}

/** The member carrying an algorithm's value, e.g. `ChecksumCRC32`. */
export function checksumMember(algorithm: ChecksumAlgorithm): `Checksum${ChecksumAlgorithm}` {
  return `Checksum${algorithm}`;
}

/** The header carrying an algorithm's value, e.g. `x-amz-checksum-crc32`. */
export function checksumHeader(algorithm: ChecksumAlgorithm): string {
  return `x-amz-checksum-${algorithm.toLowerCase()}`;
}

/**
 * Parses an algorithm name (case-insensitive, as S3 accepts `crc32` in `x-amz-sdk-checksum-algorithm`).
 * @example parseChecksumAlgorithm('crc64nvme') // 'CRC64NVME'
 */
export function parseChecksumAlgorithm(name: string): ChecksumAlgorithm | undefined {
  const upper = name.trim().toUpperCase();
  return (CHECKSUM_ALGORITHMS as readonly string[]).includes(upper) ? (upper as ChecksumAlgorithm) : undefined;
}

/**
 * Resolves which checksum a write carries, checking what S3 checks before reading the body.
 *
 * @param members - the request's checksum members.
 * @param trailerAlgorithm - the algorithm whose value follows the body in an aws-chunked trailer
 *   (`x-amz-trailer: x-amz-checksum-crc32`), if any; its value is checked once the body has ended.
 * @throws S3Error MultipleChecksums (more than one value), InvalidChecksumValue (not the base64
 *   of a digest of the algorithm's length), InvalidChecksumAlgorithm (an unknown algorithm),
 *   ChecksumAlgorithmMismatch (`x-amz-sdk-checksum-algorithm` names another algorithm than the
 *   value sent).
 * @example resolveChecksumRequest({ ChecksumCRC32: 'NSRBwg==' }) // { algorithm: 'CRC32', expected: 'NSRBwg==' }
 */
export function resolveChecksumRequest(members: ChecksumMembers, trailerAlgorithm?: ChecksumAlgorithm): ChecksumRequest {
  const sent = CHECKSUM_ALGORITHMS.filter((algorithm) => members[checksumMember(algorithm)] !== undefined);
  if (sent.length + (trailerAlgorithm === undefined ? 0 : 1) > 1) throw new S3Error('MultipleChecksums');
  const named = members.ChecksumAlgorithm === undefined ? undefined : parseChecksumAlgorithm(members.ChecksumAlgorithm);
  if (members.ChecksumAlgorithm !== undefined && named === undefined) throw new S3Error('InvalidChecksumAlgorithm');
  const [valued] = sent;
  const algorithm = valued ?? trailerAlgorithm ?? named ?? DEFAULT_CHECKSUM_ALGORITHM;
  if (named !== undefined && named !== algorithm) throw new S3Error('ChecksumAlgorithmMismatch', { detail: { expected: named, actual: algorithm } });
  if (valued === undefined) return { algorithm, expected: undefined };
  const expected = members[checksumMember(valued)] as string;
  assertChecksumValue(valued, expected);
  return { algorithm, expected };
}

/**
 * Checks that `value` is the base64 of a digest of `algorithm`'s length.
 * @param where - a header, or an aws-chunked trailer (S3 says "trailing header").
 * @throws S3Error InvalidChecksumValue or InvalidTrailingChecksumValue naming the header.
 */
export function assertChecksumValue(algorithm: ChecksumAlgorithm, value: string, where: 'header' | 'trailer' = 'header'): void {
  if (decodedChecksumLength(value) !== CHECKSUM_LENGTHS[algorithm]) {
    throw new S3Error(where === 'header' ? 'InvalidChecksumValue' : 'InvalidTrailingChecksumValue', { detail: { value: checksumHeader(algorithm) } });
  }
}

/**
 * The members a response carries for a stored checksum.
 * @example checksumResponseMembers({ algorithm: 'CRC32', value: 'NSRBwg==', type: 'FULL_OBJECT' }) // { ChecksumCRC32: 'NSRBwg==', ChecksumType: 'FULL_OBJECT' }
 */
export function checksumResponseMembers(stored: StoredChecksum): ChecksumResponseMembers {
  return { [checksumMember(stored.algorithm)]: stored.value, ChecksumType: stored.type };
}

/** A multipart upload's checksum: the algorithm its parts carry and how the object's checksum is made. */
export interface UploadChecksum {
  readonly algorithm: ChecksumAlgorithm;
  readonly type: ChecksumType;
  /** Whether CreateMultipartUpload named the algorithm (else S3's default, CRC64NVME full-object). */
  readonly requested: boolean;
}

/** The checksum types each algorithm supports for multipart uploads (User Guide, "Checking object integrity"). */
const MULTIPART_TYPES: Readonly<Record<ChecksumAlgorithm, readonly ChecksumType[]>> = Object.freeze({
  CRC32: ['COMPOSITE', 'FULL_OBJECT'],
  CRC32C: ['COMPOSITE', 'FULL_OBJECT'],
  CRC64NVME: ['FULL_OBJECT'],
  SHA1: ['COMPOSITE'],
  SHA256: ['COMPOSITE'],
});

/**
 * Resolves CreateMultipartUpload's `ChecksumAlgorithm` and `ChecksumType`: no algorithm is S3's
 * default (CRC64NVME, full object); an algorithm without a type takes its default (FULL_OBJECT for
 * CRC64NVME, COMPOSITE for the others); SHA-1 and SHA-256 cannot be full-object, CRC64NVME cannot
 * be composite.
 * @throws S3Error UnsupportedChecksumAlgorithm, InvalidChecksumType, ChecksumTypeWithoutAlgorithm,
 *   ChecksumTypeNotSupported.
 * @example resolveUploadChecksum({ ChecksumAlgorithm: 'CRC32' }) // { algorithm: 'CRC32', type: 'COMPOSITE', requested: true }
 */
export function resolveUploadChecksum(members: { ChecksumAlgorithm?: string | undefined; ChecksumType?: string | undefined }): UploadChecksum {
  const type = members.ChecksumType === undefined ? undefined : parseChecksumType(members.ChecksumType);
  if (members.ChecksumAlgorithm === undefined) {
    if (type !== undefined) throw new S3Error('ChecksumTypeWithoutAlgorithm');
    return { algorithm: DEFAULT_CHECKSUM_ALGORITHM, type: 'FULL_OBJECT', requested: false };
  }
  const algorithm = parseChecksumAlgorithm(members.ChecksumAlgorithm);
  if (algorithm === undefined) throw new S3Error('UnsupportedChecksumAlgorithm');
  const supported = MULTIPART_TYPES[algorithm];
  const resolved = type ?? (supported[0] as ChecksumType);
  if (!supported.includes(resolved)) throw new S3Error('ChecksumTypeNotSupported', { detail: { value: resolved, actual: algorithm } });
  return { algorithm, type: resolved, requested: true };
}

/**
 * Parses `x-amz-checksum-type`.
 * @throws S3Error InvalidChecksumType.
 */
export function parseChecksumType(text: string): ChecksumType {
  if (text === 'COMPOSITE' || text === 'FULL_OBJECT') return text;
  throw new S3Error('InvalidChecksumType');
}

/** A checksum as stored with an object. */
export interface StoredChecksum {
  readonly algorithm: ChecksumAlgorithm;
  /** Base64 of the digest; a composite one ends `-N` (N parts). */
  readonly value: string;
  readonly type: ChecksumType;
}

/** Decoded byte length of strict base64 (padding required), or -1. */
function decodedChecksumLength(value: string): number {
  if (value.length === 0 || value.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(value)) return -1;
  return (value.length / 4) * 3 - (value.endsWith('==') ? 2 : value.endsWith('=') ? 1 : 0);
}
