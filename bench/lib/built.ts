/**
 * @module
 * Runs a benchmark on the built packages: the workspace's `dist/` JavaScript (the
 * `strongbox-dist` condition), what users who install the packages run and what `strongbox serve`
 * runs, rather than the TypeScript sources through tsx, whose transform wraps every function
 * expression in a `__name(fn, "…")` call (esbuild's `keepNames`) that built code does not have.
 * A benchmark comparing the in-process path with the served one measures the same code on both
 * sides only this way.
 */

import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(import.meta.dirname, '..', '..');
const CONDITION = '--conditions=strongbox-dist';
/** The last file `pnpm build` writes (`tsc -b`, then the CLI bundle). */
const BUILD_MARK = join(ROOT, 'packages', 'strongbox', 'dist', 'bundle', 'cli.js');

/** Whether this process resolves the workspace packages to their builds. */
export function onBuiltPackages(): boolean {
  return process.execArgv.includes(CONDITION) || (process.env['NODE_OPTIONS'] ?? '').split(/\s+/).includes(CONDITION);
}

/** The newest modification time (ms) of any file under `folder`, 0 if none. */
function newestIn(folder: string): number {
  let newest = 0;
  for (const entry of readdirSync(folder, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) newest = Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

/**
 * Why the build cannot be measured (missing, or older than a source file), or undefined when it can.
 */
export function staleBuild(): string | undefined {
  let built: number;
  try {
    built = statSync(BUILD_MARK).mtimeMs;
  } catch {
    return 'the packages are not built: run `npx --yes pnpm@12.25.1 build` first';
  }
  const packages = join(ROOT, 'packages');
  for (const name of readdirSync(packages)) {
    try {
      // Its sources, and its manifest (exports, dependencies), which the build reads too.
      if (newestIn(join(packages, name, 'src')) > built || statSync(join(packages, name, 'package.json')).mtimeMs > built) {
        return `packages/${name} changed after the last build: run \`npx --yes pnpm@12.25.1 build\` first`;
      }
    } catch (error) {
      // A package without sources has nothing to be stale against; any other failure is reported.
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  return undefined;
}

/**
 * Makes the calling benchmark run on the built packages: in a process that already does, returns;
 * otherwise runs the same script again with the `strongbox-dist` condition (and tsx's loader, for
 * the benchmark's own TypeScript), passing its arguments and its exit code on, and does not return.
 * Call it before importing a workspace package (a dynamic `import()` after it).
 * @param moduleUrl - the benchmark's `import.meta.url`.
 * @throws never: a missing or stale build ends the process with a message and exit code 1.
 * @example
 * ```ts
 * runOnBuiltPackages(import.meta.url);
 * const { createStrongbox } = await import('strongbox');
 * ```
 */
export function runOnBuiltPackages(moduleUrl: string): void {
  const stale = staleBuild();
  if (stale !== undefined) {
    process.stderr.write(`${stale}\n`);
    process.exit(1);
  }
  if (onBuiltPackages()) return;
  const result = spawnSync(process.execPath, [CONDITION, '--import', import.meta.resolve('tsx'), fileURLToPath(moduleUrl), ...process.argv.slice(2)], {
    stdio: 'inherit',
  });
  if (result.error !== undefined) process.stderr.write(`could not run the benchmark again on the build: ${result.error.message}\n`);
  else if (result.signal !== null) process.stderr.write(`the benchmark's run on the build ended by ${result.signal}\n`);
  process.exit(result.status ?? 1);
}
