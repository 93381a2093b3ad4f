/**
 * @module
 * What S3 says a subresource (a query selector naming a sub-API: `?versioning`, `?acl`, …) takes:
 * the methods its 405 names in `Allow`, and the `ResourceType` that 405 names when a method the
 * selector lacks is sent (the tables: `selector-table.ts`). Read by every 405 that names a
 * subresource: a HEAD's (`head-subresources.ts`), a write's on a method the selector lacks
 * (`selectorMethodRefusal`, read by the REST handler before the credential is verified and
 * answered after a signature that is sent, `service/http.ts`, and by `unrouted.ts`, where a version
 * id sent beside the selector had its own refusals first) and the
 * bucket-policy owner's (`operations/shared/policy-owner.ts`).
 */

import { S3Error } from '../errors.ts';
import type { PathTarget } from './binding.ts';
import { ANNOTATION, ANNOTATION_NAME, PART_NUMBER, VERSION_ID } from './query-names.ts';
import { ALLOW, OBJECT_ENCRYPTION_ALLOW, READ_SELECTORS, RESOURCE_TYPES, UPLOAD_PART_ALLOW, UPLOAD_PART_TYPE } from './selector-table.ts';
import { isSubresource } from './subresources.ts';

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
 * S3's 405 for a GET or a write (PUT, POST, DELETE, PATCH) naming one selector with a method that is no
 * operation of it (`DELETE /{bucket}?versioning`, `POST /{bucket}?encryption`): `Method`, the
 * selector's `ResourceType` and its `Allow`; `undefined` when the method is one of the selector's
 * (served, or Strongbox's 501), when the request names several, or where S3's answer is not known.
 * `named` is the subresources the request names, in query order. A GET gets it for a selector
 * whose `Allow` lacks GET (`selectorReadRefusal`); one whose `Allow` is not known (a key's
 * `?torrent`) is left to its own answer.
 * @example
 * ```ts
 * // From packages/s3: not exported by '@strongbox/s3'.
 * import { selectorMethodRefusal } from './src/protocol/selector-methods.ts';
 * selectorMethodRefusal('DELETE', 'bucket', new Map([['versioning', '']]), ['versioning'])?.allow; // 'GET, PUT'
 * ```
 */
export function selectorMethodRefusal(method: string, target: PathTarget, query: ReadonlyMap<string, string>, named: readonly string[]): S3Error | undefined {
  if (target === 'service' || method === 'HEAD') return undefined;
  const part = target === 'object' && named.length === 2 && named.includes(UPLOAD_ID) && named.includes(PART_NUMBER);
  if (named.length !== 1 && !part) return undefined;
  const name = part ? UPLOAD_ID : (named[0] as string);
  const resourceType = part ? UPLOAD_PART_TYPE : RESOURCE_TYPES[target].get(name);
  if (resourceType === undefined) return undefined;
  const allow = subresourceAllow(target, name, query);
  if (allow?.split(', ').includes(method) === true || (allow === undefined && method === 'GET')) return undefined;
  const fields = [
    ['Method', method],
    ['ResourceType', resourceType],
  ] as const;
  return allow === undefined ? new S3Error('MethodNotAllowed', { fields }) : new S3Error('MethodNotAllowed', { fields, allow });
}

/**
 * `selectorMethodRefusal` for a request as sent, read before the credential, as S3 answers it: "an
 * unsigned `PATCH` or `POST` naming a selector that lacks it, answered the same 405 as a signed
 * one" (backlot, same measurement), and after a signature that is sent and does not verify ("A
 * signature that is sent and does not verify is refused first, ahead of each 405 (`_method_refusal`)",
 * measured 2026-09-29). Cheap for every other request: a GET or HEAD, no query, or one
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

/**
 * S3's 405 for a GET naming one selector that has no GET form (`?delete`, `?restore`, a bucket's
 * `?metadataInventoryTable`, a key's `?select`, UploadPart's `?partNumber&uploadId`): `Method`
 * GET, the selector's `ResourceType` and its `Allow`, before the bucket is looked up, to an
 * unsigned request at once and after a credential that is sent and does not verify, as a HEAD's
 * 405 (brekkylab/backlot `backlot/routers/s3.py` at commit
 * 07bef4332838e4c4ee55118732a8ac1520f70d16, `_BUCKET_READ_REFUSED`, `_OBJECT_READ_REFUSED`,
 * `_read_refusal`, measured against S3 us-east-1 2026-09-29: "a GET answered with a 405, which
 * named the type and carried an `Allow` of the write methods"). `undefined` for any other request,
 * and for two selectors (the conflict's). Cheap for every other request: a method that is not
 * three letters, no query, or a lookup per parameter.
 * @example selectorReadRefusal('GET', 'bucket', new Map([['delete', '']]))?.allow // 'POST'
 */
export function selectorReadRefusal(method: string, target: PathTarget, query: ReadonlyMap<string, string>): S3Error | undefined {
  if (query.size === 0 || target === 'service' || method.length !== 3 || method.toUpperCase() !== 'GET') return undefined;
  const selectors = READ_SELECTORS[target];
  const named = [...query.keys()].filter((name) => selectors.has(name) || name === PART_NUMBER);
  return named.length === 0 ? undefined : selectorMethodRefusal('GET', target, query, named);
}

/** The methods refused for naming two selectors: the writes and GET (a HEAD's is `head-subresources.ts`'s). */
const CONFLICTING: ReadonlySet<string> = new Set(['GET', 'PUT', 'POST', 'DELETE', 'PATCH']);

/**
 * S3's 400 for a GET or a write (`method` upper case) naming two selectors or more:
 * InvalidArgument "Conflicting query string parameters: " and the names sorted, `ResourceType` and
 * the first of them, before the credential and the bucket (brekkylab/backlot
 * `backlot/routers/s3.py` at commit 07bef4332838e4c4ee55118732a8ac1520f70d16, `_selector_refusal`,
 * `_conflict`, `_selected`: "real S3 refuses a request carrying two with an `InvalidArgument` that
 * names them alphabetically whatever order they were sent in"; for a GET, `_read_refusal`,
 * measured against S3 us-east-1 2026-09-29: "Two selectors are the conflict before any credential
 * is read: real answered seven such requests, at a bucket and at a key, on a GET and a HEAD, and
 * in a bucket that does not exist, with the 400 whether each was signed, unsigned, signed over a
 * bad secret or sent with an unknown key"). The selectors are what a GET reads (`READ_SELECTORS`,
 * the same set as backlot's write tables); a bucket's `partNumber` beside `uploadId` is
 * UploadPart, no conflict. A GET at a key counts `partNumber` beside any selector but `uploadId`
 * (`_key_selected`, same date: "`?partNumber=1&tagging` is \"partNumber, tagging\""); a write at
 * a key does not (`object_method_refusal`). A GET at a key also counts `annotationName` without
 * `annotation` as a selector of its own, as a HEAD's count does (`_key_selected`, measured
 * 2026-09-29: "beside another selector it is the conflict (`acl, annotationName`), before the
 * credential and the bucket"; about one in five of S3's front ends ignored it on a GET,
 * 2026-09-30), and toward the `partNumber` rule. `undefined` for any other request.
 * @example conflictingSelectorsRefusal('PUT', 'bucket', new Map([['versioning', ''], ['acl', '']]))?.message // 'Conflicting query string parameters: acl, versioning'
 */
export function conflictingSelectorsRefusal(method: string, target: PathTarget, query: ReadonlyMap<string, string>): S3Error | undefined {
  if (query.size < 2 || target === 'service' || !CONFLICTING.has(method)) return undefined;
  const selectors = READ_SELECTORS[target];
  const named = [...query.keys()].filter((name) => selectors.has(name));
  if (method === 'GET' && target === 'object' && query.has(ANNOTATION_NAME) && !query.has(ANNOTATION)) named.push(ANNOTATION_NAME);
  if (method === 'GET' && target === 'object' && query.has(PART_NUMBER) && named.some((name) => name !== UPLOAD_ID)) named.push(PART_NUMBER);
  named.sort();
  if (named.length < 2 || (named.length === 2 && named[0] === PART_NUMBER && named[1] === UPLOAD_ID)) return undefined;
  return new S3Error('ConflictingSubresources', { detail: { value: named.join(', ') }, fields: [['ArgumentValue', named[0] as string]] });
}
