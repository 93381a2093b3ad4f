/**
 * @module
 * `strongbox/jest`: Strongbox for a jest run. Jest has no `provide`: the global setup sets the
 * environment variables (`AWS_ENDPOINT_URL`, `AWS_REGION`, `AWS_ACCESS_KEY_ID`,
 * `AWS_SECRET_ACCESS_KEY`, `STRONGBOX_ENDPOINT_URL`), which the test workers inherit, and writes
 * the settings to a small JSON file (`STRONGBOX_SETTINGS_FILE`, in jest's cache directory) for
 * tools that do not share the environment. The teardown (`strongbox/jest/teardown`) stops the
 * endpoint, found on `globalThis` (jest runs both in its parent process), and removes the file.
 * `strongbox` is an ES module: jest runs it with `NODE_OPTIONS=--experimental-vm-modules`, and
 * one worker (`maxWorkers: 1`) keeps one test file's reset from emptying another's state.
 *
 * @example
 * ```js
 * // jest.config.js
 * export default { globalSetup: 'strongbox/jest', globalTeardown: 'strongbox/jest/teardown', maxWorkers: 1, transform: {} };
 *
 * // a test
 * import { resetStrongbox, strongboxSettings } from 'strongbox/jest';
 * beforeEach(() => resetStrongbox());
 * test('talks to KMS', async () => {
 *   const kms = new KMSClient({ endpoint: strongboxSettings().endpoint });
 * });
 * ```
 */

import { mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ServerOptions } from '../server.ts';
import { type StrongboxSettings, settingsFromEnvironment, startTestEndpoint, type TestEndpoint } from './endpoint.ts';

export { type ResetOptions, resetStrongbox, type StrongboxSettings } from './endpoint.ts';

/** The settings file's environment variable. */
export const SETTINGS_FILE_VARIABLE = 'STRONGBOX_SETTINGS_FILE';

/** What the setup keeps for the teardown, on `globalThis`. */
const RUNNING: unique symbol = Symbol.for('strongbox.jest.endpoint');

interface Running {
  readonly endpoint: TestEndpoint;
  readonly file: string;
}

/** The parts of jest's project configuration the setup reads. */
export interface JestProjectConfig {
  readonly cacheDirectory?: string;
}

/**
 * A jest global setup that starts Strongbox with `options`.
 * @example export default strongboxGlobalSetup({ region: 'eu-west-1' }); // a globalSetup file of your own
 */
export function strongboxGlobalSetup(options: ServerOptions = {}): (globalConfig?: unknown, projectConfig?: JestProjectConfig) => Promise<void> {
  return async (_globalConfig, projectConfig) => {
    const endpoint = await startTestEndpoint(options);
    const directory = projectConfig?.cacheDirectory ?? tmpdir();
    const file = join(directory, `strongbox-settings-${process.pid}.json`);
    try {
      await mkdir(directory, { recursive: true });
      await writeFile(file, `${JSON.stringify(endpoint.settings, null, 2)}\n`, { mode: 0o600 });
    } catch (error) {
      await endpoint.stop();
      throw error;
    }
    process.env[SETTINGS_FILE_VARIABLE] = file;
    (globalThis as Record<symbol, Running | undefined>)[RUNNING] = { endpoint, file };
  };
}

/**
 * The default global setup (Strongbox's defaults).
 * @throws as `startServer`; the file system's error when the settings file cannot be written.
 */
export const globalSetup: (globalConfig?: unknown, projectConfig?: JestProjectConfig) => Promise<void> = strongboxGlobalSetup();
export default globalSetup;

/**
 * The global teardown: stops the endpoint the setup started, removes the settings file and
 * restores the environment. Does nothing if no setup ran.
 * @example await globalTeardown();
 */
export async function globalTeardown(): Promise<void> {
  const holder = globalThis as Record<symbol, Running | undefined>;
  const running = holder[RUNNING];
  if (running === undefined) return;
  holder[RUNNING] = undefined;
  delete process.env[SETTINGS_FILE_VARIABLE];
  await rm(running.file, { force: true });
  await running.endpoint.stop();
}

/**
 * The settings of the endpoint the global setup started (from the environment).
 * @throws Error when no Strongbox global setup ran.
 * @example new KMSClient({ endpoint: strongboxSettings().endpoint })
 */
export function strongboxSettings(): StrongboxSettings {
  return settingsFromEnvironment();
}
