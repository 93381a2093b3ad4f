/** Paths in a data directory as its last open laid it out (the buckets are in its generation directory). */

import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { bucketDirectoryName, generationFromDirectoryName } from '../../src/storage/filesystem/layout.ts';

/** The generation directory the last open of `directory` made (renamed again by the next open). */
export function generationPath(directory: string): string {
  const generations = readdirSync(directory).filter((name) => generationFromDirectoryName(name) !== undefined);
  if (generations.length !== 1) throw new Error(`expected one generation directory in ${directory}, found ${generations.length}`);
  return join(directory, generations[0]!);
}

/** A bucket's directory, as the last open of `directory` laid it out. */
export function bucketPath(directory: string, bucket: string): string {
  return join(generationPath(directory), bucketDirectoryName(bucket));
}
