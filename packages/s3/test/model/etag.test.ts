import { createHash, randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { etagKind, multipartEtag, objectEtag } from '../../src/index.ts';
import { md5 } from '../helpers/md5.ts';

const random = (length: number): Uint8Array => new Uint8Array(randomBytes(length));

describe('ETags per encryption mode', () => {
  it('SSE-S3: the MD5 of the plaintext (real S3: md5("test-sse") = 42832cde…)', () => {
    const body = new TextEncoder().encode('test-sse');
    expect(objectEtag('SSE-S3', md5([body]), random)).toBe('42832cdec7083e70a9cd6f2d5852e004');
  });

  it('SSE-KMS, DSSE-KMS and SSE-C: 32 hex digits that are not the MD5 and change on every upload', () => {
    const digest = md5([new TextEncoder().encode('test_data')]);
    for (const mode of ['SSE-KMS', 'DSSE-KMS', 'SSE-C'] as const) {
      expect(etagKind(mode)).toBe('opaque');
      const first = objectEtag(mode, digest, random);
      const second = objectEtag(mode, digest, random);
      expect(first).toMatch(/^[0-9a-f]{32}$/);
      expect(first).not.toBe(Buffer.from(digest).toString('hex'));
      expect(first).not.toBe(second);
    }
  });

  it('multipart: md5 of the concatenated binary part digests, then -N (known answer)', () => {
    // Parts "hello" and "world": md5 5d41402a… and 7d793037…; the object ETag is md5(d1 ‖ d2)-2.
    const parts = ['5d41402abc4b2a76b9719d911017c592', '7d793037a0760186574b0282f2f435e7'];
    const expected = createHash('md5')
      .update(Buffer.from(parts.join(''), 'hex'))
      .digest('hex');
    expect(multipartEtag(parts, md5)).toBe(`${expected}-2`);
  });

  it('property: the multipart ETag keeps the "<32 hex>-<N>" shape for any part count', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ minLength: 16, maxLength: 16 }), { minLength: 1, maxLength: 50 }), (digests) => {
        const etag = multipartEtag(
          digests.map((d) => Buffer.from(d).toString('hex')),
          md5,
        );
        expect(etag).toMatch(new RegExp(`^[0-9a-f]{32}-${digests.length}$`));
      }),
    );
  });

  it('refuses no parts and malformed part ETags', () => {
    expect(() => multipartEtag([], md5)).toThrow(RangeError);
    expect(() => multipartEtag(['"5d41402abc4b2a76b9719d911017c592"'], md5)).toThrow(RangeError);
  });
});
