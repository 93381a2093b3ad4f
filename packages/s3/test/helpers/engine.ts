/** Test helpers for the S3 engine: SSE-C members as an SDK sends them, and bodies read back. */

import { randomBytes } from 'node:crypto';
import type { SseCustomerMembers } from '../../src/index.ts';
import { md5 } from './md5.ts';

/** A fresh (or given) 32-byte key and the SSE-C members an SDK would send for it. */
export function sseC(key: Uint8Array = new Uint8Array(randomBytes(32))): Required<SseCustomerMembers> & { raw: Uint8Array } {
  return {
    SSECustomerAlgorithm: 'AES256',
    SSECustomerKey: Buffer.from(key).toString('base64'),
    SSECustomerKeyMD5: Buffer.from(md5([key])).toString('base64'),
    raw: key,
  };
}

/** The members only (no `raw`), for a request. */
export function members(trio: ReturnType<typeof sseC>): SseCustomerMembers {
  return { SSECustomerAlgorithm: trio.SSECustomerAlgorithm, SSECustomerKey: trio.SSECustomerKey, SSECustomerKeyMD5: trio.SSECustomerKeyMD5 };
}

/** Base64 MD5 of bytes (a Content-MD5 or an SSE-S3 ETag's source). */
export function md5Base64(bytes: Uint8Array): string {
  return Buffer.from(md5([bytes])).toString('base64');
}

/** Hex MD5 of bytes, quoted as an ETag. */
export function md5Etag(bytes: Uint8Array): string {
  return `"${Buffer.from(md5([bytes])).toString('hex')}"`;
}
