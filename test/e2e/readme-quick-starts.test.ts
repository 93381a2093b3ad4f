/**
 * The quick starts of the READMEs run as written: the first TypeScript block of each package
 * README's "Quick start" section, the root README's in-process quick start, and the other
 * self-contained examples a newcomer pastes first (the envelope README's and the S3 README's
 * opening blocks, the S3 README's "On the wire" one, the strongbox README's in-process ones), are
 * copied into a file in the workspace (so they import the packages as a project that depends on
 * them does) and run with tsx; each must exit 0 and print what its comment promises. (The packed
 * tarballs run the root README's quick start too: `packed.test.ts`.)
 */

import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '..', '..');

/** The ```ts block number `index` (from 0) after the heading that starts with `heading`. */
async function quickStart(readme: string, heading: string, index = 0): Promise<string> {
  const text = await readFile(join(ROOT, readme), 'utf8');
  const start = text.startsWith(heading) ? 0 : text.indexOf(`\n${heading}`);
  expect(start, `${readme} has a section "${heading}"`).toBeGreaterThanOrEqual(0);
  const block = [...text.slice(start).matchAll(/```ts\n([\s\S]*?)```/g)][index];
  expect(block, `${readme}: ts block ${index} after "${heading}"`).toBeDefined();
  return block![1]!;
}

const CASES: readonly { readme: string; heading: string; block: number; prints: RegExp }[] = [
  { readme: 'README.md', heading: '### In process, for TypeScript tests', block: 0, prints: /^AES256 a,b\n1,2\n/ },
  { readme: 'packages/envelope/README.md', heading: '## Quick start', block: 0, prints: /^hello\n$/ },
  { readme: 'packages/envelope/README.md', heading: '# @strongbox/envelope', block: 0, prints: /^2000000 4096 2000000 acme 2000000\n$/ },
  { readme: 'packages/service-kernel/README.md', heading: '## Quick start', block: 0, prints: /^kms\.amazonaws\.com\n$/ },
  { readme: 'packages/kms/README.md', heading: '## Quick start', block: 0, prints: /^true\n$/ },
  { readme: 'packages/s3/README.md', heading: '## Quick start', block: 0, prints: /^AES256 a,b\n1,2\n\n$/ },
  { readme: 'packages/s3-encryption-client/README.md', heading: '## Quick start (against Strongbox', block: 0, prints: /^hello\n$/ },
  { readme: 'packages/s3/README.md', heading: '# @strongbox/s3', block: 0, prints: /^AES256 bytes 1299997-1300012\/1300013 16\n$/ },
  // A caller with an identity policy: given as a bare ARN, it had none and the PUT was refused.
  { readme: 'packages/s3/README.md', heading: '# @strongbox/s3', block: 1, prints: /^arn:aws:kms:us-east-1:000000000000:key\/[0-9a-f-]{36} true\n$/ },
  { readme: 'packages/s3/README.md', heading: '# @strongbox/s3', block: 2, prints: /^SSE-S3 4096 16\n$/ },
  // These print nothing (exit 0 is the check); the S3 ones used to PutObject into a bucket they
  // never created (NoSuchBucket).
  { readme: 'packages/s3/README.md', heading: '## On the wire', block: 0, prints: /^$/ },
  { readme: 'packages/strongbox/README.md', heading: '### In-process, with no port', block: 0, prints: /^$/ },
  { readme: 'packages/strongbox/README.md', heading: '### In-process, with no port', block: 1, prints: /^$/ },
  // A presigned GET of an SSE-KMS object: over the HTTPS listener, trusting its certificate (the
  // plain listener's URL gets 400 InvalidArgument, as from S3).
  { readme: 'packages/strongbox/README.md', heading: '### Presigned URLs', block: 0, prints: /^200 a,b\n\n$/ },
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
  it.each(CASES)('$readme "$heading" (block $block) runs as written', async ({ readme, heading, block, prints }) => {
    const file = join(scratch, `${`${readme}-${heading}-${block}`.replace(/[^a-z0-9]+/gi, '-')}.mts`);
    await writeFile(file, await quickStart(readme, heading, block));
    const { stdout } = await run(process.execPath, ['--import', 'tsx', file], { cwd: ROOT, env: { ...process.env, NODE_NO_WARNINGS: '1' } });
    expect(stdout).toMatch(prints);
  });
});
