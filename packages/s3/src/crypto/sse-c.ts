/**
 * @module
 * SSE-C: the customer's key wraps each object's data key (raw AES keyring, context bound) and is
 * never stored. To answer a wrong key with S3's 403 rather than a decryption failure, the object
 * keeps a verifier: a random 16-byte salt and HMAC-SHA-256(salt, key), compared in constant time.
 * With a 256-bit key the verifier reveals nothing usable about it; the salt makes verifiers of the
 * same key on two objects unlinkable. (S3 itself keeps "a randomly salted HMAC value of the
 * encryption key to validate future requests": UG `ServerSideEncryptionCustomerKeys`.)
 */

import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { S3Error } from '../errors.ts';
import type { StoredFields } from '../storage/types.ts';
import type { DataKeyProvider, ObjectIdentity, ObjectKeys } from './data-key-provider.ts';
import { objectContext } from './data-key-provider.ts';
import { rawAesKeyring } from './envelope-adapter.ts';

/** Stored field names of the verifier. */
export const SSE_C_FIELDS: Readonly<{ salt: string; hmac: string }> = Object.freeze({ salt: 'sse-c-key-salt', hmac: 'sse-c-key-hmac' });

const SALT_LENGTH = 16;

/** What an SSE-C read or write brings: the checked 32-byte customer key (borrowed, not kept). */
export interface SseCRequest {
  readonly customerKey: Uint8Array;
}

/** A stored key verifier. */
export interface CustomerKeyVerifier {
  /** Base64 of the salt. */
  readonly salt: string;
  /** Base64 of HMAC-SHA-256(salt, key). */
  readonly hmac: string;
}

/**
 * Makes a verifier for `key` with a fresh salt.
 *
 * @example
 * ```ts
 * import { createCustomerKeyVerifier, verifyCustomerKey } from '@strongbox/s3';
 * const verifier = createCustomerKeyVerifier(key);
 * verifyCustomerKey(key, verifier); // true
 * ```
 */
export function createCustomerKeyVerifier(key: Uint8Array, salt: Uint8Array = randomBytes(SALT_LENGTH)): CustomerKeyVerifier {
  return { salt: Buffer.from(salt).toString('base64'), hmac: createHmac('sha256', salt).update(key).digest('base64') };
}

/**
 * Whether `key` is the key `verifier` was made from (constant time in the key).
 *
 * @example
 * ```ts
 * import { verifyCustomerKey } from '@strongbox/s3';
 * verifyCustomerKey(otherKey, verifier); // false
 * ```
 */
export function verifyCustomerKey(key: Uint8Array, verifier: CustomerKeyVerifier): boolean {
  const expected = Buffer.from(verifier.hmac, 'base64');
  const actual = createHmac('sha256', Buffer.from(verifier.salt, 'base64')).update(key).digest();
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

/**
 * Reads a verifier back from stored fields.
 * @throws Error if the fields lack one (the object was not stored as SSE-C: a bug upstream).
 */
export function storedCustomerKeyVerifier(stored: StoredFields): CustomerKeyVerifier {
  const salt = stored[SSE_C_FIELDS.salt];
  const hmac = stored[SSE_C_FIELDS.hmac];
  if (salt === undefined || hmac === undefined) throw new Error('the object has no SSE-C key verifier');
  return { salt, hmac };
}

/**
 * The SSE-C data key provider.
 *
 * @example
 * ```ts
 * import { SseCProvider } from '@strongbox/s3';
 * const provider = new SseCProvider();
 * const keys = await provider.forSealing({ bucket: 'b', key: 'k' }, { customerKey });
 * ```
 */
export class SseCProvider implements DataKeyProvider<SseCRequest> {
  readonly mode = 'SSE-C' as const;

  async forSealing(object: ObjectIdentity, request: SseCRequest): Promise<ObjectKeys> {
    const verifier = createCustomerKeyVerifier(request.customerKey);
    return this.#keys(object, request, { [SSE_C_FIELDS.salt]: verifier.salt, [SSE_C_FIELDS.hmac]: verifier.hmac });
  }

  /** @throws S3Error SseCWrongKey (403) if the key is not the one the object was stored with. */
  async forOpening(object: ObjectIdentity, request: SseCRequest, stored: StoredFields): Promise<ObjectKeys> {
    if (!verifyCustomerKey(request.customerKey, storedCustomerKeyVerifier(stored))) throw new S3Error('SseCWrongKey');
    return this.#keys(object, request, {});
  }

  #keys(object: ObjectIdentity, request: SseCRequest, fields: StoredFields): ObjectKeys {
    const keyring = rawAesKeyring('sse-c', request.customerKey);
    return { layers: [{ keyring, context: objectContext(object) }], fields, dispose: () => keyring.destroy() };
  }
}
