#!/usr/bin/env node
// The `strongbox` command. In a clone of the repository (no build step) it runs the TypeScript
// sources through tsx, a dev dependency of the workspace; an installed package, where tsx is
// usually absent, runs the compiled dist/cli.js.
import { existsSync } from 'node:fs';

const source = new URL('../src/cli.ts', import.meta.url);
const tsx = existsSync(source) ? await import('tsx/esm/api').catch(() => undefined) : undefined;
if (tsx) {
  tsx.register();
  await import(source.href);
} else {
  await import(new URL('../dist/cli.js', import.meta.url).href);
}
