/**
 * The clock's files in a data directory as a test reads them (`clock-file.ts`).
 */

import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * The directory's clock files and their temporaries, each with its text, sorted by name: what a
 * write would change.
 * @example expect(await clockFiles(directory)).toEqual([]);
 */
export async function clockFiles(directory: string): Promise<[string, string][]> {
  const names = (await readdir(directory)).filter((entry) => entry.startsWith('clock')).sort();
  return Promise.all(names.map(async (name): Promise<[string, string]> => [name, await readFile(join(directory, name), 'utf8')]));
}
