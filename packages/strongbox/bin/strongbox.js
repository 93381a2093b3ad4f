#!/usr/bin/env node
// The `strongbox` command. It runs the built command, dist/bundle/cli.js (dist/cli.js and the
// workspace packages bundled by scripts/bundle.mjs, so it starts quickly), whenever this package
// resolves to JavaScript: always once installed (the packed package.json points its exports at
// dist/), and in the workspace under `node --conditions=strongbox-dist` (what `pnpm start` runs,
// after the `prepare` build). Otherwise, in the workspace, the package resolves to its TypeScript
// sources, and the command runs those through tsx (a dev dependency of the workspace).
import { existsSync } from 'node:fs';
import module from 'node:module';
import { fileURLToPath } from 'node:url';

// Node.js 22.1 and later keep V8's compiled code of the modules loaded here in a cache (in the OS
// temporary folder), so later starts skip compiling them again; before 22.1 there is no such API.
module.enableCompileCache?.();

const built = import.meta.resolve('strongbox').endsWith('.js');
if (built) {
  const cli = new URL('../dist/bundle/cli.js', import.meta.url);
  if (!existsSync(cli)) {
    process.stderr.write(`strongbox: ${fileURLToPath(cli)} is missing: build it with 'npx --yes pnpm@12.25.1 build'\n`);
    process.exit(1);
  }
  await import(cli.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import(new URL('../src/cli.ts', import.meta.url).href);
}
