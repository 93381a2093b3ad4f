/**
 * @module
 * Computing S3's checksums incrementally, as a body streams: CRC32 with `node:zlib`'s native
 * `crc32` (zlib's CRC-32, the ISO-HDLC CRC that S3 and `@aws-crypto/crc32` compute: the same
 * values, pinned by a test against `@aws-crypto/crc32`, at a small fraction of the pure-JavaScript
 * cost, and the SDK sends a CRC32 with every PUT by default), CRC32C with `@aws-crypto/crc32c`,
 * CRC64NVME with `@aws-sdk/crc64-nvme` (the implementations the AWS SDK for JavaScript itself
 * uses, so the values cannot drift from what clients compute), SHA-1, SHA-256, SHA-512 and MD5
 * with `node:crypto`, and XXHASH64, XXHASH3 (64-bit) and XXHASH128 with `@aws-sdk/checksums/xxh`
 * (the SDK's own, for the same reason; known answers pinned by a test). Each digest is the big-endian bytes S3 sends base64-encoded (s3-sse.md §5.5).
 */

import { createHash, type Hash } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { AwsCrc32c } from '@aws-crypto/crc32c';
import { Xxh3_64, Xxh3_128, Xxh64 } from '@aws-sdk/checksums/xxh';
import { Crc64Nvme } from '@aws-sdk/crc64-nvme';
import type { ChecksumAlgorithm } from '../model/checksum.ts';

/** node:crypto's name of each hash algorithm. */
const NODE_HASHES = Object.freeze({ SHA1: 'sha1', SHA256: 'sha256', SHA512: 'sha512', MD5: 'md5' } as const);

/** An incremental checksum. */
export interface ChecksumHasher {
  readonly algorithm: ChecksumAlgorithm;
  update(bytes: Uint8Array): void;
  /** The digest, big-endian; call once, after the last `update`. */
  digest(): Promise<Uint8Array>;
  /**
   * The same digest, at once, for the checksums computed synchronously (node:zlib's CRC32,
   * node:crypto's hashes); absent for the others. Call once, instead of `digest`.
   */
  digestSync?(): Uint8Array;
}

/**
 * A fresh hasher for `algorithm`.
 * @example
 * ```ts
 * const hasher = createChecksumHasher('CRC64NVME');
 * hasher.update(new TextEncoder().encode('123456789'));
 * Buffer.from(await hasher.digest()).toString('hex'); // 'ae8b14860a799888'
 * ```
 */
export function createChecksumHasher(algorithm: ChecksumAlgorithm): ChecksumHasher {
  switch (algorithm) {
    case 'CRC32':
      return new NativeCrc32();
    case 'CRC32C':
      return new Wrapped(algorithm, new AwsCrc32c());
    case 'CRC64NVME':
      return new Wrapped(algorithm, new Crc64Nvme());
    case 'SHA1':
    case 'SHA256':
    case 'SHA512':
    case 'MD5':
      return new NodeHash(algorithm);
    case 'XXHASH64':
      return new Wrapped(algorithm, new Xxh64());
    case 'XXHASH3':
      return new Wrapped(algorithm, new Xxh3_64());
    case 'XXHASH128':
      return new Wrapped(algorithm, new Xxh3_128());
  }
}

/**
 * The base64 checksum of whole bytes (known answers, small bodies).
 * @example await checksumOf('CRC32', new TextEncoder().encode('abc')) // 'NSRBwg=='
 */
export async function checksumOf(algorithm: ChecksumAlgorithm, bytes: Uint8Array): Promise<string> {
  const hasher = createChecksumHasher(algorithm);
  hasher.update(bytes);
  return Buffer.from(await hasher.digest()).toString('base64');
}

/**
 * A multipart object's COMPOSITE checksum: the checksum of the concatenated binary checksums of
 * its parts, in part order, followed by `-N` (User Guide, "Checking object integrity": "checksum
 * of checksums"). SDKs do not validate such values against the body (s3-sse.md §5.5).
 * @example await compositeChecksum('CRC32', ['NSRBwg==', 'AAAAAA==']) // '…-2'
 */
export async function compositeChecksum(algorithm: ChecksumAlgorithm, partChecksums: readonly string[]): Promise<string> {
  const hasher = createChecksumHasher(algorithm);
  for (const part of partChecksums) hasher.update(Buffer.from(part, 'base64'));
  return `${Buffer.from(await hasher.digest()).toString('base64')}-${partChecksums.length}`;
}

/**
 * The checksum of a whole stream (a multipart object's FULL_OBJECT CRC, computed over its
 * plaintext parts in order: the CRC libraries offer no combination of part CRCs).
 * @example await checksumOfStream('CRC64NVME', object.Body)
 */
export async function checksumOfStream(algorithm: ChecksumAlgorithm, source: AsyncIterable<Uint8Array>): Promise<string> {
  const hasher = createChecksumHasher(algorithm);
  for await (const chunk of source) hasher.update(chunk);
  return Buffer.from(await hasher.digest()).toString('base64');
}

/**
 * CRC32 on zlib (Node.js 20.15 and 22.2 on): `crc32(bytes, previous)` continues a running value,
 * so a streamed body is checksummed chunk by chunk without being joined. A class: one is made per
 * write (the SDK sends a CRC32 with every PUT), with no closures made per write.
 */
class NativeCrc32 implements ChecksumHasher {
  readonly algorithm = 'CRC32' as const;
  #value = 0;

  update(bytes: Uint8Array): void {
    this.#value = crc32(bytes, this.#value);
  }

  async digest(): Promise<Uint8Array> {
    return this.digestSync();
  }

  digestSync(): Uint8Array {
    const out = new Uint8Array(4);
    new DataView(out.buffer).setUint32(0, this.#value >>> 0);
    return out;
  }
}

/** A node:crypto hash as a checksum hasher. */
class NodeHash implements ChecksumHasher {
  readonly algorithm: ChecksumAlgorithm;
  readonly #hash: Hash;

  constructor(algorithm: keyof typeof NODE_HASHES) {
    this.algorithm = algorithm;
    this.#hash = createHash(NODE_HASHES[algorithm]);
  }

  update(bytes: Uint8Array): void {
    this.#hash.update(bytes);
  }

  async digest(): Promise<Uint8Array> {
    return this.digestSync();
  }

  digestSync(): Uint8Array {
    return new Uint8Array(this.#hash.digest());
  }
}

/** One of the SDK's checksum classes as a checksum hasher. */
class Wrapped implements ChecksumHasher {
  readonly algorithm: ChecksumAlgorithm;
  readonly #checksum: { update(bytes: Uint8Array): void; digest(): Promise<Uint8Array> };

  constructor(algorithm: ChecksumAlgorithm, checksum: { update(bytes: Uint8Array): void; digest(): Promise<Uint8Array> }) {
    this.algorithm = algorithm;
    this.#checksum = checksum;
  }

  update(bytes: Uint8Array): void {
    this.#checksum.update(bytes);
  }

  digest(): Promise<Uint8Array> {
    return this.#checksum.digest();
  }
}
