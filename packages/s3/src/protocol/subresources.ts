/**
 * @module
 * Which query parameters name a subresource (a sub-API of a bucket or an object), and which of them
 * an operation's REST binding claims: the router serves a request only by an operation that claims
 * every subresource the request names (`routes.ts`).
 */

import type { RestBinding } from './binding.ts';
import { SELECTORS } from './selector-table.ts';

/**
 * S3's subresources (query parameters that name a sub-API of a bucket or object, S3 API
 * reference); a request naming one that no served operation binds is refused as not implemented
 * rather than served as the plain bucket or object operation. Every selector whose 405 is known
 * (`selector-table.ts`: `?abac`, a key's `?annotation`, the bucket's `metadata*` ones among them,
 * each a subresource S3 signs, brekkylab/backlot `backlot/sigv4.py` `SUBRESOURCES`, read from
 * S3's `StringToSign` 2026-09-29), and the parameters that are not selectors of their own:
 * `partNumber` and `versionId` (arguments of a path's operation, a subresource beside another),
 * `list-type`, and the directory-bucket names below.
 */
export const SUBRESOURCES: ReadonlySet<string> = new Set([...SELECTORS, 'list-type', 'partNumber', 'renameObject', 'session', 'versionId']);

/**
 * Subresources naming directory-bucket operations (CreateSession's `GET ?session`, RenameObject's
 * `PUT ?renameObject`), which no request but a PUT names on a general purpose bucket (every bucket
 * here): S3 answers them as the bare path (brekkylab/backlot, measured against S3 us-east-1,
 * `backlot/routers/s3.py` at commit 07bef4332838e4c4ee55118732a8ac1520f70d16). On a GET and a HEAD
 * (2026-09-29): `_BUCKET_SELECTORS`, "real S3 answers `GET /{bucket}?session` on a general purpose
 * bucket with the listing", and the 40-selector sweep of `_BUCKET_READ_REFUSED`, which refused
 * neither name at a bucket's path or a key's. On a PUT, a POST, a DELETE and a PATCH (2026-09-23, at
 * a bucket nobody owns): `_BUCKET_WRITE_SELECTORS`, "`session` and `renameObject` answered as the
 * bare path does". A PATCH's 405 and a bucket POST's 412 come before the bucket, so those hold at
 * any bucket; a DELETE's NoSuchBucket at one that does not exist, and at one that does it is the
 * bare path's too here (DeleteBucket, DeleteObject), UNCONFIRMED. A PUT naming one stays a
 * subresource Strongbox does not serve (501): at a bucket that exists S3's answer is UNCONFIRMED,
 * and PutObject in place of RenameObject would overwrite the key with the request's empty body.
 */
const DIRECTORY_BUCKET_ONLY: ReadonlySet<string> = new Set(['session', 'renameObject']);

/**
 * Whether `name` is a subresource on a request of `method` (upper case).
 * @example isSubresource('GET', 'acl') // true; isSubresource('GET', 'session') // false
 */
export function isSubresource(method: string, name: string): boolean {
  return SUBRESOURCES.has(name) && !(method !== 'PUT' && DIRECTORY_BUCKET_ONLY.has(name));
}

/**
 * Whether every subresource the request names is one the binding declares (as a discriminator, a
 * query member or a claim): PutObject must not serve `?partNumber&uploadId` while UploadPart is unbound.
 * @example claimsSubresources(putObject.rest, new Map([['uploadId', 'u'], ['partNumber', '1']])) // false
 */
export function claimsSubresources(rest: RestBinding, query: ReadonlyMap<string, string>, ignored?: string): boolean {
  for (const name of query.keys()) {
    if (!SUBRESOURCES.has(name) || name === ignored || claims(rest, name) || !isSubresource(rest.method, name)) continue;
    return false;
  }
  return true;
}

/**
 * Whether a binding declares a subresource, as a discriminator or as a query member.
 * @example claims(getObjectAcl.rest, 'acl') // true
 */
export function claims(rest: RestBinding, name: string): boolean {
  if ((rest.query ?? []).some((d) => d === name || d.startsWith(`${name}=`))) return true;
  if (rest.claims?.includes(name)) return true;
  return Object.values(rest.request?.members ?? {}).some((member) => member.in === 'query' && member.name === name);
}
