/**
 * @module
 * A HEAD naming a subresource, which S3 refuses before the bucket or the key is looked up: no
 * subresource has a HEAD form. One is 405, two are the conflict's 400, each as its status alone;
 * at a bucket's path `partNumber` alone is 400 ("Object must have a valid key name." on a GET) and
 * beside `uploadId` (UploadPart) the 405. The 400s come before any credential; the 405 after a
 * credential that is sent and does not verify, an unsigned request getting it as a signed one does
 * (brekkylab/backlot, measured against S3, us-east-1, 2026-09-29, `backlot/routers/s3.py` at
 * commit 07bef4332838e4c4ee55118732a8ac1520f70d16: `_head_refusal`, `_read_refusal`,
 * `_signature_refusal`, `_bucket_selected`, `_BUCKET_READ_SELECTORS`, `_OBJECT_READ_SELECTORS`;
 * 40 selectors on a GET and a HEAD at a bucket nobody owns and at a key in it, signed, unsigned,
 * over a bad secret). S3's 405 carries an `Allow` naming the subresource's methods
 * (`selector-methods.ts`). A selector's 405 comes before its own arguments' parse
 * (`HEAD ?versions&max-keys=abc`, `HEAD /k?uploadId=x&max-parts=abc` are 405), as backlot's code
 * orders them, UNCONFIRMED (no such HEAD is stated as sent).
 *
 * Ahead of the selector's 405, before the credential and the bucket, each a 400 (same source):
 * a valued `website` at either path (`_website_refusal`, `head_bucket`: "A `versionId` and a valued
 * `website` are the 400 ahead of a selector's 405", 2026-09-29; an empty one is `?website`); at a
 * key's path an empty `versionId` ("Version id cannot be the empty string", `_object_parse`,
 * 2026-09-29/30; that it precedes the subresource's 405 is backlot's code, `object_get` handing it
 * to `_read_refusal` as `first`: UNCONFIRMED); and `annotationName` without `annotation`, a
 * subresource of its own at a key, alone the 400 and beside another the conflict (`_key_selected`,
 * 2026-09-29).
 */

import { S3Error } from '../errors.ts';
import type { PathTarget } from './binding.ts';
import { ANNOTATION, ANNOTATION_NAME, PART_NUMBER, VERSION_ID } from './query-names.ts';
import { subresourceAllow } from './selector-methods.ts';
import { READ_SELECTORS, UPLOAD_PART_ALLOW } from './selector-table.ts';

const UPLOAD_ID = 'uploadId';
const WEBSITE = 'website';

/**
 * S3's refusal of a HEAD naming a subresource, or `undefined` (not a HEAD, or none named). The
 * caller throws a 400 at once and a 405 once a credential that was sent is verified.
 * @example
 * ```ts
 * // From packages/s3: not exported by '@strongbox/s3'.
 * import { headSubresourceRefusal } from './src/protocol/head-subresources.ts';
 * headSubresourceRefusal('HEAD', 'bucket', new Map([['versions', '']]))?.status; // 405
 * ```
 */
export function headSubresourceRefusal(method: string, target: PathTarget, query: ReadonlyMap<string, string>): S3Error | undefined {
  // Cheap for every other request: no query, the service, or a method that is not four letters.
  if (query.size === 0 || target === 'service' || method.length !== 4 || method.toUpperCase() !== 'HEAD') return undefined;
  // A valued `website`, at either path: 400 ahead of any selector's refusal (a `versionId` is
  // refused before this, by the router).
  const website = query.get(WEBSITE);
  if (website !== undefined && website !== '') return new S3Error('WebsiteWithValue', { fields: [['ArgumentValue', website]] });
  // What a HEAD reads as a subresource is what a GET reads (backlot's `_BUCKET_READ_SELECTORS`,
  // `_OBJECT_READ_SELECTORS`, one set for both methods), derived from the 405 table.
  const selectors = READ_SELECTORS[target];
  let count = 0;
  let first: string | undefined;
  for (const name of query.keys()) {
    if (!selectors.has(name)) continue;
    count += 1;
    first ??= name;
  }
  if (target === 'object' && query.has(ANNOTATION_NAME) && !query.has(ANNOTATION)) {
    count += 1;
    first ??= ANNOTATION_NAME;
  }
  return first === undefined ? undefined : refusalOf(target, query, first, count);
}

/** The refusal of a HEAD naming `count` subresources, `first` the first of them. */
function refusalOf(target: PathTarget, query: ReadonlyMap<string, string>, first: string, count: number): S3Error {
  // An empty `versionId` beside a key's subresource: 400 ahead of the 405 (UNCONFIRMED order).
  if (target === 'object' && query.get(VERSION_ID) === '') {
    return new S3Error('EmptyVersionId', {
      fields: [
        ['ArgumentName', VERSION_ID],
        ['ArgumentValue', ''],
      ],
    });
  }
  // At a key's path `partNumber` is HeadObject's alone, and beside `uploadId` UploadPart (405).
  const named = target === 'object' && query.has(PART_NUMBER) && !(count === 1 && first === UPLOAD_ID) ? count + 1 : count;
  if (named === 2 && query.has(PART_NUMBER) && query.has(UPLOAD_ID)) return new S3Error('MethodNotAllowed', { allow: UPLOAD_PART_ALLOW });
  if (named > 1) return new S3Error('HeadConflictingSubresources');
  if (first === PART_NUMBER) return new S3Error('HeadPartNumberWithoutKey');
  if (first === ANNOTATION_NAME) return new S3Error('AnnotationNameWithoutAnnotation');
  const allow = subresourceAllow(target, first, query);
  return allow === undefined ? new S3Error('MethodNotAllowed') : new S3Error('MethodNotAllowed', { allow });
}
