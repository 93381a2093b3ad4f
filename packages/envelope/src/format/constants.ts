/**
 * @module
 * Constants and hard limits of the sealed-message format, versions 1 and 2. The package README documents
 * the format byte by byte; every maximum here is checked before anything is allocated from a length
 * read off the wire.
 */

/** Version 1: every frame's AAD is the whole header (read, and written only on request). */
export const FORMAT_VERSION_1 = 0x01;
/**
 * Version 2: the header is bound once, into the key derivation and the key commitment; frames have
 * an empty AAD, so per-frame work no longer grows with the header. Written by default.
 */
export const FORMAT_VERSION_2 = 0x02;
/** The version `seal` and the sealing streams write by default (the first byte of the message). */
export const FORMAT_VERSION: number = FORMAT_VERSION_2;
/** Every version this library opens. */
export type FormatVersion = typeof FORMAT_VERSION_1 | typeof FORMAT_VERSION_2;

/**
 * Suite 0x0001: 256-bit data key; HKDF-Expand-SHA-256 from the data key (the message id in `info`;
 * no Extract step, see `derive.ts`) derives the frame key and the 32-byte key commitment; frames
 * are AES-256-GCM with 16-byte tags (AAD: the header in version 1, nothing in version 2, whose
 * header is bound by the derivation itself).
 */
export const SUITE_AES256_GCM_HKDF_SHA256_COMMIT = 0x0001;

/** Length of the random message id, part of the key derivation's `info` (a fresh frame key per message). */
export const MESSAGE_ID_LENGTH = 32;
/** Length of a data key for suite 0x0001. */
export const DATA_KEY_LENGTH = 32;
/** Length of the key commitment. */
export const COMMITMENT_LENGTH = 32;
/** Length of every frame's GCM tag. */
export const FRAME_TAG_LENGTH = 16;

/** Default plaintext bytes per frame: 64 KiB. */
export const DEFAULT_FRAME_LENGTH: number = 64 * 1024;
/** Smallest frame length (tiny frames are legal, just wasteful: 16 bytes of tag per frame). */
export const MIN_FRAME_LENGTH = 1;
/** Largest frame length: 4 MiB, which bounds the memory a streaming open can be made to allocate. */
export const MAX_FRAME_LENGTH: number = 4 * 1024 * 1024;
/** Most frames in one message: the frame index must fit in 32 bits. */
export const MAX_FRAME_COUNT: number = 2 ** 32 - 1;

/** Most wrapped data keys in one header. */
export const MAX_WRAPPED_KEYS = 16;
/** Longest keyring id, in UTF-8 bytes. */
export const MAX_KEYRING_ID_BYTES = 1024;
/** Longest wrapped data key (a KMS ciphertext blob is at most 6144 bytes). */
export const MAX_WRAPPED_KEY_BYTES = 8192;
