/**
 * @module
 * How S3 reaches KMS: `S3Kms`, the narrow slice of a KMS client the SSE-KMS and DSSE-KMS
 * providers use (GenerateDataKey and Decrypt with a per-call caller and Region; `@strongbox/kms`'s
 * `Kms` is one as it is), and `kmsOnBehalf`, which turns it into the envelope's `KmsClientLike`
 * for one caller.
 *
 * S3 calls KMS **on the caller's behalf** (UG `UsingKMSEncryption`, "Permissions"; KMS developer
 * guide `services-s3`): the caller's principal is what the key policy, grants and IAM policies
 * see, the call counts against the caller's account's KMS quota ("Request quotas": "including AWS
 * services acting for it"), and it is made through S3, so the principal carries
 * `invokedBy: 's3.amazonaws.com'`. From that KMS derives `kms:ViaService` =
 * `s3.<region>.amazonaws.com` and its CloudTrail record names S3 as `invokedBy`, as AWS's does.
 */

import type { Principal } from '@strongbox/service-kernel';
import type { KmsClientLike } from './envelope-adapter.ts';

/** The service principal S3 calls KMS as, for its callers. */
export const S3_SERVICE_PRINCIPAL = 's3.amazonaws.com';

/** Per-call settings S3 gives KMS: who the call is for, and in which Region. */
export interface S3KmsCallOptions {
  readonly caller: Principal;
  readonly region: string;
}

/** The GenerateDataKey request members S3 sends. */
export interface S3KmsGenerateDataKeyInput {
  KeyId: string;
  NumberOfBytes?: number;
  KeySpec?: 'AES_256';
  EncryptionContext?: Record<string, string>;
  GrantTokens?: string[];
}

/** The Decrypt request members S3 sends. */
export interface S3KmsDecryptInput {
  CiphertextBlob: Uint8Array;
  KeyId?: string;
  EncryptionContext?: Record<string, string>;
  GrantTokens?: string[];
}

/** The Encrypt request members (the envelope's KMS keyring may call it). */
export interface S3KmsEncryptInput {
  KeyId: string;
  Plaintext: Uint8Array;
  EncryptionContext?: Record<string, string>;
  GrantTokens?: string[];
}

/** The response members S3 reads. */
export interface S3KmsOutput {
  KeyId?: string | undefined;
  Plaintext?: Uint8Array | undefined;
  CiphertextBlob?: Uint8Array | undefined;
}

/**
 * The KMS S3 uses: `@strongbox/kms`'s `Kms` as it is (its methods take the caller and Region per
 * call). Another implementation must apply the caller's permissions and quota itself.
 *
 * @example
 * ```ts
 * import { Kms } from '@strongbox/kms';
 * import { S3 } from '@strongbox/s3';
 * const kms = new Kms();
 * const s3 = new S3({ kms, auditTrail: kms.auditTrail }); // one KMS, one trail
 * ```
 */
export interface S3Kms {
  generateDataKey(input: S3KmsGenerateDataKeyInput, options: S3KmsCallOptions): Promise<S3KmsOutput>;
  decrypt(input: S3KmsDecryptInput, options: S3KmsCallOptions): Promise<S3KmsOutput>;
  encrypt(input: S3KmsEncryptInput, options: S3KmsCallOptions): Promise<S3KmsOutput>;
}

/**
 * A KMS client acting for `caller` through S3, in `region`: every call carries the caller's
 * principal with `invokedBy: 's3.amazonaws.com'`.
 *
 * @example
 * ```ts
 * import { kmsOnBehalf } from '@strongbox/s3';
 * const client = kmsOnBehalf(kms, alice, 'us-east-1');
 * await client.generateDataKey({ KeyId: 'alias/aws/s3', NumberOfBytes: 32, EncryptionContext: { 'aws:s3:arn': 'arn:aws:s3:::b/k' } });
 * ```
 */
export function kmsOnBehalf(kms: S3Kms, caller: Principal, region: string): KmsClientLike & { readonly region: string } {
  const options: S3KmsCallOptions = { caller: { ...caller, invokedBy: S3_SERVICE_PRINCIPAL }, region };
  return {
    region,
    // AWS services ask KMS for an `AES_256` key spec (their CloudTrail GenerateDataKey records show
    // `keySpec: "AES_256"`), where the envelope's keyring asks for 32 bytes: the same key.
    generateDataKey: ({ NumberOfBytes, ...rest }) =>
      kms.generateDataKey(
        NumberOfBytes === 32 ? { ...rest, KeySpec: 'AES_256' } : { ...rest, ...(NumberOfBytes === undefined ? {} : { NumberOfBytes }) },
        options,
      ),
    decrypt: (input) => kms.decrypt(input, options),
    encrypt: (input) => kms.encrypt(input, options),
  };
}
