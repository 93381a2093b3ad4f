/**
 * `strongbox serve` flags in process: defaults, every accepted form, and the usage error of every
 * malformed value (the CLI prints these as one line and exits 2; see cli.test.ts).
 */

import { describe, expect, it } from 'vitest';
import { StrongboxError } from '../src/errors.ts';
import { parseServeArgs } from '../src/options.ts';

describe('parseServeArgs', () => {
  it('takes an HTTPS port, with or without a certificate and key', () => {
    expect(parseServeArgs(['--https-port', '0'])).toMatchObject({ port: 4566, httpsPort: 0 });
    expect(parseServeArgs(['--https-port=4567', '--tls-cert', 'c.pem', '--tls-key', 'k.pem'])).toMatchObject({
      httpsPort: 4567,
      tlsCert: 'c.pem',
      tlsKey: 'k.pem',
    });
    expect(parseServeArgs(['--port', '0', '--https-port', '0'])).toMatchObject({ port: 0, httpsPort: 0 });
  });

  it('defaults to 127.0.0.1:4566, us-east-1, account 000000000000, the shared cryptographic quotas, lenient auth, memory', () => {
    expect(parseServeArgs([])).toEqual({
      help: false,
      version: false,
      port: 4566,
      host: '127.0.0.1',
      region: 'us-east-1',
      account: '000000000000',
      strictAuth: false,
      s3DataEvents: false,
      quiet: false,
      shutdownTimeoutSeconds: 5,
    });
  });

  it('takes every flag, in both --flag value and --flag=value forms', () => {
    expect(
      parseServeArgs([
        '--port=0',
        '--host',
        '0.0.0.0',
        '--data',
        'state',
        '--region=eu-west-3',
        '--account',
        '111122223333',
        '--users',
        'u.json',
        '--seed',
        's.json',
        '--quota-scale',
        '0.01',
        '--strict-auth',
        '--s3-data-events',
        '--quiet',
        '--shutdown-timeout',
        '0.5',
      ]),
    ).toEqual({
      help: false,
      version: false,
      port: 0,
      host: '0.0.0.0',
      data: 'state',
      region: 'eu-west-3',
      account: '111122223333',
      users: 'u.json',
      seed: 's.json',
      quotas: { scale: 0.01 },
      strictAuth: true,
      s3DataEvents: true,
      quiet: true,
      shutdownTimeoutSeconds: 0.5,
    });
    expect(parseServeArgs(['-q']).quiet).toBe(true);
    expect(parseServeArgs(['--no-quotas']).quotas).toBe(false);
    expect(parseServeArgs(['--quotas', 'aws']).quotas).toEqual({ profile: 'aws' });
    expect(parseServeArgs(['--quotas=cryptographic']).quotas).toEqual({ profile: 'cryptographic' });
    expect(parseServeArgs(['--quotas', 'aws', '--quota-scale', '0.5']).quotas).toEqual({ profile: 'aws', scale: 0.5 });
    expect(parseServeArgs(['--key-quota', '25']).quotas).toEqual({ customerManagedKeys: 25 });
    expect(parseServeArgs(['--key-quota=0', '--quotas', 'aws']).quotas).toEqual({ profile: 'aws', customerManagedKeys: 0 });
    // The key quota is a count, not a rate: it stays in force without throttling.
    expect(parseServeArgs(['--no-quotas', '--key-quota', '3']).quotas).toEqual({ enabled: false, customerManagedKeys: 3 });
    expect(parseServeArgs(['-h']).help).toBe(true);
    expect(parseServeArgs(['-v']).version).toBe(true);
    expect(parseServeArgs(['--version']).version).toBe(true);
    expect(parseServeArgs(['--port', '65535']).port).toBe(65535);
    // pnpm passes the `--` of `pnpm start -- --port 0` on to the script.
    expect(parseServeArgs(['--', '--port', '0']).port).toBe(0);
  });

  it('takes an upstream for S3 objects with a data directory', () => {
    expect(
      parseServeArgs([
        '--data',
        'state',
        '--upstream-bucket',
        'sealed',
        '--upstream-endpoint=http://127.0.0.1:8333',
        '--upstream-prefix',
        'sb/',
        '--upstream-region',
        'eu-west-3',
      ]).upstream,
    ).toEqual({ bucket: 'sealed', endpoint: 'http://127.0.0.1:8333', prefix: 'sb/', region: 'eu-west-3' });
    expect(parseServeArgs(['--data', 'state', '--upstream-bucket', 'sealed']).upstream).toEqual({ bucket: 'sealed' });
    expect(parseServeArgs(['--data', 'state']).upstream).toBeUndefined();
  });

  it.each([
    [['--port', '65536'], "--port expected a number from 0 to 65535, got '65536'"],
    [['--port', '-1'], "--port expected a number from 0 to 65535, got '-1'"],
    [['--data', '--quiet'], "option '--data' argument is ambiguous."],
    [['--port', '80.5'], "--port expected a number from 0 to 65535, got '80.5'"],
    [['--port', ''], "--port expected a number from 0 to 65535, got ''"],
    [['--port'], "option '--port <value>' argument missing"],
    [['--account', '00000000000a'], "--account expected 12 digits, got '00000000000a'"],
    [['--region', 'Mars'], "--region expected a Region name such as us-east-1, got 'Mars'"],
    [['--region', 'us-east'], "--region expected a Region name such as us-east-1, got 'us-east'"],
    [['--quota-scale', '0'], "--quota-scale expected a positive number, got '0'"],
    [['--quota-scale', '-2'], "--quota-scale expected a positive number, got '-2'"],
    [['--quota-scale=-0.5'], "--quota-scale expected a positive number, got '-0.5'"],
    [['--quota-scale', 'fast'], "--quota-scale expected a positive number, got 'fast'"],
    [['--quota-scale', 'Infinity'], "--quota-scale expected a positive number, got 'Infinity'"],
    [['--quota-scale', '1', '--no-quotas'], '--quota-scale and --no-quotas cannot be used together'],
    [['--no-quotas=yes'], "option '--no-quotas' does not take an argument"],
    [['--quotas', 'all'], "--quotas expected cryptographic or aws, got 'all'"],
    [['--quotas', 'aws', '--no-quotas'], '--quotas and --no-quotas cannot be used together'],
    [['--key-quota', '-1'], "--key-quota expected a whole number of keys, got '-1'"],
    [['--shutdown-timeout', '-5'], "--shutdown-timeout expected a number of seconds from 0 to 3600, got '-5'"],
    [['--key-quota', '2.5'], "--key-quota expected a whole number of keys, got '2.5'"],
    [['--key-quota', 'lots'], "--key-quota expected a whole number of keys, got 'lots'"],
    [['--key-quota', ''], "--key-quota expected a whole number of keys, got ''"],
    [['--host', ''], '--host expected an address such as 127.0.0.1 or 0.0.0.0'],
    [['--data', ''], '--data expected a path'],
    [['--upstream-bucket', 'sealed'], '--upstream-bucket needs --data (the keys and metadata of the upstream objects live there)'],
    [['--data', 'd', '--upstream-bucket', ''], '--upstream-bucket expected a bucket name'],
    [['--data', 'd', '--upstream-endpoint', 'http://127.0.0.1:9000'], '--upstream-endpoint needs --upstream-bucket'],
    [['--data', 'd', '--upstream-prefix', 'p/'], '--upstream-prefix needs --upstream-bucket'],
    [
      ['--data', 'd', '--upstream-bucket', 'b', '--upstream-endpoint', '127.0.0.1:9000'],
      "--upstream-endpoint expected an http:// or https:// URL, got '127.0.0.1:9000'",
    ],
    [['--data', 'd', '--upstream-bucket', 'b', '--upstream-region', 'moon'], "--upstream-region expected a Region name such as us-east-1, got 'moon'"],
    [['--https-port', '70000'], "--https-port expected a number from 0 to 65535, got '70000'"],
    [['--port', '4443', '--https-port', '4443'], '--https-port must differ from --port'],
    [['--https-port', '0', '--tls-cert', 'c.pem'], '--tls-cert and --tls-key must be given together'],
    [['--tls-cert', 'c.pem', '--tls-key', 'k.pem'], '--tls-cert and --tls-key need --https-port'],
    [['--https-port', '0', '--tls-cert', '', '--tls-key', 'k.pem'], '--tls-cert expected a path'],
    [['--shutdown-timeout', 'soon'], "--shutdown-timeout expected a number of seconds from 0 to 3600, got 'soon'"],
    [['--shutdown-timeout', '7200'], "--shutdown-timeout expected a number of seconds from 0 to 3600, got '7200'"],
    [['--verbose'], "unknown option '--verbose'"],
    [['--prot', '4566'], "unknown option '--prot'; did you mean --port?"],
    [['--https_port=4567'], "unknown option '--https_port'; did you mean --https-port?"],
    [['--strict'], "unknown option '--strict'; did you mean --strict-auth?"],
    [['--upstream'], "unknown option '--upstream'"],
    // A boolean: a value would be a stray argument, not a setting.
    [['--s3-data-events=false'], "option '--s3-data-events' does not take an argument"],
    [['--s3-data-event'], "unknown option '--s3-data-event'; did you mean --s3-data-events?"],
    [['--quota', '1'], "unknown option '--quota'"],
    // A long flag typed with one dash: parseArgs reads '-p', the hint names what was typed.
    [['-port', '4566'], "unknown option '-port'; did you mean --port?"],
    // `--version` here is the value --data is missing, not a request for the version.
    [['--data', '--version'], "option '--data' argument is ambiguous."],
    [['extra'], "unexpected argument 'extra'"],
    // After `--` every argument is taken as typed: the one named is the one the user wrote.
    [['--port', '1', '--', '--port', '-1'], "unexpected argument '--port'"],
    [['--port', '1', '--', '--version'], "unexpected argument '--version'"],
  ])('%j is a usage error', (args, message) => {
    let caught: unknown;
    try {
      parseServeArgs(args);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(StrongboxError);
    expect(caught).toMatchObject({ code: 'USAGE', exitCode: 2, message: `${message} (see strongbox serve --help)` });
  });
});
