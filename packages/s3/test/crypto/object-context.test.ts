/** The encryption context bound to each object: its ARN, and a part's number. */

import { describe, expect, it } from 'vitest';
import { objectContext } from '../../src/crypto/data-key-provider.ts';

describe('objectContext', () => {
  it("binds a whole object's ARN, as the same frozen context each time it is asked for", () => {
    const first = objectContext({ bucket: 'b', key: 'a/k' });
    expect(first).toEqual({ 'aws:s3:arn': 'arn:aws:s3:::b/a/k' });
    expect(Object.isFrozen(first)).toBe(true);
    expect(objectContext({ bucket: 'b', key: 'a/k' })).toBe(first);
    expect(objectContext({ bucket: 'b', key: 'a/l' })).toEqual({ 'aws:s3:arn': 'arn:aws:s3:::b/a/l' });
  });

  it("binds a part's number beside the ARN", () => {
    expect(objectContext({ bucket: 'b', key: 'k', partNumber: 3 })).toEqual({ 'aws:s3:arn': 'arn:aws:s3:::b/k', 'strongbox:part': '3' });
  });
});
