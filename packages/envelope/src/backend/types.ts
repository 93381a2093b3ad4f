/**
 * @module
 * The backend seam: the few primitives the envelope core needs, implemented twice with identical
 * output: `noble` (portable, pure JavaScript on @noble/ciphers and @noble/hashes) and `node`
 * (accelerated, on `node:crypto`). The package's `node` export condition picks `node` as the
 * default under Node.js; everything else gets `noble`. Both run one conformance suite, the
 * Wycheproof vectors, and differential property tests against each other.
 *
 * AES-GCM here is the raw primitive with a caller-chosen nonce (NIST SP 800-38D). It is only safe
 * with a nonce that is unique per key; the envelope format derives a fresh key per message and a
 * distinct nonce per frame, and keyrings draw random nonces. Application code should call `seal`.
 */

/** Incremental AES-GCM encryption: `update` returns ciphertext, `final` returns the 16-byte tag. */
export interface GcmEncryptor {
  /** Encrypts the next chunk; chunks may have any length. */
  update(plaintext: Uint8Array): Uint8Array;
  /** Finishes and returns the authentication tag; the encryptor cannot be used afterwards. */
  final(): Uint8Array;
}

/**
 * Incremental AES-GCM decryption. `update` returns plaintext that is NOT yet authenticated; the
 * caller must hold it back until `verify` returns `true`, and must discard it otherwise.
 */
export interface GcmUnverifiedDecryptor {
  /** Decrypts the next chunk; the plaintext is unauthenticated until `verify(tag)` succeeds. */
  updateUnverified(ciphertext: Uint8Array): Uint8Array;
  /** Checks the tag in constant time; the decryptor cannot be used afterwards. */
  verify(tag: Uint8Array): boolean;
}

/**
 * AES-GCM under one key for many messages (the frames of one sealed message): backends can expand
 * the key and precompute tables once. Same contract as the one-shot functions.
 */
export interface PreparedAesGcm {
  /** As `Backend.aesGcmEncrypt` under the prepared key. */
  encrypt(nonce: Uint8Array, plaintext: Uint8Array, aad?: Uint8Array, output?: Uint8Array): Uint8Array;
  /** As `Backend.aesGcmDecrypt` under the prepared key. */
  decrypt(nonce: Uint8Array, sealed: Uint8Array, aad?: Uint8Array, output?: Uint8Array): Uint8Array | undefined;
  /**
   * Optional: as `encrypt`, but the ciphertext and the 16-byte tag as two arrays, for streaming
   * sealers that emit them as consecutive chunks (the same bytes) without joining them. Node.js
   * returns OpenSSL's own buffers, sparing an allocation and a copy per frame; a backend without it
   * is asked for `encrypt`.
   */
  encryptParts?(nonce: Uint8Array, plaintext: Uint8Array, aad?: Uint8Array): readonly [ciphertext: Uint8Array, tag: Uint8Array];
  /**
   * Optional: as `decrypt`, for a sealed frame that arrived in pieces (their concatenation is
   * ciphertext ‖ tag): each piece is decrypted where it lies, with no joining copy. Returns the
   * plaintext in pieces (no empty ones) only once the tag verified, or `undefined` (then every
   * piece decrypted so far is wiped, and nothing is released).
   */
  decryptPieces?(nonce: Uint8Array, sealed: readonly Uint8Array[], aad?: Uint8Array): Uint8Array[] | undefined;
  /** Wipes the key and everything derived from it; further use throws. */
  destroy(): void;
}

/** The cryptographic primitives the envelope core runs on. */
export interface Backend {
  /** `'noble'` or `'node'` (or the name of a test double). */
  readonly name: string;
  /** Cryptographically secure random bytes, in a new buffer of their own. */
  randomBytes(length: number): Uint8Array;
  /**
   * A new buffer the caller will overwrite completely before anyone reads it (a sealed message,
   * an opened plaintext). It may hold stale memory, so callers zero it before throwing with a
   * partly written one. Node.js: uninitialised, like OpenSSL's own outputs, which skips zeroing
   * or faulting in fresh pages for large messages; elsewhere: a zeroed `Uint8Array`.
   */
  allocate(length: number): Uint8Array;
  /**
   * AES-GCM encryption with a 16-byte tag. Key of 16, 24 or 32 bytes; nonce of at least 1 byte.
   * @param output - optional destination of exactly `plaintext.length + 16` bytes (it must not
   *   overlap `plaintext`); lets framed sealing write straight into the message buffer.
   * @returns ciphertext ‖ tag: `output` if given, else a new buffer.
   */
  aesGcmEncrypt(key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array, aad?: Uint8Array, output?: Uint8Array): Uint8Array;
  /**
   * AES-GCM decryption of ciphertext ‖ tag.
   * @param output - optional destination of exactly `sealed.length - 16` bytes; zeroed when the tag
   *   does not verify.
   * @returns the plaintext (`output` if given, else a new buffer), or `undefined` when the tag does
   *   not verify (no plaintext is released in that case).
   */
  aesGcmDecrypt(key: Uint8Array, nonce: Uint8Array, sealed: Uint8Array, aad?: Uint8Array, output?: Uint8Array): Uint8Array | undefined;
  /**
   * Prepares AES-GCM under `key` for many messages of about `expectedLength` bytes each.
   * @throws TypeError / RangeError for a bad key.
   */
  prepareAesGcm(key: Uint8Array, expectedLength?: number): PreparedAesGcm;
  /** Starts an incremental AES-GCM encryption. */
  aesGcmEncryptor(key: Uint8Array, nonce: Uint8Array, aad?: Uint8Array): GcmEncryptor;
  /** Starts an incremental AES-GCM decryption whose output is unauthenticated until `verify`. */
  aesGcmUnverifiedDecryptor(key: Uint8Array, nonce: Uint8Array, aad?: Uint8Array): GcmUnverifiedDecryptor;
  /** HMAC-SHA-256 (RFC 2104). */
  hmacSha256(key: Uint8Array, data: Uint8Array): Uint8Array;
  /** HKDF-SHA-256 (RFC 5869): extract with `salt`, expand with `info` to `length` bytes (at most 8160). */
  hkdfSha256(ikm: Uint8Array, salt: Uint8Array, info: Uint8Array, length: number): Uint8Array;
  /**
   * HKDF-Expand with SHA-256 (RFC 5869 §2.3) from a pseudorandom key: `prk` must already be a
   * uniformly random key of at least 32 bytes (§3.3), such as a fresh data key.
   */
  hkdfSha256Expand(prk: Uint8Array, info: Uint8Array, length: number): Uint8Array;
}

/**
 * Checks an optional output buffer's length.
 * @throws TypeError / RangeError for a wrong type or length.
 */
export function assertOutput(output: Uint8Array | undefined, length: number): void {
  if (output === undefined) return;
  if (!(output instanceof Uint8Array)) throw new TypeError('"output" expected Uint8Array');
  if (output.length !== length) throw new RangeError(`"output" expected Uint8Array of length ${length}, got length=${output.length}`);
}

/** GCM's tag length in bytes; Strongbox never truncates tags. */
export const GCM_TAG_LENGTH = 16;

/** RFC 5869 §2.3: L <= 255 * HashLen. */
export const HKDF_SHA256_MAX_LENGTH: number = 255 * 32;

/** NIST SP 800-38D §5.2.1.1: plaintext at most 2^39 - 256 bits. */
export const GCM_MAX_PLAINTEXT_BYTES: number = 2 ** 36 - 32;
