/**
 * The `encoding-type=url` encoder: S3's form encoding with `/` kept (examples measured against S3,
 * brekkylab/backlot#178), decodable as botocore decodes it (`unquote_plus`) for any key.
 */

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { urlEncodeKey } from '../../src/model/listing.ts';

/** What botocore does to these fields: `urllib.parse.unquote_plus` (+ is a space, then %XX as UTF-8). */
const unquotePlus = (text: string): string => decodeURIComponent(text.replaceAll('+', ' '));

describe('urlEncodeKey', () => {
  it('writes the keys a third party listed on real S3 as S3 wrote them', () => {
    expect(urlEncodeKey('a b.txt')).toBe('a+b.txt');
    expect(urlEncodeKey('a+b.txt')).toBe('a%2Bb.txt');
    expect(urlEncodeKey('100%.csv')).toBe('100%25.csv');
    expect(urlEncodeKey('한글/x.txt')).toBe('%ED%95%9C%EA%B8%80/x.txt');
    expect(urlEncodeKey('run books/')).toBe('run+books/');
  });

  it("keeps A-Z a-z 0-9 . - _ * and /, and percent-encodes ~ ! ' ( ) and the rest in upper-case hex", () => {
    expect(urlEncodeKey('Az09.-_*/')).toBe('Az09.-_*/');
    expect(urlEncodeKey("~!'()=&?#:@\\\n")).toBe('%7E%21%27%28%29%3D%26%3F%23%3A%40%5C%0A');
    expect(urlEncodeKey('😀')).toBe('%F0%9F%98%80');
    expect(urlEncodeKey('')).toBe('');
  });

  it('property: botocore’s unquote_plus gives the key back, and only the kept set, + and %XX appear', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 24 }), (key) => {
        const encoded = urlEncodeKey(key);
        expect(encoded).toMatch(/^(?:[A-Za-z0-9.\-_*/+]|%[0-9A-F]{2})*$/);
        expect(unquotePlus(encoded)).toBe(key);
      }),
    );
  });
});
