/**
 * Output whose reader has gone: `strongbox serve | head -1` reads the banner's first line and
 * exits; the server's later writes (request log lines, the shutdown line) then fail with EPIPE.
 * The server must go on serving and stop cleanly, as `processIo` drops such a stream.
 */

import { spawn } from 'node:child_process';
import { get } from 'node:http';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { processIo } from '../src/process-io.ts';

const CLI = join(import.meta.dirname, '..', 'src', 'cli.ts');

/** A stream whose every write fails with `code`, as a pipe with no reader does. */
function failingStream(code: string): Writable & { attempts: number } {
  const stream = Object.assign(
    new Writable({
      write(_chunk, _encoding, callback) {
        stream.attempts += 1;
        callback(Object.assign(new Error(`write ${code}`), { code }));
      },
    }),
    { attempts: 0 },
  );
  return stream;
}

function health(url: string): Promise<number | undefined> {
  return new Promise((resolve) => {
    get(`${url}/_strongbox/health`, { agent: false }, (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode));
    }).on('error', () => resolve(undefined));
  });
}

describe('processIo', () => {
  it('drops a stream once its reader has gone (EPIPE), without raising, and stops writing to it', async () => {
    const stdout = failingStream('EPIPE');
    const collected: string[] = [];
    const stderr = new Writable({
      write(chunk, _encoding, callback) {
        collected.push(String(chunk));
        callback();
      },
    });
    const io = processIo(stdout, stderr);
    io.stdout('first line\n');
    await new Promise((resolve) => setImmediate(resolve));
    io.stdout('second line\n');
    io.stdout('third line\n');
    expect(stdout.attempts).toBe(1);
    // The other stream is untouched.
    io.stderr('still here\n');
    expect(collected).toEqual(['still here\n']);
  });

  it('raises any other write error, as an unhandled one would be', () => {
    const stream = failingStream('EIO');
    processIo(stream, new Writable({ write: (_chunk, _encoding, callback) => callback() }));
    const error = Object.assign(new Error('write EIO'), { code: 'EIO' });
    expect(() => stream.emit('error', error)).toThrow(error);
  });
});

describe('strongbox serve | head -1 (a real child process)', () => {
  it('goes on serving after its stdout reader has gone, and stops cleanly on SIGTERM', { timeout: 60_000 }, async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', CLI, 'serve', '--port', '0'], {
      env: { ...process.env, NODE_NO_WARNINGS: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.on('close', (code, signal) => resolve({ code, signal })),
    );
    // Read the first line, then close the pipe's reading end, as `head -1` does when it exits.
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        out += chunk;
        const found = /listening on (http:\/\/\S+)/.exec(out);
        if (found?.[1] !== undefined) resolve(found[1]);
      });
      void exited.then(() => reject(new Error(`exited before listening: ${out}${stderr}`)));
    });
    child.stdout.destroy();
    try {
      // Each request writes a log line to the closed pipe; the server must answer them all.
      const statuses: (number | undefined)[] = [];
      for (let i = 0; i < 5; i++) statuses.push(await health(url));
      expect(statuses).toEqual([200, 200, 200, 200, 200]);
      expect(child.exitCode).toBeNull();
    } finally {
      child.kill('SIGTERM');
    }
    // The shutdown line goes to the closed pipe too: a clean exit all the same.
    expect(await exited).toEqual({ code: 0, signal: null });
    expect(stderr).toBe('');
  });
});
