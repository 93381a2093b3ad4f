/**
 * The server-side encryption modes a write can ask for, as the property suites draw them
 * (`service/s3.test.ts`, `service/multipart.property.test.ts`), and the request members of each.
 */

import type { SseWriteMembers } from '../../src/index.ts';
import { members, type sseC } from './engine.ts';

/** Every mode a write can ask for: SSE-S3 named or by the bucket default, SSE-C, SSE-KMS with or without a bucket key, DSSE-KMS. */
export const WRITE_MODES = ['SSE-S3', 'SSE-S3 default', 'SSE-C', 'SSE-KMS', 'SSE-KMS bucket key', 'DSSE-KMS'] as const;

/** One of `WRITE_MODES`. */
export type WriteMode = (typeof WRITE_MODES)[number];

/**
 * The members of a write in `mode`: SSE-C under `customer`'s key; SSE-KMS and DSSE-KMS under the
 * AWS managed key aws/s3 of the engine's own KMS.
 * @example writeMembers('SSE-KMS bucket key', sseC()) // { ServerSideEncryption: 'aws:kms', BucketKeyEnabled: true }
 */
export function writeMembers(mode: WriteMode, customer: ReturnType<typeof sseC>): SseWriteMembers {
  switch (mode) {
    case 'SSE-C':
      return members(customer);
    case 'SSE-S3':
      return { ServerSideEncryption: 'AES256' };
    case 'SSE-S3 default':
      return {};
    case 'SSE-KMS':
      return { ServerSideEncryption: 'aws:kms' };
    case 'SSE-KMS bucket key':
      return { ServerSideEncryption: 'aws:kms', BucketKeyEnabled: true };
    case 'DSSE-KMS':
      return { ServerSideEncryption: 'aws:kms:dsse' };
  }
}
