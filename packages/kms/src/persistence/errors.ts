/**
 * @module
 * Why a data directory could not be opened or used. These are operator errors (a wrong or
 * insecure root key, a damaged directory, a second server on the same directory), raised by
 * `openDirectoryStore` before any request is served, or reported through `onError` when writing
 * fails at run time; they never reach KMS callers, who only ever see `KMSInternalException`.
 */

/** What went wrong with a data directory. */
export type StoreErrorCode =
  /** The root key given (option, `STRONGBOX_ROOT_KEY` or `root.key`) is not 32 bytes of base64. */
  | 'INVALID_ROOT_KEY'
  /** `root.key` can be read by group or others. */
  | 'INSECURE_ROOT_KEY'
  /** The directory holds state but no root key was given and `root.key` is missing. */
  | 'MISSING_ROOT_KEY'
  /** The directory holds state sealed under another root key. */
  | 'WRONG_ROOT_KEY'
  /** A snapshot or journal is damaged beyond a torn (never acknowledged) tail. */
  | 'CORRUPT'
  /** Another live process (or this one) has the directory open. */
  | 'LOCKED'
  /** A write or fsync failed at run time; the store refuses further commits. */
  | 'WRITE_FAILED'
  /**
   * Another process took the directory over after this one's lease lapsed (it was paused past
   * it): the store rolls back the commits not yet durable and refuses every further call, reads
   * included (its state is stale); stop the process.
   */
  | 'LEASE_LOST'
  /**
   * The disk or quota is full: the changes that could not be written were rolled back and their
   * requests failed; reads go on, and writes resume once there is space again.
   */
  | 'DISK_FULL';

/**
 * A data-directory failure with a closed `code` and a message that says what to do.
 *
 * @example
 * ```ts
 * try {
 *   await openDirectoryStore({ directory: './data' });
 * } catch (error) {
 *   if (error instanceof StoreError && error.code === 'WRONG_ROOT_KEY') console.error(error.message);
 * }
 * ```
 */
export class StoreError extends Error {
  /** Machine-readable reason. */
  readonly code: StoreErrorCode;

  /** @param code - the reason. @param message - what happened and what to do about it. */
  constructor(code: StoreErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreError';
    this.code = code;
  }
}
