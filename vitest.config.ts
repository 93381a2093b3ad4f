import { defineConfig } from 'vitest/config';

/** One vitest project per package, plus the workspace-level checks in test/. */
export default defineConfig({
  test: {
    projects: [
      { test: { name: 'envelope', root: 'packages/envelope', include: ['test/**/*.test.ts'] } },
      { test: { name: 'kms', root: 'packages/kms', include: ['test/**/*.test.ts'] } },
      { test: { name: 'strongbox', root: 'packages/strongbox', include: ['test/**/*.test.ts'] } },
      { test: { name: 'workspace', root: '.', include: ['test/**/*.test.ts'] } },
    ],
  },
});
