/**
 * @module
 * What a successful open proves about a message besides its plaintext: the header facts, once
 * authenticated. A caller that opened without an expected `context` checks the context here (the
 * AWS Encryption SDK likewise returns the header with the plaintext).
 */

import type { EncryptionContext } from './context.ts';
import type { FormatVersion } from './format/constants.ts';
import type { MessageHeader } from './format/header.ts';

/** The authenticated facts of a message's header. */
export interface AuthenticatedHeader {
  /** Format version (1 or 2). */
  readonly version: FormatVersion;
  /** Algorithm suite (0x0001). */
  readonly suite: number;
  /** The message's random 32-byte id (a copy). */
  readonly messageId: Uint8Array;
  /** The encryption context the message was sealed under. */
  readonly context: EncryptionContext;
  /** The keyring id of every wrapped data key, in header order. */
  readonly keyringIds: readonly string[];
  /** The keyring id of the wrapped key that was unwrapped to open this message. */
  readonly unwrappedBy: string;
  /** Plaintext bytes per frame. */
  readonly frameLength: number;
}

/** The authenticated facts of `header`, once the message (or its header, in version 2) has been authenticated. */
export function authenticatedHeader(header: MessageHeader, unwrappedBy: string): AuthenticatedHeader {
  return Object.freeze({
    version: header.version,
    suite: header.suite,
    messageId: header.messageId.slice(),
    context: header.context,
    keyringIds: Object.freeze(header.wrappedKeys.map((key) => key.keyringId)),
    unwrappedBy,
    frameLength: header.frameLength,
  });
}
