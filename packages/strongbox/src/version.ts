/**
 * @module
 * The `strongbox` package's version, read from its own `package.json` (one source of truth: the
 * file `pnpm pack` ships, next to `src/` and `dist/` alike).
 */

import { createRequire } from 'node:module';

/** The version in `package.json`, e.g. `0.1.0`. */
export const VERSION: string = (createRequire(import.meta.url)('../package.json') as { version: string }).version;
