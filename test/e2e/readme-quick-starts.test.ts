/**
 * The quick starts of the READMEs run as written: the first TypeScript block of each package
 * README's "Quick start" section, and the root README's in-process quick start, are copied into a
 * file in the workspace (so they import the packages as a project that depends on them does) and
 * run with tsx; each must exit 0 and print what its comment promises. (The packed tarballs run the
 * root README's quick start too: `packed.test.ts`.)
 */

import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '..', '..');

/** The first ```ts block after the heading that starts with `heading`. */
async function quickStart(readme: string, heading: string): Promise<string> {
  const text = await readFile(join(ROOT, readme), 'utf8');
  const start = text.indexOf(`\n${heading}`);
  expect(start, `${readme} has a section "${heading}"`).toBeGreaterThanOrEqual(0);
  const block = /```ts\n([\s\S]*?)```/.exec(text.slice(start));
  expect(block, `${readme}: a ts block after "${heading}"`).not.toBeNull();
  return block![1]!;
}

const CASES: readonly { readme: string; heading: string; prints: RegExp }[] = [
  { readme: 'README.md', heading: '### In process, for TypeScript tests', prints: /^AES256 a,b\n1,2\n/ },
  { readme: 'packages/envelope/README.md', heading: '## Quick start', prints: /^hello\n$/ },
  { readme: 'packages/service-kernel/README.md', heading: '## Quick start', prints: /^kms\.amazonaws\.com\n$/ },
  { readme: 'packages/kms/README.md', heading: '## Quick start', prints: /^true\n$/ },
  { readme: 'packages/s3/README.md', heading: '## Quick start', prints: /^AES256 a,b\n1,2\n\n$/ },
  { readme: 'packages/s3-encryption-client/README.md', heading: '## Quick start (against Strongbox', prints: /^hello\n$/ },
];

let scratch = '';
beforeAll(async () => {
  // Inside the workspace, so that the packages resolve from its node_modules.
  scratch = await mkdtemp(join(ROOT, 'test', 'e2e', '.quick-starts-'));
});
afterAll(async () => {
  if (scratch !== '') await rm(scratch, { recursive: true, force: true });
});

describe('README quick starts', { timeout: 120_000 }, () => {
  it.each(CASES)('$readme "$heading" runs as written', async ({ readme, heading, prints }) => {
    const file = join(scratch, `${readme.replace(/[/.]/g, '-')}.mts`);
    await writeFile(file, await quickStart(readme, heading));
    const { stdout } = await run(process.execPath, ['--import', 'tsx', file], { cwd: ROOT, env: { ...process.env, NODE_NO_WARNINGS: '1' } });
    expect(stdout).toMatch(prints);
  });
});
