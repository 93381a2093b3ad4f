/**
 * @module
 * Strongbox's own process warnings (codes `STRONGBOX_*`, such as the kernel's
 * `STRONGBOX_DIRECTORY_FSYNC`: a directory its file system cannot fsync) printed as `strongbox
 * serve` prints everything else: one line on stderr, prefixed `strongbox: warning:`. Node's
 * default printer would add its own prefix (`(node:<pid>) [CODE] Warning:`) and a second line
 * pointing at `--trace-warnings`, which tells an operator nothing about Strongbox. Other
 * warnings (deprecations, a library's) still reach Node's printer, unchanged.
 */

import type { CliIo } from './serve.ts';

/** What `printOwnWarnings` needs of the process. */
export type WarningSource = Pick<NodeJS.Process, 'listeners' | 'removeListener' | 'on'>;

/**
 * From now until the returned function is called, prints each `STRONGBOX_*` warning `source`
 * emits as one `strongbox: warning: <message>` line on `io.stderr`; any other warning goes to the
 * listeners `source` had (Node's printer), as before.
 * @returns the function that puts the previous listeners back.
 * @example const restore = printOwnWarnings(io); try { await serve(); } finally { restore(); }
 */
export function printOwnWarnings(io: CliIo, source: WarningSource = process): () => void {
  const previous = source.listeners('warning') as ((warning: Error) => void)[];
  for (const listener of previous) source.removeListener('warning', listener);
  const listener = (warning: Error): void => {
    const code = (warning as { code?: unknown }).code;
    if (typeof code === 'string' && code.startsWith('STRONGBOX_')) {
      io.stderr(`strongbox: warning: ${warning.message}\n`);
      return;
    }
    for (const other of previous) other.call(source, warning);
  };
  source.on('warning', listener);
  return () => {
    source.removeListener('warning', listener);
    for (const other of previous) source.on('warning', other);
  };
}
