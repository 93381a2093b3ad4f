/**
 * @module
 * Strongbox's own process warnings (codes `STRONGBOX_*`, such as the kernel's
 * `STRONGBOX_DIRECTORY_FSYNC`: a directory its file system cannot fsync) printed as `strongbox
 * serve` prints everything else: one line on stderr, prefixed `strongbox: warning:`. Node's
 * default printer would add its own prefix (`(node:<pid>) [CODE] Warning:`) and a second line
 * pointing at `--trace-warnings`, which tells an operator nothing about Strongbox. Other
 * warnings (deprecations, a library's) still reach Node's printer, unchanged.
 *
 * Node's own switches are honoured: with `--no-warnings` or `NODE_NO_WARNINGS=1` (Node then
 * installs no printer) Strongbox's warnings are not printed either, and with
 * `--redirect-warnings=<file>` (or `NODE_REDIRECT_WARNINGS`) they are left to Node's printer, which
 * writes them to that file in its own format: an operator who chose where warnings go keeps that.
 *
 * One process can run several `strongbox serve` at once (embedders, in-process tests), started
 * and stopped in any order. They share one listener: the first start installs it in place of the
 * process's listeners, the last stop puts those back. A process warning belongs to no one server,
 * so a Strongbox warning is printed once, on the stderr of the serve started last of those still
 * running.
 */

import type { CliIo } from './serve.ts';

/** What `printOwnWarnings` needs of the process. */
export type WarningSource = Pick<NodeJS.Process, 'listeners' | 'removeListener' | 'on'>;

/** How the process was asked to treat warnings, by Node's own switches. */
export interface WarningSwitches {
  /** `--no-warnings` (also in `NODE_OPTIONS`) or `NODE_NO_WARNINGS=1`: no warning is printed. */
  readonly silenced: boolean;
  /** `--redirect-warnings=<file>` (also in `NODE_OPTIONS`) or `NODE_REDIRECT_WARNINGS`: warnings go to a file. */
  readonly redirected: boolean;
}

/**
 * Reads Node's warning switches from `from` (the process): `noProcessWarnings` is what Node sets
 * for `--no-warnings`, wherever it was given; the environment variables are read as Node reads them.
 * @example if (warningSwitches().silenced) return;
 */
export function warningSwitches(from: Pick<NodeJS.Process, 'env' | 'execArgv'> & { readonly noProcessWarnings?: boolean } = process): WarningSwitches {
  const redirectFlag = (argument: string): boolean => argument === '--redirect-warnings' || argument.startsWith('--redirect-warnings=');
  return {
    silenced: from.noProcessWarnings === true || from.env.NODE_NO_WARNINGS === '1',
    redirected:
      (from.env.NODE_REDIRECT_WARNINGS ?? '') !== '' || from.execArgv.some(redirectFlag) || (from.env.NODE_OPTIONS ?? '').split(/\s+/).some(redirectFlag),
  };
}

type Listener = (warning: Error) => void;

/** The listener shared by the serves running in one process (see the module). */
interface Shared {
  /** The listeners the source had before the first start (Node's printer), put back at the last stop. */
  readonly previous: readonly Listener[];
  readonly listener: Listener;
  /** The running serves' outputs, in start order: the last one prints. */
  readonly sinks: { readonly io: CliIo }[];
}

const shared = new WeakMap<WarningSource, Shared>();

/**
 * From now until the returned function is called, prints each `STRONGBOX_*` warning `source`
 * emits as one `strongbox: warning: <message>` line on `io.stderr` (on the last started one's, if
 * several serves run: see the module); any other warning goes to the listeners `source` had
 * (Node's printer), as before. With Node's warnings silenced or redirected (`switches`), does
 * nothing: Node's choice applies to Strongbox's warnings too.
 * @returns the function that stops this printing (once; calling it again does nothing), and puts
 *   the previous listeners back when no other serve still prints.
 * @example const restore = printOwnWarnings(io); try { await serve(); } finally { restore(); }
 */
export function printOwnWarnings(io: CliIo, source: WarningSource = process, switches: WarningSwitches = warningSwitches()): () => void {
  if (switches.silenced || switches.redirected) return () => undefined;
  const current = shared.get(source) ?? install(source);
  const sink = { io };
  current.sinks.push(sink);
  let restored = false;
  return () => {
    if (restored) return;
    restored = true;
    current.sinks.splice(current.sinks.indexOf(sink), 1);
    if (current.sinks.length > 0) return;
    source.removeListener('warning', current.listener);
    for (const other of current.previous) source.on('warning', other);
    shared.delete(source);
  };
}

/** Puts the shared listener in place of `source`'s warning listeners. */
function install(source: WarningSource): Shared {
  const previous = source.listeners('warning') as Listener[];
  for (const listener of previous) source.removeListener('warning', listener);
  const sinks: { readonly io: CliIo }[] = [];
  const listener = (warning: Error): void => {
    const code = (warning as { code?: unknown }).code;
    if (typeof code === 'string' && code.startsWith('STRONGBOX_')) {
      sinks.at(-1)?.io.stderr(`strongbox: warning: ${warning.message}\n`);
      return;
    }
    for (const other of previous) other.call(source, warning);
  };
  source.on('warning', listener);
  const installed = { previous, listener, sinks };
  shared.set(source, installed);
  return installed;
}
