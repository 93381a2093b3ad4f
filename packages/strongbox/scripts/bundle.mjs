/**
 * Bundles the `strongbox` command (dist/cli.js, what `tsc -b` built) with esbuild into
 * dist/bundle/: the serve path becomes one module instead of about 350 small ones (every
 * workspace package and the libraries they use), so `strongbox serve` starts and idles in less
 * time and memory (issue 13; `bench/product/startup.ts` measures it). Commands loaded on demand
 * (`demo`, the self-signed certificate) stay separate chunks, loaded only when used.
 *
 * Run after `tsc -b` by the workspace's `build` and `prepare`, and by this package's `prepack`.
 *
 * ```
 * node packages/strongbox/scripts/bundle.mjs
 * ```
 */

import { readFile, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { build } from 'esbuild';

const PACKAGE = join(import.meta.dirname, '..');
const manifest = JSON.parse(await readFile(join(PACKAGE, 'package.json'), 'utf8'));

// Left to Node.js, resolved from this package's own dependencies: the AWS SDK clients (the demo and
// the S3 upstream store load them on demand, and they are large) and pkijs/asn1js (loaded only to
// issue a self-signed certificate).
const EXTERNAL = ['@aws-sdk/client-s3', '@aws-sdk/client-kms', '@aws-sdk/client-cloudtrail', 'pkijs', 'asn1js'];
for (const name of EXTERNAL) {
  if (manifest.dependencies?.[name] === undefined) throw new Error(`bundle: '${name}' is left external but is not a dependency of strongbox`);
}

/**
 * A module that loads with `createRequire(import.meta.url)` resolves from its own package; in the
 * bundle, `import.meta.url` is the bundle's. The call is rewritten to resolve from the package the
 * module came from (`@strongbox/kms` requires `@noble/curves` on first use, which only it depends on),
 * which must then be a dependency of strongbox so that the bundle can find it.
 */
const ownPackageRequire = {
  name: 'own-package-require',
  setup(build) {
    build.onLoad({ filter: /[\\/]dist[\\/].*\.js$/ }, async (args) => {
      const contents = await readFile(args.path, 'utf8');
      if (!contents.includes('createRequire(import.meta.url)')) return undefined;
      const owner = await owningPackage(args.path);
      if (owner !== manifest.name && manifest.dependencies?.[owner] === undefined) {
        throw new Error(`bundle: ${args.path} requires from '${owner}', which strongbox does not depend on`);
      }
      return { contents: contents.replaceAll('createRequire(import.meta.url)', `createRequire(import.meta.resolve(${JSON.stringify(owner)}))`), loader: 'js' };
    });
  },
};

async function owningPackage(path) {
  for (let directory = dirname(path); directory !== dirname(directory); directory = dirname(directory)) {
    try {
      return JSON.parse(await readFile(join(directory, 'package.json'), 'utf8')).name;
    } catch (error) {
      if (error.code !== 'ENOENT') throw error;
    }
  }
  throw new Error(`bundle: no package.json above ${path}`);
}

await rm(join(PACKAGE, 'dist', 'bundle'), { recursive: true, force: true });
await build({
  absWorkingDir: PACKAGE,
  entryPoints: { cli: 'dist/cli.js' },
  outdir: 'dist/bundle',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20.19',
  // The workspace packages' built JavaScript, as the packed packages resolve; and the libraries'
  // ES module builds where they ship both (the AWS SDK's @smithy packages): esbuild drops what is
  // not used from those, where a CommonJS build is kept whole.
  conditions: ['strongbox-dist', 'module'],
  mainFields: ['module', 'main'],
  external: EXTERNAL,
  // CommonJS libraries inside the bundle call require() for Node.js built-ins.
  banner: { js: "import { createRequire as __bundleRequire } from 'node:module'; const require = __bundleRequire(import.meta.url);" },
  plugins: [ownPackageRequire],
  // Maps point at dist/ (which ships, with its own maps to src/), so they need not carry the sources.
  sourcemap: 'linked',
  sourcesContent: false,
  // Smaller source to parse and keep in memory. Identifiers are not minified, so functions and
  // classes keep their names in stacks; no `keepNames`, whose `__name(fn, "…")` wrapper runs at
  // every closure a request creates (a property definition each, and a function object of another
  // shape), for nothing the code reads: no message is built from a function's or class's `.name`,
  // and every error class that shows a name sets it itself.
  minifyWhitespace: true,
  minifySyntax: true,
  logLevel: 'warning',
});
