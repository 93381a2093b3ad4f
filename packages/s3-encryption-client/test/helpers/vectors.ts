/**
 * Loader for the shared S3 Encryption Client vectors (`s3ec-v2/vectors.json`, written by the
 * official Ruby client), read at test time and never copied into the project. The folder is found
 * as `packages/envelope/test/helpers/wycheproof.ts` finds Wycheproof: `$STRONGBOX_VECTORS_DIR`
 * if set, else `shared/vectors/` next to the repository or next to any folder above it.
 */

import { existsSync, readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const REPOSITORY_ROOT = new URL('../../../../', import.meta.url);

/** The `s3ec-v2/` folder, or undefined when no shared vectors are reachable (suites then skip). */
export const S3EC_V2_DIR: URL | undefined = ((): URL | undefined => {
  const fromEnvironment = process.env['STRONGBOX_VECTORS_DIR'];
  if (fromEnvironment !== undefined && fromEnvironment !== '') {
    const dir = new URL('s3ec-v2/', pathToFileURL(fromEnvironment.endsWith('/') ? fromEnvironment : `${fromEnvironment}/`));
    if (!existsSync(dir)) throw new Error(`STRONGBOX_VECTORS_DIR=${fromEnvironment}: no s3ec-v2/ folder there`);
    return dir;
  }
  for (let dir = new URL('../', REPOSITORY_ROOT); ; dir = new URL('../', dir)) {
    const candidate = new URL('shared/vectors/s3ec-v2/', dir);
    if (existsSync(candidate)) return candidate;
    if (dir.pathname === '/') return undefined;
  }
})();

/** Why the vector suite is skipped, or undefined when the vectors were found. */
export const VECTORS_MISSING: string | undefined =
  S3EC_V2_DIR === undefined
    ? 'S3EC vectors not found: no shared/vectors/s3ec-v2 next to the repository or above it; set STRONGBOX_VECTORS_DIR to the vectors folder'
    : undefined;

/** One object written by the official client. */
export interface S3ecVector {
  readonly name: string;
  readonly wrap: 'AES/GCM' | 'kms+context';
  readonly metadata: Record<string, string>;
  readonly ciphertext: string;
  readonly plaintext: string;
  readonly wrappingKey?: string;
  readonly kmsEncryptionContext?: Record<string, string>;
  readonly dataKey?: string;
  readonly instructionFile?: string;
}

/** The vectors file. */
export function loadS3ecVectors(): { producer: string; vectors: S3ecVector[] } {
  if (S3EC_V2_DIR === undefined) throw new Error(VECTORS_MISSING);
  return JSON.parse(readFileSync(new URL('vectors.json', S3EC_V2_DIR), 'utf8')) as { producer: string; vectors: S3ecVector[] };
}
