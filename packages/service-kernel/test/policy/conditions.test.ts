/**
 * The key a condition test looks up: lower-cased (condition key names are case-insensitive), and
 * as the policy wrote it, for the services whose key names end in something of their own that
 * keeps its case (S3's `s3:ExistingObjectTag/<tag key>`).
 */

import { describe, expect, it } from 'vitest';
import { type ConditionLookup, compileCondition, conditionLookup, parseTemplate } from '../../src/index.ts';

/** A lookup that records what it was asked and answers `values` for every key. */
function recording(values: readonly string[] | undefined): { lookup: ConditionLookup; asked: [string, string | undefined][] } {
  const asked: [string, string | undefined][] = [];
  return {
    asked,
    lookup: (key, written) => {
      asked.push([key, written]);
      return values;
    },
  };
}

describe('the key a condition looks up', () => {
  it('is lower-cased, with the policy’s own spelling alongside, for every operator and Null', () => {
    for (const operator of ['StringEquals', 'StringNotLikeIfExists', 'ForAllValues:StringEquals', 'Null']) {
      const { lookup, asked } = recording(['x']);
      compileCondition({ operator, key: 'S3:ExistingObjectTag/Classification', values: ['x'] })(lookup);
      expect(asked).toEqual([['s3:existingobjecttag/classification', 'S3:ExistingObjectTag/Classification']]);
    }
  });

  it('a policy variable passes its own spelling too', () => {
    const { lookup, asked } = recording(['alice']);
    // biome-ignore lint/suspicious/noTemplateCurlyInString: an IAM policy variable, written ${key} inside a policy string.
    expect(parseTemplate('home/${aws:UserName}/*')?.resolve(lookup)).toEqual([{ pattern: 'home/' }, { literal: 'alice' }, { pattern: '/*' }]);
    expect(asked).toEqual([['aws:username', 'aws:UserName']]);
  });

  it('conditionLookup hands the spelling to the built-in lookup behind a request’s own keys', () => {
    const { lookup, asked } = recording(undefined);
    const combined = conditionLookup({ 's3:prefix': 'home/' }, lookup);
    expect(combined('s3:prefix', 'S3:Prefix')).toEqual(['home/']);
    expect(combined('s3:existingobjecttag/a', 's3:ExistingObjectTag/A')).toBeUndefined();
    expect(asked).toEqual([['s3:existingobjecttag/a', 's3:ExistingObjectTag/A']]);
  });
});
