/**
 * The `strongbox` command line as a user meets it: help, and every failure as exactly one line on
 * stderr with exit code 2 (command line) or 1 (run time: files, port, data directory).
 */

import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from './helpers/cli.ts';

/** Exactly one line on stderr, starting `strongbox: `, nothing on stdout. */
function expectOneLine(exit: { stdout: string; stderr: string }, pattern: RegExp): void {
  expect(exit.stdout).toBe('');
  expect(exit.stderr).toMatch(/^strongbox: [^\n]+\n$/);
  expect(exit.stderr).toMatch(pattern);
}

let dir: Awaited<ReturnType<typeof tempDir>>;
beforeAll(async () => {
  dir = await tempDir();
});
afterAll(async () => {
  await dir.cleanup();
});

describe('help', () => {
  it('strongbox --help lists the commands and exits 0', async () => {
    const exit = await runCli(['--help']);
    expect(exit).toMatchObject({ code: 0, stderr: '' });
    expect(exit.stdout).toMatch(/^Usage: strongbox <command>/);
    expect(exit.stdout).toContain('serve');
  });

  it('strongbox serve --help lists every flag and exits 0 without serving', async () => {
    const exit = await runCli(['serve', '--help']);
    expect(exit).toMatchObject({ code: 0, stderr: '' });
    for (const flag of ['--port', '--host', '--data', '--region', '--account', '--users', '--seed', '--quota-scale', '--no-quotas', '--strict-auth']) {
      expect(exit.stdout).toContain(flag);
    }
  });
});

describe('command-line mistakes exit 2 with one line', () => {
  it.each([
    [['serve', '--bogus'], /unknown option '--bogus'/],
    [['serve', '--port', '65536'], /--port expected a number from 0 to 65535, got '65536'/],
    [['serve', '--account', '12345'], /--account expected 12 digits, got '12345'/],
    [['serve', '--quota-scale', '2', '--no-quotas'], /--quota-scale and --no-quotas cannot be used together/],
    [['serve', 'now'], /unexpected argument 'now'/],
    [['launch'], /unknown command 'launch'/],
    [[], /missing command/],
  ])('strongbox %j', async (args, pattern) => {
    const exit = await runCli(args);
    expect(exit.code).toBe(2);
    expectOneLine(exit, pattern);
  });
});

describe('run-time failures exit 1 with one line', () => {
  it('an unreadable users file', async () => {
    const exit = await runCli(['serve', '--port', '0', '--users', `${dir.path}/missing.json`]);
    expect(exit.code).toBe(1);
    expectOneLine(exit, /^strongbox: cannot read users file '.*missing\.json': no such file\n$/);
  });

  it('a users file with a bad entry, named', async () => {
    const users = await dir.file('users.json', JSON.stringify({ users: [{ accessKeyId: 'AKIAX', secretAccessKey: 's', principal: 'bob' }] }));
    const exit = await runCli(['serve', '--port', '0', '--users', users]);
    expect(exit.code).toBe(1);
    expectOneLine(exit, /^strongbox: users file '.*users\.json': users\[0\] \(AKIAX\): "principal" expected an IAM or STS principal ARN, got "bob"\n$/);
  });

  it('an unreadable seed file', async () => {
    const exit = await runCli(['serve', '--port', '0', '--seed', dir.path]);
    expect(exit.code).toBe(1);
    expectOneLine(exit, /^strongbox: cannot read seed file '.*': is a directory\n$/);
  });

  it('a seed file with a bad key', async () => {
    const seed = await dir.file('seed.json', JSON.stringify({ keys: [{ keyId: 'orders' }] }));
    const exit = await runCli(['serve', '--port', '0', '--seed', seed]);
    expect(exit.code).toBe(1);
    expectOneLine(exit, /^strongbox: seed file '.*seed\.json': "keys\[0\]\.keyId" expected a lowercase UUID/);
  });

  it('a port in use', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as AddressInfo;
    try {
      const exit = await runCli(['serve', '--port', String(port)]);
      expect(exit.code).toBe(1);
      expectOneLine(exit, new RegExp(`^strongbox: port ${port} is already in use `));
    } finally {
      blocker.close();
    }
  });

  it('a data directory that cannot be created', async () => {
    const file = await dir.file('not-a-directory', 'x');
    const exit = await runCli(['serve', '--port', '0', '--data', `${file}/data`]);
    expect(exit.code).toBe(1);
    expectOneLine(exit, /^strongbox: data directory '.*not-a-directory\/data': /);
  });
});
