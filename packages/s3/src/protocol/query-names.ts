/**
 * @module
 * Query parameter names as S3's wire modules read them, each spelled and decoded once.
 *
 * Names more than one wire module reads (the router, the HEAD subresource refusals).
 *
 * A parameter's name as S3 reads it, decoded once, the same way for every reader: the SSE
 * parameters a presigned URL hoists (`hoisted-headers.ts`) and the test of Signature Version 2's
 * presigned form (`AWSAccessKeyId` and `Signature`, S3 API reference, "Appendix: Authenticating
 * requests (AWS signature version 2)", "Query string request authentication"), which the
 * signature facts and the strict edge read. One decoding for both: a URL whose SSE parameters
 * are read (hoisted because the URL is presigned) must count as presigned by the same names,
 * or `%41WSAccessKeyId` would be a SigV2 URL to one and an unsigned request to the other.
 */

/** The query parameter naming a version of an object, which only the operations that declare it take. */
export const VERSION_ID = 'versionId';

/** The query parameter naming a part of an object (GetObject, HeadObject) or an upload's (UploadPart). */
export const PART_NUMBER = 'partNumber';

/**
 * At a key's path a subresource of its own unless `annotation` names the call it belongs to (a
 * HEAD's count and a GET's conflict read it so).
 */
export const ANNOTATION_NAME = 'annotationName';
/** The parameter that makes `annotationName` part of its call. */
export const ANNOTATION = 'annotation';

/** SigV2's presigning parameters; `Expires` is not needed to tell the form apart, only to complete it. */
const SIGV2_KEY = 'AWSAccessKeyId';
const SIGV2_SIGNATURE = 'Signature';
const SIGV2_EXPIRES = 'Expires';

/**
 * Decoded as the kernel decodes a presigned URL to verify it (`decodeURIComponent`: SigV4 writes
 * a space as `%20`, so a literal `+` is a plus sign): the value read is the value signed.
 * @example decodeQueryComponent('aws%3Akms') // 'aws:kms'
 */
export function decodeQueryComponent(text: string): string {
  // Most names and values have nothing to decode: no call, no try.
  if (!text.includes('%')) return text;
  try {
    return decodeURIComponent(text);
  } catch {
    // A malformed escape is kept as sent, as the signature check kept it.
    return text;
  }
}

/**
 * The decoded name of one `name=value` part of a query string.
 * @example queryNameOf('%41WSAccessKeyId=test') // 'AWSAccessKeyId'
 */
export function queryNameOf(part: string): string {
  const equals = part.indexOf('=');
  return decodeQueryComponent(equals < 0 ? part : part.slice(0, equals));
}

/**
 * What a query's decoded names say about how it was presigned: `sigV4` (`X-Amz-Algorithm`),
 * `sigV2` (`AWSAccessKeyId` and `Signature`) or neither.
 */
export class PresignedNames {
  #sigV4 = false;
  #sigV2Key = false;
  #sigV2Signature = false;
  #sigV2Expires = false;

  /** Notes one decoded name. */
  see(name: string): void {
    if (name === 'X-Amz-Algorithm') this.#sigV4 = true;
    else if (name === SIGV2_KEY) this.#sigV2Key = true;
    else if (name === SIGV2_SIGNATURE) this.#sigV2Signature = true;
    else if (name === SIGV2_EXPIRES) this.#sigV2Expires = true;
  }

  /** Whether the names seen make a presigned URL, in either signature version. */
  get presigned(): boolean {
    return this.#sigV4 || this.sigV2;
  }

  /** Whether the names seen make SigV2's presigned form. */
  get sigV2(): boolean {
    return this.#sigV2Key && this.#sigV2Signature;
  }

  /** Whether SigV2's `Signature` is among the names seen. */
  get sigV2Signature(): boolean {
    return this.#sigV2Signature;
  }

  /**
   * Whether the names seen are SigV2's query credential in part: `Signature` without
   * `AWSAccessKeyId` or `Expires` beside it. S3 takes a query naming `Signature` as SigV2's and
   * refuses it so whatever else it carries, where an `AWSAccessKeyId` without `Signature` is
   * unsigned (brekkylab/backlot `backlot/auth.py`, `resolve_sigv4` and `_resolve_v2_query`,
   * measured against s3.us-east-1 on 2026-09-29).
   */
  get sigV2Partial(): boolean {
    return this.#sigV2Signature && !(this.#sigV2Key && this.#sigV2Expires);
  }
}

/**
 * Whether a request path's query is in SigV2's presigned form (`AWSAccessKeyId` and `Signature`,
 * names decoded as `queryNameOf` decodes them). A query that spells neither name out and has no
 * escape is answered without being split.
 * @example sigV2PresignedPath('/b/k?AWSAccessKeyId=AKIA…&Signature=…&Expires=1896672145') // true
 */
export function sigV2PresignedPath(path: string): boolean {
  return sigV2NamesOf(path)?.sigV2 === true;
}

/**
 * How a request path's query names SigV2's query credential, names decoded as `queryNameOf`
 * decodes them: `none` (no `Signature`: unsigned as far as SigV2 goes, whatever else it names),
 * `partial` (`PresignedNames.sigV2Partial`) or `complete` (`Signature`, `AWSAccessKeyId` and
 * `Expires`).
 * @example sigV2QueryOf('/b/k?Expires=1896672145&Signature=…&Key-Pair-Id=APKA…') // 'partial'
 */
export function sigV2QueryOf(path: string): 'none' | 'partial' | 'complete' {
  const names = sigV2NamesOf(path);
  if (names === undefined || !names.sigV2Signature) return 'none';
  return names.sigV2Partial ? 'partial' : 'complete';
}

/**
 * The presigning names of a request path's query; `undefined` for a query that cannot name
 * `Signature` (no `?`, or neither the name spelled out nor an escape), which is not split.
 */
function sigV2NamesOf(path: string): PresignedNames | undefined {
  const question = path.indexOf('?');
  if (question < 0) return undefined;
  const query = path.slice(question + 1);
  if (!query.includes(SIGV2_SIGNATURE) && !query.includes('%')) return undefined;
  const names = new PresignedNames();
  for (const part of query.split('&')) names.see(queryNameOf(part));
  return names;
}
