import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OBJECT_HEADER_MEMBERS, type ObjectHeaders, objectHeadersJson, objectHeadersOf, parseObjectHeaders } from '../../src/index.ts';
import { catchS3 } from '../helpers/errors.ts';

describe('the headers an object keeps', () => {
  it('a request that names none keeps none', () => {
    expect(objectHeadersOf({})).toBeUndefined();
    expect(objectHeadersJson(objectHeadersOf({}))).toBeUndefined();
    expect(parseObjectHeaders(undefined)).toEqual({});
  });

  it('keeps each header as sent, Expires included when it is not a date', () => {
    const sent = {
      CacheControl: 'max-age=60',
      ContentDisposition: 'attachment; filename="a.txt"',
      ContentEncoding: 'gzip',
      ContentLanguage: 'fr',
      Expires: 'not a date',
      WebsiteRedirectLocation: 'https://example.com/elsewhere',
    };
    expect({ ...objectHeadersOf(sent) }).toEqual(sent);
  });

  it('takes aws-chunked out of Content-Encoding, and keeps no Content-Encoding left empty', () => {
    expect(objectHeadersOf({ ContentEncoding: 'gzip,aws-chunked' })?.ContentEncoding).toBe('gzip');
    expect(objectHeadersOf({ ContentEncoding: 'aws-chunked, br' })?.ContentEncoding).toBe('br');
    expect(objectHeadersOf({ ContentEncoding: 'AWS-CHUNKED' })).toBeUndefined();
    expect(objectHeadersOf({ ContentEncoding: 'aws-chunked', CacheControl: 'no-store' })).toEqual({ CacheControl: 'no-store' });
  });

  it('keeps no header left empty (none is answered empty)', () => {
    expect(objectHeadersOf({ CacheControl: '', ContentDisposition: '', ContentLanguage: '', Expires: '', ContentEncoding: '' })).toBeUndefined();
    expect(objectHeadersOf({ CacheControl: '', Expires: 'soon' })).toEqual({ Expires: 'soon' });
  });

  it('a website redirect must start with /, http:// or https:// and fit in 2 KB: else 400 InvalidRedirectLocation', () => {
    for (const location of ['/a.html', 'http://example.com', 'https://example.com/x', `/${'a'.repeat(2047)}`]) {
      expect(objectHeadersOf({ WebsiteRedirectLocation: location })?.WebsiteRedirectLocation).toBe(location);
    }
    for (const location of ['a.html', 'ftp://example.com', '']) {
      const error = catchS3(() => objectHeadersOf({ WebsiteRedirectLocation: location }));
      expect([error.code, error.status, error.message]).toEqual([
        'InvalidRedirectLocation',
        400,
        "The website redirect location must have a prefix of 'http://' or 'https://' or '/'.",
      ]);
    }
    expect(catchS3(() => objectHeadersOf({ WebsiteRedirectLocation: `/${'a'.repeat(2048)}` })).code).toBe('InvalidRedirectLocation');
  });

  it('stored JSON parses back to the same headers (fast-check)', () => {
    const header = fc.option(fc.string(), { nil: undefined });
    const headers = fc.record(
      Object.fromEntries(OBJECT_HEADER_MEMBERS.filter((member) => member !== 'WebsiteRedirectLocation').map((member) => [member, header])),
    );
    fc.assert(
      fc.property(headers, (sent) => {
        const kept = objectHeadersOf(sent as ObjectHeaders);
        const parsed = parseObjectHeaders(objectHeadersJson(kept));
        expect({ ...parsed }).toEqual({ ...(kept ?? {}) });
      }),
    );
  });

  it('stored JSON is read into a map that inherits nothing, taking only the known members', () => {
    const parsed = parseObjectHeaders('{"__proto__":{"polluted":"yes"},"constructor":"c","CacheControl":"no-cache","Expires":7}');
    expect(Object.getPrototypeOf(parsed)).toBeNull();
    expect(Object.keys(parsed)).toEqual(['CacheControl']);
    expect((parsed as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(Object.isFrozen(parsed)).toBe(true);
  });
});
