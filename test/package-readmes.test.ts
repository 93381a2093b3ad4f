/**
 * What each package README's opening paragraph says about the packages built on it is true: a
 * package it says uses it (by name, or as "every other Strongbox package") lists it in its
 * runtime dependencies.
 */

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');
const packageDirs = readdirSync(join(root, 'packages')).filter((dir) => existsSync(join(root, 'packages', dir, 'package.json')));
const manifests = new Map(
  packageDirs.map((dir) => {
    const manifest = JSON.parse(readFileSync(join(root, 'packages', dir, 'package.json'), 'utf8')) as {
      name: string;
      dependencies?: Record<string, string>;
    };
    return [dir, manifest] as const;
  }),
);

/** The README's first paragraph after its title, on one line. */
function opening(dir: string): string {
  const readme = readFileSync(join(root, 'packages', dir, 'README.md'), 'utf8');
  const [, paragraph = ''] = readme.split(/\n\s*\n/);
  return paragraph.replace(/\s+/g, ' ');
}

/** The package names the opening says are built on its package, or seal data through it. */
function claimedUsers(dir: string, self: string): string[] {
  const text = opening(dir);
  if (/every other Strongbox package/.test(text)) return [...manifests.values()].map((manifest) => manifest.name).filter((name) => name !== self);
  const sentence = /([^.]*) (?:are|is) built on it/.exec(text)?.[1] ?? '';
  return [...sentence.matchAll(/`(@strongbox\/[a-z0-9-]+|strongbox)`/g)].map((match) => match[1] as string);
}

describe('a package README on the packages built on it', () => {
  it.each(packageDirs)('%s: every package its opening says uses it depends on it', (dir) => {
    const self = manifests.get(dir)?.name as string;
    const dependsOnSelf = (name: string): boolean =>
      [...manifests.values()].some((manifest) => manifest.name === name && manifest.dependencies?.[self] !== undefined);
    expect(claimedUsers(dir, self).filter((name) => !dependsOnSelf(name))).toEqual([]);
  });
});
