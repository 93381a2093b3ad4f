/**
 * @module
 * The parsed form of an object's encryption envelope, format-independent, and the commitment
 * policies that decide which formats may be written and read (spec `key-commitment.md` L26-44).
 */

import type { ContentAlgorithm, WrapAlgorithm } from './constants.ts';

/**
 * Which formats a client writes and reads:
 * - `FORBID_ENCRYPT_ALLOW_DECRYPT`: writes V2, reads V2 and V3 (Java 3.6+, Go 3.2; for readers that predate V3);
 * - `REQUIRE_ENCRYPT_ALLOW_DECRYPT`: writes V3, reads V2 and V3 (migration);
 * - `REQUIRE_ENCRYPT_REQUIRE_DECRYPT`: writes V3, reads V3 only (the default of every V4-generation client).
 */
export type CommitmentPolicy = 'FORBID_ENCRYPT_ALLOW_DECRYPT' | 'REQUIRE_ENCRYPT_ALLOW_DECRYPT' | 'REQUIRE_ENCRYPT_REQUIRE_DECRYPT';

/** The policies, for validating options. */
export const COMMITMENT_POLICIES: readonly CommitmentPolicy[] = [
  'FORBID_ENCRYPT_ALLOW_DECRYPT',
  'REQUIRE_ENCRYPT_ALLOW_DECRYPT',
  'REQUIRE_ENCRYPT_REQUIRE_DECRYPT',
];

/** Where the envelope's key material lives: all in object metadata, or partly in `<key>.instruction`. */
export type EnvelopeLocation = 'metadata' | 'instruction-file';

/** Fields common to both formats. */
interface EnvelopeCommon {
  /** The wrapping algorithm of `encryptedDataKey`. */
  readonly wrapAlgorithm: WrapAlgorithm;
  /** The wrapped data key, opaque to everything but its keyring. */
  readonly encryptedDataKey: Uint8Array;
  /**
   * The KMS encryption context (kms, kms+context: the full context, reserved key included) or the
   * materials description (AES/GCM, RSA-OAEP-SHA1). Empty when absent.
   */
  readonly description: ReadonlyMap<string, string>;
  /** `x-amz-unencrypted-content-length` when a writer stored it (informational only). */
  readonly unencryptedContentLength?: number;
  readonly location: EnvelopeLocation;
}

/**
 * A V2 envelope (suite 0x0072 GCM, or the legacy 0x0070 CBC), or a V1 one (`x-amz-key`, always
 * CBC, read only): the two differ on the wire only in the data key's metadata key.
 */
export interface V2Envelope extends EnvelopeCommon {
  readonly format: 'V1' | 'V2';
  readonly contentAlgorithm: 'AES/GCM/NoPadding' | 'AES/CBC/PKCS5Padding';
  /** 12 bytes for GCM, 16 for CBC. */
  readonly iv: Uint8Array;
}

/** A V3 envelope (suite 0x0073, key-committing). */
export interface V3Envelope extends EnvelopeCommon {
  readonly format: 'V3';
  readonly contentAlgorithm: '115';
  /** `x-amz-i`: 28 bytes, the HKDF salt. */
  readonly messageId: Uint8Array;
  /** `x-amz-d`: 28 bytes, the key commitment. */
  readonly commitment: Uint8Array;
}

/** An object's encryption envelope. */
export type Envelope = V2Envelope | V3Envelope;

/** The content algorithm a policy writes. */
export function contentAlgorithmForWrite(policy: CommitmentPolicy): ContentAlgorithm {
  return policy === 'FORBID_ENCRYPT_ALLOW_DECRYPT' ? 'AES/GCM/NoPadding' : '115';
}

/** True when `policy` lets a client read objects of `format`. */
export function policyAllowsRead(policy: CommitmentPolicy, format: Envelope['format']): boolean {
  return format === 'V3' || policy !== 'REQUIRE_ENCRYPT_REQUIRE_DECRYPT';
}
