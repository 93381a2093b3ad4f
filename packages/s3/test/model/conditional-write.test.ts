import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkDeleteCondition, checkUnchangedSinceInitiation, checkWriteCondition, parseDeleteCondition, parseWriteCondition } from '../../src/index.ts';
import { catchS3 } from '../helpers/errors.ts';

describe('conditional writes', () => {
  it('parses If-None-Match: * and If-Match, and refuses what S3 does not take with 501', () => {
    expect(parseWriteCondition(undefined, undefined)).toEqual({ kind: 'none' });
    expect(parseWriteCondition(undefined, '*')).toEqual({ kind: 'if-none-match' });
    expect(parseWriteCondition('"abc"', undefined)).toEqual({ kind: 'if-match', etag: '"abc"' });
    for (const [ifMatch, ifNoneMatch, header] of [
      [undefined, '"abc"', 'If-None-Match'],
      ['*', undefined, 'If-Match'],
      ['"abc"', '*', 'If-Match,If-None-Match'],
    ] as const) {
      const error = catchS3(() => parseWriteCondition(ifMatch, ifNoneMatch));
      expect([error.status, error.code, error.fields[0]]).toEqual([501, 'NotImplemented', ['Header', header]]);
    }
  });

  it('checks the object replaced: 412 naming the condition, 404 for If-Match without one; ETags quoted or not', () => {
    expect(() => checkWriteCondition({ kind: 'if-none-match' }, undefined, 'k')).not.toThrow();
    expect(catchS3(() => checkWriteCondition({ kind: 'if-none-match' }, { etag: '"a"' }, 'k')).fields).toEqual([['Condition', 'If-None-Match']]);
    expect(() => checkWriteCondition({ kind: 'if-match', etag: 'a' }, { etag: '"a"' }, 'k')).not.toThrow();
    expect(catchS3(() => checkWriteCondition({ kind: 'if-match', etag: '"b"' }, { etag: '"a"' }, 'k')).fields).toEqual([['Condition', 'If-Match']]);
    expect(catchS3(() => checkWriteCondition({ kind: 'if-match', etag: '"a"' }, undefined, 'k')).code).toBe('NoSuchKey');
    expect(() => checkWriteCondition({ kind: 'none' }, { etag: '"a"' }, 'k')).not.toThrow();
  });

  // A write's If-Match is a compare-and-swap on one object: the read side's list matcher would let
  // `"<anything>", *` replace whatever is there.
  it('If-Match names one strong ETag: a list, a * member or a W/ tag is 412, whatever the object', () => {
    const current = { etag: '"5d41402abc4b2a76b9719d911017c592"' };
    for (const value of [
      '"00000000000000000000000000000000", *',
      '*, "00000000000000000000000000000000"',
      '"5d41402abc4b2a76b9719d911017c592", *',
      '"5d41402abc4b2a76b9719d911017c592", "5d41402abc4b2a76b9719d911017c592"',
      'W/"5d41402abc4b2a76b9719d911017c592"',
      'W/5d41402abc4b2a76b9719d911017c592',
    ]) {
      expect(catchS3(() => checkWriteCondition({ kind: 'if-match', etag: value }, current, 'k')).fields).toEqual([['Condition', 'If-Match']]);
      const deleteCondition = parseDeleteCondition(value, undefined, undefined);
      expect(catchS3(() => checkDeleteCondition(deleteCondition, current, 'k')).code).toBe('PreconditionFailed');
    }
    for (const value of ['"5d41402abc4b2a76b9719d911017c592"', '5d41402abc4b2a76b9719d911017c592', ' "5d41402abc4b2a76b9719d911017c592" ']) {
      expect(() => checkWriteCondition({ kind: 'if-match', etag: value }, current, 'k')).not.toThrow();
    }
  });

  it("property: a write's If-Match holds exactly for the object's own ETag, quoted or not", () => {
    const hex = fc.stringMatching(/^[0-9a-f]{32}(-[1-9][0-9]{0,3})?$/);
    // What a client may send: a tag quoted or not, weak or strong, alone or in a list with `*`.
    const sent = fc.record({
      same: fc.boolean(),
      other: hex,
      quoted: fc.boolean(),
      weak: fc.boolean(),
      others: fc.array(
        fc.oneof(
          hex.map((tag) => `"${tag}"`),
          fc.constant('*'),
        ),
        { maxLength: 3 },
      ),
    });
    fc.assert(
      fc.property(hex, sent, (etag, { same, other, quoted, weak, others }) => {
        const tag = same ? etag : other;
        const value = [`${weak ? 'W/' : ''}${quoted ? `"${tag}"` : tag}`, ...others].join(', ');
        const holds = tag === etag && !weak && others.length === 0;
        let passed = true;
        try {
          checkWriteCondition({ kind: 'if-match', etag: value }, { etag: `"${etag}"` }, 'k');
        } catch {
          passed = false;
        }
        expect(passed).toBe(holds);
      }),
    );
  });

  it('a conditional completion over a key that changed since its upload began is 409', () => {
    expect(() => checkUnchangedSinceInitiation({ kind: 'if-none-match' }, '', '', 'k')).not.toThrow();
    expect(() => checkUnchangedSinceInitiation({ kind: 'none' }, '', 'v2', 'k')).not.toThrow();
    expect(() => checkUnchangedSinceInitiation({ kind: 'if-match', etag: 'a' }, undefined, 'v2', 'k')).not.toThrow();
    const error = catchS3(() => checkUnchangedSinceInitiation({ kind: 'if-match', etag: 'a' }, 'v1', 'v2', 'k'));
    expect([error.status, error.code, error.fields]).toEqual([
      409,
      'ConditionalRequestConflict',
      [
        ['Condition', 'If-Match'],
        ['Key', 'k'],
      ],
    ]);
  });
});
