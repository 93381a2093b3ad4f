/**
 * @module
 * `strongbox/vitest`: Strongbox for a vitest run.
 *
 * As the global setup (`globalSetup: ['strongbox/vitest']` in `vitest.config.ts`) it starts one
 * endpoint on a free port before the run, provides its settings to the tests
 * (`inject('strongbox')`), sets `AWS_ENDPOINT_URL`, `AWS_REGION`, `AWS_ACCESS_KEY_ID` and
 * `AWS_SECRET_ACCESS_KEY` for the code under test, and stops it after the run. With options of
 * your own: a setup file whose default export is `strongboxGlobalSetup({ region: 'eu-west-1' })`.
 *
 * In tests: `resetStrongbox()` (per-test isolation through the admin API) and `freshStrongbox()`
 * (an in-process `createStrongbox()` of the test's own, closed when the test ends).
 *
 * @example
 * ```ts
 * // vitest.config.ts
 * export default defineConfig({ test: { globalSetup: ['strongbox/vitest'] } });
 *
 * // a test
 * import { inject, beforeEach, it } from 'vitest';
 * import { resetStrongbox } from 'strongbox/vitest';
 * beforeEach(() => resetStrongbox());
 * it('talks to S3', async () => {
 *   const s3 = new S3Client({ endpoint: inject('strongbox').endpoint, forcePathStyle: true });
 * });
 * ```
 */

import type {} from 'vitest';
import type { ServerOptions } from '../server.ts';
import { createStrongbox, type Strongbox } from '../strongbox.ts';
import { type StrongboxSettings, startTestEndpoint } from './endpoint.ts';

export { type ResetOptions, resetStrongbox, type StrongboxSettings, settingsFromEnvironment } from './endpoint.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The Strongbox endpoint `strongbox/vitest`'s global setup started. */
    strongbox: StrongboxSettings;
  }
}

/** What vitest hands a global setup (its `TestProject`; only `provide` is used). */
export interface GlobalSetupContext {
  provide(key: 'strongbox', value: StrongboxSettings): void;
}

/**
 * A vitest global setup that starts Strongbox with `options` (see the module documentation).
 * @example export default strongboxGlobalSetup({ region: 'eu-west-1', quotas: false });
 */
export function strongboxGlobalSetup(options: ServerOptions = {}): (context: GlobalSetupContext) => Promise<() => Promise<void>> {
  return async (context) => {
    const endpoint = await startTestEndpoint(options);
    context.provide('strongbox', endpoint.settings);
    return () => endpoint.stop();
  };
}

/**
 * The default global setup: Strongbox with its defaults (`us-east-1`, memory, `test`/`test`).
 * @throws as `startServer`.
 */
const setup: (context: GlobalSetupContext) => Promise<() => Promise<void>> = strongboxGlobalSetup();
export default setup;

/**
 * An in-process emulator of the current test's own (no port, no shared state), closed when the
 * test ends (vitest's `onTestFinished`). Call it inside a test.
 * @throws as `createStrongbox`; Error when called outside a running test.
 * @example
 * ```ts
 * it('encrypts', async () => {
 *   const sb = await freshStrongbox();
 *   const kms = new KMSClient(sb.clientConfig);
 * });
 * ```
 */
export async function freshStrongbox(options: Parameters<typeof createStrongbox>[0] = {}): Promise<Strongbox> {
  // Loaded here, not at the top: the global setup runs this module outside any test worker.
  const { onTestFinished } = await import('vitest');
  const sb = await createStrongbox(options);
  onTestFinished(() => sb.close());
  return sb;
}
