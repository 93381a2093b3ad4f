/**
 * @module
 * What the test-runner helpers share: an endpoint started for a whole test run (port 0, so runs
 * side by side never collide), the settings code under test needs, put in the environment
 * variables the AWS SDKs and CLI read, and the per-test controls (`resetStrongbox`).
 */

import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import { ADMIN_PREFIX, RESET_PATH } from '../admin.ts';
import { ADMIN_SIGNING_NAME } from '../admin-auth.ts';
import { type ServerOptions, startServer } from '../server.ts';

/** Where the endpoint of a test run is, and how to sign for it. */
export interface StrongboxSettings {
  /** `http://127.0.0.1:<port>`: the value of `AWS_ENDPOINT_URL`. */
  readonly endpoint: string;
  readonly region: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** `<endpoint>/_strongbox/`: the admin API (clock, faults, reset, quotas). */
  readonly adminUrl: string;
}

/** The environment variables the helpers set (and restore at teardown). */
export const SETTINGS_ENVIRONMENT: readonly string[] = Object.freeze([
  'AWS_ENDPOINT_URL',
  'AWS_REGION',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'STRONGBOX_ENDPOINT_URL',
]);

/** A started endpoint and how to stop it. */
export interface TestEndpoint {
  readonly settings: StrongboxSettings;
  /** Stops the endpoint and restores the environment variables as they were. Idempotent. */
  stop(): Promise<void>;
}

/**
 * Starts the endpoint for a test run and sets `AWS_ENDPOINT_URL`, `AWS_REGION`,
 * `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` (the `test`/`test` key) and
 * `STRONGBOX_ENDPOINT_URL` for the code under test (workers started afterwards inherit them).
 * @throws as `startServer` (a data directory that cannot be opened, a seed that does not fit).
 * @example
 * ```ts
 * const { settings, stop } = await startTestEndpoint();
 * await stop();
 * ```
 */
export async function startTestEndpoint(options: ServerOptions = {}): Promise<TestEndpoint> {
  const server = await startServer({ port: 0, ...options });
  const settings: StrongboxSettings = Object.freeze({
    endpoint: server.url,
    region: options.region ?? 'us-east-1',
    accessKeyId: 'test',
    secretAccessKey: 'test',
    adminUrl: `${server.url}${ADMIN_PREFIX}`,
  });
  const previous = new Map(SETTINGS_ENVIRONMENT.map((name) => [name, process.env[name]]));
  process.env.AWS_ENDPOINT_URL = settings.endpoint;
  process.env.AWS_REGION = settings.region;
  process.env.AWS_ACCESS_KEY_ID = settings.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY = settings.secretAccessKey;
  process.env.STRONGBOX_ENDPOINT_URL = settings.endpoint;
  let stopping: Promise<void> | undefined;
  return {
    settings,
    stop() {
      stopping ??= (async () => {
        for (const [name, value] of previous) {
          if (value === undefined) delete process.env[name];
          else process.env[name] = value;
        }
        await server.close();
      })();
      return stopping;
    },
  };
}

/**
 * The settings from the environment the global setup left (`STRONGBOX_ENDPOINT_URL` and the
 * `AWS_*` variables).
 * @throws Error when no Strongbox global setup ran (no `STRONGBOX_ENDPOINT_URL`).
 * @example const { endpoint } = settingsFromEnvironment();
 */
export function settingsFromEnvironment(environment: NodeJS.ProcessEnv = process.env): StrongboxSettings {
  const endpoint = environment.STRONGBOX_ENDPOINT_URL;
  if (endpoint === undefined || endpoint === '') {
    throw new Error('no Strongbox endpoint: STRONGBOX_ENDPOINT_URL is not set (add the strongbox global setup to the test runner configuration)');
  }
  return {
    endpoint,
    region: environment.AWS_REGION ?? 'us-east-1',
    accessKeyId: environment.AWS_ACCESS_KEY_ID ?? 'test',
    secretAccessKey: environment.AWS_SECRET_ACCESS_KEY ?? 'test',
    adminUrl: `${endpoint}${ADMIN_PREFIX}`,
  };
}

/** Where `resetStrongbox` sends the reset, and whose key signs it. */
export interface ResetOptions {
  /** The endpoint (default: the global setup's, `STRONGBOX_ENDPOINT_URL`). */
  readonly endpoint?: string;
  /** Region of the signature's credential scope (default: the global setup's; `us-east-1` with an `endpoint` given). */
  readonly region?: string;
  /**
   * The key that signs the reset (default: the global setup's, `test`/`test`; `test`/`test` with
   * an `endpoint` given). Under `--strict-auth`,
   * a users-file key whose identity policy allows `strongbox:Reset`: no key is allowed implicitly.
   */
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
}

/**
 * Returns the running endpoint to a fresh state through the admin API (`POST /_strongbox/reset`):
 * keys, buckets, objects, the trail, counters, faults and the clock. For per-test isolation
 * (`beforeEach(() => resetStrongbox())`); test files that share the endpoint must then not run
 * concurrently with each other.
 *
 * The request is SigV4-signed (service `strongbox`) with the settings' key or `credentials`, so it
 * also works against an endpoint started with `strictAuth` (given a key allowed `strongbox:Reset`);
 * the default mode ignores the signature. Like an AWS SDK, it signs once more at the endpoint's
 * time when the first signature is refused as expired (a test moved the emulator's clock).
 * @throws Error with the admin API's answer when the reset is refused or fails.
 * @example
 * ```ts
 * beforeEach(() => resetStrongbox());
 * beforeEach(() => resetStrongbox({ credentials: { accessKeyId: 'AKIAOPS', secretAccessKey: 'ops-secret' } })); // strictAuth
 * ```
 */
export async function resetStrongbox(options: string | ResetOptions = {}): Promise<void> {
  const given: ResetOptions = typeof options === 'string' ? { endpoint: options } : options;
  // An endpoint given by the caller is not the global setup's: its key is `test`/`test` unless given.
  const settings = given.endpoint === undefined ? settingsFromEnvironment() : undefined;
  const endpoint = given.endpoint ?? (settings as StrongboxSettings).endpoint;
  const region = given.region ?? settings?.region ?? 'us-east-1';
  const credentials = given.credentials ?? { accessKeyId: settings?.accessKeyId ?? 'test', secretAccessKey: settings?.secretAccessKey ?? 'test' };
  const url = new URL(RESET_PATH, endpoint);
  const signer = new SignatureV4({ service: ADMIN_SIGNING_NAME, region, credentials, sha256: Hash.bind(null, 'sha256'), uriEscapePath: true });
  const send = async (signingDate: Date): Promise<Response> => {
    const signed = await signer.sign(
      { method: 'POST', protocol: url.protocol, hostname: url.hostname, path: url.pathname, query: {}, headers: { host: url.host }, body: '' },
      { signingDate },
    );
    // fetch sets Host itself (from the URL, as signed); it refuses to be given one.
    const { host: _host, ...headers } = signed.headers as Record<string, string>;
    return fetch(url, { method: 'POST', headers });
  };
  let response = await send(new Date());
  if (response.status === 403) {
    const refusal = await response.text();
    const date = Date.parse(response.headers.get('date') ?? '');
    // The emulator's clock was moved: sign at its time, as the SDKs correct their clock skew.
    if (!/Signature expired/.test(refusal) || Number.isNaN(date)) throw new Error(`POST ${RESET_PATH} answered 403: ${refusal}`);
    response = await send(new Date(date));
  }
  if (!response.ok) throw new Error(`POST ${RESET_PATH} answered ${response.status}: ${await response.text()}`);
  await response.arrayBuffer().catch(() => undefined);
}
