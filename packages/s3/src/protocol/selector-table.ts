/**
 * @module
 * The selectors S3 names in a write's, a GET's or a HEAD's 405 (a query parameter naming a
 * sub-API: `?versioning`, `?acl`, …), each with the methods its `Allow` names and the
 * `ResourceType` it names for a method it lacks. Data alone, read by `selector-methods.ts` (the 405s) and by `subresources.ts`, whose list of
 * subresources counts every name here: one list of names, so no selector the 405s know can route
 * as the bare path (`DELETE /{bucket}?abac` as DeleteBucket).
 */

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
export const ALLOW: ReadonlyMap<string, string> = new Map([
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
/**
 * A key's `?encryption` is UpdateObjectEncryption, a PUT alone (same source, `_OBJECT_WRITE_SELECTORS`).
 * @example OBJECT_ENCRYPTION_ALLOW // 'PUT'
 */
export const OBJECT_ENCRYPTION_ALLOW = 'PUT';
/**
 * UploadPart (`?partNumber&uploadId`) at either path: "the 405 naming `PART` with `Allow: PUT`" (same source).
 * @example new S3Error('MethodNotAllowed', { allow: UPLOAD_PART_ALLOW }) // HEAD /{bucket}/{key}?partNumber=1&uploadId=u
 */
export const UPLOAD_PART_ALLOW = 'PUT';

/**
 * The `ResourceType` S3's 405 names for a selector sent with a method it lacks, by path: measured
 * for every selector below on a PUT, a POST, a DELETE and a PATCH at a bucket nobody owns and at a
 * key in it, 156 requests, each method the selector lacks answered the 405 naming this type before
 * the bucket, unsigned and signed alike, each method it has answered as a write (brekkylab/backlot
 * `backlot/routers/s3.py`, `_BUCKET_WRITE_SELECTORS`, `_OBJECT_WRITE_SELECTORS` and `_UPLOAD_PART`,
 * measured against S3 us-east-1 2026-09-23: "a selector, a method it lacks | 405 MethodNotAllowed
 * naming the selector's own resource type"). A key's `tagging` is another type than a bucket's. A
 * bucket's selector at a key's path on a write (`DELETE /{bucket}/{key}?versioning`) is not in
 * that measurement: it keeps Strongbox's 501, UNCONFIRMED. A bucket's three `metadata*Table`
 * selectors, "which only a `PUT` takes, on a GET, a POST, a DELETE and a PATCH", each the 405
 * naming `BUCKET_METADATA_{ANNOTATION,INVENTORY,JOURNAL}_TABLE_CONFIGURATION` (backlot's S3 router
 * tests, same measurement). A bucket's `restore` and a key's `delete` and `encryption` "were
 * measured 2026-09-29 the same way ... and answered by the same rule" (same source). A GET naming
 * a selector without a GET form gets the same 405 (`selectorReadRefusal`).
 */
export const RESOURCE_TYPES: Readonly<Record<'bucket' | 'object', ReadonlyMap<string, string>>> = {
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
    ['metadataAnnotationTable', 'BUCKET_METADATA_ANNOTATION_TABLE_CONFIGURATION'],
    ['metadataConfiguration', 'BUCKET_METADATA_CONFIGURATION'],
    ['metadataInventoryTable', 'BUCKET_METADATA_INVENTORY_TABLE_CONFIGURATION'],
    ['metadataJournalTable', 'BUCKET_METADATA_JOURNAL_TABLE_CONFIGURATION'],
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
    ['restore', 'RESTORE'],
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
    ['delete', 'MULTI_OBJECT_DELETE'],
    ['encryption', 'OBJECT_ENCRYPTION'],
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
/**
 * UploadPart's type (`?partNumber&uploadId` at a key's path), a PUT alone.
 * @example UPLOAD_PART_TYPE // 'PART'
 */
export const UPLOAD_PART_TYPE = 'PART';

/**
 * Every selector named above, at either path: each is a subresource (`subresources.ts` counts
 * them), so a request naming one is that selector's operation, its 405 or Strongbox's 501, never
 * the bare path's.
 * @example SELECTORS.has('annotation') // true
 */
export const SELECTORS: ReadonlySet<string> = new Set([...ALLOW.keys(), ...RESOURCE_TYPES.bucket.keys(), ...RESOURCE_TYPES.object.keys()]);

/**
 * A bucket's selectors that a key's path reads as the bucket's own on a GET or a HEAD (backlot,
 * same source, `_KEY_BUCKET_SELECTORS`, measured 2026-09-29: "every bucket selector on a GET and a
 * HEAD at a key"), each counted when a pair conflicts; beside a `versionId` each is refused before
 * the bucket (`version-id-refusals.ts`).
 * @example KEY_BUCKET_SELECTORS.includes('versioning') // true
 */
export const KEY_BUCKET_SELECTORS: readonly string[] = [
  'accelerate',
  'cors',
  'inventory',
  'lifecycle',
  'location',
  'logging',
  'notification',
  'policy',
  'replication',
  'requestPayment',
  'versioning',
  'versions',
  'website',
];

/**
 * What a GET or a HEAD at each path reads as a selector, and so what a pair of them conflicts
 * over (backlot, same source, `_BUCKET_READ_SELECTORS`, `_OBJECT_READ_SELECTORS`, measured
 * 2026-09-29, "`?acl&delete`, `?restore&location` and a key's `?uploads&acl` are each the
 * conflict, and a HEAD naming any one of them is the 405"). At a bucket's path: every selector of
 * its 405 table, an object's `torrent` and `uploadId` (`_BUCKET_OBJECT_SELECTORS`) and
 * `partNumber` (`_bucket_selected`). At a key's path: every selector of its table and
 * `KEY_BUCKET_SELECTORS`.
 * @example READ_SELECTORS.bucket.has('partNumber') // true
 */
export const READ_SELECTORS: Readonly<Record<'bucket' | 'object', ReadonlySet<string>>> = {
  bucket: new Set([...RESOURCE_TYPES.bucket.keys(), 'torrent', 'uploadId', 'partNumber']),
  object: new Set([...RESOURCE_TYPES.object.keys(), ...KEY_BUCKET_SELECTORS]),
};
