/**
 * CRC32 runs on `node:zlib`'s native `crc32`; `@aws-crypto/crc32` (what the AWS SDK for
 * JavaScript computes the checksum it sends with) is the reference it must equal, value for value,
 * however a body is cut into chunks.
 */

import { AwsCrc32 } from '@aws-crypto/crc32';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createChecksumHasher } from '../../src/index.ts';

const text = (value: string) => new TextEncoder().encode(value);

async function referenceCrc32(chunks: readonly Uint8Array[]): Promise<string> {
  const reference = new AwsCrc32();
  for (const chunk of chunks) reference.update(chunk);
  return Buffer.from(await reference.digest()).toString('hex');
}

async function nativeCrc32(chunks: readonly Uint8Array[]): Promise<string> {
  const hasher = createChecksumHasher('CRC32');
  for (const chunk of chunks) hasher.update(chunk);
  return Buffer.from(await hasher.digest()).toString('hex');
}

describe('CRC32 on node:zlib', () => {
  it('gives the CRC-32 check value and the values of @aws-crypto/crc32', async () => {
    // CRC-32/ISO-HDLC check value: "123456789" → 0xcbf43926.
    expect(await nativeCrc32([text('123456789')])).toBe('cbf43926');
    // The empty body: 0, written as four zero bytes (what S3 answers for an empty object).
    expect(await nativeCrc32([])).toBe('00000000');
    // A digest whose top bit is set is still big-endian unsigned (no sign flip from zlib's number).
    expect(await nativeCrc32([text('a')])).toBe('e8b7be43');
    for (const sample of ['', 'a', 'test-sse', 'test_data', 'The quick brown fox jumps over the lazy dog']) {
      expect(await nativeCrc32([text(sample)])).toBe(await referenceCrc32([text(sample)]));
    }
  });

  it('equals @aws-crypto/crc32 for any body, however it is cut', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.uint8Array({ maxLength: 3000 }), { maxLength: 6 }), async (chunks) => {
        expect(await nativeCrc32(chunks)).toBe(await referenceCrc32(chunks));
      }),
      { numRuns: 300 },
    );
  });

  it('reads only the bytes of a view, not the rest of its buffer', async () => {
    const buffer = text('xx123456789yy');
    expect(await nativeCrc32([buffer.subarray(2, 11)])).toBe('cbf43926');
  });
});

describe('digestSync', () => {
  it('gives what digest gives, for every checksum computed synchronously; the others have none', async () => {
    const body = [text('1234'), text('56789')];
    for (const algorithm of ['CRC32', 'SHA1', 'SHA256', 'SHA512', 'MD5'] as const) {
      const sync = createChecksumHasher(algorithm);
      const async = createChecksumHasher(algorithm);
      for (const chunk of body) {
        sync.update(chunk);
        async.update(chunk);
      }
      expect(sync.digestSync, algorithm).toBeTypeOf('function');
      expect(Buffer.from(sync.digestSync?.() ?? []).toString('hex'), algorithm).toBe(Buffer.from(await async.digest()).toString('hex'));
    }
    for (const algorithm of ['CRC32C', 'CRC64NVME', 'XXHASH64'] as const) expect(createChecksumHasher(algorithm).digestSync, algorithm).toBeUndefined();
  });
});
