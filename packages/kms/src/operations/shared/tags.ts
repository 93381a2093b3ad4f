/**
 * @module
 * Tags on keys, shared by CreateKey, TagResource, UntagResource and ListResourceTags. TagException
 * texts recorded from AWS (LocalStack's AWS-validated snapshots, 2025-01): `Duplicate tag keys`,
 * `Too many tags` (51 tags), `Tags beginning with aws: are reserved` (for `aws:` and `AWS:`).
 * Tags keep the order they were first added in; a new value for an existing key replaces the value
 * in place (the recorded ListResourceTags answers are consistent with this).
 */

import { KmsError } from '../../errors.ts';
import type { Tag } from '../../model/records.ts';
import type { Shape } from '../../protocol/shapes.ts';
import { list, string, structure } from '../../protocol/shapes.ts';

/** Most tags on one key ("Tagging keys", dev guide). */
export const MAX_TAGS = 50;

/** `TagKeyType`: 1..128 characters. */
export const TAG_KEY: Shape = string({ min: 1, max: 128 });

/** `TagList` member shape: `{TagKey 1..128, TagValue 0..256}` items (no length trait: the 50 limit is the service's). */
export const TAG_LIST: Shape = list(structure({ TagKey: TAG_KEY, TagValue: string({ min: 0, max: 256 }) }, ['TagKey', 'TagValue']));

/** AWS's `Tag` structure. */
export interface TagInput {
  TagKey: string;
  TagValue: string;
}

/**
 * Checks tags being added and returns them as records. Checks run in the order LocalStack's
 * AWS-validated implementation uses: duplicate keys, then the count, then each key.
 * @throws KmsError TagException for duplicate keys, more than 50 tags, or a reserved `aws:` key
 *   (case-insensitive, as AWS answers for `AWS:key1`).
 */
export function parseNewTags(tags: readonly TagInput[] | undefined): Tag[] {
  const items = tags ?? [];
  if (new Set(items.map((tag) => tag.TagKey)).size < items.length) throw new KmsError('TagException', 'Duplicate tag keys');
  if (items.length > MAX_TAGS) throw tooManyTags();
  for (const tag of items) {
    if (tag.TagKey.toLowerCase().startsWith('aws:')) throw new KmsError('TagException', 'Tags beginning with aws: are reserved');
  }
  return items.map((tag) => ({ key: tag.TagKey, value: tag.TagValue }));
}

/**
 * Merges new tags into existing ones: a new value replaces an old one for the same key, in place.
 * @throws KmsError TagException when the key would carry more than 50 tags (AWS's text for a
 *   request of 51 tags; the text for existing + new tags over 50 is unconfirmed).
 */
export function mergeTags(existing: readonly Tag[], added: readonly Tag[]): Tag[] {
  const merged = new Map(existing.map((tag) => [tag.key, tag.value]));
  for (const tag of added) merged.set(tag.key, tag.value);
  if (merged.size > MAX_TAGS) throw tooManyTags();
  return [...merged].map(([key, value]) => ({ key, value }));
}

/** `existing` without the tags whose keys are listed (absent keys are ignored, as UntagResource does). */
export function removeTags(existing: readonly Tag[], keys: readonly string[]): Tag[] {
  const removed = new Set(keys);
  return existing.filter((tag) => !removed.has(tag.key));
}

/** Tags as AWS's `Tag` structures. */
export function toTagInputs(tags: readonly Tag[]): TagInput[] {
  return tags.map((tag) => ({ TagKey: tag.key, TagValue: tag.value }));
}

/**
 * IAM condition keys of a tagging request (`aws:TagKeys`, `aws:RequestTag/<key>`), for ABAC
 * policies ("ABAC for KMS", dev guide).
 */
export function tagConditions(tags: readonly Tag[]): Record<string, string | string[]> {
  const conditions: Record<string, string | string[]> = { 'aws:TagKeys': tags.map((tag) => tag.key) };
  for (const tag of tags) conditions[`aws:RequestTag/${tag.key}`] = tag.value;
  return conditions;
}

function tooManyTags(): KmsError {
  return new KmsError('TagException', 'Too many tags');
}
