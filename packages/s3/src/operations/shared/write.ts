/**
 * @module
 * The keys a new object is sealed with, for the encryption a write decided (CopyObject's
 * destination): a fresh SSE-S3 data key, or one wrapped by the request's SSE-C key (wiped here
 * once used). SSE-KMS and DSSE-KMS answer 501 NotImplemented until they are built, as PutObject
 * does, before anything is stored.
 */

import type { ObjectKeys } from '../../crypto/index.ts';
import type { DecidedEncryption } from '../../model/encryption.ts';
import type { AtRestCrypto } from '../types.ts';
import { notBuilt } from './objects.ts';

/** Sealing keys and what the response echoes for them. */
export interface WriteKeys {
  /** The caller disposes them. */
  readonly keys: ObjectKeys;
  /** SSE-C: the request's key MD5, echoed (never stored). */
  readonly customerKeyMd5: string | undefined;
}

/**
 * The keys to seal `bucket/key` with under `decided`.
 * @throws S3Error NotImplemented for SSE-KMS and DSSE-KMS.
 */
export async function writeKeys(decided: DecidedEncryption, bucket: string, key: string, crypto: AtRestCrypto): Promise<WriteKeys> {
  const object = { bucket, key };
  switch (decided.mode) {
    case 'SSE-S3':
      return { keys: await crypto.sseS3.forSealing(object, undefined), customerKeyMd5: undefined };
    case 'SSE-C': {
      const customerKey = decided.customerKey.key;
      try {
        return { keys: await crypto.sseC.forSealing(object, { customerKey }), customerKeyMd5: decided.customerKey.keyMd5 };
      } finally {
        customerKey.fill(0);
      }
    }
    default:
      throw notBuilt(decided.mode);
  }
}
