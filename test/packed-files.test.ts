/**
 * A package is never packed without its build: each published package's `prepack` builds it and
 * then runs scripts/check-packed-files.mjs, which refuses (exit 1, one line per file) when a file
 * the published manifest points at is missing. The check runs here on temporary copies of the
 * manifests (no build needed); test/e2e/packed.test.ts packs the real packages through `prepack`.
 */

import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = join(import.meta.dirname, '..');
const CHECK = join(root, 'scripts', 'check-packed-files.mjs');

interface Manifest {
  name: string;
  private?: boolean;
  bin?: Record<string, string>;
  scripts?: Record<string, string>;
  publishConfig?: { exports?: unknown; imports?: unknown };
}
const published = readdirSync(join(root, 'packages'))
  .filter((dir) => existsSync(join(root, 'packages', dir, 'package.json')))
  .map((dir) => ({ dir, manifest: JSON.parse(readFileSync(join(root, 'packages', dir, 'package.json'), 'utf8')) as Manifest }))
  .filter(({ manifest }) => manifest.private !== true);

/** Every string leaf of a manifest field: the files the published package points at. */
const targets = (value: unknown): string[] =>
  typeof value === 'string' ? [value] : value && typeof value === 'object' ? Object.values(value).flatMap(targets) : [];
const filesOf = (manifest: Manifest): string[] => [
  ...new Set([...targets(manifest.publishConfig?.exports), ...targets(manifest.publishConfig?.imports), ...targets(manifest.bin)]),
];

/** Runs the check in `cwd` as prepack does; resolves with its exit code and stderr. */
async function check(cwd: string): Promise<{ code: number; stderr: string }> {
  try {
    const { stderr } = await run(process.execPath, [CHECK], { cwd });
    return { code: 0, stderr };
  } catch (error) {
    const failed = error as { code: number; stderr: string };
    return { code: failed.code, stderr: failed.stderr };
  }
}

it('every package but the private ones is published (six of them)', () => {
  expect(published.map(({ dir }) => dir).sort()).toEqual(['envelope', 'kms', 's3', 's3-encryption-client', 'service-kernel', 'strongbox']);
});

describe.each(published)('$manifest.name', ({ dir, manifest }) => {
  it('prepack builds the package with its references, then checks the packed files last', () => {
    const steps = (manifest.scripts?.['prepack'] ?? '').split(' && ');
    expect(steps[0]).toBe('tsc -b tsconfig.build.json');
    expect(steps.at(-1)).toBe('node ../../scripts/check-packed-files.mjs');
    // The strongbox command runs dist/bundle/cli.js, which the bundler makes from the tsc output.
    if (dir === 'strongbox') expect(steps).toEqual(['tsc -b tsconfig.build.json', 'node scripts/bundle.mjs', 'node ../../scripts/check-packed-files.mjs']);
    else expect(steps).toHaveLength(2);
  });

  describe('the packed-files check, on a copy of its manifest', () => {
    let copy = '';
    beforeEach(async () => {
      copy = await mkdtemp(join(tmpdir(), 'strongbox-packed-files-'));
      await writeFile(join(copy, 'package.json'), JSON.stringify(manifest));
    });
    afterEach(async () => {
      await rm(copy, { recursive: true, force: true });
    });

    it('refuses when dist/ was not built, naming every missing file', async () => {
      const result = await check(copy);
      expect(result.code).toBe(1);
      // The copy has its package.json (also exported), nothing else.
      const files = filesOf(manifest).filter((file) => file !== './package.json');
      expect(files.some((file) => file.startsWith('./dist/'))).toBe(true);
      for (const file of files) expect(result.stderr).toContain(`${manifest.name}: not packed: ${file} (`);
      expect(result.stderr).not.toContain('not packed: ./package.json');
      expect(result.stderr).toContain('npx --yes pnpm@12.25.1 build');
    });

    it('passes when every file exists, and refuses again when one is missing', async () => {
      const files = filesOf(manifest).filter((file) => file !== './package.json');
      for (const file of files) {
        await mkdir(dirname(join(copy, file)), { recursive: true });
        await writeFile(join(copy, file), '');
      }
      expect(await check(copy)).toEqual({ code: 0, stderr: '' });
      const gone = files.find((file) => file.endsWith('.d.ts')) ?? files[0]!;
      await rm(join(copy, gone));
      const result = await check(copy);
      expect(result.code).toBe(1);
      expect(result.stderr.split('\n').filter((line) => line.includes('not packed:'))).toEqual([
        expect.stringContaining(`${manifest.name}: not packed: ${gone} (`),
      ]);
    });
  });
});

it('refuses a manifest that publishes nothing to check', async () => {
  const copy = await mkdtemp(join(tmpdir(), 'strongbox-packed-files-'));
  try {
    await writeFile(join(copy, 'package.json'), JSON.stringify({ name: 'empty' }));
    expect(await check(copy)).toEqual({ code: 1, stderr: 'empty: not packed: package.json publishes no exports, imports or bin to check\n' });
  } finally {
    await rm(copy, { recursive: true, force: true });
  }
});
