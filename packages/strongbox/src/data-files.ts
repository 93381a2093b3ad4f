/**
 * @module
 * Which entries at the top of a data directory are Strongbox's: the KMS store's files
 * (`@strongbox/kms`'s `isDirectoryStoreFile`: snapshots, journals, audit files, `lock`, `root.key`),
 * S3's `s3/`, the clock's `clock-<n>.json` (`clock.json` before), the format marker `strongbox.json`, the HTTPS listener's
 * `tls/`, a reset's marker (`reset-pending-<n>`, `reset-pending` before), and the temporaries of each. A reset removes only these (never a file
 * it did not write), and a non-empty directory holding none of them is refused rather than adopted.
 */

import { isDirectoryStoreFile } from '@strongbox/kms';

/** The format marker file (see `data-directory.ts`). */
export const FORMAT_FILE = 'strongbox.json';

/** The marker of a reset in progress in the previous layout (see `controls/data-reset.ts`). */
export const RESET_MARKER = 'reset-pending';

/** The clock's offset in the previous layout (see `controls/clock-file.ts`). */
export const CLOCK_FILE = 'clock.json';

/** A holder's clock file, `clock-<n>.json` (see `controls/clock-file.ts`): its number. */
export const CLOCK_FILE_NUMBERED: RegExp = /^clock-(\d{1,15})\.json$/;

/** A reset's marker, `reset-pending-<n>` (see `controls/data-reset.ts`): its number. */
export const RESET_MARKER_NUMBERED: RegExp = /^reset-pending-(\d{1,15})$/;

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
  return OWN_NAMES.has(base) || CLOCK_FILE_NUMBERED.test(base) || RESET_MARKER_NUMBERED.test(base);
}
