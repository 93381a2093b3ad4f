/**
 * @module
 * Object tags (S3 User Guide, "Categorizing your storage using tags"): the `x-amz-tagging` header
 * of PutObject, CreateMultipartUpload, CopyObject (URL query parameters, "Key1=Value1") and the
 * tag set of a Tagging document (PutObjectTagging, a POST form's `tagging` field), checked as S3
 * checks them, and their stored form. Pure.
 *
 * The rules: "You can associate up to 10 tags with an object. Tags that are associated with an
 * object must have unique tag keys. A tag key can be up to 128 Unicode characters in length, and
 * tag values can be up to 256 Unicode characters in length. Amazon S3 object tags are internally
 * represented in UTF-16" (so lengths count UTF-16 code units, as JavaScript's `length` does);
 * keys and values hold "Unicode letters or numbers, white space, and the following symbols:
 * _ . : / = + @ -"; "The reserved prefix is aws:".
 */

import { S3Error } from '../errors.ts';

/** One tag. */
export interface Tag {
  readonly key: string;
  readonly value: string;
}

const MAX_TAGS = 10;
const MAX_KEY_LENGTH = 128;
const MAX_VALUE_LENGTH = 256;
/** Letters, white space, numbers and `_ . : / = + - @`: IAM's `Tag` pattern `[\p{L}\p{Z}\p{N}_.:/=+\-@]`. */
const TAG_TEXT = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
/** The empty tag set (frozen: shared by every request without tags). */
export const NO_TAGS: readonly Tag[] = Object.freeze([]);

/**
 * The tags of an `x-amz-tagging` header: `&`-separated `key=value` pairs, URL-encoded UTF-8 (`+`
 * a space, as in a form's query; a pair without `=` a key with the empty value), then checked as
 * `checkTagSet` checks a document's.
 * @throws S3Error InvalidTaggingHeader for a pair that does not decode as UTF-8, holds a second
 *   raw `=`, has an empty key or a key named twice; then `checkTagSet`'s errors.
 * @example parseTaggingHeader('project=blue&team=a%20b') // [{ key: 'project', value: 'blue' }, { key: 'team', value: 'a b' }]
 */
export function parseTaggingHeader(header: string): readonly Tag[] {
  if (header === '') return NO_TAGS;
  const refused = (): S3Error => new S3Error('InvalidTaggingHeader', { fields: [['ArgumentValue', header]] });
  const tags: Tag[] = [];
  const seen = new Set<string>();
  for (const pair of header.split('&')) {
    if (pair === '') continue;
    const equals = pair.indexOf('=');
    // A second raw `=` in one pair: S3 refuses the header as not URL-query encoded (aws/aws-cli#2841:
    // `TagSet=[{Key=string,Value=string}]` was InvalidArgument, its URL-encoded form InvalidTag).
    if (equals >= 0 && pair.includes('=', equals + 1)) throw refused();
    const key = decodeComponent(equals < 0 ? pair : pair.slice(0, equals));
    const value = equals < 0 ? '' : decodeComponent(pair.slice(equals + 1));
    if (key === undefined || value === undefined || key === '' || seen.has(key)) throw refused();
    seen.add(key);
    tags.push({ key, value });
  }
  checkTagSet(tags);
  return Object.freeze(tags);
}

/**
 * Checks a tag set: at most 10 tags, each key 1..128 and value 0..256 UTF-16 code units of the
 * allowed characters, no `aws:` key, no key twice.
 * @throws S3Error TooManyTags (BadRequest), InvalidTagKey, SystemTagKey, InvalidTagValue,
 *   DuplicateTagKey (InvalidTag), naming the tag.
 * @example checkTagSet([{ key: 'a', value: '1' }, { key: 'a', value: '2' }]) // throws DuplicateTagKey
 */
export function checkTagSet(tags: readonly Tag[]): void {
  if (tags.length > MAX_TAGS) throw new S3Error('TooManyTags');
  const seen = new Set<string>();
  for (const { key, value } of tags) {
    if (key === '' || key.length > MAX_KEY_LENGTH || !TAG_TEXT.test(key)) throw new S3Error('InvalidTagKey', { fields: [['TagKey', key]] });
    // In any case: AWS's tagging rules reserve "aws:, AWS:, or any upper or lowercase combination
    // of such as a prefix" (ECS and Batch tag restrictions). UNCONFIRMED for S3 object tags: the
    // captures found send a lower-case `aws:` only.
    if (key.slice(0, 4).toLowerCase() === 'aws:') throw new S3Error('SystemTagKey', { fields: [['TagKey', key]] });
    if (value.length > MAX_VALUE_LENGTH || !TAG_TEXT.test(value))
      throw new S3Error('InvalidTagValue', {
        fields: [
          ['TagKey', key],
          ['TagValue', value],
        ],
      });
    if (seen.has(key)) throw new S3Error('DuplicateTagKey', { fields: [['TagKey', key]] });
    seen.add(key);
  }
}

/**
 * A tag set as an `x-amz-tagging` header value (a POST form's Tagging document handed to PutObject).
 * @example taggingHeaderOf([{ key: 'a b', value: '1' }]) // 'a%20b=1'
 */
export function taggingHeaderOf(tags: readonly Tag[]): string {
  return tags.map(({ key, value }) => `${encodeURIComponent(key)}=${encodeURIComponent(value)}`).join('&');
}

/**
 * The stored form of a tag set: JSON of `[key, value]` pairs, `undefined` for none.
 * @example tagsJson([{ key: 'a', value: '1' }]) // '[["a","1"]]'
 */
export function tagsJson(tags: readonly Tag[]): string | undefined {
  return tags.length === 0 ? undefined : JSON.stringify(tags.map(({ key, value }) => [key, value]));
}

/**
 * A tag set from its stored JSON (absent: none). Pairs, not a map: no name from the JSON becomes
 * a property, so none reaches a prototype setter.
 * @throws SyntaxError for JSON that does not parse (a damaged record).
 * @example parseTags('[["a","1"]]') // [{ key: 'a', value: '1' }]
 */
export function parseTags(json: string | undefined): readonly Tag[] {
  if (json === undefined) return NO_TAGS;
  const pairs = JSON.parse(json) as unknown;
  if (!Array.isArray(pairs)) return NO_TAGS;
  const tags: Tag[] = [];
  for (const pair of pairs as unknown[]) {
    if (Array.isArray(pair) && typeof pair[0] === 'string' && typeof pair[1] === 'string') tags.push(Object.freeze({ key: pair[0], value: pair[1] }));
  }
  return Object.freeze(tags);
}

/** One URL-encoded component (`+` a space), or undefined when it is not UTF-8 percent-encoding. */
function decodeComponent(text: string): string | undefined {
  try {
    return decodeURIComponent(text.replaceAll('+', ' '));
  } catch {
    return undefined;
  }
}
