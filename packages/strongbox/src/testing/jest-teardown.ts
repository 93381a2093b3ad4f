/**
 * @module
 * `strongbox/jest/teardown`: jest's `globalTeardown` module (jest takes one function per module):
 * stops the endpoint `strongbox/jest` started.
 *
 * @example
 * ```js
 * export default { globalSetup: 'strongbox/jest', globalTeardown: 'strongbox/jest/teardown' };
 * ```
 */

import { globalTeardown } from './jest.ts';

/** Jest calls it with `(globalConfig, projectConfig)`; neither is needed. */
const teardown: (globalConfig?: unknown, projectConfig?: unknown) => Promise<void> = () => globalTeardown();
export default teardown;
