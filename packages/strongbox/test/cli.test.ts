/**
 * The `strongbox` command line as a user meets it: help, and every failure as exactly one line on
 * stderr with exit code 2 (command line) or 1 (run time: files, port, data directory). The CLI's
 * `main` runs in-process; a few runs go through a real child process (the bin as `pnpm start`
 * runs it, and failures injected into the process with a preloaded module).
 */

import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { startBanner } from '../src/banner.ts';
import { DEMO_USAGE } from '../src/demo/cli.ts';
import { openEndpoint } from '../src/endpoint.ts';
import { USAGE } from '../src/main.ts';
import { SERVE_USAGE } from '../src/options.ts';
import { runCli, runInProcess, serve, useTempDir } from './helpers/cli.ts';

/** Exactly one line on stderr, starting `strongbox: `, nothing on stdout. */
function expectOneLine(exit: { stdout: string; stderr: string }, pattern: RegExp): void {
  expect(exit.stdout).toBe('');
  expect(exit.stderr).toMatch(/^strongbox: [^\n]+\n$/);
  expect(exit.stderr).toMatch(pattern);
}

const dir = useTempDir();

describe('help', () => {
  it('strongbox --help lists the commands and exits 0 (a real child process)', async () => {
    const exit = await runCli(['--help']);
    expect(exit).toMatchObject({ code: 0, stderr: '' });
    expect(exit.stdout).toMatch(/^Usage: strongbox <command>/);
    expect(exit.stdout).toContain('serve');
  });

  it.each([['--version'], ['-v']])('strongbox %s prints the package version and exits 0 (a real child process)', async (flag) => {
    const exit = await runCli([flag]);
    const { version } = JSON.parse(await readFile(join(import.meta.dirname, '..', 'package.json'), 'utf8')) as { version: string };
    expect(exit).toEqual({ code: 0, signal: null, stdout: `${version}\n`, stderr: '' });
  });

  it.each([['--version'], ['-v']])('strongbox serve %s (what `pnpm start -- --version` runs) prints the version without serving', async (flag) => {
    const { version } = JSON.parse(await readFile(join(import.meta.dirname, '..', 'package.json'), 'utf8')) as { version: string };
    expect(await runInProcess(['serve', flag])).toMatchObject({ code: 0, stdout: `${version}\n`, stderr: '' });
    expect(await runInProcess(['serve', '--', flag])).toMatchObject({ code: 0, stdout: `${version}\n`, stderr: '' });
  });

  // --help and --version answer whatever else the line holds, in any order: the GNU Coding
  // Standards' "other options and arguments should be ignored once this is seen", as npm and the
  // AWS CLI do, and as `strongbox --version --port x` always did.
  it.each([[['serve', '--version', '--port', 'x']], [['serve', '--port', 'x', '-v']], [['serve', '--bogus', '--version']], [['--version', '--port', 'x']]])(
    'strongbox %j prints the version, whatever the other flags',
    async (args) => {
      const { version } = JSON.parse(await readFile(join(import.meta.dirname, '..', 'package.json'), 'utf8')) as { version: string };
      expect(await runInProcess(args)).toMatchObject({ code: 0, stdout: `${version}\n`, stderr: '' });
    },
  );

  // The same rule before the command: `aws --bogus --version` and `npm --bogus --version` print
  // the version (aws-cli 1.45.11 and 2.9.19, npm 11.19.1 on this machine).
  it.each([[['--bogus', '--version']], [['--quiet', '-v']], [['--port', '1', '--version']]])(
    'strongbox %j prints the version, with the flag before it',
    async (args) => {
      const { version } = JSON.parse(await readFile(join(import.meta.dirname, '..', 'package.json'), 'utf8')) as { version: string };
      expect(await runInProcess(args)).toMatchObject({ code: 0, stdout: `${version}\n`, stderr: '' });
    },
  );

  it.each([[['demo', '--version']], [['demo', '--region', 'x', '-v']]])('strongbox %j prints the version without running the demo', async (args) => {
    const { version } = JSON.parse(await readFile(join(import.meta.dirname, '..', 'package.json'), 'utf8')) as { version: string };
    expect(await runInProcess(args)).toMatchObject({ code: 0, stdout: `${version}\n`, stderr: '' });
  });

  it('strongbox --bogus --help prints the help, with the flag before it', async () => {
    expect(await runInProcess(['--bogus', '--help'])).toMatchObject({ code: 0, stdout: USAGE, stderr: '' });
  });

  it('strongbox serve --help and demo --help print their help, whatever the other flags', async () => {
    expect(await runInProcess(['serve', '--help', '--port', 'x'])).toMatchObject({ code: 0, stdout: SERVE_USAGE, stderr: '' });
    expect(await runInProcess(['serve', '--quotas', 'none', '-h'])).toMatchObject({ code: 0, stdout: SERVE_USAGE, stderr: '' });
    expect(await runInProcess(['demo', '--region', 'x', '--help'])).toMatchObject({ code: 0, stdout: DEMO_USAGE, stderr: '' });
  });

  it("strongbox serve --help says --strict-auth's unsigned S3 request is the anonymous caller, which KMS refuses", () => {
    const start = SERVE_USAGE.indexOf('  --strict-auth');
    const text = SERVE_USAGE.slice(start, SERVE_USAGE.indexOf('\n  --', start + 1)).replace(/\s+/g, ' ');
    expect(text).toContain('an unsigned S3 request is the anonymous caller, which only a bucket policy for "*" can allow');
    expect(text).toContain('KMS and the admin API refuse unsigned requests');
  });

  it('strongbox serve --help lists every flag and exits 0 without serving', async () => {
    const exit = await runInProcess(['serve', '--help']);
    expect(exit).toMatchObject({ code: 0, stderr: '' });
    for (const flag of [
      '--port',
      '--host',
      '--data',
      '--region',
      '--account',
      '--users',
      '--seed',
      '--quotas',
      '--quota-scale',
      '--no-quotas',
      '--key-quota',
      '--strict-auth',
      '--s3-data-events',
      '--version',
    ]) {
      expect(exit.stdout).toContain(flag);
    }
  });
});

describe('what the help says serve serves', () => {
  // Read from the endpoint's own routing table (S3 takes what no route claims), so a service
  // added there and missing from the help fails here.
  it('strongbox --help, strongbox serve --help and the start-up banner name every service the endpoint routes', async () => {
    const endpoint = await openEndpoint();
    try {
      const services = [...endpoint.routes.map((route) => route.service), 'S3'];
      expect(services).toEqual(['KMS', 'CloudTrail LookupEvents', 'STS GetCallerIdentity', 'S3']);
      // The sentences that say what serve does, not the whole texts (which name S3 elsewhere).
      const serveLine = USAGE.split('\n').find((line) => line.trimStart().startsWith('serve '));
      const serveSummary = SERVE_USAGE.slice(0, SERVE_USAGE.indexOf('Options:'));
      // The banner's first line says what is listening.
      const bannerLine = startBanner({ url: 'http://127.0.0.1:4566', region: 'us-east-1', account: '000000000000', strictAuth: false }).split('\n')[0];
      for (const service of services) {
        expect(serveLine).toContain(service);
        expect(serveSummary).toContain(service);
        expect(bannerLine).toContain(service);
      }
    } finally {
      await endpoint.close();
    }
  });
});

describe('command-line mistakes exit 2 with one line', () => {
  it.each([
    [['serve', '--bogus'], /unknown option '--bogus'/],
    [['serve', '--port', '65536'], /--port expected a number from 0 to 65535, got '65536'/],
    [['serve', '--quota-scale', '-1'], /--quota-scale expected a positive number, got '-1'/],
    [['serve', '--account', '12345'], /--account expected 12 digits, got '12345'/],
    [['serve', '--quota-scale', '2', '--no-quotas'], /--quota-scale and --no-quotas cannot be used together/],
    [['serve', 'now'], /unexpected argument 'now'/],
    [['launch'], /unknown command 'launch'/],
    [[], /missing command/],
  ])('strongbox %j', async (args, pattern) => {
    const exit = await runInProcess(args);
    expect(exit.code).toBe(2);
    expectOneLine(exit, pattern);
  });
});

describe('run-time failures exit 1 with one line', () => {
  it('an unreadable users file', async () => {
    const exit = await runInProcess(['serve', '--port', '0', '--users', `${dir.path}/missing.json`]);
    expect(exit.code).toBe(1);
    expectOneLine(exit, /^strongbox: cannot read users file '.*missing\.json': no such file\n$/);
  });

  it('a users file with a bad entry, named', async () => {
    const users = await dir.file('users.json', JSON.stringify({ users: [{ accessKeyId: 'AKIAX', secretAccessKey: 's', principal: 'bob' }] }));
    const exit = await runInProcess(['serve', '--port', '0', '--users', users]);
    expect(exit.code).toBe(1);
    expectOneLine(exit, /^strongbox: users file '.*users\.json': users\[0\] \(AKIAX\): "principal" expected an IAM or STS principal ARN, got "bob"\n$/);
  });

  it('an unreadable seed file', async () => {
    const exit = await runInProcess(['serve', '--port', '0', '--seed', dir.path]);
    expect(exit.code).toBe(1);
    expectOneLine(exit, /^strongbox: cannot read seed file '.*': is a directory\n$/);
  });

  it('a seed file with a bad key', async () => {
    const seed = await dir.file('seed.json', JSON.stringify({ keys: [{ keyId: 'orders' }] }));
    const exit = await runInProcess(['serve', '--port', '0', '--seed', seed]);
    expect(exit.code).toBe(1);
    expectOneLine(exit, /^strongbox: seed file '.*seed\.json': "keys\[0\]\.keyId" expected a lowercase UUID/);
  });

  it('a seed file with more keys than the key quota (AWS could never hold them)', async () => {
    const keys = ['6f1c1c1e-5a0e-4a8e-9c77-2d1f1b0c9a11', '7a2d2d2f-6b1f-4b9f-8d88-3e2f2c1d0b22'].map((keyId) => ({ keyId }));
    const seed = await dir.file('two-keys.json', JSON.stringify({ keys }));
    const exit = await runInProcess(['serve', '--port', '0', '--seed', seed, '--key-quota', '1']);
    expect(exit.code).toBe(1);
    expectOneLine(
      exit,
      /^strongbox: seed file '.*two-keys\.json': "keys" lists 2 keys in account 000000000000 and Region us-east-1, more than the key quota of 1 customer managed keys per account and Region \(AWS could never hold them; raise the key quota to seed them\)\n$/,
    );
  });

  it('a port in use', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as AddressInfo;
    try {
      const exit = await runInProcess(['serve', '--port', String(port)]);
      expect(exit.code).toBe(1);
      expectOneLine(exit, new RegExp(`^strongbox: port ${port} is already in use `));
    } finally {
      blocker.close();
    }
  });

  // The store's refusal (a KmsError of a store failure code) is one line naming the directory.
  it.skipIf(process.platform === 'win32')('a data directory whose root key others can read', async () => {
    const data = join(dir.path, 'insecure');
    await mkdir(data);
    await writeFile(join(data, 'root.key'), `${Buffer.alloc(32, 7).toString('base64')}\n`, { mode: 0o644 });
    await chmod(join(data, 'root.key'), 0o644);
    const exit = await runInProcess(['serve', '--port', '0', '--data', data]);
    expect(exit.code).toBe(1);
    expectOneLine(exit, new RegExp(`^strongbox: data directory '${data}': ${join(data, 'root.key')} has mode 0644; a root key must not be accessible`));
  });

  it('a data directory that cannot be created', async () => {
    const file = await dir.file('not-a-directory', 'x');
    const exit = await runInProcess(['serve', '--port', '0', '--data', `${file}/data`]);
    expect(exit.code).toBe(1);
    expectOneLine(exit, /^strongbox: data directory '.*not-a-directory\/data': /);
  });
});

describe('failures the CLI does not expect are one line too', () => {
  const preload = { NODE_OPTIONS: `--import=${pathToFileURL(join(import.meta.dirname, 'fixtures', 'failing-listen.mjs')).href}` };

  it('prints the message and code, exit 1, no stack trace', async () => {
    const exit = await runCli(['serve', '--port', '0'], {
      ...preload,
      STRONGBOX_TEST_LISTEN_ERROR: 'EWEIRD',
      STRONGBOX_TEST_LISTEN_MESSAGE: 'the socket layer said no\nsecond line',
    });
    expect(exit.code).toBe(1);
    expectOneLine(exit, /^strongbox: unexpected error: the socket layer said no \(EWEIRD\)\n$/);
  });

  it('adds the stack trace with STRONGBOX_DEBUG=1', async () => {
    const exit = await runCli(['serve', '--port', '0'], {
      ...preload,
      STRONGBOX_TEST_LISTEN_ERROR: 'EWEIRD',
      STRONGBOX_TEST_LISTEN_MESSAGE: 'the socket layer said no',
      STRONGBOX_DEBUG: '1',
    });
    expect(exit.code).toBe(1);
    expect(exit.stderr).toMatch(/^strongbox: unexpected error: the socket layer said no \(EWEIRD\)\n/);
    expect(exit.stderr).toMatch(/\n\s+at .*failing-listen\.mjs/);
  });

  it('a --host whose name cannot be resolved now (getaddrinfo EAI_AGAIN) reads as "cannot listen"', async () => {
    const exit = await runCli(['serve', '--port', '0', '--host', 'kms.example.internal'], { ...preload, STRONGBOX_TEST_LISTEN_ERROR: 'EAI_AGAIN:getaddrinfo' });
    expect(exit.code).toBe(1);
    expectOneLine(exit, /^strongbox: cannot listen on kms\.example\.internal: the name could not be resolved \(EAI_AGAIN\)\n$/);
  });
});

describe('warnings of a data directory are one line too', () => {
  const preload = { NODE_OPTIONS: `--import=${pathToFileURL(join(import.meta.dirname, 'fixtures', 'refusing-directory-fsync.mjs')).href}` };

  it.skipIf(process.platform === 'win32')(
    'a parent without directory fsync (EINVAL) prints one `strongbox: warning:` line and nothing of Node’s, and the server runs (a real child process)',
    { timeout: 60_000 },
    async () => {
      const parent = join(dir.path, 'no-fsync');
      await mkdir(parent);
      const data = join(parent, 'data');
      // Node's warnings printed as usual (the harness silences them by default).
      const server = await serve(['--data', data], { ...preload, STRONGBOX_TEST_NO_FSYNC: parent, NODE_NO_WARNINGS: '0' });
      const exit = await server.stop('SIGTERM');
      expect(exit.code).toBe(0);
      expect(exit.stderr).toBe(
        `strongbox: warning: Cannot fsync the directory ${parent} (EINVAL); what Strongbox creates or removes in it is as durable as its file system makes it without that fsync.\n`,
      );
      expect(await readFile(join(data, 'strongbox.json'), 'utf8')).toContain('strongbox');
    },
  );

  it.skipIf(process.platform === 'win32')(
    'with NODE_NO_WARNINGS=1 or --no-warnings prints none, as Node prints none of its own (a real child process)',
    { timeout: 60_000 },
    async () => {
      for (const [label, switches] of [
        ['variable', { NODE_NO_WARNINGS: '1' }],
        ['flag', { NODE_NO_WARNINGS: '0', NODE_OPTIONS: `${preload.NODE_OPTIONS} --no-warnings` }],
      ] as const) {
        const parent = join(dir.path, `no-fsync-silenced-${label}`);
        await mkdir(parent);
        const server = await serve(['--data', join(parent, 'data')], { ...preload, STRONGBOX_TEST_NO_FSYNC: parent, ...switches });
        const exit = await server.stop('SIGTERM');
        expect(exit.code).toBe(0);
        expect(exit.stderr).toBe('');
      }
    },
  );
});

describe('users and seed files that are not JSON', () => {
  it('are reported by line and column, never quoting the secret next to the mistake', async () => {
    const users = await dir.file(
      'broken-users.json',
      '{"users": [{"accessKeyId": "AKIAX", "secretAccessKey": s3cr3tKEY, "principal": "arn:aws:iam::000000000000:user/x"}]}',
    );
    const usersExit = await runInProcess(['serve', '--port', '0', '--users', users]);
    expect(usersExit.code).toBe(1);
    expectOneLine(usersExit, /^strongbox: users file '.*broken-users\.json': not valid JSON \(syntax error at line 1, column 56\)\n$/);
    expect(usersExit.stderr).not.toContain('s3cr3t');
    const material = 'AwoRGB8mLTQ7QklQV15lbHN6gYiPlp2kq7K5wMfO1dw=';
    const seed = await dir.file('broken-seed.json', `{"keys": [{"keyId": "0b3f7c2e-8d4a-4e1f-9a6b-5c2d1e0f3a47", "material": ${material}}]}`);
    const seedExit = await runInProcess(['serve', '--port', '0', '--seed', seed]);
    expect(seedExit.code).toBe(1);
    expectOneLine(seedExit, /^strongbox: seed file '.*broken-seed\.json': not valid JSON \(syntax error at line 1, column 73\)\n$/);
    expect(seedExit.stderr).not.toContain(material.slice(0, 12));
  });
});
