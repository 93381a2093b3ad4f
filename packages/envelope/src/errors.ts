/**
 * @module
 * The one error type of `@strongbox/envelope`. Wrong arguments throw the built-in `TypeError` or
 * `RangeError`; every failure to open a message throws `EnvelopeError` with a code from a closed
 * union. Authentication failures all share the code `DECRYPT_FAILED` and one message, so a caller
 * (or an attacker probing with forged messages) never learns which check failed.
 */

/**
 * Why an envelope operation failed.
 * - `DECRYPT_FAILED`: the message could not be authenticated or decrypted: no keyring could unwrap a
 *   data key, the key commitment did not match, a frame failed its tag (which covers the header), the body was
 *   truncated or extended, or the encryption context differs from the expected one.
 * - `MALFORMED_MESSAGE`: the header cannot be parsed, or a length field exceeds its hard maximum.
 * - `UNSUPPORTED_VERSION`: the message starts with a format version this library does not read.
 * - `UNSUPPORTED_SUITE`: the header names an algorithm suite this library does not implement.
 * - `INVALID_DATA_KEY`: a keyring broke its contract: it generated or unwrapped a data key of the
 *   wrong length or of all zeros. The core refuses to seal or open with it (a cache handing out a
 *   wiped buffer must not turn into messages sealed under a known key).
 */
export type EnvelopeErrorCode = 'DECRYPT_FAILED' | 'MALFORMED_MESSAGE' | 'UNSUPPORTED_VERSION' | 'UNSUPPORTED_SUITE' | 'INVALID_DATA_KEY';

const DECRYPT_FAILED_MESSAGE = 'unable to open the sealed message';

/**
 * A failure to open (or parse) a sealed message.
 *
 * @example
 * ```ts
 * import { open, EnvelopeError } from '@strongbox/envelope';
 * try {
 *   await open(sealed, { keyring });
 * } catch (error) {
 *   if (error instanceof EnvelopeError && error.code === 'DECRYPT_FAILED') console.log('tampered or wrong key');
 * }
 * ```
 */
export class EnvelopeError extends Error {
  /** The closed failure code; branch on this, never on the message text. */
  readonly code: EnvelopeErrorCode;

  /**
   * @param code - the failure code.
   * @param message - a human-readable reason (never contains key material or plaintext).
   */
  constructor(code: EnvelopeErrorCode, message?: string) {
    super(message ?? (code === 'DECRYPT_FAILED' ? DECRYPT_FAILED_MESSAGE : code));
    this.name = 'EnvelopeError';
    this.code = code;
  }
}

/** The single, uninformative authentication failure (same code and message for every check). */
export function decryptFailed(): EnvelopeError {
  return new EnvelopeError('DECRYPT_FAILED', DECRYPT_FAILED_MESSAGE);
}

/** A structural problem with the header, with a message that names the field. */
export function malformed(message: string): EnvelopeError {
  return new EnvelopeError('MALFORMED_MESSAGE', `malformed sealed message: ${message}`);
}
