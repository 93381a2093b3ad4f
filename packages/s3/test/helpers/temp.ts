/** Temporary directories for data-directory tests, removed when the test process exits. */

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const made: string[] = [];
process.on('exit', () => {
  for (const directory of made) rmSync(directory, { recursive: true, force: true });
});

/** A fresh empty directory. */
export function tempDirectory(label = 's3'): string {
  const directory = mkdtempSync(join(tmpdir(), `strongbox-${label}-`));
  made.push(directory);
  return directory;
}
