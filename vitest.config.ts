import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defineConfig, type TestProjectInlineConfiguration } from 'vitest/config';

type ProjectOptions = NonNullable<TestProjectInlineConfiguration['test']>;

/** A test file that replaces a module (`vi.mock`, `vi.doMock`) needs a module registry of its own. */
const MOCKS_A_MODULE = /\bvi\.(?:do)?[mM]ock\(/;

/**
 * The vitest projects of one package: its test files share one module registry per worker
 * (`isolate: false`), so the AWS SDK and the package's sources are loaded once per worker instead of
 * once per file (most of the suite's import time); the files that mock a module run in a project of
 * their own, `<name>:isolated`, with vitest's default isolation, because in a shared registry a mock
 * would reach the files that run after it and miss the modules loaded before it.
 * Run both with `--project '<name>*'`.
 */
function packageProjects(name: string, options: ProjectOptions = {}): TestProjectInlineConfiguration[] {
  const root = `packages/${name}`;
  const tests = (readdirSync(join(import.meta.dirname, root, 'test'), { recursive: true, encoding: 'utf8' }) as string[])
    .filter((file) => file.endsWith('.test.ts'))
    .map((file) => `test/${file.split('\\').join('/')}`);
  const mocking = tests.filter((file) => MOCKS_A_MODULE.test(readFileSync(join(import.meta.dirname, root, file), 'utf8')));
  const common: ProjectOptions = { root, testTimeout: 30_000, ...options };
  const projects: TestProjectInlineConfiguration[] = [{ test: { ...common, name, include: ['test/**/*.test.ts'], exclude: mocking, isolate: false } }];
  if (mocking.length > 0) projects.push({ test: { ...common, name: `${name}:isolated`, include: mocking } });
  return projects;
}

/** One vitest project per package (plus one for its module-mocking files), and the workspace-level checks in test/. */
export default defineConfig({
  test: {
    // Prints the reliability summary (test/reliability/summary.ts) when the whole run ends.
    globalSetup: ['test/reliability/global-setup.ts'],
    projects: [
      // Every package test gets 30 s (packageProjects): on 2 busy shared cores, fast-check properties
      // and RSA key-pair generation (GetParametersForImport) outlast vitest's default 5 s, which
      // would make a slow machine fail a correct test. 30 s still stops a test that hangs.
      ...packageProjects('envelope'),
      ...packageProjects('service-kernel'),
      ...packageProjects('kms'),
      ...packageProjects('s3'),
      ...packageProjects('s3-encryption-client'),
      // These tests start `node --import tsx` children (the CLI, the server), one after another:
      // about half a second each on an idle machine, several times that on 2 busy shared cores,
      // so the hooks that start them need the same 30 s.
      ...packageProjects('strongbox', { hookTimeout: 30_000 }),
      { test: { name: 'workspace', root: '.', include: ['test/**/*.test.ts'] } },
    ],
  },
});
