/**
 * @module
 * `strongbox serve` flags: parsed with `node:util` `parseArgs` in strict mode (unknown flags and
 * stray arguments are errors, not ignored) and checked before anything is opened, so a typo never
 * starts a server with defaults the user did not ask for.
 */

import { parseArgs } from 'node:util';
import { StrongboxError } from './errors.ts';
import { flagsGiven } from './info-flags.ts';
import { joinNegativeNumbers } from './negative-values.ts';
import { withSuggestion } from './suggest.ts';

/** The `serve` command line, checked. */
export interface ServeArgs {
  readonly help: boolean;
  /** `--version`: print the version and exit, as `strongbox --version` does. */
  readonly version: boolean;
  readonly port: number;
  readonly host: string;
  readonly region: string;
  readonly account: string;
  readonly data?: string;
  readonly users?: string;
  readonly seed?: string;
  /**
   * `false` for `--no-quotas`; else the profile of `--quotas`, the scale of `--quota-scale` and the
   * key quota of `--key-quota` (with `enabled: false` when `--no-quotas` comes with it);
   * `undefined` for the default (AWS's shared cryptographic quotas, 100,000 keys).
   */
  readonly quotas?: false | ServeQuotas;
  readonly strictAuth: boolean;
  /** `--s3-data-events`: S3 object-level calls are recorded in the trail (LookupEvents shows them). */
  readonly s3DataEvents: boolean;
  /** `--upstream-*`: S3 objects' sealed bytes go to this S3-compatible bucket (needs `--data`). */
  readonly upstream?: { readonly bucket: string; readonly endpoint?: string; readonly prefix?: string; readonly region?: string };
  /** `--quiet`: no per-request log line. */
  readonly quiet: boolean;
  /** `--shutdown-timeout`: seconds a stop waits for requests in flight before closing their connections. */
  readonly shutdownTimeoutSeconds: number;
  /** `--https-port`: an HTTPS listener beside the HTTP one. */
  readonly httpsPort?: number;
  /** `--tls-cert`/`--tls-key`: the HTTPS listener's certificate and key (PEM files), given together. */
  readonly tlsCert?: string;
  readonly tlsKey?: string;
}

/** The quota setting the command line asks for (a `QuotaOptions` of `@strongbox/kms`). */
export interface ServeQuotas {
  /** `false` for `--no-quotas` with `--key-quota`: no throttling, a key quota still. */
  readonly enabled?: false;
  readonly profile?: 'cryptographic' | 'aws';
  readonly scale?: number;
  /** `--key-quota`: customer managed keys per account and Region. */
  readonly customerManagedKeys?: number;
}

/** `strongbox serve --help`. */
export const SERVE_USAGE: string = `Usage: strongbox serve [options]

Serves KMS (AWS JSON 1.1), S3 (REST-XML), CloudTrail LookupEvents and STS GetCallerIdentity,
with SigV4, on one HTTP port (and on an HTTPS port beside it with --https-port).

Options:
  --port N            TCP port, 0 for any free port (default 4566)
  --https-port N      also serve HTTPS on port N (0 for any free port), with a self-signed
                      certificate for localhost made at first start (kept in --data DIR/tls)
  --tls-cert FILE     the HTTPS certificate (PEM) to serve instead, with --tls-key FILE
  --tls-key FILE      its private key (PEM)
  --host ADDR         interface to listen on (default 127.0.0.1)
  --data DIR          keep state in DIR (created if missing); default: in memory, lost on exit
  --region REGION     default Region (default us-east-1)
  --account ID        default account, 12 digits (default 000000000000)
  --users FILE        access keys and the IAM principals they sign as (JSON, see README)
  --seed FILE         keys and aliases to create at start (JSON, see README); at most
                      --key-quota keys per account and Region
  --quotas PROFILE    which AWS request quotas throttle: cryptographic (default: the shared
                      cryptographic quotas only) or aws (every operation's own quota too,
                      CreateKey 5/s, CreateGrant 50/s, ...)
  --quota-scale N     multiply the quotas in force by N (e.g. 0.01 to hit throttling quickly)
  --no-quotas         never throttle
  --key-quota N       customer managed keys each account may have per Region (default
                      100000, AWS's quota); CreateKey and ReplicateKey over it answer
                      LimitExceededException, with or without --no-quotas
                      (quotas change at run time: GET or PUT /_strongbox/quotas, see README;
                      a PUT of {"customerManagedKeys":N} alone leaves throttling as it is)
  --strict-auth       verify every signature and refuse unknown access keys, as AWS does;
                      an unsigned S3 request is the anonymous caller, which only a bucket
                      policy for "*" can allow; KMS and the admin API refuse unsigned requests
  --s3-data-events    record S3 data events (PutObject, GetObject, ... on objects) beside the
                      KMS and management events, so LookupEvents shows a GetObject next to the
                      KMS Decrypt it caused (real CloudTrail Event history never lists data
                      events; a trail records them only when enabled)
  --upstream-bucket NAME   keep S3 objects' sealed bytes in this existing bucket of an
                      S3-compatible store (needs --data, which keeps the keys and metadata);
                      credentials from the AWS SDK's default chain (AWS_ACCESS_KEY_ID, ...)
  --upstream-endpoint URL  that store's endpoint (default: AWS S3 in --upstream-region)
  --upstream-prefix P      prefix of the upstream object names (default none)
  --upstream-region R      the upstream's Region (default us-east-1)
  --shutdown-timeout S  on Ctrl-C or SIGTERM, wait at most S seconds (default 5) for requests
                      in flight, then close their connections and stop (a second Ctrl-C
                      stops at once)
  -q, --quiet         no log line per request (by default each request served prints one on
                      stdout: time, method, service, operation, status, duration; never a
                      header value, body, key or object name)
  -v, --version       print the version of strongbox
  -h, --help          show this help
`;

const ACCOUNT = /^\d{12}$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;

/**
 * Parses and checks the arguments after `serve`.
 * @throws StrongboxError USAGE (exit 2) naming the first problem.
 * @example parseServeArgs(['--port', '0']).port // 0
 */
export function parseServeArgs(args: readonly string[]): ServeArgs {
  // `pnpm start -- --port 0` passes the `--` on (npm strips it); a leading one means nothing here.
  const given = args[0] === '--' ? args.slice(1) : args;
  // --help and --version answer whatever else the line holds (info-flags.ts).
  const asked = flagsGiven(given, OPTIONS, ['help', 'version']);
  if (asked.size > 0) return { ...parseServeArgs([]), help: asked.has('help'), version: asked.has('version') };
  const { values } = parseOrExplain(given);
  const port = values.port ?? '4566';
  if (!/^\d{1,5}$/.test(port) || Number(port) > 65535) usage(`--port expected a number from 0 to 65535, got '${port}'`);
  const httpsText = values['https-port'];
  if (httpsText !== undefined && (!/^\d{1,5}$/.test(httpsText) || Number(httpsText) > 65535)) {
    usage(`--https-port expected a number from 0 to 65535, got '${httpsText}'`);
  }
  if (httpsText !== undefined && Number(httpsText) !== 0 && Number(httpsText) === Number(port)) usage('--https-port must differ from --port');
  if ((values['tls-cert'] === undefined) !== (values['tls-key'] === undefined)) usage('--tls-cert and --tls-key must be given together');
  if (values['tls-cert'] !== undefined && httpsText === undefined) usage('--tls-cert and --tls-key need --https-port');
  for (const name of ['tls-cert', 'tls-key'] as const) if (values[name] === '') usage(`--${name} expected a path`);
  const account = values.account ?? '000000000000';
  if (!ACCOUNT.test(account)) usage(`--account expected 12 digits, got '${account}'`);
  const region = values.region ?? 'us-east-1';
  if (!REGION.test(region)) usage(`--region expected a Region name such as us-east-1, got '${region}'`);
  const host = values.host ?? '127.0.0.1';
  if (host === '') usage('--host expected an address such as 127.0.0.1 or 0.0.0.0');
  for (const name of ['data', 'users', 'seed'] as const) if (values[name] === '') usage(`--${name} expected a path`);
  const upstream = parseUpstream(values);
  const shutdownText = values['shutdown-timeout'] ?? '5';
  const shutdownTimeoutSeconds = Number(shutdownText);
  if (shutdownText.trim() === '' || !Number.isFinite(shutdownTimeoutSeconds) || shutdownTimeoutSeconds < 0 || shutdownTimeoutSeconds > 3600)
    usage(`--shutdown-timeout expected a number of seconds from 0 to 3600, got '${shutdownText}'`);
  const keyQuota = parseKeyQuota(values['key-quota']);
  let quotas: ServeArgs['quotas'];
  if (values['quota-scale'] !== undefined || values.quotas !== undefined) {
    if (values['no-quotas']) usage(`${values.quotas === undefined ? '--quota-scale' : '--quotas'} and --no-quotas cannot be used together`);
    const profile = values.quotas;
    if (profile !== undefined && profile !== 'cryptographic' && profile !== 'aws') usage(`--quotas expected cryptographic or aws, got '${profile}'`);
    const scaleText = values['quota-scale'];
    const scale = scaleText === undefined ? undefined : Number(scaleText);
    if (scaleText !== undefined && scale !== undefined && (scaleText.trim() === '' || !Number.isFinite(scale) || scale <= 0))
      usage(`--quota-scale expected a positive number, got '${scaleText}'`);
    quotas = { ...(profile === undefined ? {} : { profile }), ...(scale === undefined ? {} : { scale }), ...keyQuota };
  } else if (values['no-quotas']) {
    quotas = keyQuota.customerManagedKeys === undefined ? false : { enabled: false, ...keyQuota };
  } else if (keyQuota.customerManagedKeys !== undefined) {
    quotas = keyQuota;
  }
  return {
    help: values.help ?? false,
    version: values.version ?? false,
    port: Number(port),
    host,
    region,
    account,
    strictAuth: values['strict-auth'] ?? false,
    s3DataEvents: values['s3-data-events'] ?? false,
    quiet: values.quiet ?? false,
    shutdownTimeoutSeconds,
    ...(values.data === undefined ? {} : { data: values.data }),
    ...(values.users === undefined ? {} : { users: values.users }),
    ...(values.seed === undefined ? {} : { seed: values.seed }),
    ...(quotas === undefined ? {} : { quotas }),
    ...(httpsText === undefined ? {} : { httpsPort: Number(httpsText) }),
    ...(values['tls-cert'] === undefined ? {} : { tlsCert: values['tls-cert'] }),
    ...(values['tls-key'] === undefined ? {} : { tlsKey: values['tls-key'] }),
    ...(upstream === undefined ? {} : { upstream }),
  };
}

/** `--key-quota N`, checked: a whole number of keys, 0 or more. */
function parseKeyQuota(text: string | undefined): { customerManagedKeys?: number } {
  if (text === undefined) return {};
  if (!/^\d{1,15}$/.test(text)) usage(`--key-quota expected a whole number of keys, got '${text}'`);
  return { customerManagedKeys: Number(text) };
}

/** The `--upstream-*` flags, checked: a bucket, and a data directory for the keys and metadata. */
function parseUpstream(values: ReturnType<typeof parseOrExplain>['values']): ServeArgs['upstream'] {
  const bucket = values['upstream-bucket'];
  const endpoint = values['upstream-endpoint'];
  const prefix = values['upstream-prefix'];
  const region = values['upstream-region'];
  if (bucket === undefined) {
    const stray = [
      endpoint === undefined ? [] : ['--upstream-endpoint'],
      prefix === undefined ? [] : ['--upstream-prefix'],
      region === undefined ? [] : ['--upstream-region'],
    ].flat();
    if (stray.length > 0) usage(`${stray[0]} needs --upstream-bucket`);
    return undefined;
  }
  if (bucket === '') usage('--upstream-bucket expected a bucket name');
  if (values.data === undefined) usage('--upstream-bucket needs --data (the keys and metadata of the upstream objects live there)');
  if (endpoint !== undefined && !/^https?:\/\/[^/\s]+/.test(endpoint)) usage(`--upstream-endpoint expected an http:// or https:// URL, got '${endpoint}'`);
  if (region !== undefined && !REGION.test(region)) usage(`--upstream-region expected a Region name such as us-east-1, got '${region}'`);
  return {
    bucket,
    ...(endpoint === undefined ? {} : { endpoint }),
    ...(prefix === undefined ? {} : { prefix }),
    ...(region === undefined ? {} : { region }),
  };
}

/** The options of `serve` as `parseArgs` takes them. */
const OPTIONS = {
  port: { type: 'string' },
  'https-port': { type: 'string' },
  'tls-cert': { type: 'string' },
  'tls-key': { type: 'string' },
  host: { type: 'string' },
  data: { type: 'string' },
  region: { type: 'string' },
  account: { type: 'string' },
  users: { type: 'string' },
  seed: { type: 'string' },
  quotas: { type: 'string' },
  'quota-scale': { type: 'string' },
  'no-quotas': { type: 'boolean' },
  'key-quota': { type: 'string' },
  'strict-auth': { type: 'boolean' },
  's3-data-events': { type: 'boolean' },
  'upstream-bucket': { type: 'string' },
  'upstream-endpoint': { type: 'string' },
  'upstream-prefix': { type: 'string' },
  'upstream-region': { type: 'string' },
  'shutdown-timeout': { type: 'string' },
  quiet: { type: 'boolean', short: 'q' },
  version: { type: 'boolean', short: 'v' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** The flags of `serve` that take a value. */
const STRING_FLAGS = Object.entries(OPTIONS).flatMap(([name, option]) => (option.type === 'string' ? [name] : []));

function parseOrExplain(args: readonly string[]) {
  try {
    return parseArgs({ args: joinNegativeNumbers(args, STRING_FLAGS), strict: true, allowPositionals: false, options: OPTIONS });
  } catch (error) {
    // parseArgs explains in several lines ("Did you forget…"); the first one says it all.
    const first = ((error as Error).message.split('\n')[0] ?? '').replace(/\. This command does not take positional arguments$/, '');
    return usage(withSuggestion(first.charAt(0).toLowerCase() + first.slice(1), Object.keys(OPTIONS), args));
  }
}

function usage(message: string): never {
  throw new StrongboxError('USAGE', `${message} (see strongbox serve --help)`);
}
