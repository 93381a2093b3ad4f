/** Test helpers: MD5 through node:crypto, and SSE-C header trios. */

import { createHash, randomBytes } from 'node:crypto';
import type { CustomerKeyHeaders } from '../../src/index.ts';

/** The `Md5` the model takes, from node:crypto. */
export function md5(chunks: readonly Uint8Array[]): Uint8Array {
  const hash = createHash('md5');
  for (const chunk of chunks) hash.update(chunk);
  return new Uint8Array(hash.digest());
}

/** A fresh 32-byte key and the SSE-C headers an SDK would send for it. */
export function customerKeyHeaders(key: Uint8Array = new Uint8Array(randomBytes(32))): CustomerKeyHeaders & { raw: Uint8Array } {
  return { algorithm: 'AES256', key: Buffer.from(key).toString('base64'), keyMd5: Buffer.from(md5([key])).toString('base64'), raw: key };
}
