/**
 * @module
 * Identifies the code that was measured: the git commit, whether the measured package's sources
 * differ from it, and a digest of those sources as they were read. (The repository is edited while
 * benchmarks run; a figure is only meaningful next to the code it measured.) Read-only: it runs
 * `git rev-parse` and `git diff --quiet`, nothing that changes the repository.
 */

import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/** The measured sources. */
export interface SourceInfo {
  readonly folder: string;
  readonly gitHead: string | null;
  /** True if the folder differs from HEAD (uncommitted edits); null if git could not tell. */
  readonly dirty: boolean | null;
  /** SHA-256 over the sorted relative paths and contents of every file in the folder. */
  readonly sha256: string;
}

function files(folder: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) out.push(...files(path));
    else if (entry.isFile()) out.push(path);
  }
  return out.sort();
}

/** Describes `folder` (absolute) inside the git work tree `root`. */
export function sourceInfo(root: string, folder: string): SourceInfo {
  const hash = createHash('sha256');
  for (const file of files(folder)) {
    hash.update(`${relative(folder, file)}\0`);
    hash.update(readFileSync(file));
    hash.update('\0');
  }
  let gitHead: string | null = null;
  let dirty: boolean | null = null;
  try {
    gitHead = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: root, stdio: ['ignore', 'pipe', 'ignore'] })
      .toString()
      .trim();
    try {
      execFileSync('git', ['diff', '--quiet', 'HEAD', '--', relative(root, folder)], { cwd: root, stdio: 'ignore' });
      dirty = false;
    } catch {
      dirty = true;
    }
  } catch {
    // not a git checkout
  }
  return { folder: relative(root, folder), gitHead, dirty, sha256: hash.digest('hex') };
}
