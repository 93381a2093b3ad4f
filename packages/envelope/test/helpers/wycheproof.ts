/**
 * Loader for the Project Wycheproof vector files, read at test time from the shared vectors folder
 * outside the project (never copied in), plus an independent hex codec so the tests do not check
 * the package's own `bytes.ts` helpers with themselves.
 */

import { existsSync, readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

/** The repository root, from this file's place (packages/envelope/test/helpers/). */
const REPOSITORY_ROOT = new URL('../../../../', import.meta.url);

/**
 * The Wycheproof folder, looked up without copying the vectors into the project: the folder
 * `$STRONGBOX_VECTORS_DIR/wycheproof` if that variable is set, else `shared/vectors/wycheproof`
 * next to the repository (`../shared`, where the project's machines keep the shared vectors) or
 * next to any folder above it. `undefined` when none exists, e.g. in a clone on another machine:
 * the vector suites are then skipped, with `VECTORS_MISSING` saying why (see `describeWithVectors`).
 */
export const WYCHEPROOF_DIR: URL | undefined = ((): URL | undefined => {
  const fromEnvironment = process.env['STRONGBOX_VECTORS_DIR'];
  if (fromEnvironment !== undefined && fromEnvironment !== '') {
    const dir = new URL('wycheproof/', pathToFileURL(fromEnvironment.endsWith('/') ? fromEnvironment : `${fromEnvironment}/`));
    // An explicit setting that points nowhere is a mistake to report, not a reason to skip.
    if (!existsSync(dir)) throw new Error(`STRONGBOX_VECTORS_DIR=${fromEnvironment}: no wycheproof/ folder there`);
    return dir;
  }
  for (let dir = new URL('../', REPOSITORY_ROOT); ; dir = new URL('../', dir)) {
    const candidate = new URL('shared/vectors/wycheproof/', dir);
    if (existsSync(candidate)) return candidate;
    if (dir.pathname === '/') return undefined;
  }
})();

/** Why the vector suites are skipped, or `undefined` when the vectors were found. */
export const VECTORS_MISSING: string | undefined =
  WYCHEPROOF_DIR === undefined
    ? 'Wycheproof vectors not found: no shared/vectors/wycheproof next to the repository or above it; set STRONGBOX_VECTORS_DIR to the vectors folder'
    : undefined;

export type WycheproofResult = 'valid' | 'invalid' | 'acceptable';

interface WycheproofFile<Group> {
  readonly algorithm: string;
  readonly numberOfTests: number;
  readonly testGroups: readonly Group[];
}

interface WycheproofCase {
  readonly tcId: number;
  readonly comment: string;
  readonly flags: readonly string[];
  readonly result: WycheproofResult;
}

export interface AeadCase extends WycheproofCase {
  readonly key: string;
  readonly iv: string;
  readonly aad: string;
  readonly msg: string;
  readonly ct: string;
  readonly tag: string;
}
export interface AeadGroup {
  readonly ivSize: number;
  readonly keySize: number;
  readonly tagSize: number;
  readonly tests: readonly AeadCase[];
}

export interface HkdfCase extends WycheproofCase {
  readonly ikm: string;
  readonly salt: string;
  readonly info: string;
  readonly size: number;
  readonly okm: string;
}
export interface HkdfGroup {
  readonly keySize: number;
  readonly tests: readonly HkdfCase[];
}

export interface MacCase extends WycheproofCase {
  readonly key: string;
  readonly msg: string;
  readonly tag: string;
}
export interface MacGroup {
  readonly keySize: number;
  readonly tagSize: number;
  readonly tests: readonly MacCase[];
}

function load<Group>(file: string, algorithm: string): WycheproofFile<Group> {
  if (WYCHEPROOF_DIR === undefined) throw new Error(VECTORS_MISSING);
  const parsed = JSON.parse(readFileSync(new URL(file, WYCHEPROOF_DIR), 'utf8')) as WycheproofFile<Group>;
  if (parsed.algorithm !== algorithm) throw new Error(`${file}: expected algorithm ${algorithm}, got ${parsed.algorithm}`);
  return parsed;
}

export const loadAesGcm = (): WycheproofFile<AeadGroup> => load('aes_gcm_test.json', 'AES-GCM');
export const loadHkdfSha256 = (): WycheproofFile<HkdfGroup> => load('hkdf_sha256_test.json', 'HKDF-SHA-256');
export const loadHmacSha256 = (): WycheproofFile<MacGroup> => load('hmac_sha256_test.json', 'HMACSHA256');

/** Decodes hexadecimal (either case) into a new Uint8Array; throws on odd length or non-hex. */
export function hex(text: string): Uint8Array {
  if (text.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(text)) throw new Error(`not hex: ${text.slice(0, 20)}`);
  const out = new Uint8Array(text.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(text.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** Lowercase hexadecimal of `bytes` (for readable assertion failures). */
export function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** Concatenates byte arrays into a new one. */
export function concat(...parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** Splits `bytes` into consecutive chunks of `size` (the whole input as one chunk when size is 0). */
export function chunksOf(bytes: Uint8Array, size: number): Uint8Array[] {
  if (size === 0 || bytes.length === 0) return [bytes];
  const chunks: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size));
  return chunks;
}
