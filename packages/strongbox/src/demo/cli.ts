/**
 * @module
 * `strongbox demo`: its flags, and the run. In process by default (a `createStrongbox()` whose S3
 * object store the demo reads for the at-rest view), or against a running `strongbox serve` with
 * `--endpoint-url` (and its HTTPS listener with `--https-endpoint-url`, trusted with
 * `--ca-bundle`). The CLI loads this module only for `demo`, so `serve` never loads the SDK
 * clients it uses.
 */

import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { createMemoryObjectStore } from '@strongbox/s3';
import { EXIT_FAILURE, StrongboxError } from '../errors.ts';
import { flagsGiven } from '../info-flags.ts';
import { joinNegativeNumbers } from '../negative-values.ts';
import type { CliIo } from '../serve.ts';
import { createStrongbox } from '../strongbox.ts';
import { withSuggestion } from '../suggest.ts';
import { VERSION } from '../version.ts';
import type { DemoTarget } from './context.ts';
import { HeldClock } from './held-clock.ts';
import { runDemo } from './run.ts';
import { DEFAULT_BURST } from './throttling.ts';
import { explainUnreachable } from './unreachable.ts';

/** `strongbox demo --help`. */
export const DEMO_USAGE: string = `Usage: strongbox demo [options]

Walks through SSE-S3, SSE-KMS (with and without an S3 Bucket Key), SSE-C, CSE-KMS and CSE-C with
the official AWS SDK and the S3 Encryption Client, and prints for each what the client sent and
got back, what S3 stored, the round trip, and the KMS calls and audit events it caused; then an
HTTPS-only bucket policy refusing a plain request, and KMS throttling under a burst.

By default it runs in process (no port), where it also shows the sealed records S3 keeps and
lists S3's object calls (data events) in the audit tables beside the KMS calls they caused.

Options:
  --endpoint-url URL        run against a running strongbox serve (http:// or https://)
  --https-endpoint-url URL  its HTTPS listener (strongbox serve --https-port N), when
                            --endpoint-url is the plain one: SSE-KMS and SSE-C need TLS
  --ca-bundle FILE          the certificate to trust for https:// (serve prints its path)
  --region REGION           Region (default us-east-1)
  --burst N                 GenerateDataKey calls in the throttling burst (default ${DEFAULT_BURST})
  -v, --version             print the version of strongbox
  -h, --help                show this help
`;

/** The `demo` command line, checked. */
export interface DemoArgs {
  readonly help: boolean;
  /** `--version`: print the version and exit, as `strongbox --version` does. */
  readonly version: boolean;
  readonly endpoint?: string;
  readonly httpsEndpoint?: string;
  readonly caBundle?: string;
  readonly region: string;
  readonly burst: number;
}

const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;
/** The options of `demo` as `parseArgs` takes them. */
const DEMO_OPTIONS = {
  'endpoint-url': { type: 'string' },
  'https-endpoint-url': { type: 'string' },
  'ca-bundle': { type: 'string' },
  region: { type: 'string' },
  burst: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
} as const;
/** The flags `parseDemoArgs` takes, for "did you mean" on a typo. */
const DEMO_FLAGS = Object.keys(DEMO_OPTIONS);

/**
 * Parses and checks the arguments after `demo`.
 * @throws StrongboxError USAGE (exit 2) naming the first problem.
 * @example parseDemoArgs(['--endpoint-url', 'http://localhost:4566']).endpoint // 'http://localhost:4566'
 */
export function parseDemoArgs(args: readonly string[]): DemoArgs {
  // --help and --version answer whatever else the line holds (info-flags.ts).
  const asked = flagsGiven(args, DEMO_OPTIONS, ['help', 'version']);
  if (asked.size > 0) return { ...parseDemoArgs([]), help: asked.has('help'), version: asked.has('version') };
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({
      args: joinNegativeNumbers(args, ['endpoint-url', 'https-endpoint-url', 'ca-bundle', 'region', 'burst']),
      strict: true,
      allowPositionals: false,
      options: DEMO_OPTIONS,
    }).values;
  } catch (error) {
    const first = ((error as Error).message.split('\n')[0] ?? '').replace(/\. This command does not take positional arguments$/, '');
    return usage(withSuggestion(first.charAt(0).toLowerCase() + first.slice(1), DEMO_FLAGS, args));
  }
  const endpoint = values['endpoint-url'] as string | undefined;
  const httpsEndpoint = values['https-endpoint-url'] as string | undefined;
  const caBundle = values['ca-bundle'] as string | undefined;
  for (const [flag, url] of [
    ['--endpoint-url', endpoint],
    ['--https-endpoint-url', httpsEndpoint],
  ] as const) {
    if (url !== undefined && !/^https?:\/\/[^/\s]+\/?$/.test(url)) usage(`${flag} expected a URL such as http://localhost:4566, got '${url}'`);
  }
  if (httpsEndpoint !== undefined && !httpsEndpoint.startsWith('https://')) usage(`--https-endpoint-url expected an https:// URL, got '${httpsEndpoint}'`);
  if (httpsEndpoint !== undefined && endpoint === undefined) usage('--https-endpoint-url needs --endpoint-url');
  if (caBundle !== undefined && endpoint === undefined) usage('--ca-bundle needs --endpoint-url');
  if (caBundle === '') usage('--ca-bundle expected a path');
  const region = (values['region'] as string | undefined) ?? 'us-east-1';
  if (!REGION.test(region)) usage(`--region expected a Region name such as us-east-1, got '${region}'`);
  const burstText = (values['burst'] as string | undefined) ?? String(DEFAULT_BURST);
  if (!/^\d{1,4}$/.test(burstText) || Number(burstText) < 1) usage(`--burst expected a number from 1 to 9999, got '${burstText}'`);
  return {
    help: values['help'] === true,
    version: values['version'] === true,
    region,
    burst: Number(burstText),
    ...(endpoint === undefined ? {} : { endpoint: endpoint.replace(/\/$/, '') }),
    ...(httpsEndpoint === undefined ? {} : { httpsEndpoint: httpsEndpoint.replace(/\/$/, '') }),
    ...(caBundle === undefined ? {} : { caBundle }),
  };
}

/**
 * Runs `strongbox demo`.
 * @returns the exit code: 0 when every check held, 1 otherwise.
 * @throws StrongboxError USAGE (exit 2: flags) or RUN_FAILED (exit 1: an unreadable --ca-bundle, an
 *   endpoint that cannot be reached or whose certificate is not trusted).
 */
export async function runDemoCommand(args: readonly string[], io: CliIo & { readonly style?: boolean }): Promise<number> {
  const flags = parseDemoArgs(args);
  if (flags.help) {
    io.stdout(DEMO_USAGE);
    return 0;
  }
  if (flags.version) {
    io.stdout(`${VERSION}\n`);
    return 0;
  }
  // Styled only on a terminal that wants it (https://no-color.org).
  const style = io.style ?? (process.stdout.isTTY === true && process.env['NO_COLOR'] === undefined);
  const common = { write: io.stdout, burst: flags.burst, style };
  if (flags.endpoint !== undefined) {
    const target: DemoTarget = {
      kind: 'remote',
      endpoint: flags.endpoint,
      region: flags.region,
      ...(flags.httpsEndpoint === undefined ? {} : { httpsEndpoint: flags.httpsEndpoint }),
      ...(flags.caBundle === undefined ? {} : { ca: await readCa(flags.caBundle) }),
    };
    try {
      return (await runDemo({ ...common, target })).ok ? 0 : EXIT_FAILURE;
    } catch (error) {
      const endpoints = [flags.endpoint, ...(flags.httpsEndpoint === undefined ? [] : [flags.httpsEndpoint])];
      throw explainUnreachable(error, endpoints, flags.caBundle !== undefined) ?? error;
    }
  }
  const store = await createMemoryObjectStore();
  const clock = new HeldClock();
  // Data events on: each step's audit table shows the S3 object call beside the KMS calls it
  // caused (serve leaves them off, as a trail does by default; the report says which).
  const strongbox = await createStrongbox({ region: flags.region, s3Store: store, clock, s3DataEvents: true });
  try {
    return (await runDemo({ ...common, target: { kind: 'in-process', strongbox, store, clock } })).ok ? 0 : EXIT_FAILURE;
  } finally {
    await strongbox.close();
    await store.close();
  }
}

async function readCa(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new StrongboxError('RUN_FAILED', `cannot read --ca-bundle '${path}': ${(error as Error).message}`);
  }
}

function usage(message: string): never {
  throw new StrongboxError('USAGE', `${message} (see strongbox demo --help)`);
}
