/**
 * @module
 * SSE-S3: a fresh data key per object (the envelope draws it), wrapped by the service's current
 * root key, with the object's identity as the encryption context. Nothing the request sends takes
 * part; the root key generation is recorded in the sealed header itself.
 */

import type { StoredFields } from '../storage/types.ts';
import { type DataKeyProvider, type ObjectIdentity, type ObjectKeys, objectContext } from './data-key-provider.ts';
import type { SseS3RootKeys } from './root-keys.ts';

/**
 * The SSE-S3 data key provider.
 *
 * @example
 * ```ts
 * import { SseS3Provider, SseS3RootKeys } from '@strongbox/s3';
 * const provider = new SseS3Provider(await SseS3RootKeys.inMemory());
 * const keys = await provider.forSealing({ bucket: 'b', key: 'k' }, undefined);
 * ```
 */
export class SseS3Provider implements DataKeyProvider<undefined> {
  readonly mode = 'SSE-S3' as const;
  readonly #roots: SseS3RootKeys;

  constructor(roots: SseS3RootKeys) {
    this.#roots = roots;
  }

  async forSealing(object: ObjectIdentity, _request: undefined): Promise<ObjectKeys> {
    return this.#keys(object);
  }

  async forOpening(object: ObjectIdentity, _request: undefined, _stored: StoredFields): Promise<ObjectKeys> {
    return this.#keys(object);
  }

  #keys(object: ObjectIdentity): ObjectKeys {
    // The root keyring is shared by every object and outlives this read: nothing to wipe here.
    return { layers: [{ keyring: this.#roots, context: objectContext(object) }], fields: NO_FIELDS, dispose: disposeNothing };
  }
}

/** SSE-S3 stores no fields of its own (the root key generation is in the sealed header). */
const NO_FIELDS: StoredFields = Object.freeze({});

/** Shared by every object's keys: no closure made per request. */
function disposeNothing(): void {}
