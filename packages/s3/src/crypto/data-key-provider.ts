/**
 * @module
 * The seam between the S3 engine and where data keys come from: one `DataKeyProvider` per
 * encryption mode. A provider turns "this object, this mode" into the encryption layers the
 * object cipher seals with (keyring + context per layer) and the non-secret fields stored with
 * the object so the same provider can open it later.
 *
 * - SSE-S3 (`SseS3Provider`): one layer; the data key wrapped by the service's rotating root keys.
 * - SSE-C (`SseCProvider`): one layer; the data key wrapped by the customer's key, which is never
 *   stored; a salted HMAC of it is, to tell a wrong key (403) from a right one.
 * - SSE-KMS (`SseKmsProvider`): one layer; its data key from KMS GenerateDataKey called on the
 *   caller's behalf (`kmsOnBehalf`), context `aws:s3:arn` + the caller's pairs. With a bucket
 *   key, the data key is derived from a bucket-level key that one GenerateDataKey per period
 *   yields, context the bucket ARN (`bucket-keys.ts`).
 * - DSSE-KMS (`DsseKmsProvider`): two layers, each with its own KMS data key, sealed one inside
 *   the other. The object cipher seals and opens any number of layers (and ranges through them).
 */

import type { EncryptionMode } from '../model/encryption.ts';
import type { StoredFields } from '../storage/types.ts';
import { normalizedContext, type SealLayer } from './envelope-adapter.ts';

/** Which object (or part) is being sealed or opened; bound into every layer's context. */
export interface ObjectIdentity {
  readonly bucket: string;
  readonly key: string;
  /** The part number for a multipart part; undefined for a single PUT. */
  readonly partNumber?: number | undefined;
}

/** The layers to seal or open one object with, innermost first. */
export interface ObjectKeys {
  readonly layers: readonly SealLayer[];
  /** Non-secret fields to store with the object (only from `forSealing`). */
  readonly fields: StoredFields;
  /** Wipes any key material the layers hold; call when the seal or read is over. */
  dispose(): void;
}

/**
 * Supplies the encryption layers of one mode.
 *
 * @typeParam Request - what the mode needs from the request (an SSE-C key, a KMS key id and the
 *   caller's identity, …).
 */
export interface DataKeyProvider<Request> {
  readonly mode: EncryptionMode;
  /** Layers to seal a new object with, and the fields to store with it. */
  forSealing(object: ObjectIdentity, request: Request): Promise<ObjectKeys>;
  /**
   * Layers to open a stored object with.
   * @throws S3Error when the request cannot open it (a wrong SSE-C key: SseCWrongKey).
   */
  forOpening(object: ObjectIdentity, request: Request, stored: StoredFields): Promise<ObjectKeys>;
}

/**
 * The encryption context every Strongbox layer binds: the object's ARN (as S3 binds for SSE-KMS),
 * plus the part number for a part, so a sealed blob cannot be moved to another key or part
 * position on disk without failing authentication.
 *
 * @example
 * ```ts
 * import { objectContext } from '@strongbox/s3';
 * objectContext({ bucket: 'b', key: 'k', partNumber: 2 }); // { 'aws:s3:arn': 'arn:aws:s3:::b/k', 'strongbox:part': '2' }
 * ```
 */
export function objectContext(object: ObjectIdentity): Readonly<Record<string, string>> {
  const arn = `arn:aws:s3:::${object.bucket}/${object.key}`;
  // A part's context is made afresh; a whole object's, the common case, is remembered normalized.
  if (object.partNumber !== undefined) return { 'aws:s3:arn': arn, 'strongbox:part': String(object.partNumber) };
  let context = OBJECT_CONTEXTS.get(arn);
  if (context === undefined) {
    context = normalizedContext({ 'aws:s3:arn': arn });
    if (OBJECT_CONTEXTS.size >= OBJECT_CONTEXTS_LIMIT) OBJECT_CONTEXTS.clear();
    OBJECT_CONTEXTS.set(arn, context);
  }
  return context;
}

/**
 * Whole objects' contexts, normalized (frozen, canonical bytes remembered): an object is sealed
 * and then read under the same context, and the envelope skips validating and encoding a context
 * it normalized before. Contexts are public (the object's ARN); only the count is bounded.
 */
const OBJECT_CONTEXTS = new Map<string, Readonly<Record<string, string>>>();
/** Contexts remembered before the memo starts again. */
const OBJECT_CONTEXTS_LIMIT = 4096;
