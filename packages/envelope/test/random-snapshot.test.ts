import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

// The reviewer's finding: nodeBackend.randomBytes served a 4 KiB pool kept in JavaScript memory, so
// every process started from one startup snapshot handed out the same data key and message id
// (GCM nonce reuse under one key). Now every draw goes to OpenSSL, whose state is per process.
describe('randomness after a Node.js startup snapshot', () => {
  it('two processes started from one snapshot draw different data keys, message ids and wrap nonces', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'envelope-snapshot-'));
    try {
      const bundle = join(dir, 'entry.cjs');
      const blob = join(dir, 'snapshot.blob');
      // Snapshot entries are single scripts that can only require built-ins: bundle the sources.
      await build({
        entryPoints: [fileURLToPath(new URL('./fixtures/snapshot-entry.ts', import.meta.url))],
        bundle: true,
        platform: 'node',
        format: 'cjs',
        conditions: ['node'],
        outfile: bundle,
        logLevel: 'silent',
      });
      execFileSync(process.execPath, ['--snapshot-blob', blob, '--build-snapshot', bundle], { cwd: dir, stdio: 'pipe' });
      const run = (): Record<string, string> =>
        JSON.parse(execFileSync(process.execPath, ['--snapshot-blob', blob], { cwd: dir, encoding: 'utf8' })) as Record<string, string>;
      const first = run();
      const second = run();
      // Control: state drawn while building is in both processes, so the snapshot did carry the heap.
      expect(first.builtIn).toMatch(/^[0-9a-f]{32}$/);
      expect(second.builtIn).toBe(first.builtIn);
      for (const field of ['dataKey', 'messageId', 'wrapNonce'] as const) {
        expect(first[field]).toMatch(/^[0-9a-f]{24,}$/);
        expect(second[field], field).not.toBe(first[field]);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
