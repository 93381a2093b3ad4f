/**
 * @module
 * S3's object-tag condition keys (S3 User Guide "Tagging and access control policies"; Service
 * Authorization Reference, "Condition keys for Amazon S3"):
 *
 * - `s3:ExistingObjectTag/<tag-key>`: the value of that tag on the object the request acts on, for
 *   the actions the reference lists it on (reading the object, its tags, ACL or attributes; and
 *   changing its tags or ACL). Not on `s3:PutObject` nor `s3:DeleteObject`: "you cannot create a
 *   policy to grant or deny a user permissions to delete or overwrite an object based on its
 *   existing tags" (User Guide). An object that does not exist, or has no such tag, has no value.
 * - `s3:RequestObjectTag/<tag-key>`: the value of that tag among the tags the request sets;
 *   `s3:RequestObjectTagKeys`: their keys, a multivalued key (`ForAnyValue:` / `ForAllValues:`),
 *   for `s3:PutObject`, `s3:PutObjectTagging`, `s3:PutObjectVersionTagging` and
 *   `s3:BypassGovernanceRetention` (the reference's list).
 *
 * The tag key in a key name. IAM reads condition key names case-insensitively, and documents the
 * tag-key part of its own tag keys the same way: `"aws:ResourceTag/TagKey1"` "matches a resource
 * tag key named either TagKey1 or tagkey1" (IAM User Guide, AWS global condition context keys).
 * S3's object tags are case-sensitive, though, and one object may carry `Env` and `env`: every tag
 * whose key equals the name ignoring case answers (several values, ORed by the operator as any
 * multivalued key's are). Preferring the exact spelling would let a second tag differing only in
 * case hide the first from a Deny. UNCONFIRMED how S3 itself answers two such tags (no capture);
 * for one tag per key, this is IAM's documented rule.
 */

import type { Tag } from '../model/tagging.ts';

/** Actions whose request context has `s3:ExistingObjectTag/<key>` (lower-cased, as IAM compares them). */
const EXISTING_TAG_ACTIONS: ReadonlySet<string> = new Set(
  [
    'DeleteObjectTagging',
    'DeleteObjectVersionTagging',
    'GetObject',
    'GetObjectAcl',
    'GetObjectAttributes',
    'GetObjectTagging',
    'GetObjectVersion',
    'GetObjectVersionAcl',
    'GetObjectVersionAttributes',
    'GetObjectVersionTagging',
    'PutObjectAcl',
    'PutObjectTagging',
    'PutObjectVersionAcl',
    'PutObjectVersionTagging',
  ].map((name) => `s3:${name}`.toLowerCase()),
);

/** Actions whose request context has `s3:RequestObjectTag/<key>` and `s3:RequestObjectTagKeys`. */
const REQUEST_TAG_ACTIONS: ReadonlySet<string> = new Set(
  ['BypassGovernanceRetention', 'PutObject', 'PutObjectTagging', 'PutObjectVersionTagging'].map((name) => `s3:${name}`.toLowerCase()),
);

const EXISTING_TAG = 's3:existingobjecttag/';
const REQUEST_TAG = 's3:requestobjecttag/';
const REQUEST_TAG_KEYS = 's3:requestobjecttagkeys';

/** Tags as a request context holds them: known, or read when a policy first asks (`undefined`: none). */
export type TagSource = readonly Tag[] | (() => readonly Tag[] | undefined);

/** Which object-tag keys an action's request context has. */
export interface ObjectTagKeys {
  readonly existing: boolean;
  readonly requested: boolean;
}

const NO_KEYS: ObjectTagKeys = Object.freeze({ existing: false, requested: false });
/** By action as written (a handful of constants in practice), so each request costs one look-up. */
const KEYS_BY_ACTION = new Map<string, ObjectTagKeys>();
const MAX_CACHED_ACTIONS = 256;

/**
 * Which object-tag keys `action`'s request context has (`hasExistingTagKeys`, `hasRequestTagKeys`).
 * @example objectTagKeysOf('s3:PutObjectTagging') // { existing: true, requested: true }
 */
export function objectTagKeysOf(action: string): ObjectTagKeys {
  let keys = KEYS_BY_ACTION.get(action);
  if (keys === undefined) {
    const lower = action.toLowerCase();
    const existing = EXISTING_TAG_ACTIONS.has(lower);
    const requested = REQUEST_TAG_ACTIONS.has(lower);
    keys = existing || requested ? Object.freeze({ existing, requested }) : NO_KEYS;
    // Bounded: actions come from the operations' code, but nothing stops a caller naming others.
    if (KEYS_BY_ACTION.size < MAX_CACHED_ACTIONS) KEYS_BY_ACTION.set(action, keys);
  }
  return keys;
}

/**
 * A source read at most once, however many statements ask (a function source parses the request).
 * @example const once = readOnce(() => parseTaggingHeader(header));
 */
export function readOnce(source: TagSource | undefined): TagSource | undefined {
  if (typeof source !== 'function') return source;
  let read = false;
  let tags: readonly Tag[] | undefined;
  return () => {
    if (!read) {
      tags = source();
      read = true;
    }
    return tags;
  };
}

/**
 * Whether `action`'s request context has `s3:ExistingObjectTag/<key>`.
 * @example hasExistingTagKeys('s3:GetObject') // true; hasExistingTagKeys('s3:PutObject') // false
 */
export function hasExistingTagKeys(action: string): boolean {
  return EXISTING_TAG_ACTIONS.has(action.toLowerCase());
}

/**
 * Whether `action`'s request context has `s3:RequestObjectTag/<key>` and `s3:RequestObjectTagKeys`.
 * @example hasRequestTagKeys('s3:PutObjectTagging') // true
 */
export function hasRequestTagKeys(action: string): boolean {
  return REQUEST_TAG_ACTIONS.has(action.toLowerCase());
}

/**
 * Whether a lower-cased condition key is one of the object-tag keys.
 * @example isObjectTagKey('s3:existingobjecttag/team') // true
 */
export function isObjectTagKey(key: string): boolean {
  return key.startsWith(EXISTING_TAG) || key.startsWith(REQUEST_TAG) || key === REQUEST_TAG_KEYS;
}

/**
 * The value of an object-tag condition key from the tags the request context holds (only those
 * its action has: `hasExistingTagKeys`, `hasRequestTagKeys`), or `undefined` when absent. A
 * function source is called only here, when a policy asks for one of its keys.
 * @param key - the key, lower-cased.
 * @example objectTagValue('s3:requestobjecttagkeys', { requested: [{ key: 'a', value: '1' }] }) // ['a']
 */
export function objectTagValue(
  key: string,
  tags: { readonly existing?: TagSource | undefined; readonly requested?: TagSource | undefined },
): readonly string[] | undefined {
  if (key === REQUEST_TAG_KEYS) {
    const requested = read(tags.requested);
    return requested === undefined || requested.length === 0 ? undefined : requested.map((tag) => tag.key);
  }
  const prefix = key.startsWith(EXISTING_TAG) ? EXISTING_TAG : key.startsWith(REQUEST_TAG) ? REQUEST_TAG : undefined;
  if (prefix === undefined) return undefined;
  const source = read(prefix === EXISTING_TAG ? tags.existing : tags.requested);
  if (source === undefined || source.length === 0) return undefined;
  // The prefixes hold no `/` but their last character, and a tag key may hold `/`: the tag key is
  // everything after the first one.
  // (Object tags are public labels, compared as text: `entry` and `named` keep the constant-time
  // audit's `tag` names for authentication tags.)
  const named = key.slice(prefix.length);
  const values = source.filter((entry) => entry.key.toLowerCase() === named).map((entry) => entry.value);
  return values.length === 0 ? undefined : values;
}

function read(source: TagSource | undefined): readonly Tag[] | undefined {
  return typeof source === 'function' ? source() : source;
}
