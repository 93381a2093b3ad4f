/**
 * Workspace hygiene: the README's commands, CI and the package manifests agree with each other,
 * and every published entry point exists.
 */

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { OPERATION_NAMES } from '@strongbox/kms';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');
const read = (path: string): string => readFileSync(join(root, path), 'utf8');
const rootManifest = JSON.parse(read('package.json')) as {
  packageManager: string;
  engines: Record<string, string>;
  scripts: Record<string, string>;
};
const pnpmVersion = rootManifest.packageManager.replace(/^pnpm@/, '');
const packageDirs = readdirSync(join(root, 'packages')).filter((dir) => existsSync(join(root, 'packages', dir, 'package.json')));

/** The fenced shell lines of the README's "Set up" section. */
function setupCommands(): string[] {
  const readme = read('README.md');
  const section = readme.split(/^## /m).find((part) => part.startsWith('Set up'));
  expect(section, 'README has a "Set up" section').toBeDefined();
  return [...section!.matchAll(/```(?:sh|bash)\n([\s\S]*?)```/g)].flatMap((match) => match[1]!.trim().split('\n'));
}

describe('README and CI', () => {
  it('the README gives exactly two set-up commands, both through the pinned pnpm', () => {
    const commands = setupCommands();
    expect(commands).toHaveLength(2);
    for (const command of commands) expect(command).toContain(`npx --yes pnpm@${pnpmVersion} `);
  });

  it('CI runs the README test command verbatim, then the type check', () => {
    const testCommand = setupCommands().find((command) => / test$/.test(command));
    expect(testCommand).toBeDefined();
    // Whole command lines only: a commented-out or extended line does not count.
    const ciCommands = read('.ci/run')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '' && !line.startsWith('#'));
    const testLine = ciCommands.indexOf(testCommand!);
    expect(testLine, `.ci/run has the line: ${testCommand}`).toBeGreaterThanOrEqual(0);
    expect(ciCommands.indexOf(`npx --yes pnpm@${pnpmVersion} typecheck`)).toBeGreaterThan(testLine);
  });

  it('pnpm refuses to run at any version but the pinned one', () => {
    // pnpm-workspace.yaml sets `pmOnFail: ignore` (see the comment there), so `engines.pnpm` is
    // what makes another pnpm fail with ERR_PNPM_UNSUPPORTED_ENGINE instead of rewriting the lockfile.
    expect(rootManifest.engines['pnpm']).toBe(pnpmVersion);
    expect(read('pnpm-workspace.yaml')).toMatch(/^pmOnFail: ignore$/m);
  });

  it('the root scripts the README relies on exist', () => {
    for (const script of ['build', 'typecheck', 'lint', 'format', 'test', 'bench', 'start']) expect(rootManifest.scripts[script]).toBeTruthy();
  });
});

describe('README figures a newcomer reads', () => {
  it("the root README's Layout names every package folder", () => {
    const layout = read('README.md')
      .split(/^## /m)
      .find((part) => part.startsWith('Layout'));
    expect(layout, 'README has a "Layout" section').toBeDefined();
    for (const dir of packageDirs) expect(layout, `Layout lists packages/${dir}`).toMatch(new RegExp(`^packages/${dir} `, 'm'));
  });

  it('the READMEs count the KMS operations the registry serves, and the KMS README names each', () => {
    const count = OPERATION_NAMES.length;
    expect(read('README.md')).toContain(`| ${count} operations: keys`);
    const kmsReadme = read('packages/kms/README.md');
    expect(kmsReadme).toContain(`All ${count} operations below`);
    const table = kmsReadme.slice(kmsReadme.indexOf('| Area | Operations |'), kmsReadme.indexOf('\n\n', kmsReadme.indexOf('| Area | Operations |')));
    for (const name of OPERATION_NAMES) expect(table, `the KMS README's table names ${name}`).toMatch(new RegExp(`\\b${name}\\b`));
  });
});

describe('package manifests', () => {
  it('the workspace packages depend on each other without a cycle, and pnpm is not told to ignore one', () => {
    // Layers point one way, dev-only edges included: a package's tests that need a package above it
    // live in the root test/ project (e.g. test/e2e/cse/).
    expect(read('pnpm-workspace.yaml')).not.toMatch(/^ignoreWorkspaceCycles:/m);
    const edges = new Map<string, string[]>();
    for (const dir of packageDirs) {
      const manifest = JSON.parse(read(join('packages', dir, 'package.json'))) as Record<string, Record<string, string> | string | undefined>;
      const names = ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies'].flatMap((field) =>
        Object.entries((manifest[field] as Record<string, string> | undefined) ?? {})
          .filter(([, range]) => range.startsWith('workspace:'))
          .map(([name]) => name),
      );
      edges.set(manifest.name as string, names);
    }
    const cycles: string[] = [];
    const visit = (name: string, path: readonly string[]): void => {
      if (path.includes(name)) {
        cycles.push([...path.slice(path.indexOf(name)), name].join(' -> '));
        return;
      }
      for (const next of edges.get(name) ?? []) visit(next, [...path, name]);
    };
    for (const name of edges.keys()) visit(name, []);
    expect(cycles).toEqual([]);
  });

  it.each(packageDirs)('%s: every exports and imports target exists, in source and in publishConfig form', (dir) => {
    const manifest = JSON.parse(read(`packages/${dir}/package.json`)) as Record<string, unknown>;
    const targets = (value: unknown): string[] =>
      typeof value === 'string' ? [value] : value && typeof value === 'object' ? Object.values(value).flatMap(targets) : [];
    const source = [...targets(manifest.exports), ...targets(manifest.imports)].filter((target) => target.startsWith('./src/'));
    expect(source.length).toBeGreaterThan(0);
    for (const target of source) expect(existsSync(join(root, 'packages', dir, target)), target).toBe(true);
    const publish = manifest.publishConfig as Record<string, unknown> | undefined;
    const published = [...targets(publish?.exports), ...targets(publish?.imports)].filter((target) => target.startsWith('./dist/'));
    // Each source entry has a dist twin: ./src/x.ts -> ./dist/x.js (and .d.ts for types).
    for (const target of source) expect(published).toContain(target.replace('./src/', './dist/').replace(/\.ts$/, '.js'));
  });

  it.each(packageDirs)('%s: runtime dependencies are pinned exactly and justified in its README', (dir) => {
    const manifest = JSON.parse(read(`packages/${dir}/package.json`)) as { dependencies?: Record<string, string> };
    const readme = read(`packages/${dir}/README.md`);
    for (const [name, version] of Object.entries(manifest.dependencies ?? {})) {
      if (version.startsWith('workspace:')) continue;
      expect(version, `${name} is pinned`).toMatch(/^\d+\.\d+\.\d+$/);
      expect(readme, `${name} is justified in the README`).toContain(`\`${name}\``);
    }
  });
});
