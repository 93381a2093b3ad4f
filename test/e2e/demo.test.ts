/**
 * `strongbox demo` as a user runs it: the `strongbox` command in a child process, in process (its
 * default) and against a `strongbox serve` endpoint (started here with `startServer`, HTTP and
 * HTTPS, as `strongbox serve --https-port` runs it). It must run to the end, exit 0, name every
 * mechanism, and show the facts issue #13 lists: the round trips, one GenerateDataKey for the
 * bucket-key run, the HTTPS-only policy's refusal and at least one ThrottlingException. (The
 * secrets scan, with the keys known to the test, is in packages/strongbox/test/demo/.)
 */

import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { startServer } from 'strongbox';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'packages', 'strongbox', 'bin', 'strongbox.js');

const SECTIONS = [
  '1. SSE-S3',
  '2. SSE-KMS',
  '3. SSE-KMS with an S3 Bucket Key',
  '4. SSE-C',
  '5. CSE-KMS',
  '6. CSE-C',
  '7. HTTPS-only bucket policy',
  '8. KMS throttling',
];

function strongbox(args: readonly string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

function expectTheWholeDemo(stdout: string): void {
  for (const title of SECTIONS) expect(stdout).toContain(`\n${title}`);
  expect(stdout.match(/ok {5}(GetObject|the encryption client's GetObject).* returns the plaintext/g)?.length).toBe(6);
  expect(stdout).toContain('ok     exactly one GenerateDataKey for 3 PUTs (the bucket key)');
  expect(stdout).toMatch(/over plain HTTP +PutObject refused: AccessDenied \(HTTP 403\)/);
  expect(stdout).toMatch(/answers +\d+ data keys, [1-9]\d* ThrottlingException/);
  expect(stdout).not.toContain('FAILED');
  expect(stdout).toMatch(/All \d+ checks passed\.\n$/);
}

describe('strongbox demo', () => {
  it('runs to the end in process', async () => {
    const run = await strongbox(['demo']);
    expect(run.code, run.stderr).toBe(0);
    expectTheWholeDemo(run.stdout);
    expect(run.stdout).toMatch(/S3 stored +\d+ sealed bytes for the \d+ bytes it was sent/);
  }, 90_000);

  it('runs to the end against strongbox serve over HTTP and HTTPS', async () => {
    const server = await startServer({ port: 0, https: { port: 0 } });
    try {
      const https = server.https;
      if (https === undefined) throw new Error('no HTTPS listener');
      const run = await strongbox(['demo', '--endpoint-url', server.url, '--https-endpoint-url', https.url, '--ca-bundle', https.certificate.path]);
      expect(run.code, run.stderr).toBe(0);
      expectTheWholeDemo(run.stdout);
      expect(run.stdout).toContain('at rest: not visible over the wire');
    } finally {
      await server.close();
    }
  }, 90_000);
});
