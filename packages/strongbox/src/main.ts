/**
 * @module
 * The `strongbox` command line as a function: `main(argv, io)` parses the command, runs it and
 * returns the exit code, writing only through `io` (so tests run it in-process). `cli.ts` wires
 * it to the process.
 */

import { inspect } from 'node:util';
import { EXIT_FAILURE, StrongboxError } from './errors.ts';
import { flagsGiven } from './info-flags.ts';
import type { CliIo } from './serve.ts';
import { VERSION } from './version.ts';

/** `strongbox --help`. */
export const USAGE: string = `Usage: strongbox <command> [options]

Commands:
  serve    serve KMS, S3, CloudTrail LookupEvents and STS GetCallerIdentity on one local port
  demo     walk through the S3 encryption mechanisms (in process, or --endpoint-url)

Options:
  -v, --version    print the version of strongbox
  -h, --help       show this help

Run 'strongbox serve --help' for the options of serve.
`;

/** The commands; any other first word is read for `--help`/`--version` before it is refused. */
const COMMANDS: ReadonlySet<string> = new Set(['serve', 'demo', 'help']);
/** The flags `strongbox` itself takes before a command. */
const OPTIONS = { help: { type: 'boolean', short: 'h' }, version: { type: 'boolean', short: 'v' } } as const;

/**
 * Runs the CLI with `argv` (without the node and script paths).
 * `--help` and `--version` answer whatever else the line holds, before the command too
 * (`strongbox --bogus --version`, as `aws --bogus --version` and `npm --bogus --version` do:
 * info-flags.ts); after a command, the command reads them (`strongbox serve --port x -v`).
 * @returns the exit code.
 */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === undefined) throw new StrongboxError('USAGE', "missing command: try 'strongbox serve' (see strongbox --help)");
    const asked = COMMANDS.has(command) ? undefined : flagsGiven(argv, OPTIONS, ['help', 'version']);
    if (command === 'help' || asked?.has('help') === true) {
      io.stdout(USAGE);
      return 0;
    }
    if (asked?.has('version') === true) {
      io.stdout(`${VERSION}\n`);
      return 0;
    }
    // Each command loads its own modules: `--version` and `--help` stay instant, and `serve` loads
    // nothing another command needs.
    if (command === 'serve') return await (await import('./serve.ts')).runServe(rest, io);
    // Loaded on demand: the demo's SDK clients stay out of `serve`'s start-up and memory.
    if (command === 'demo') return await (await import('./demo/cli.ts')).runDemoCommand(rest, io);
    throw new StrongboxError('USAGE', `unknown command '${command}' (see strongbox --help)`);
  } catch (error) {
    if (error instanceof StrongboxError) {
      io.stderr(`strongbox: ${error.message}\n`);
      return error.exitCode;
    }
    io.stderr(unexpectedFailure(error, process.env['STRONGBOX_DEBUG'] === '1'));
    return EXIT_FAILURE;
  }
}

/**
 * An error no part of the CLI recognised: one line with its message and code, so a failure reads
 * like every other one; with `debug`, the stack trace (and causes) follow on the next lines.
 */
function unexpectedFailure(error: unknown, debug: boolean): string {
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  // The first line only: some messages (a parser's, a tool's) span several.
  const line = `strongbox: unexpected error: ${message.split('\n')[0]}${typeof code === 'string' && code !== '' ? ` (${code})` : ''}\n`;
  if (!debug || !(error instanceof Error)) return line;
  return `${line}${inspect(error)}\n`;
}
