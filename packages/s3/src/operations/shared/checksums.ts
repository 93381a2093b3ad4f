/**
 * @module
 * Checksums as the object operations use them: a write's body is checksummed as it streams into
 * the cipher (over the plaintext, whatever the encryption), checked against the value the request
 * sent (a member, or an aws-chunked trailer read once the body has ended) before the body ends,
 * so a mismatch fails the write before anything is stored (400 BadDigest); the checksum is stored
 * with the object's fields and returned on full-object reads that ask for it
 * (`ChecksumMode: 'ENABLED'`), never on Range or partNumber reads (s3-sse.md §5.5).
 */

import { type AwsChunkedBody, type BodyObserver, ObservedBody } from '@strongbox/service-kernel';
import { type ChecksumHasher, createChecksumHasher } from '../../crypto/checksum-hasher.ts';
import { S3Error } from '../../errors.ts';
import {
  addChecksumMembers,
  assertChecksumValue,
  type ChecksumAlgorithm,
  type ChecksumMembers,
  type ChecksumResponseMembers,
  checksumHeader,
  parseChecksumAlgorithm,
  resolveChecksumRequest,
  type StoredChecksum,
} from '../../model/checksum.ts';
import { decodeBase64 } from '../../model/customer-key.ts';
import type { ResolvedRange } from '../../model/range.ts';
import type { BodySource, StoredFields } from '../../storage/types.ts';
import { bodySource, type RequestBody } from './body.ts';
import { OBJECT_FIELDS } from './objects.ts';
import { storedPartChecksum } from './part-checksums.ts';

/**
 * The 16 bytes of a request's `Content-MD5` (PutObject, UploadPart), checked later against the
 * plaintext; undefined when none was sent.
 * @throws S3Error InvalidDigest when it is not base64 of 16 bytes.
 * @example
 * ```ts
 * const expectedMd5 = contentMd5(input.ContentMD5);
 * ```
 */
export function contentMd5(value: string | undefined): Uint8Array | undefined {
  const expected = value === undefined ? undefined : decodeBase64(value);
  if (value !== undefined && expected?.length !== 16) throw new S3Error('InvalidDigest');
  return expected;
}

/** The stored field holding an object's checksum (JSON `{ algorithm, value, type }`). */
export const CHECKSUM_FIELD = 'checksum';

/** The read member asking for the stored checksum. */
export interface ChecksumModeMember {
  /** `ENABLED`: return the stored checksum on a full-object read (the SDK sets it on every GetObject). */
  ChecksumMode?: string;
}

/** A write's body with its checksum being computed. */
export interface ChecksummedBody {
  /** The plaintext, checksummed as it is read; fails at its end on a mismatch. */
  readonly body: BodySource;
  /** The checksum, once `body` has been read to its end. @throws Error before. */
  checksum(): StoredChecksum;
  /** Whether the request asked for a checksum (an algorithm, a value or a trailer), not only S3's default. */
  readonly requested: boolean;
  /** The algorithm being computed: the one the request asked for, else S3's default. */
  readonly algorithm: ChecksumAlgorithm;
}

/**
 * Wraps a write's body so its checksum is computed as it streams and checked before it ends.
 *
 * @throws S3Error (at once) MultipleChecksums, InvalidChecksumValue, InvalidChecksumAlgorithm;
 *   ChecksumAlgorithmMismatch; (at the body's end) ChecksumMismatch (400 BadDigest naming the
 *   algorithm), InvalidTrailingChecksumValue for a malformed trailer value.
 * @example
 * ```ts
 * const { body, checksum } = checksummedBody(input.Body, input);
 * await store.putObject(bucket, key, body, () => ({ ...fields, ...checksumFields(checksum()) }));
 * ```
 */
export function checksummedBody(requestBody: RequestBody | undefined, members: ChecksumMembers): ChecksummedBody {
  const trailing = trailingBody(requestBody);
  const trailerAlgorithm = trailing === undefined ? undefined : trailerAlgorithmOf(trailing);
  const { algorithm, expected } = resolveChecksumRequest(members, trailerAlgorithm);
  const requested = members.ChecksumAlgorithm !== undefined || expected !== undefined || trailerAlgorithm !== undefined;
  return new ChecksumCheck(bodySource(requestBody), algorithm, expected, trailing, trailerAlgorithm, requested);
}

/**
 * A write's body and the checksum observing it (`ObservedBody`: one pass with the body's other
 * checks, no stage of its own).
 */
class ChecksumCheck implements ChecksummedBody, BodyObserver {
  readonly body: BodySource;
  readonly algorithm: ChecksumAlgorithm;
  readonly requested: boolean;
  readonly #hasher: ChecksumHasher;
  readonly #expected: string | undefined;
  readonly #trailing: AwsChunkedBody | undefined;
  readonly #trailerAlgorithm: ChecksumAlgorithm | undefined;
  #stored: StoredChecksum | undefined;

  constructor(
    source: BodySource,
    algorithm: ChecksumAlgorithm,
    expected: string | undefined,
    trailing: AwsChunkedBody | undefined,
    trailerAlgorithm: ChecksumAlgorithm | undefined,
    requested: boolean,
  ) {
    this.algorithm = algorithm;
    this.requested = requested;
    this.#hasher = createChecksumHasher(algorithm);
    this.#expected = expected;
    this.#trailing = trailing;
    this.#trailerAlgorithm = trailerAlgorithm;
    this.body = ObservedBody.observe(source, this);
  }

  /** @throws Error before the body has been read to its end. */
  checksum(): StoredChecksum {
    if (this.#stored === undefined) throw new Error('the checksum is known once the body has been read');
    return this.#stored;
  }

  update(chunk: Uint8Array): void {
    this.#hasher.update(chunk);
  }

  /**
   * @throws S3Error ChecksumMismatch, InvalidTrailingChecksumValue: before the body ends, so the
   *   store discards what it wrote (nothing is stored); at once for a synchronous checksum, else
   *   as the returned promise's rejection.
   */
  end(): void | Promise<void> {
    // A checksum computed synchronously (CRC32, the SHA family) ends the body without a promise:
    // the last read of every such PUT would otherwise wait several turns for nothing.
    const digest = this.#hasher.digestSync?.();
    if (digest === undefined) return this.#hasher.digest().then((bytes) => this.#check(bytes));
    this.#check(digest);
  }

  #check(digest: Uint8Array): void {
    const value = Buffer.from(digest).toString('base64');
    const trailing = this.#trailing;
    const trailerAlgorithm = this.#trailerAlgorithm;
    const claimed = this.#expected ?? (trailing === undefined || trailerAlgorithm === undefined ? undefined : trailerValue(trailing, trailerAlgorithm));
    if (claimed !== undefined && claimed !== value) throw new S3Error('ChecksumMismatch', { detail: { value: this.algorithm } });
    this.#stored = { algorithm: this.algorithm, value, type: 'FULL_OBJECT' };
  }
}

/** The stored fields of a checksum. */
export function checksumFields(checksum: StoredChecksum): StoredFields {
  const fields: Record<string, string> = {};
  fields[CHECKSUM_FIELD] = JSON.stringify({ algorithm: checksum.algorithm, value: checksum.value, type: checksum.type });
  return fields;
}

/** An object's stored checksum (objects stored before checksums were kept have none). */
export function storedChecksum(fields: StoredFields): StoredChecksum | undefined {
  const text = fields[CHECKSUM_FIELD];
  if (text === undefined) return undefined;
  // A store's fields are frozen: the checksum they hold is parsed once per fields object.
  if (!Object.isFrozen(fields)) return parseStoredChecksum(text);
  let checksum = STORED_CHECKSUMS.get(fields);
  if (checksum === undefined) STORED_CHECKSUMS.set(fields, (checksum = Object.freeze(parseStoredChecksum(text))));
  return checksum;
}

/**
 * Remembers the checksum a write just stored in `fields` (with `checksumFields`), so the first
 * checksum-mode read of a new object does not parse back the JSON the write just made. Only a
 * store's frozen fields are remembered (as `storedChecksum` remembers them).
 * @example rememberStoredChecksum(info.metadata, checksummed.checksum())
 */
export function rememberStoredChecksum(fields: StoredFields, checksum: StoredChecksum): void {
  if (!Object.isFrozen(fields) || STORED_CHECKSUMS.has(fields)) return;
  STORED_CHECKSUMS.set(fields, Object.freeze({ algorithm: checksum.algorithm, value: checksum.value, type: checksum.type }));
}

/** Checksums parsed from stored fields, by the (frozen) fields object. */
const STORED_CHECKSUMS = new WeakMap<StoredFields, StoredChecksum>();

function parseStoredChecksum(text: string): StoredChecksum {
  const parsed = JSON.parse(text) as { algorithm: string; value: string; type: StoredChecksum['type'] };
  const algorithm = parseChecksumAlgorithm(parsed.algorithm);
  if (algorithm === undefined) throw new Error(`stored checksum algorithm ${parsed.algorithm} is unknown`);
  return { algorithm, value: parsed.value, type: parsed.type };
}

/**
 * The checksum members a read answers when the request enabled checksum mode: the stored checksum
 * with the whole object; nothing for a Range read (S3 returns a full-object checksum only with the
 * full object; s3-sse.md §2.3). A `partNumber` read of a multipart object answers, as LocalStack
 * records S3 doing (test_get_object_part_checksum): for a COMPOSITE object, that part's checksum,
 * type COMPOSITE, a plain checksum of the part's bytes that SDKs validate; for a FULL_OBJECT one,
 * the object's checksum when the part is the whole object (a one-part upload), else none. A
 * single PUT's part 1 answers none, as the reference says of part reads.
 * @example readChecksumMembers({ ChecksumMode: 'ENABLED' }, fields, { kind: 'full', size: 3 }) // { ChecksumCRC64NVME: '…', ChecksumType: 'FULL_OBJECT' }
 */
export function readChecksumMembers(
  input: ChecksumModeMember & { readonly PartNumber?: number | undefined },
  fields: StoredFields,
  range: ResolvedRange,
): ChecksumResponseMembers {
  return addReadChecksumMembers({}, input, fields, range);
}

/**
 * As `readChecksumMembers`, added to `members` (a response being built); returns `members`.
 * @example addReadChecksumMembers(response, input, record.info.metadata, range)
 */
export function addReadChecksumMembers<Members extends ChecksumResponseMembers>(
  members: Members,
  input: ChecksumModeMember & { readonly PartNumber?: number | undefined },
  fields: StoredFields,
  range: ResolvedRange,
): Members {
  if (input.ChecksumMode !== 'ENABLED') return members;
  const checksum = storedChecksum(fields);
  if (checksum === undefined) return members;
  if (range.kind === 'full') return addChecksumMembers(members, checksum);
  if (input.PartNumber === undefined || fields[OBJECT_FIELDS.parts] === undefined) return members;
  if (checksum.type === 'FULL_OBJECT') return range.start === 0 && range.end === range.size - 1 ? addChecksumMembers(members, checksum) : members;
  const part = storedPartChecksum(fields, input.PartNumber);
  return part === undefined ? members : addChecksumMembers(members, { algorithm: checksum.algorithm, value: part, type: 'COMPOSITE' });
}

/** A decoded aws-chunked body (the kernel's `AwsChunkedBody`), recognised by shape. */
function trailingBody(body: RequestBody | undefined): AwsChunkedBody | undefined {
  if (typeof body !== 'object' || body === null || body instanceof Uint8Array) return undefined;
  return 'trailers' in body && 'promisedTrailers' in body ? (body as AwsChunkedBody) : undefined;
}

/** The algorithm whose `x-amz-checksum-*` value an aws-chunked body promised as a trailer. */
function trailerAlgorithmOf(body: AwsChunkedBody): ChecksumAlgorithm | undefined {
  for (const name of body.promisedTrailers) {
    if (!name.startsWith('x-amz-checksum-')) continue;
    const algorithm = parseChecksumAlgorithm(name.slice('x-amz-checksum-'.length));
    if (algorithm === undefined) throw new S3Error('InvalidChecksumAlgorithm');
    return algorithm;
  }
  return undefined;
}

function trailerValue(body: AwsChunkedBody, algorithm: ChecksumAlgorithm): string | undefined {
  const value = body.trailers().get(checksumHeader(algorithm));
  if (value !== undefined) assertChecksumValue(algorithm, value, 'trailer');
  return value;
}
