/**
 * @module
 * How S3 refuses a `versionId` beside one subresource no served operation answers, before the
 * credential and the bucket (brekkylab/backlot's measurements against S3 us-east-1, 2026-09-29/30,
 * `backlot/routers/s3.py` at commit 07bef4332838e4c4ee55118732a8ac1520f70d16), where the router
 * finds no operation to refuse it for (`routes.ts`); two subresources are S3's conflict, refused
 * first:
 * - at a bucket's path, on every GET and HEAD (`?uploadId` and `?torrent` too) and on a PUT and a
 *   DELETE beside any one subresource, a `partNumber` apart; a GET's or HEAD's `?acl` words it
 *   "Invalid version id specified" (captured), and a PUT's `?acl` S3 reads after the credential and
 *   the bucket (`NoSuchBucket` for a name nobody owns, then "Invalid version id specified"), so here
 *   it is PutBucketAcl's 501 after authentication; a bucket's POST is a form or a subresource's
 *   write, which S3 reads it after (a bare `POST ?versionId=x` is the 412, `POST ?restore` reads it
 *   after the bucket);
 * - at a key's path, on a GET and a HEAD beside `KEY_VERSIONLESS`.
 */

import { S3Error } from '../errors.ts';
import type { PathTarget } from './binding.ts';
import { PART_NUMBER, VERSION_ID } from './query-names.ts';
import { KEY_BUCKET_SELECTORS } from './selector-table.ts';
import { isSubresource } from './subresources.ts';

/** The methods at a bucket's path on which S3 refuses any `versionId` (captured: GET, HEAD, PUT, DELETE). */
const VERSIONLESS_BUCKET_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'PUT', 'DELETE']);

/**
 * The subresources beside which a GET or a HEAD at a key's path has S3 refuse a `versionId` before
 * the credential and the bucket (brekkylab/backlot, `_KEY_VERSIONLESS`, measured 2026-09-29/30):
 * the bucket's own that a key's path answers as the bucket's, and `?uploads`, `?uploadId`,
 * `?torrent`. A key's `?acl`, `?tagging`, `?attributes` and `?legal-hold` read it as a version,
 * after the bucket.
 */
const KEY_VERSIONLESS: ReadonlySet<string> = new Set([...KEY_BUCKET_SELECTORS, 'torrent', 'uploadId', 'uploads']);

/**
 * S3's refusal of the `versionId` a request sends beside a subresource Strongbox does not serve
 * (see the module), or `undefined` where S3 reads it later or not at all. `method` is upper case.
 * @example
 * ```ts
 * // From packages/s3: not exported by '@strongbox/s3'.
 * import { unservedVersionIdRefusal } from './src/protocol/version-id-refusals.ts';
 * unservedVersionIdRefusal('GET', 'bucket', new Map([['acl', ''], ['versionId', 'x']]), 'x')?.code; // 'InvalidArgument'
 * ```
 */
export function unservedVersionIdRefusal(method: string, target: PathTarget, query: ReadonlyMap<string, string>, versionId: string): S3Error | undefined {
  const reason = refusalOf(method, target, query);
  if (reason === 'InvalidVersionId') {
    return new S3Error('InvalidVersionId', {
      fields: [
        ['ArgumentName', VERSION_ID],
        ['ArgumentValue', versionId],
      ],
    });
  }
  return reason === undefined ? undefined : new S3Error(reason, { fields: [['ArgumentValue', versionId]] });
}

function refusalOf(method: string, target: PathTarget, query: ReadonlyMap<string, string>): 'VersionIdNotAccepted' | 'InvalidVersionId' | undefined {
  let name: string | undefined;
  for (const sent of query.keys()) {
    if (sent === VERSION_ID || !isSubresource(method, sent)) continue;
    if (name !== undefined) return undefined;
    name = sent;
  }
  if (name === undefined) return undefined;
  if (target === 'object') return (method === 'GET' || method === 'HEAD') && KEY_VERSIONLESS.has(name) ? 'VersionIdNotAccepted' : undefined;
  // A bucket's `partNumber` is refused for itself ahead of a `versionId`: a part of an object, which
  // a bucket has none of (`?partNumber=1&versionId=x` is "Object must have a valid key name.", captured).
  if (target !== 'bucket' || !VERSIONLESS_BUCKET_METHODS.has(method) || name === PART_NUMBER) return undefined;
  if (name !== 'acl' || method === 'DELETE') return 'VersionIdNotAccepted';
  return method === 'PUT' ? undefined : 'InvalidVersionId';
}
