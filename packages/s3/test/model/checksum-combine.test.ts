/**
 * CRC combination (zlib's `crc32_combine`, over the three CRCs S3 combines): known answers from
 * the published check values (CRC of "123456789"), and the property S3's FULL_OBJECT multipart
 * checksum rests on: the CRCs of any split of some bytes combine to the CRC of the bytes.
 */

import { crc32 } from '@aws-crypto/crc32';
import { crc32c } from '@aws-crypto/crc32c';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type CombinableCrc,
  CRC32_PARAMETERS,
  CRC32C_PARAMETERS,
  CRC64NVME_PARAMETERS,
  checksumOf,
  combineCrc,
  combineCrcs,
  crcFromBytes,
  crcToBytes,
  fullObjectChecksum,
} from '../../src/index.ts';

const text = (value: string): Uint8Array => new TextEncoder().encode(value);

/** The CRC of `bytes` as an unsigned integer, computed by the libraries S3's values come from. */
async function crcOf(name: 'CRC32' | 'CRC32C' | 'CRC64NVME', bytes: Uint8Array): Promise<bigint> {
  if (name === 'CRC32') return BigInt(crc32(bytes) >>> 0);
  if (name === 'CRC32C') return BigInt(crc32c(bytes) >>> 0);
  return crcFromBytes(Buffer.from(await checksumOf('CRC64NVME', bytes), 'base64'));
}

const CRCS: readonly (readonly ['CRC32' | 'CRC32C' | 'CRC64NVME', CombinableCrc, bigint])[] = [
  // The catalogue check values: the CRC of the ASCII bytes "123456789".
  ['CRC32', CRC32_PARAMETERS, 0xcbf43926n],
  ['CRC32C', CRC32C_PARAMETERS, 0xe3069283n],
  ['CRC64NVME', CRC64NVME_PARAMETERS, 0xae8b14860a799888n],
];

describe('combineCrc', () => {
  for (const [name, parameters, check] of CRCS) {
    it(`${name}: crc("12345") combined with crc("6789") is the check value`, async () => {
      expect(await crcOf(name, text('123456789'))).toBe(check);
      expect(combineCrc(parameters, await crcOf(name, text('12345')), await crcOf(name, text('6789')), 4)).toBe(check);
      expect(
        combineCrcs(parameters, [
          { crc: await crcOf(name, text('1')), length: 1 },
          { crc: await crcOf(name, text('')), length: 0 },
          { crc: await crcOf(name, text('2345678')), length: 7 },
          { crc: await crcOf(name, text('9')), length: 1 },
        ]),
      ).toBe(check);
    });
  }

  it('treats an empty part as nothing, and no parts as the CRC of no bytes', () => {
    expect(combineCrc(CRC32_PARAMETERS, 0xcbf43926n, 0n, 0)).toBe(0xcbf43926n);
    expect(combineCrcs(CRC64NVME_PARAMETERS, [])).toBe(0n);
  });

  it('refuses a negative or fractional length', () => {
    expect(() => combineCrc(CRC32_PARAMETERS, 1n, 2n, -1)).toThrow(RangeError);
    expect(() => combineCrcs(CRC32_PARAMETERS, [{ crc: 1n, length: 0.5 }])).toThrow(RangeError);
  });

  it('writes and reads CRCs as big-endian bytes', () => {
    expect([...crcToBytes(0xcbf43926n, 32)]).toEqual([0xcb, 0xf4, 0x39, 0x26]);
    expect(crcFromBytes(crcToBytes(0xae8b14860a799888n, 64))).toBe(0xae8b14860a799888n);
  });

  it('makes a full-object checksum in S3’s base64 form from the parts’ checksums', async () => {
    const parts = [text('first part, '), text('second part, '), text('last')];
    const values = await Promise.all(parts.map(async (part) => ({ value: await checksumOf('CRC32C', part), size: part.length })));
    expect(fullObjectChecksum('CRC32C', values)).toBe(await checksumOf('CRC32C', Buffer.concat(parts)));
    expect(() => fullObjectChecksum('SHA256', values)).toThrow(TypeError);
  });

  for (const [name, parameters] of CRCS) {
    it(`${name}: the parts’ CRCs combine to the CRC of their concatenation, for any split (property)`, async () => {
      await fc.assert(
        fc.asyncProperty(fc.uint8Array({ maxLength: 4096 }), fc.array(fc.nat(), { maxLength: 8 }), async (bytes, cuts) => {
          const points = [...new Set(cuts.map((cut) => cut % (bytes.length + 1)))].sort((a, b) => a - b);
          const bounds = [0, ...points, bytes.length];
          const parts = bounds.slice(1).map((end, index) => bytes.subarray(bounds[index], end));
          const crcs = await Promise.all(parts.map(async (part) => ({ crc: await crcOf(name, part), length: part.length })));
          expect(combineCrcs(parameters, crcs)).toBe(await crcOf(name, bytes));
        }),
        { numRuns: 150 },
      );
    });
  }
});
