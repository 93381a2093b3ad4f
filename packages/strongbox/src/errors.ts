/**
 * @module
 * The one error type of `strongbox`: `StrongboxError`, whose `code` is a closed union of the
 * failures the CLI and the server report themselves: a wrong command line, a run-time failure
 * (unreadable files, a port in use, a store that does not close), a data directory refused before
 * anything opens it, a certificate that cannot be served, and two conditions handled before they
 * reach the CLI (the demo's quota route refused; an admin request body that does not validate).
 * `STRONGBOX_ERRORS` is the single table mapping each code to how it ends: the CLI prints the
 * message as one line (`strongbox: <message>`) and exits with the row's code, and the admin API
 * answers its row's status and `__type`. Exit codes follow the BSD `sysexits` spirit that most
 * CLIs keep: 2 for a wrong command line (usage), 1 for everything that fails at run time.
 */

/** Exit code for command-line mistakes. */
export const EXIT_USAGE = 2;
/** Exit code for run-time failures. */
export const EXIT_FAILURE = 1;

/** Every failure `strongbox` reports itself. */
export type StrongboxErrorCode =
  /** A command-line mistake (an unknown flag, a bad value, a missing command). */
  | 'USAGE'
  /** A run-time failure named in one line: an unreadable file, a port in use, a store that does not close. */
  | 'RUN_FAILED'
  /** The data directory cannot be created, is not a directory, files cannot be created in it, or holds files that are not Strongbox's. */
  | 'UNUSABLE'
  /** The data directory was written in a format this Strongbox does not read (a newer Strongbox, usually). */
  | 'OTHER_FORMAT'
  /** A given certificate or key cannot be served; the message names the flag and the file. */
  | 'CERTIFICATE'
  /** The endpoint refused the demo's quota route (403 under `--strict-auth`): the demo skips its throttling step. */
  | 'QUOTA_ROUTE_REFUSED'
  /** An admin request body that does not parse or validate: the caller's mistake, answered 400. */
  | 'BAD_ADMIN_REQUEST'
  /** A call, reset or `listen()` that reached an emulator after its `close()`. */
  | 'CLOSED';

/** How one code ends. */
export interface StrongboxErrorOutcome {
  /** The exit code the CLI ends with when the error reaches it (after printing its one line). */
  readonly exitCode: typeof EXIT_USAGE | typeof EXIT_FAILURE;
  /** The admin API's answer (`admin.ts`), for the codes it answers with. */
  readonly admin?: { readonly status: number; readonly type: string };
}

/** The single code → outcome mapping. */
export const STRONGBOX_ERRORS: Readonly<Record<StrongboxErrorCode, StrongboxErrorOutcome>> = Object.freeze({
  USAGE: { exitCode: EXIT_USAGE },
  RUN_FAILED: { exitCode: EXIT_FAILURE },
  UNUSABLE: { exitCode: EXIT_FAILURE },
  OTHER_FORMAT: { exitCode: EXIT_FAILURE },
  CERTIFICATE: { exitCode: EXIT_FAILURE },
  // Caught by the demo's throttling step, which then says how to see throttling instead.
  QUOTA_ROUTE_REFUSED: { exitCode: EXIT_FAILURE },
  // Caught by the admin API; the caller's mistakes are ValidationException, as AWS's JSON services answer them.
  BAD_ADMIN_REQUEST: { exitCode: EXIT_FAILURE, admin: { status: 400, type: 'ValidationException' } },
  // Thrown to the caller in process (an SDK client of a closed createStrongbox): no port is left to answer.
  CLOSED: { exitCode: EXIT_FAILURE },
});

/**
 * A failure `strongbox` reports itself, with a one-line message (a data directory's names its
 * path: `data directory '<path>': …`).
 * @example
 * ```ts
 * throw new StrongboxError('USAGE', '--port expected a number from 0 to 65535, got "x"');
 * try { await createStrongbox({ dataDirectory: '/proc/nope' }); }
 * catch (error) { if (error instanceof StrongboxError && error.code === 'UNUSABLE') console.error(error.message); }
 * ```
 */
export class StrongboxError extends Error {
  /** The failure, from a closed union. */
  readonly code: StrongboxErrorCode;

  /**
   * @param code - the failure.
   * @param message - one line saying what is wrong (and what to do).
   * @param options - the underlying error, kept for logs.
   */
  constructor(code: StrongboxErrorCode, message: string, options?: { readonly cause?: unknown }) {
    super(message, options);
    this.name = 'StrongboxError';
    this.code = code;
  }

  /** The exit code the CLI ends with (`STRONGBOX_ERRORS`): 2 for usage, 1 otherwise. */
  get exitCode(): number {
    return STRONGBOX_ERRORS[this.code].exitCode;
  }
}
