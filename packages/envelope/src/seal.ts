/**
 * @module
 * One-shot sealing and opening of messages held in memory.
 */

import { type AuthenticatedHeader, authenticatedHeader } from './authenticated-header.ts';
import { assertBytes, assertInteger } from './bytes.ts';
import type { EncryptionContext } from './context.ts';
import { decryptFailed, malformed } from './errors.ts';
import { FRAME_TAG_LENGTH } from './format/constants.ts';
import { layoutForBody, layoutForPlaintext } from './format/frames.ts';
import { type MessageHeader, parseHeader } from './format/header.ts';
import { assertAcceptedVersion, assertOpenOptions, createMessageOpener, createMessageSealer, type OpenOptions, type SealOptions } from './message.ts';

/**
 * Seals `plaintext` into a self-describing, key-committing message (format in the README).
 *
 * @param plaintext - the bytes to protect (borrowed; not modified).
 * @param options - keyring(s), optional encryption context, frame length and backend.
 * @returns a new buffer: header ‖ frames.
 * @throws TypeError / RangeError for bad arguments; whatever a keyring throws, unchanged.
 * @example
 * ```ts
 * import { RawAesKeyring, seal } from '@strongbox/envelope';
 * const keyring = new RawAesKeyring({ name: 'demo', key: crypto.getRandomValues(new Uint8Array(32)) });
 * const sealed = await seal(new TextEncoder().encode('hello'), { keyring, context: { purpose: 'demo' } });
 * ```
 */
export async function seal(plaintext: Uint8Array, options: SealOptions): Promise<Uint8Array> {
  assertBytes(plaintext, 'plaintext');
  const sealer = await createMessageSealer(options, plaintext.length);
  try {
    const { frameLength, header } = sealer;
    const layout = layoutForPlaintext(plaintext.length, frameLength);
    // Every byte of `out` is written below (header, then each frame in place).
    const out = sealer.backend.allocate(header.length + plaintext.length + layout.frameCount * FRAME_TAG_LENGTH);
    out.set(header);
    let offset = header.length;
    for (let index = 0; index < layout.frameCount; index++) {
      const final = index === layout.frameCount - 1;
      const start = index * frameLength;
      const end = final ? plaintext.length : start + frameLength;
      const sealedLength = end - start + FRAME_TAG_LENGTH;
      sealer.sealFrame(index, final, plaintext.subarray(start, end), out.subarray(offset, offset + sealedLength));
      offset += sealedLength;
    }
    return out;
  } finally {
    sealer.destroy();
  }
}

/**
 * Opens a sealed message: checks the key commitment (which, in format version 2, authenticates the
 * header), then authenticates every frame before returning anything.
 *
 * @returns the plaintext, in a new buffer.
 * @throws TypeError for bad arguments.
 * @throws EnvelopeError `DECRYPT_FAILED` for any authentication failure (wrong keyring, wrong
 *   context, tampering, truncation, reordering); `MALFORMED_MESSAGE`, `UNSUPPORTED_VERSION` or
 *   `UNSUPPORTED_SUITE` for a header that cannot be parsed; `INVALID_DATA_KEY` if a keyring returns
 *   a data key of the wrong length or all zeros.
 * @example
 * ```ts
 * import { open } from '@strongbox/envelope';
 * const plaintext = await open(sealed, { keyring, context: { purpose: 'demo' } });
 * ```
 */
export async function open(sealed: Uint8Array, options: OpenOptions): Promise<Uint8Array> {
  return (await openWithHeader(sealed, options)).plaintext;
}

/** A message opened by `openWithHeader`. */
export interface OpenedMessage {
  /** The plaintext, in a new buffer. */
  readonly plaintext: Uint8Array;
  /** The header facts, authenticated along with the plaintext. */
  readonly header: AuthenticatedHeader;
}

/**
 * Opens a sealed message like `open`, and returns the authenticated header facts with the
 * plaintext: the context (check it here when you did not pass `context`), the keyring ids, the
 * keyring id that opened it, the frame length and the format version.
 *
 * @throws as `open`.
 * @example
 * ```ts
 * import { openWithHeader } from '@strongbox/envelope';
 * const { plaintext, header } = await openWithHeader(sealed, { keyring });
 * if (header.context.tenant !== 'acme') throw new Error('not for this tenant');
 * ```
 */
export async function openWithHeader(sealed: Uint8Array, options: OpenOptions): Promise<OpenedMessage> {
  assertBytes(sealed, 'sealed');
  assertOpenOptions(options);
  const header = completeHeader(sealed, options.context);
  assertAcceptedVersion(header, options);
  const layout = layoutForBody(sealed.length - header.length, header.frameLength);
  // Before any keyring call: a body no sealer could have written is refused without a key.
  if (layout === undefined) throw decryptFailed();
  const opener = await createMessageOpener(header, options, layout.plaintextLength);
  try {
    const { frameLength } = header;
    // Filled frame by frame; zeroed before throwing if any frame fails.
    const out = opener.backend.allocate(layout.plaintextLength);
    let offset = header.length;
    for (let index = 0; index < layout.frameCount; index++) {
      const final = index === layout.frameCount - 1;
      const plaintextLength = final ? layout.finalFrameLength : frameLength;
      const start = index * frameLength;
      const frame = opener.openFrame(
        index,
        final,
        sealed.subarray(offset, offset + plaintextLength + FRAME_TAG_LENGTH),
        out.subarray(start, start + plaintextLength),
      );
      if (frame === undefined) {
        out.fill(0);
        throw decryptFailed();
      }
      offset += plaintextLength + FRAME_TAG_LENGTH;
    }
    return { plaintext: out, header: authenticatedHeader(header, opener.unwrappedBy) };
  } finally {
    opener.destroy();
  }
}

/** The body layout a sealed message's size implies (unauthenticated until the message opens). */
export interface SealedLayout {
  /** Header length in bytes: the body starts here. */
  readonly headerLength: number;
  readonly frameLength: number;
  /** Number of frames, the final one included. */
  readonly frameCount: number;
  /** Plaintext bytes in the message, as its size implies. */
  readonly plaintextLength: number;
}

/**
 * The plaintext length and frame layout of a sealed message of `sealedSize` bytes, from its header
 * alone: for a HEAD or a ranged GET of a stored message (Content-Length, which frames to read),
 * without a key. Nothing here is authenticated; `openRange` with `verify: 'length'` proves it.
 *
 * @returns the layout, or `undefined` if no sealer could have written a body of that size.
 * @throws TypeError / RangeError for a bad `sealedSize`.
 * @example
 * ```ts
 * import { readHeader, sealedLayout } from '@strongbox/envelope';
 * const layout = sealedLayout(readHeader(firstBytes), objectSize);
 * ```
 */
export function sealedLayout(header: MessageHeader, sealedSize: number): SealedLayout | undefined {
  assertInteger(sealedSize, 0, Number.MAX_SAFE_INTEGER, 'sealedSize');
  const layout = sealedSize < header.length ? undefined : layoutForBody(sealedSize - header.length, header.frameLength);
  if (layout === undefined) return undefined;
  return { headerLength: header.length, frameLength: header.frameLength, frameCount: layout.frameCount, plaintextLength: layout.plaintextLength };
}

/**
 * Parses the header at the start of a sealed message WITHOUT authenticating it: for inspection and
 * diagnostics (which keyrings can open it, what context it claims). Trust nothing in it until
 * `open` succeeds.
 *
 * @throws TypeError unless `sealed` is a Uint8Array.
 * @throws EnvelopeError `MALFORMED_MESSAGE` (including a truncated header), `UNSUPPORTED_VERSION`
 *   or `UNSUPPORTED_SUITE`.
 * @example
 * ```ts
 * import { readHeader } from '@strongbox/envelope';
 * const { context, wrappedKeys, frameLength } = readHeader(sealed);
 * ```
 */
export function readHeader(sealed: Uint8Array): MessageHeader {
  assertBytes(sealed, 'sealed');
  return completeHeader(sealed, undefined);
}

/** The header of a whole sealed message (its context reused from `expectedContext` when it matches). */
function completeHeader(sealed: Uint8Array, expectedContext: EncryptionContext | undefined): MessageHeader {
  const parsed = parseHeader(sealed, expectedContext);
  if ('needed' in parsed) throw malformed(`truncated header: ${sealed.length} bytes, at least ${parsed.needed} needed`);
  return parsed.header;
}
