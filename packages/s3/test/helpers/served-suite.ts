/**
 * One engine served on a loopback port with a bucket created (see `served`), shared by a whole
 * suite: served before its first test, closed after its last.
 */

import { afterAll, beforeAll } from 'vitest';
import { type ServedEngine, served, type WireOptions } from './wire.ts';

/**
 * `served(bucket, options)` for the suite this is called in. Read the members inside the tests
 * (they are set once `beforeAll` has run).
 * @example const endpoint = servedForSuite('forms', { strict: true }); it('…', async () => fetch(endpoint.server.url));
 */
export function servedForSuite(bucket: string, options: WireOptions = {}): ServedEngine {
  const endpoint = {} as ServedEngine;
  beforeAll(async () => {
    Object.assign(endpoint, await served(bucket, options));
  });
  afterAll(async () => {
    // Unset when `served` failed: nothing to close.
    await (endpoint as Partial<ServedEngine>).close?.();
  });
  return endpoint;
}
