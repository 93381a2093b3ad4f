/**
 * @module
 * The wire form of an object's tag set: the `Tagging` document of PutObjectTagging,
 * GetObjectTagging and a POST form's `tagging` field,
 * `<Tagging><TagSet><Tag><Key>k</Key><Value>v</Value></Tag></TagSet></Tagging>` ("Tagging",
 * "TagSet" and each tag's Key and Value are required: API reference, Tag and Tagging data types),
 * to and from the model's tags.
 */

import { S3Error } from '../errors.ts';
import type { Tag } from '../model/tagging.ts';
import { list, struct, type XmlStructure } from './binding.ts';
import { parseXml } from './xml.ts';

/** A tag set as the SDK names its members. */
export interface TaggingMembers {
  TagSet: { Key: string; Value: string }[];
}

/** The XML shape of `Tagging` (a wrapped `TagSet` of `Tag` elements). */
export const TAGGING_SHAPE: XmlStructure = struct({ TagSet: list(struct({ Key: 'string', Value: 'string' }), 'Tag') });

/**
 * The tags of a request's `Tagging` document, in order (the model checks them).
 * @throws S3Error MalformedXML without a `TagSet`, or for a tag without its Key or Value.
 * @example tagsOf({ TagSet: [{ Key: 'a', Value: '1' }] }) // [{ key: 'a', value: '1' }]
 */
export function tagsOf(tagging: unknown): Tag[] {
  const tagSet = (tagging as { TagSet?: unknown } | undefined)?.TagSet;
  if (!Array.isArray(tagSet)) throw new S3Error('MalformedXML');
  return tagSet.map((tag: { Key?: unknown; Value?: unknown } | undefined) => {
    if (typeof tag?.Key !== 'string' || typeof tag.Value !== 'string') throw new S3Error('MalformedXML');
    return { key: tag.Key, value: tag.Value };
  });
}

/**
 * The tags of a `Tagging` document given as text (a POST form's `tagging` field).
 * @throws S3Error MalformedXML as `parseXml` and `tagsOf` do.
 * @example parseTaggingDocument('<Tagging><TagSet><Tag><Key>a</Key><Value>1</Value></Tag></TagSet></Tagging>') // [{ key: 'a', value: '1' }]
 */
export function parseTaggingDocument(text: string): Tag[] {
  return tagsOf(parseXml(text, 'Tagging', TAGGING_SHAPE));
}

/**
 * Tags as GetObjectTagging answers them.
 * @example taggingOf([{ key: 'a', value: '1' }]) // { TagSet: [{ Key: 'a', Value: '1' }] }
 */
export function taggingOf(tags: readonly Tag[]): TaggingMembers {
  return { TagSet: tags.map(({ key, value }) => ({ Key: key, Value: value })) };
}
