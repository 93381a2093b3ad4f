/**
 * Import directions, read from the import graph of every package's `src/` (the TypeScript
 * compiler's own pre-processor finds the imports, so comments and examples do not count):
 *
 * - inside a service (a package with a `model/`), the layers hold: `model/` imports nothing above it; `policy/` only the
 *   model; `protocol/`, `persistence/` and `storage/` neither operations nor the service layer
 *   (`crypto/` may use `storage/`); `operations/` not the service layer; nothing imports the package entries from inside;
 * - a package imports another workspace package only through one of its published entries
 *   (`@strongbox/kms`, `@strongbox/kms/http`), never a file inside it, and no relative import
 *   leaves the package;
 * - the service kernel imports no other workspace package: services build on it, not it on them.
 */

import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');
const packagesDir = join(root, 'packages');

interface Manifest {
  readonly name: string;
  readonly exports?: Readonly<Record<string, unknown>>;
}

interface PackageInfo {
  readonly dir: string;
  readonly manifest: Manifest;
  /** Every `.ts` file under `src/`, relative to `src/` with `/` separators. */
  readonly files: readonly string[];
}

/** One import of one source file. */
interface Edge {
  readonly pkg: string;
  /** The importing file, relative to its package's `src/`. */
  readonly from: string;
  /** The specifier as written. */
  readonly specifier: string;
  /** For a relative import: the target, relative to the importing package's `src/` (may start with `../`). */
  readonly target?: string;
}

function walk(dir: string, base: string = dir): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) out.push(...walk(path, base));
    else if (entry.endsWith('.ts')) out.push(relative(base, path).split(sep).join('/'));
  }
  return out;
}

const packages: readonly PackageInfo[] = readdirSync(packagesDir)
  .filter((dir) => existsSync(join(packagesDir, dir, 'package.json')) && existsSync(join(packagesDir, dir, 'src')))
  .map((dir) => ({
    dir,
    manifest: JSON.parse(readFileSync(join(packagesDir, dir, 'package.json'), 'utf8')) as Manifest,
    files: walk(join(packagesDir, dir, 'src')),
  }));

const workspaceNames: ReadonlySet<string> = new Set(packages.map((p) => p.manifest.name));

function edgesOf(pkg: PackageInfo): Edge[] {
  const src = join(packagesDir, pkg.dir, 'src');
  const edges: Edge[] = [];
  for (const file of pkg.files) {
    const text = readFileSync(join(src, file), 'utf8');
    for (const imported of ts.preProcessFile(text, true, true).importedFiles) {
      const specifier = imported.fileName;
      const target = specifier.startsWith('.')
        ? relative(src, resolve(dirname(join(src, file)), specifier))
            .split(sep)
            .join('/')
        : undefined;
      edges.push({ pkg: pkg.dir, from: file, specifier, ...(target === undefined ? {} : { target }) });
    }
  }
  return edges;
}

const edges: readonly Edge[] = packages.flatMap(edgesOf);

/** The layer of a file inside a service package: its top folder, or `top` for a top-level file. */
function layerOf(file: string): string {
  const slash = file.indexOf('/');
  return slash < 0 ? 'top' : file.slice(0, slash);
}

/**
 * Which layers each layer of a service may import (besides itself, the kernel, other packages'
 * entries and the package's top-level files such as its error type; the entries themselves only
 * from outside, checked separately).
 */
const ALLOWED: Readonly<Record<string, readonly string[]>> = {
  model: [],
  policy: ['model'],
  protocol: ['model'],
  persistence: ['model'],
  // S3's object bodies: storage/ keeps sealed bytes (like persistence/), crypto/ seals and opens them.
  storage: ['model'],
  crypto: ['model', 'storage'],
  operations: ['model', 'policy', 'protocol', 'persistence', 'storage', 'crypto'],
  service: ['model', 'policy', 'protocol', 'persistence', 'storage', 'crypto', 'operations'],
};

/** The `src/` files a package publishes as entries (`./src/index.ts` → `index.ts`). */
function entryFiles(pkg: PackageInfo): ReadonlySet<string> {
  // A target is a path, or conditions leading to paths (`default`: the source; `strongbox-dist`: the build).
  const paths = (value: unknown): string[] =>
    typeof value === 'string' ? [value] : value !== null && typeof value === 'object' ? Object.values(value).flatMap(paths) : [];
  const targets = Object.values(pkg.manifest.exports ?? {})
    .flatMap(paths)
    .filter((t) => t.startsWith('./src/'));
  return new Set(targets.map((t) => t.slice('./src/'.length)));
}

/** Packages laid out in service layers (they have a `model/`). */
const layered: ReadonlySet<string> = new Set(packages.filter((p) => p.files.some((f) => f.startsWith('model/'))).map((p) => p.dir));
const entries: ReadonlyMap<string, ReadonlySet<string>> = new Map(packages.map((p) => [p.dir, entryFiles(p)]));

/** A violation of the layer rule, or undefined. */
function layerViolation(edge: Edge): string | undefined {
  if (edge.target === undefined || edge.target.startsWith('../')) return undefined;
  if (!layered.has(edge.pkg)) return undefined;
  if (entries.get(edge.pkg)?.has(edge.target) === true && !entries.get(edge.pkg)?.has(edge.from))
    return `${edge.pkg}/src/${edge.from} imports the package entry ${edge.target}`;
  const fromLayer = layerOf(edge.from);
  const toLayer = layerOf(edge.target);
  if (fromLayer === toLayer || toLayer === 'top') return undefined;
  const allowed = ALLOWED[fromLayer];
  if (allowed === undefined) return undefined; // top-level entries and unlayered packages (envelope's backend/, format/)
  return allowed.includes(toLayer) ? undefined : `${edge.pkg}/src/${edge.from} (${fromLayer}/) imports ${edge.target} (${toLayer}/)`;
}

/** A violation of the package-boundary rule, or undefined. */
function boundaryViolation(edge: Edge): string | undefined {
  if (edge.target !== undefined)
    return edge.target.startsWith('../') ? `${edge.pkg}/src/${edge.from} reaches outside its package: ${edge.specifier}` : undefined;
  const name = edge.specifier.startsWith('@') ? edge.specifier.split('/').slice(0, 2).join('/') : (edge.specifier.split('/')[0] ?? '');
  if (!workspaceNames.has(name)) return undefined;
  const target = packages.find((p) => p.manifest.name === name);
  const subpath = `.${edge.specifier.slice(name.length)}`;
  if (target?.manifest.exports?.[subpath] === undefined) return `${edge.pkg}/src/${edge.from} imports ${edge.specifier}, not an entry of ${name}`;
  return undefined;
}

describe('import directions', () => {
  it('finds the imports of every package (the graph is not empty)', () => {
    expect(packages.map((p) => p.dir)).toEqual(expect.arrayContaining(['envelope', 'kms', 'service-kernel', 'strongbox']));
    expect(edges.filter((e) => e.pkg === 'kms' && e.specifier === '@strongbox/service-kernel').length).toBeGreaterThan(10);
  });

  it('model/ imports nothing above it, and no layer imports one above it', () => {
    expect(edges.map(layerViolation).filter((v) => v !== undefined)).toEqual([]);
  });

  it('packages import each other only through published entries', () => {
    expect(edges.map(boundaryViolation).filter((v) => v !== undefined)).toEqual([]);
  });

  it('the service kernel imports no other workspace package', () => {
    const kernelImports = edges.filter((e) => e.pkg === 'service-kernel' && e.target === undefined).map((e) => e.specifier);
    expect(kernelImports.filter((s) => [...workspaceNames].some((name) => s === name || s.startsWith(`${name}/`)))).toEqual([]);
  });

  it('catches a wrong-way import (the rule itself)', () => {
    const wrong: Edge = { pkg: 'kms', from: 'model/quotas.ts', specifier: '../operations/index.ts', target: 'operations/index.ts' };
    expect(layerViolation(wrong)).toContain('(model/) imports operations/index.ts');
    const internal: Edge = { pkg: 'strongbox', from: 'server.ts', specifier: '@strongbox/kms/src/kms.ts' };
    expect(boundaryViolation(internal)).toContain('not an entry of @strongbox/kms');
  });
});
