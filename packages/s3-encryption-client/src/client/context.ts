/**
 * @module
 * The resolved configuration every client operation reads, and the per-request options.
 */

import type { S3Client } from '@aws-sdk/client-s3';
import type { CommitmentPolicy } from '../format/envelope.ts';
import type { Keyring, RandomBytes } from '../keyrings/keyring.ts';

/** Options of one encrypting or decrypting request, beside the S3 command's own input. */
export interface RequestOptions {
  /**
   * The KMS encryption context (kms+context keyrings only). On put it is stored with the object
   * (plus the reserved `aws:x-amz-cek-alg`); on get it must equal the stored one minus the reserved
   * keys, as in the Java, Go and Ruby clients. Default `{}`.
   */
  readonly encryptionContext?: Readonly<Record<string, string>>;
  /** Aborts the S3 (not the KMS) calls. */
  readonly abortSignal?: AbortSignal;
}

/** The client's settings, validated. */
export interface ClientContext {
  readonly s3: S3Client;
  readonly keyring: Keyring;
  readonly commitmentPolicy: CommitmentPolicy;
  readonly enableLegacyUnauthenticatedModes: boolean;
  readonly enableDelayedAuthenticationMode: boolean;
  readonly bufferSize: number;
  readonly writeInstructionFile: boolean;
  readonly instructionFileSuffix: string;
  readonly random: RandomBytes;
}

/** `{ abortSignal }` for `S3Client.send`, or nothing. */
export function sendOptions(options: RequestOptions | undefined): { abortSignal?: AbortSignal } {
  return options?.abortSignal === undefined ? {} : { abortSignal: options.abortSignal };
}
