import { defineConfig } from 'vitest/config';

/** One vitest project per package, plus the workspace-level checks in test/. */
export default defineConfig({
  test: {
    projects: [
      { test: { name: 'envelope', root: 'packages/envelope', include: ['test/**/*.test.ts'] } },
      { test: { name: 'service-kernel', root: 'packages/service-kernel', include: ['test/**/*.test.ts'] } },
      { test: { name: 'kms', root: 'packages/kms', include: ['test/**/*.test.ts'] } },
      { test: { name: 's3', root: 'packages/s3', include: ['test/**/*.test.ts'], testTimeout: 30_000 } },
      { test: { name: 's3-encryption-client', root: 'packages/s3-encryption-client', include: ['test/**/*.test.ts'] } },
      // These tests start `node --import tsx` children (the CLI, the server), one after another:
      // about half a second each on an idle machine, several times that on 2 busy shared cores,
      // so vitest's default 5 s per test and per hook is too tight.
      { test: { name: 'strongbox', root: 'packages/strongbox', include: ['test/**/*.test.ts'], testTimeout: 30_000, hookTimeout: 30_000 } },
      { test: { name: 'workspace', root: '.', include: ['test/**/*.test.ts'] } },
    ],
  },
});
