/**
 * A stop (SIGTERM, Ctrl-C) waits for requests in flight, but only for `--shutdown-timeout`
 * seconds: a client stalled in the middle of its body cannot keep the process alive. The process
 * then closes that connection, closes the store cleanly (the data directory opens again) and
 * exits 0. Real child processes and real signals.
 */

import { request } from 'node:http';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type ServeProcess, serve, useTempDir } from './helpers/cli.ts';

const running: ServeProcess[] = [];
afterEach(async () => {
  for (const server of running.splice(0)) await server.stop('SIGKILL');
});

const dir = useTempDir();

/** Starts a KMS request that announces a 100-byte body, sends 1 byte, and stalls. */
async function stalledRequest(url: string): Promise<{ closed: Promise<string> }> {
  const { hostname, port } = new URL(url);
  const pending = request({
    hostname,
    port,
    method: 'POST',
    path: '/',
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'TrentService.CreateKey', 'content-length': '100', expect: '100-continue' },
  });
  const closed = new Promise<string>((resolve) => {
    pending.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    pending.on('response', (response) => resolve(`answered ${response.statusCode}`));
  });
  await new Promise<void>((resolve) => pending.once('continue', resolve));
  pending.write('{');
  return { closed };
}

describe('a stop with a client stalled mid-body', () => {
  it('waits --shutdown-timeout seconds, closes the connection, closes the store and exits 0', async () => {
    const data = join(dir.path, 'data');
    const server = await serve(['--data', data, '--shutdown-timeout', '1']);
    running.push(server);
    const stalled = await stalledRequest(server.url);
    const before = server.stdout();
    server.child.kill('SIGTERM');
    const exit = await server.exited;
    running.splice(running.indexOf(server), 1);
    expect(exit).toMatchObject({ code: 0, signal: null, stderr: '' });
    expect(exit.stdout.slice(before.length)).toMatch(
      /^strongbox: SIGTERM received, stopping after 1 request in flight\nstrongbox: 1 request still in flight after 1 s; closing its connection\n/,
    );
    // The client saw its connection cut, not an answer.
    expect(await stalled.closed).toMatch(/^(ECONNRESET|socket hang up|EPIPE)$/);
    // The store was closed cleanly: its lock is free, and the directory opens again.
    const again = await serve(['--data', data]);
    running.push(again);
    const health = await fetch(`${again.url}/_strongbox/health`);
    expect(health.status).toBe(200);
    running.splice(running.indexOf(again), 1);
    expect((await again.stop('SIGTERM')).code).toBe(0);
  });

  it('with --shutdown-timeout 0, closes it at once', async () => {
    const server = await serve(['--shutdown-timeout', '0']);
    running.push(server);
    const stalled = await stalledRequest(server.url);
    server.child.kill('SIGINT');
    const exit = await server.exited;
    running.splice(running.indexOf(server), 1);
    expect(exit).toMatchObject({ code: 0, signal: null, stderr: '' });
    expect(exit.stdout).toContain('strongbox: 1 request still in flight after 0 s; closing its connection\n');
    expect(await stalled.closed).not.toMatch(/^answered/);
  });
});
