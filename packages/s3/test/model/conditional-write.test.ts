import { describe, expect, it } from 'vitest';
import { checkUnchangedSinceInitiation, checkWriteCondition, parseWriteCondition } from '../../src/index.ts';
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
