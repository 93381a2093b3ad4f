/**
 * @module
 * What S3 says a subresource (a query selector naming a sub-API: `?versioning`, `?acl`, …) takes:
 * the methods its 405 names in `Allow`, and the `ResourceType` that 405 names when a method the
 * selector lacks is sent. One table per fact, read by every 405 that names a subresource: a HEAD's
 * (`head-subresources.ts`), a write's on a method the selector lacks (`selectorMethodRefusal`,
 * read before the credential by `routes.ts` and after it by `unrouted.ts`, where a version id sent
 * beside the selector had its own refusals first) and the bucket-policy owner's
 * (`operations/shared/policy-owner.ts`).
 */

import { S3Error } from '../errors.ts';
import type { PathTarget } from './binding.ts';
import { PART_NUMBER, VERSION_ID } from './query-names.ts';
import { isSubresource } from './subresources.ts';

/**
 * What S3's 405 names in `Allow` for each subresource: the methods that are an operation of it, GET
 * among them where it has a GET form, the same for a GET or a write it refuses and for a HEAD
 * (brekkylab/backlot, measured against S3 us-east-1 2026-09-23 and 2026-09-29, `backlot/routers/s3.py`
 * at commit 07bef4332838e4c4ee55118732a8ac1520f70d16: `_BUCKET_WRITE_SELECTORS`,
 * `_OBJECT_WRITE_SELECTORS`, whose method sets are measured, "with an `Allow` that is exactly the set
 * plus `GET` where the selector has a GET form"; `_BUCKET_READ_REFUSED`, "a HEAD answered each with
 * the 405 and the same `Allow`"; `_head_refusal`). The order is the one S3 names a bucket's methods in,
 * `HEAD, DELETE, POST, GET, PUT` (same source, `_ALLOW_BUCKET`), which is the iteration order of a
 * Java `HashSet` of the names; each subset is kept in it (UNCONFIRMED: no subset's order is stated).
 * A bucket's `?uploadId`, a key's `?uploads`, `?logging` and `?versions` are named by their
 * resource's methods (GET being `ListParts`, `ListMultipartUploads`, the bucket's own): UNCONFIRMED,
 * no capture states them. `?torrent` (no method serves it any more) names none, UNCONFIRMED.
 */
const ALLOW: ReadonlyMap<string, string> = new Map([
  ['abac', 'GET, PUT'],
  ['accelerate', 'GET, PUT'],
  ['acl', 'GET, PUT'],
  ['analytics', 'DELETE, GET, PUT'],
  ['annotation', 'GET'],
  ['attributes', 'GET'],
  ['cors', 'DELETE, GET, PUT'],
  ['delete', 'POST'],
  ['encryption', 'DELETE, GET, PUT'],
  ['intelligent-tiering', 'DELETE, GET, PUT'],
  ['inventory', 'DELETE, GET, PUT'],
  ['legal-hold', 'GET, PUT'],
  ['lifecycle', 'DELETE, GET, PUT'],
  ['location', 'GET'],
  ['logging', 'GET, PUT'],
  ['metadataAnnotationTable', 'PUT'],
  ['metadataConfiguration', 'DELETE, POST, GET'],
  ['metadataInventoryTable', 'PUT'],
  ['metadataJournalTable', 'PUT'],
  ['metadataTable', 'DELETE, POST, GET'],
  ['metrics', 'DELETE, GET, PUT'],
  ['notification', 'GET, PUT'],
  ['object-lock', 'GET, PUT'],
  ['ownershipControls', 'DELETE, GET, PUT'],
  ['policy', 'DELETE, GET, PUT'],
  ['policyStatus', 'GET'],
  ['publicAccessBlock', 'DELETE, GET, PUT'],
  ['replication', 'DELETE, GET, PUT'],
  ['requestPayment', 'GET, PUT'],
  ['restore', 'POST'],
  ['retention', 'GET, PUT'],
  ['select', 'POST'],
  ['tagging', 'DELETE, GET, PUT'],
  ['uploadId', 'DELETE, POST, GET'],
  ['uploads', 'POST, GET'],
  ['versioning', 'GET, PUT'],
  ['versions', 'GET'],
  ['website', 'DELETE, GET, PUT'],
]);
/** A key's `?encryption` is UpdateObjectEncryption, a PUT alone (same source, `_OBJECT_WRITE_SELECTORS`). */
const OBJECT_ENCRYPTION_ALLOW = 'PUT';
/** UploadPart (`?partNumber&uploadId`) at either path: "the 405 naming `PART` with `Allow: PUT`" (same source). */
export const UPLOAD_PART_ALLOW = 'PUT';

const UPLOAD_ID = 'uploadId';

/**
 * The `Allow` of S3's 405 for a request naming the subresource `name` (the first it names) at
 * `target`, or `undefined` where S3's is not known.
 * @example subresourceAllow('bucket', 'versioning', new Map()) // 'GET, PUT'
 */
export function subresourceAllow(target: PathTarget, name: string, query: ReadonlyMap<string, string>): string | undefined {
  // `uploadId` beside `partNumber` is UploadPart, at either path.
  if (name === UPLOAD_ID && query.has(PART_NUMBER)) return UPLOAD_PART_ALLOW;
  if (target === 'object' && name === 'encryption') return OBJECT_ENCRYPTION_ALLOW;
  return ALLOW.get(name);
}

/**
 * The `ResourceType` S3's 405 names for a selector sent with a method it lacks, by path: measured
 * for every selector below on a PUT, a POST, a DELETE and a PATCH at a bucket nobody owns and at a
 * key in it, 156 requests, each method the selector lacks answered the 405 naming this type before
 * the bucket, unsigned and signed alike, each method it has answered as a write (brekkylab/backlot
 * `backlot/routers/s3.py`, `_BUCKET_WRITE_SELECTORS`, `_OBJECT_WRITE_SELECTORS` and `_UPLOAD_PART`,
 * measured against S3 us-east-1 2026-09-23: "a selector, a method it lacks | 405 MethodNotAllowed
 * naming the selector's own resource type"). A key's `tagging` is another type than a bucket's. A
 * bucket's selector at a key's path on a write (`DELETE /{bucket}/{key}?versioning`) is not in
 * that measurement: it keeps Strongbox's 501, UNCONFIRMED.
 */
const RESOURCE_TYPES: Readonly<Record<'bucket' | 'object', ReadonlyMap<string, string>>> = {
  bucket: new Map([
    ['abac', 'BUCKET_ABAC'],
    ['accelerate', 'ACCELERATE'],
    ['acl', 'ACL'],
    ['analytics', 'ANALYTICS'],
    ['cors', 'CORS'],
    ['delete', 'MULTI_OBJECT_DELETE'],
    ['encryption', 'ENCRYPTION'],
    ['intelligent-tiering', 'INTELLIGENT_TIERING'],
    ['inventory', 'INVENTORY'],
    ['lifecycle', 'LIFECYCLE'],
    ['location', 'LOCATION'],
    ['logging', 'LOGGING_STATUS'],
    ['metadataConfiguration', 'BUCKET_METADATA_CONFIGURATION'],
    ['metadataTable', 'BUCKET_METADATA_TABLE_CONFIGURATION'],
    ['metrics', 'METRICS'],
    ['notification', 'NOTIFICATION'],
    ['object-lock', 'OBJECT_LOCK_CONFIGURATION'],
    ['ownershipControls', 'OWNERSHIP_CONTROLS'],
    ['policy', 'BUCKETPOLICY'],
    ['policyStatus', 'POLICY_STATUS'],
    ['publicAccessBlock', 'PUBLIC_ACCESS_BLOCK'],
    ['replication', 'REPLICATION'],
    ['requestPayment', 'REQUEST_PAYMENT'],
    ['tagging', 'TAGGING'],
    ['uploads', 'UPLOADS'],
    ['versioning', 'VERSIONING'],
    ['versions', 'BUCKETVERSIONS'],
    ['website', 'WEBSITE'],
  ]),
  object: new Map([
    ['acl', 'ACL'],
    ['annotation', 'OBJECT_ANNOTATIONS'],
    ['attributes', 'OBJECT_ATTRIBUTES'],
    ['legal-hold', 'OBJECT_LOCK_LEGALHOLD'],
    ['restore', 'RESTORE'],
    ['retention', 'OBJECT_LOCK_RETENTION'],
    ['select', 'SELECT'],
    ['tagging', 'OBJECT_TAGGING'],
    ['torrent', 'TORRENT'],
    ['uploadId', 'UPLOAD'],
    ['uploads', 'UPLOADS'],
  ]),
};
/** UploadPart's type (`?partNumber&uploadId` at a key's path), a PUT alone. */
const UPLOAD_PART_TYPE = 'PART';

/**
 * S3's 405 for a write (PUT, POST, DELETE, PATCH) naming one selector with a method that is no
 * operation of it (`DELETE /{bucket}?versioning`, `POST /{bucket}?encryption`): `Method`, the
 * selector's `ResourceType` and its `Allow`; `undefined` when the method is one of the selector's
 * (served, or Strongbox's 501), when the request names several, or where S3's answer is not known.
 * `named` is the subresources the request names, in query order. A GET is left to its own answers
 * (UNCONFIRMED which type a GET naming a selector without a GET form gets).
 * @example
 * ```ts
 * // From packages/s3: not exported by '@strongbox/s3'.
 * import { selectorMethodRefusal } from './src/protocol/selector-methods.ts';
 * selectorMethodRefusal('DELETE', 'bucket', new Map([['versioning', '']]), ['versioning'])?.allow; // 'GET, PUT'
 * ```
 */
export function selectorMethodRefusal(method: string, target: PathTarget, query: ReadonlyMap<string, string>, named: readonly string[]): S3Error | undefined {
  if (target === 'service' || method === 'GET' || method === 'HEAD') return undefined;
  const part = target === 'object' && named.length === 2 && named.includes(UPLOAD_ID) && named.includes(PART_NUMBER);
  if (named.length !== 1 && !part) return undefined;
  const name = part ? UPLOAD_ID : (named[0] as string);
  const resourceType = part ? UPLOAD_PART_TYPE : RESOURCE_TYPES[target].get(name);
  if (resourceType === undefined) return undefined;
  const allow = subresourceAllow(target, name, query);
  if (allow?.split(', ').includes(method) === true) return undefined;
  const fields = [
    ['Method', method],
    ['ResourceType', resourceType],
  ] as const;
  return allow === undefined ? new S3Error('MethodNotAllowed', { fields }) : new S3Error('MethodNotAllowed', { fields, allow });
}

/**
 * `selectorMethodRefusal` for a request as sent, before the credential, as S3 answers it: "an
 * unsigned `PATCH` or `POST` naming a selector that lacks it, answered the same 405 as a signed
 * one" (backlot, same measurement). Cheap for every other request: a GET or HEAD, no query, or one
 * naming no selector of the table costs a lookup per parameter.
 * @example selectorRefusalBeforeCredential('DELETE', 'bucket', new Map([['versioning', '']]))?.status // 405
 */
export function selectorRefusalBeforeCredential(method: string, target: PathTarget, query: ReadonlyMap<string, string>): S3Error | undefined {
  if (target === 'service' || method === 'GET' || method === 'HEAD' || query.size === 0) return undefined;
  const types = RESOURCE_TYPES[target];
  let selects = false;
  for (const name of query.keys()) if (types.has(name)) selects = true;
  if (!selects) return undefined;
  const named = [...query.keys()].filter((name) => name !== VERSION_ID && isSubresource(method, name));
  return selectorMethodRefusal(method, target, query, named);
}
