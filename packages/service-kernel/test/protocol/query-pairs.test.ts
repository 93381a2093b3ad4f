import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { queryPairs } from '../../src/protocol/query-pairs.ts';

describe('queryPairs', () => {
  it('gives the pairs URLSearchParams gives, for any query text', () => {
    const piece = fc.constantFrom('a', 'x-id', 'Get', '=', '&', '%20', '%', '+', '?', 'é', '\u0001', '', 'uploads');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 12 }), (pieces) => {
        const text = pieces.join('');
        expect([...queryPairs(text)]).toEqual([...new URLSearchParams(text)]);
      }),
      { numRuns: 2000 },
    );
  });

  it('splits text with nothing to decode as it stands, names without values included', () => {
    expect([...queryPairs('x-id=GetObject&uploads&&list-type=2')]).toEqual([
      ['x-id', 'GetObject'],
      ['uploads', ''],
      ['list-type', '2'],
    ]);
  });
});
