/**
 * @module
 * The CLI's one error type: a one-line message for stderr and the exit code it ends with. Exit
 * codes follow the BSD `sysexits` spirit that most CLIs keep: 2 for a wrong command line (usage),
 * 1 for everything that fails at run time (unreadable files, a port in use, a locked data directory).
 */

/** Exit code for command-line mistakes. */
export const EXIT_USAGE = 2;
/** Exit code for run-time failures. */
export const EXIT_FAILURE = 1;

/**
 * A failure the CLI reports as one line and an exit code.
 * @example throw new CliError('--port expected a number from 0 to 65535, got "x"', EXIT_USAGE)
 */
export class CliError extends Error {
  /** 2 (usage) or 1 (run time). */
  readonly exitCode: number;

  constructor(message: string, exitCode: number) {
    super(message);
    this.name = 'CliError';
    this.exitCode = exitCode;
  }
}
