import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkConditions, etagMatches, type RequestConditions } from '../../src/index.ts';

const ETAG = '"8d777f385d3dfec8815d20f7496026dc"';
const MODIFIED = Date.UTC(2026, 1, 21, 10, 0, 0, 700);
const NOW = MODIFIED + 60_000;

function outcome(conditions: RequestConditions, kind: 'read' | 'copy-source' = 'read'): string {
  try {
    checkConditions(conditions, { etag: ETAG, lastModified: MODIFIED }, kind, NOW);
    return 'ok';
  } catch (error) {
    const { status, fields } = error as { status: number; fields: readonly (readonly [string, string])[] };
    return `${status} ${fields.find(([name]) => name === 'Condition')?.[1] ?? ''}`.trim();
  }
}

describe('checkConditions', () => {
  it('copy sources answer 412 with x-amz-copy-source-… names where reads answer 304 (LS-snapshot test_s3_copy_object_preconditions)', () => {
    expect(outcome({ ifMatch: 'etag123', ifNoneMatch: ETAG }, 'copy-source')).toBe('412 x-amz-copy-source-If-Match');
    expect(outcome({ ifUnmodifiedSince: MODIFIED - 86_400_000 }, 'copy-source')).toBe('412 x-amz-copy-source-If-Unmodified-Since');
    expect(outcome({ ifNoneMatch: ETAG }, 'copy-source')).toBe('412 x-amz-copy-source-If-None-Match');
    expect(outcome({ ifModifiedSince: NOW }, 'copy-source')).toBe('412 x-amz-copy-source-If-Modified-Since');
    expect(outcome({ ifNoneMatch: ETAG })).toBe('304');
    expect(outcome({ ifModifiedSince: NOW + 1 })).toBe('ok');
  });

  it('etagMatches ignores quotes and W/, takes lists and *', () => {
    expect([
      etagMatches('abc', '"abc"'),
      etagMatches('W/"abc"', '"abc"'),
      etagMatches('"x" , "abc"', '"abc"'),
      etagMatches('*', '"abc"'),
      etagMatches('"abcd"', '"abc"'),
    ]).toEqual([true, true, true, true, false]);
  });

  it('property: at whole-second precision, a time in the same second as Last-Modified is neither before nor after it', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4_000_000_000_000 }), fc.integer({ min: 0, max: 999 }), fc.integer({ min: 0, max: 999 }), (base, a, b) => {
        const second = Math.floor(base / 1000) * 1000;
        const target = { etag: ETAG, lastModified: second + a };
        const at = second + b;
        expect(() => checkConditions({ ifUnmodifiedSince: at }, target, 'read', at + 1)).not.toThrow();
        expect(() => checkConditions({ ifModifiedSince: at }, target, 'read', at + 1)).toThrow('Not Modified');
        expect(() => checkConditions({ ifModifiedSince: second - 1 }, target, 'read', at + 1)).not.toThrow();
      }),
    );
  });

  it('property: a matching If-Match always passes, whatever If-Unmodified-Since says; a failing one always fails first', () => {
    fc.assert(
      fc.property(fc.option(fc.integer({ min: 0, max: NOW }), { nil: undefined }), fc.option(fc.constantFrom(ETAG, '"x"'), { nil: undefined }), (ius, inm) => {
        expect(outcome({ ifMatch: ETAG, ifUnmodifiedSince: ius }).startsWith('412')).toBe(false);
        expect(outcome({ ifMatch: '"x"', ifUnmodifiedSince: ius, ifNoneMatch: inm })).toBe('412 If-Match');
      }),
    );
  });
});
