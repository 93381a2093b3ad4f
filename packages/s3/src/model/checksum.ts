/**
 * @module
 * S3's additional checksums (User Guide "Checking object integrity"; s3-sse.md §5.5): the ten
 * algorithms, which one a PutObject asks for, the value it claims, and how the value is written
 * (base64 of the big-endian digest). A request names at most one checksum value; without one S3
 * computes CRC64NVME (its default since 2025). The checksum is always over the plaintext, in every
 * encryption mode, and a single PUT's is a FULL_OBJECT checksum. Computing is `checksum-hasher.ts`.
 */

import { S3Error } from '../errors.ts';

/**
 * The algorithms S3 accepts (model `ChecksumAlgorithm`): the five of 2025, and MD5, SHA512,
 * XXHASH64, XXHASH3 (64-bit) and XXHASH128, which the S3 API model (the pinned
 * `@aws-sdk/client-s3`: `x-amz-checksum-md5` … `x-amz-checksum-xxhash128` on PutObject,
 * UploadPart, GetObject, HeadObject; `ChecksumMD5` … in `Checksum`, `CompletedPart`, `Part`,
 * `CopyObjectResult`, `CopyPartResult`) and the API reference now carry.
 */
export type ChecksumAlgorithm = 'CRC32' | 'CRC32C' | 'CRC64NVME' | 'SHA1' | 'SHA256' | 'MD5' | 'SHA512' | 'XXHASH64' | 'XXHASH3' | 'XXHASH128';

/** Whether a stored checksum covers the object's bytes (`FULL_OBJECT`) or its parts' checksums (`COMPOSITE`, `-N`). */
export type ChecksumType = 'FULL_OBJECT' | 'COMPOSITE';

/**
 * Every algorithm, in the order the SDKs prefer them when validating a response (the JS SDK's
 * `responseAlgorithms`: CRC64NVME, CRC32, CRC32C, SHA256, SHA1, SHA512, MD5, XXHASH64, XXHASH3,
 * XXHASH128; only one is ever answered, so the order only decides the order of the checks here).
 */
export const CHECKSUM_ALGORITHMS: readonly ChecksumAlgorithm[] = Object.freeze([
  'CRC64NVME',
  'CRC32C',
  'CRC32',
  'SHA1',
  'SHA256',
  'SHA512',
  'MD5',
  'XXHASH64',
  'XXHASH3',
  'XXHASH128',
]);

/** What S3 stores when a request names no checksum (PutObject model, `ChecksumCRC64NVME`). */
export const DEFAULT_CHECKSUM_ALGORITHM: ChecksumAlgorithm = 'CRC64NVME';

/** Digest bytes per algorithm (the model's "Base64 encoded, 64-bit XXHASH64 checksum", …). */
export const CHECKSUM_LENGTHS: Readonly<Record<ChecksumAlgorithm, number>> = Object.freeze({
  CRC32: 4,
  CRC32C: 4,
  CRC64NVME: 8,
  SHA1: 20,
  SHA256: 32,
  MD5: 16,
  SHA512: 64,
  XXHASH64: 8,
  XXHASH3: 8,
  XXHASH128: 16,
});

/** The checksum members of a request or response, as the SDK names them. */
export interface ChecksumMembers {
  /** `x-amz-sdk-checksum-algorithm`: the algorithm the client computed (the value may follow in a trailer). */
  ChecksumAlgorithm?: string;
  ChecksumCRC32?: string;
  ChecksumCRC32C?: string;
  ChecksumCRC64NVME?: string;
  ChecksumSHA1?: string;
  ChecksumSHA256?: string;
  ChecksumMD5?: string;
  ChecksumSHA512?: string;
  ChecksumXXHASH64?: string;
  ChecksumXXHASH3?: string;
  ChecksumXXHASH128?: string;
}

/** The response members: the stored value of the object's algorithm, and its type. */
export interface ChecksumResponseMembers extends Omit<ChecksumMembers, 'ChecksumAlgorithm'> {
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
 * Parses the algorithm a request asks S3 to compute (`x-amz-checksum-algorithm`: CopyObject,
 * CreateMultipartUpload).
 * @throws S3Error UnsupportedChecksumAlgorithm (400 InvalidRequest "Checksum algorithm provided is
 *   unsupported. Please try again with any of the valid types: [CRC32, …]"; versitygw's
 *   `CopyObject_invalid_checksum_algorithm` pins it for CopyObject).
 * @example requestedChecksumAlgorithm('sha512') // 'SHA512'
 */
export function requestedChecksumAlgorithm(name: string): ChecksumAlgorithm {
  const algorithm = parseChecksumAlgorithm(name);
  if (algorithm === undefined) throw new S3Error('UnsupportedChecksumAlgorithm', { detail: { value: [...CHECKSUM_ALGORITHMS].sort().join(', ') } });
  return algorithm;
}

/** Each algorithm's member name (`ChecksumCRC32`, ...), in `CHECKSUM_ALGORITHMS` order, built once. */
const CHECKSUM_MEMBERS: readonly string[] = CHECKSUM_ALGORITHMS.map(checksumMember);

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
  const sent: ChecksumAlgorithm[] = [];
  for (let index = 0; index < CHECKSUM_ALGORITHMS.length; index++) {
    if (members[CHECKSUM_MEMBERS[index] as keyof ChecksumMembers] !== undefined) sent.push(CHECKSUM_ALGORITHMS[index] as ChecksumAlgorithm);
  }
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
  return addChecksumMembers({}, stored);
}

/**
 * As `checksumResponseMembers`, added to `members` (a response being built); returns `members`.
 * @example addChecksumMembers(response, { algorithm: 'CRC32', value: 'NSRBwg==', type: 'FULL_OBJECT' }).ChecksumCRC32 // 'NSRBwg=='
 */
export function addChecksumMembers<Members extends ChecksumResponseMembers>(members: Members, stored: StoredChecksum): Members {
  // The member's name from the table built once: a name made per response is a fresh string
  // V8 must look up before it can add the property.
  (members as ChecksumResponseMembers)[RESPONSE_MEMBERS[stored.algorithm]] = stored.value;
  members.ChecksumType = stored.type;
  return members;
}

/** Each algorithm's member name, built once. */
const RESPONSE_MEMBERS: Readonly<Record<ChecksumAlgorithm, `Checksum${ChecksumAlgorithm}`>> = Object.freeze(
  Object.fromEntries(CHECKSUM_ALGORITHMS.map((algorithm) => [algorithm, checksumMember(algorithm)])) as Record<
    ChecksumAlgorithm,
    `Checksum${ChecksumAlgorithm}`
  >,
);

/** A multipart upload's checksum: the algorithm its parts carry and how the object's checksum is made. */
export interface UploadChecksum {
  readonly algorithm: ChecksumAlgorithm;
  readonly type: ChecksumType;
  /** Whether CreateMultipartUpload named the algorithm (else S3's default, CRC64NVME full-object). */
  readonly requested: boolean;
}

/**
 * The checksum types each algorithm supports for multipart uploads (User Guide, "Checking object
 * integrity"). The CRCs combine, so they can be FULL_OBJECT; a hash cannot be combined from its
 * parts' values, so MD5, SHA512 and the XXHASHes are COMPOSITE only, as SHA-1 and SHA-256 are
 * (UNCONFIRMED for the five added in 2025: the model's `Part` documents their part values, and
 * no capture records which types S3 takes for them).
 */
const MULTIPART_TYPES: Readonly<Record<ChecksumAlgorithm, readonly ChecksumType[]>> = Object.freeze({
  CRC32: ['COMPOSITE', 'FULL_OBJECT'],
  CRC32C: ['COMPOSITE', 'FULL_OBJECT'],
  CRC64NVME: ['FULL_OBJECT'],
  SHA1: ['COMPOSITE'],
  SHA256: ['COMPOSITE'],
  MD5: ['COMPOSITE'],
  SHA512: ['COMPOSITE'],
  XXHASH64: ['COMPOSITE'],
  XXHASH3: ['COMPOSITE'],
  XXHASH128: ['COMPOSITE'],
});

/**
 * Resolves CreateMultipartUpload's `ChecksumAlgorithm` and `ChecksumType`: no algorithm is S3's
 * default (CRC64NVME, full object); an algorithm without a type takes its default (FULL_OBJECT for
 * CRC64NVME, COMPOSITE for the others); the hashes cannot be full-object, CRC64NVME cannot be
 * composite.
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
  const algorithm = requestedChecksumAlgorithm(members.ChecksumAlgorithm);
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
