/**
 * @module
 * Constants and hard limits of the sealed-message format, version 1. The package README documents
 * the format byte by byte; every maximum here is checked before anything is allocated from a length
 * read off the wire.
 */

/** First byte of every sealed message of this format. */
export const FORMAT_VERSION = 0x01;

/**
 * Suite 0x0001: 256-bit data key; HKDF-Expand-SHA-256 from the data key (the message id in `info`;
 * no Extract step, see `derive.ts`) derives the frame key and the 32-byte key commitment; frames
 * are AES-256-GCM with 16-byte tags and the header as AAD.
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
