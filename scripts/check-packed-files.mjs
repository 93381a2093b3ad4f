/**
 * Refuses to let a package be packed without the files its published manifest points at: every
 * target of `publishConfig.exports` and `publishConfig.imports` (what `pnpm pack` writes into the
 * tarball's package.json) and of `bin`. Each published package's `prepack` runs it last, after its
 * build, so a tarball never goes out without its dist/ (`pnpm pack` run while the `prepare` build
 * of `pnpm install` was still going produced such tarballs, silently).
 *
 * Exit 0 when every target is a file; otherwise one line per missing target on stderr, exit 1.
 *
 * ```
 * node ../../scripts/check-packed-files.mjs          # in packages/<name>, as its prepack does
 * node scripts/check-packed-files.mjs packages/kms   # or name the package directory
 * ```
 */

import { statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';

const directory = resolve(process.argv[2] ?? '.');
const manifest = JSON.parse(await readFile(join(directory, 'package.json'), 'utf8'));

/** Every string leaf of an exports/imports/bin value, with the field path that leads to it. */
function targets(value, path) {
  if (typeof value === 'string') return [{ target: value, path }];
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, inner]) => targets(inner, `${path}["${key}"]`));
}

const wanted = [
  ...targets(manifest.publishConfig?.exports, 'publishConfig.exports'),
  ...targets(manifest.publishConfig?.imports, 'publishConfig.imports'),
  ...targets(typeof manifest.bin === 'string' ? { [manifest.name]: manifest.bin } : manifest.bin, 'bin'),
];
const isFile = (target) => {
  try {
    return statSync(join(directory, target)).isFile();
  } catch {
    return false;
  }
};
const missing = wanted.filter(({ target }) => !isFile(target));

if (wanted.length === 0) {
  process.stderr.write(`${manifest.name}: not packed: package.json publishes no exports, imports or bin to check\n`);
  process.exit(1);
}
if (missing.length > 0) {
  for (const { target, path } of missing) process.stderr.write(`${manifest.name}: not packed: ${target} (${path}) is missing\n`);
  // `tsc -b` trusts its .tsbuildinfo and does not bring back an output deleted since: --force does.
  process.stderr.write(
    `${manifest.name}: build the workspace first: npx --yes pnpm@12.25.1 build (if it says it is up to date, ` +
      `in the workspace root: npx tsc -b --force ${join(directory, 'tsconfig.build.json')})\n`,
  );
  process.exit(1);
}
