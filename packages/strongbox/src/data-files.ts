/**
 * @module
 * Which entries at the top of a data directory are Strongbox's: the KMS store's files
 * (`@strongbox/kms`'s `isDirectoryStoreFile`: snapshots, journals, audit files, `lock`, `root.key`),
 * S3's `s3/`, the clock's `clock.json`, the format marker `strongbox.json`, the HTTPS listener's
 * `tls/`, a reset's marker, and the temporaries of each. A reset removes only these (never a file
 * it did not write), and a non-empty directory holding none of them is refused rather than adopted.
 */

import { isDirectoryStoreFile } from '@strongbox/kms';

/** The format marker file (see `data-directory.ts`). */
export const FORMAT_FILE = 'strongbox.json';

/** The marker of a reset in progress (see `controls/data-reset.ts`). */
export const RESET_MARKER = 'reset-pending';

/** The clock's offset (see `controls/clock-file.ts`). */
export const CLOCK_FILE = 'clock.json';

/** The listener's kept certificate (see `certificate.ts`). */
export const TLS_DIRECTORY = 'tls';

/** Strongbox's own names, besides the KMS store's. */
const OWN_NAMES: ReadonlySet<string> = new Set(['s3', CLOCK_FILE, FORMAT_FILE, RESET_MARKER, TLS_DIRECTORY]);

/**
 * Whether `name`, an entry at the top of a data directory, was written by Strongbox.
 * @example isStrongboxEntry('s3'); // true
 * @example isStrongboxEntry('package.json'); // false
 */
export function isStrongboxEntry(name: string): boolean {
  if (isDirectoryStoreFile(name) || name.startsWith('.strongbox-probe-')) return true;
  // `replaceFileDurably` writes `<name>.tmp-<random>`, `createFileExclusivelyDurably` `<name>.tmp`.
  const base = /^(.*?)\.tmp(?:-[0-9a-f]+)?$/.exec(name)?.[1] ?? name;
  return OWN_NAMES.has(base);
}
