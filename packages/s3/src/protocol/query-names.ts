/**
 * @module
 * Query parameter names more than one wire module reads (the router, the HEAD subresource
 * refusals), spelled once.
 */

/** The query parameter naming a version of an object, which only the operations that declare it take. */
export const VERSION_ID = 'versionId';

/** The query parameter naming a part of an object (GetObject, HeadObject) or an upload's (UploadPart). */
export const PART_NUMBER = 'partNumber';
