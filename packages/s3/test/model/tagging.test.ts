/**
 * `model/tagging.ts`: the header's form and the stored form round-trip any tag set S3 accepts;
 * a `__proto__` key is a plain tag; the header's own refusals.
 */

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkTagSet, parseTaggingHeader, parseTags, type Tag, taggingHeaderOf, tagsJson } from '../../src/model/tagging.ts';

const text = (max: number) => fc.stringMatching(new RegExp(`^[\\p{L}\\p{N} _.:/=+@-]{0,${max}}$`, 'u'));
const tagSet = fc
  .uniqueArray(
    fc.tuple(
      text(128).filter((key) => key !== '' && key.length <= 128 && !key.toLowerCase().startsWith('aws:')),
      text(256),
    ),
    {
      maxLength: 10,
      selector: ([key]) => key,
    },
  )
  .filter((pairs) => pairs.every(([, value]) => value.length <= 256))
  .map((pairs): Tag[] => pairs.map(([key, value]) => ({ key, value })));

describe('tags', () => {
  it('property: the header form and the stored form give back the tags, in order', () => {
    fc.assert(
      fc.property(tagSet, (tags) => {
        checkTagSet(tags);
        expect(parseTaggingHeader(taggingHeaderOf(tags))).toEqual(tags);
        expect(parseTags(tagsJson(tags))).toEqual(tags);
      }),
    );
  });

  it('keeps a __proto__ key as a tag, touching no prototype', () => {
    const tags = parseTaggingHeader('__proto__=x&constructor=y');
    expect(tags).toEqual([
      { key: '__proto__', value: 'x' },
      { key: 'constructor', value: 'y' },
    ]);
    const stored = parseTags(tagsJson(tags));
    expect(stored).toEqual(tags);
    expect(({} as Record<string, unknown>)['x']).toBeUndefined();
  });

  it('stores no field for no tags, and an empty header is no tags', () => {
    expect(tagsJson([])).toBeUndefined();
    expect(parseTags(undefined)).toEqual([]);
    expect(parseTaggingHeader('')).toEqual([]);
  });

  // aws/aws-cli#2841: S3 answered the header `TagSet=[{Key=string,Value=string}]` (three raw `=`
  // in one pair) with InvalidArgument, and the same text URL-encoded (one key) with InvalidTag.
  it.each(['a=1&a=2', '=1', 'a=%FF', 'a=%', 'a=b=c', 'TagSet=[{Key=string,Value=string}]'])(
    'refuses the header %j: InvalidTaggingHeader naming it',
    (header) => {
      expect(() => parseTaggingHeader(header)).toThrow(
        expect.objectContaining({
          reason: 'InvalidTaggingHeader',
          fields: [
            ['ArgumentName', 'x-amz-tagging'],
            ['ArgumentValue', header],
          ],
        }),
      );
    },
  );

  it('names the offending tag: TagKey, and TagValue for a value', () => {
    expect(() => checkTagSet([{ key: 'a,b', value: '' }])).toThrow(expect.objectContaining({ reason: 'InvalidTagKey', fields: [['TagKey', 'a,b']] }));
    expect(() => checkTagSet([{ key: 'k', value: 'v!' }])).toThrow(
      expect.objectContaining({
        reason: 'InvalidTagValue',
        fields: [
          ['TagKey', 'k'],
          ['TagValue', 'v!'],
        ],
      }),
    );
  });
});
