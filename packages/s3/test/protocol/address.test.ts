import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addressOf, DEFAULT_BASE_HOSTS } from '../../src/protocol/address.ts';

describe('addressOf: which bucket and key a request names', () => {
  it('reads path-style requests, decoding the key and keeping its slashes', () => {
    const address = addressOf('127.0.0.1:4566', '/photos/2026/a%20b%2Bc.jpg?x-id=GetObject');
    expect(address.bucket).toBe('photos');
    expect(address.key).toBe('2026/a b+c.jpg');
    expect(address.query.get('x-id')).toBe('GetObject');
  });

  it('treats a bucket with a trailing slash as a bucket request, and / as the service', () => {
    expect(addressOf('localhost', '/photos/')).toMatchObject({ bucket: 'photos' });
    expect(addressOf('localhost', '/photos/').key).toBeUndefined();
    expect(addressOf('localhost:4566', '/').bucket).toBeUndefined();
  });

  it('reads virtual-hosted requests under each base host, the longest base winning', () => {
    expect(addressOf('photos.localhost:4566', '/a.jpg')).toMatchObject({ bucket: 'photos', key: 'a.jpg' });
    expect(addressOf('photos.s3.localhost', '/a.jpg')).toMatchObject({ bucket: 'photos', key: 'a.jpg' });
    expect(addressOf('my.dotted.bucket.strongbox.localhost', '/')).toMatchObject({ bucket: 'my.dotted.bucket' });
    expect(addressOf('photos.s3.us-west-2.amazonaws.com', '/k')).toMatchObject({ bucket: 'photos', key: 'k' });
  });

  it('uses path-style for base hosts themselves, IP addresses and unknown hosts', () => {
    for (const host of [...DEFAULT_BASE_HOSTS, '127.0.0.1:9000', '[::1]:4566', 'my-laptop:4566', 's3.eu-west-1.amazonaws.com']) {
      expect(addressOf(host, '/bucket/key')).toMatchObject({ bucket: 'bucket', key: 'key' });
    }
  });

  it('keeps the first of repeated query parameters and decodes their values', () => {
    const address = addressOf('localhost', '/b?prefix=a%2Fb&prefix=c&uploads');
    expect(address.query.get('prefix')).toBe('a/b');
    expect(address.query.has('uploads')).toBe(true);
  });

  it('throws URIError for a path whose percent-encoding is not UTF-8', () => {
    expect(() => addressOf('localhost', '/b/%E0%A4%A')).toThrow(URIError);
  });

  it('decodes the query as URLSearchParams does, the first of a repeated name winning', () => {
    const unit = fc.constantFrom('a', 'B', '1', '-', '_', '.', '~', '=', '&', '?', '%', '%2', '%41', '%2B', '+', ' ', '/', 'é', '日');
    fc.assert(
      fc.property(fc.string({ unit, maxLength: 12 }), (text) => {
        const expected = new Map<string, string>();
        for (const [name, value] of new URLSearchParams(text)) if (!expected.has(name)) expected.set(name, value);
        expect([...addressOf('localhost', `/b/k?${text}`).query]).toEqual([...expected]);
      }),
      { numRuns: 1000 },
    );
  });

  it('answers a host it has seen before as it answered it the first time, and again for other base hosts (property)', () => {
    const label = fc.constantFrom('photos', 'my.dotted', 'B', 's3', 'localhost', 'strongbox', 'amazonaws', 'com', 'eu-west-1', '127', '0');
    const host = fc.oneof(
      fc.array(label, { minLength: 1, maxLength: 5 }).map((labels) => labels.join('.')),
      fc.constantFrom('127.0.0.1', '[::1]', 'PHOTOS.LOCALHOST', 'photos.s3.us-west-2.amazonaws.com'),
    );
    const port = fc.option(fc.constantFrom(':4566', ':80'), { nil: '' });
    const bases = fc.constantFrom(DEFAULT_BASE_HOSTS, ['localhost'], ['example.test', 's3.example.test']);
    fc.assert(
      fc.property(host, port, bases, (name, suffix, baseHosts) => {
        // A copy of the base hosts is another list: worked out afresh, not remembered.
        const fresh = addressOf(`${name}${suffix}`, '/b/k', [...baseHosts]);
        const first = addressOf(`${name}${suffix}`, '/b/k', baseHosts);
        const again = addressOf(`${name}${suffix}`, '/b/k', baseHosts);
        expect(first).toEqual(fresh);
        expect(again).toEqual(fresh);
      }),
      { numRuns: 500 },
    );
  });

  it('decodes a path-style bucket and key as decodeURIComponent does, escapes or not, malformed or not', () => {
    const part = fc.oneof(
      fc.string({ unit: fc.constantFrom('a', 'Z', '0', '-', '+', '%', '2', 'F', 'E', '9', ' ', '~') }),
      fc.string({ unit: 'grapheme' }).map(encodeURIComponent),
      // A `?` starts the query: not part of a path.
      fc.string({ unit: 'grapheme' }).filter((text) => !text.includes('?')),
    );
    const decoded = (text: string) => {
      try {
        return { value: decodeURIComponent(text) };
      } catch (error) {
        return { error: (error as Error).name };
      }
    };
    fc.assert(
      fc.property(
        part.filter((bucket) => bucket !== '' && !bucket.includes('/')),
        part.filter((key) => key !== ''),
        (bucket, key) => {
          let address: { value: ReturnType<typeof addressOf> } | { error: string };
          try {
            address = { value: addressOf('localhost', `/${bucket}/${key}`) };
          } catch (error) {
            address = { error: (error as Error).name };
          }
          const bucketName = decoded(bucket);
          const keyName = decoded(key);
          if ('error' in bucketName || 'error' in keyName) expect(address).toEqual({ error: 'URIError' });
          else expect(address).toEqual({ value: { bucket: bucketName.value, key: keyName.value, query: new Map() } });
        },
      ),
      { numRuns: 500 },
    );
  });
});
