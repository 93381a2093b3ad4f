/**
 * @module
 * The backend every function uses when its `backend` option is omitted, chosen by the package's
 * `imports` map (`#default-backend`) rather than by a runtime check.
 */

import platformBackend from '#default-backend';
import type { Backend } from './backend/types.ts';

/**
 * The platform's default backend: the `node:crypto` one (`nodeBackend`) under Node.js, through the
 * `node` condition of `#default-backend`, and the portable noble one (`nobleBackend`) everywhere
 * else. `seal`, `open`, the streams, `openRange` and `RawAesKeyring` use it when `backend` is
 * omitted; code that needs the same primitives (a KMS emulator, say) can take it from here.
 *
 * @example
 * ```ts
 * import { defaultBackend } from '@strongbox/envelope';
 * console.log(defaultBackend.name); // 'node' under Node.js, 'noble' elsewhere
 * const nonce = defaultBackend.randomBytes(12);
 * ```
 */
export const defaultBackend: Backend = platformBackend;
