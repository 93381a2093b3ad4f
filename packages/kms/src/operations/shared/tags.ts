/**
 * @module
 * Tag validation shared by CreateKey and TagResource (TagException texts recorded from AWS).
 */

import { KmsError } from '../../errors.ts';
import type { Tag } from '../../model/records.ts';
import { list, string, structure } from '../../protocol/shapes.ts';
import type { Shape } from '../../protocol/shapes.ts';

/** Most tags on one key. */
export const MAX_TAGS = 50;

/** `TagList` member shape: `{TagKey 1..128, TagValue 0..256}` items. */
export const TAG_LIST: Shape = list(structure({ TagKey: string({ min: 1, max: 128 }), TagValue: string({ min: 0, max: 256 }) }, ['TagKey', 'TagValue']));

/** AWS's `Tag` structure. */
export interface TagInput {
  TagKey: string;
  TagValue: string;
}

/**
 * Checks tags being added and returns them as records.
 * @throws KmsError TagException for reserved `aws:` keys or duplicate keys.
 */
export function parseNewTags(tags: readonly TagInput[] | undefined): Tag[] {
  const out: Tag[] = [];
  const seen = new Set<string>();
  for (const tag of tags ?? []) {
    if (tag.TagKey.startsWith('aws:')) throw new KmsError('TagException', 'Tags beginning with aws: are reserved');
    if (seen.has(tag.TagKey)) throw new KmsError('TagException', 'Duplicate tag keys');
    seen.add(tag.TagKey);
    out.push({ key: tag.TagKey, value: tag.TagValue });
  }
  return out;
}

/**
 * Merges new tags into existing ones (a new value replaces an old one for the same key).
 * @throws KmsError TagException when the key would carry more than 50 tags.
 */
export function mergeTags(existing: readonly Tag[], added: readonly Tag[]): Tag[] {
  const merged = new Map(existing.map((tag) => [tag.key, tag.value]));
  for (const tag of added) merged.set(tag.key, tag.value);
  if (merged.size > MAX_TAGS) throw new KmsError('TagException', 'Too many tags');
  return [...merged].map(([key, value]) => ({ key, value }));
}
