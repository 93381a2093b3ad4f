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

import { type KmsGenerateDataKeyInput, KmsKeyring } from '@strongbox/envelope';
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

/** What `kmsOnBehalf` hands out: the envelope's KMS client for one caller and Region, and its keyrings. */
export interface OnBehalfClient extends KmsClientLike {
  readonly region: string;
  /**
   * The envelope's KMS keyring under `keyId` (key id, key ARN, alias name or alias ARN) through
   * this client: GenerateDataKey to seal, Decrypt (with `KeyId` set) to open. One per key id,
   * made on first use: a keyring holds no data key, only the client, the key id and the Region.
   */
  keyring(keyId: string): S3KmsKeyring;
}

/** The keyring members S3 uses. */
export type S3KmsKeyring = Pick<KmsKeyring, 'generateDataKey' | 'unwrapDataKey'>;

/** Keyrings one client keeps (key ids as requests name them, and the key ARNs of stored objects): forgotten all at once past it. */
const MAX_KEYRINGS = 256;
/** Regions one caller's clients are kept for: forgotten all at once past it. */
const MAX_REGIONS = 64;

/**
 * The clients of each KMS, frozen caller and Region. A frozen caller (S3's in-process default,
 * the HTTP edge's unverified callers, which it keeps one per access key) cannot change, so its
 * client, and the principal KMS sees, can serve every call it makes: KMS gets the same principal
 * object each time (its trail then shares one call site between them) and no call builds closures
 * or keyrings. Weak on both, so neither is kept alive by this table.
 */
const CLIENTS = new WeakMap<S3Kms, WeakMap<Principal, Map<string, OnBehalfClient>>>();

/**
 * A KMS client acting for `caller` through S3, in `region`: every call carries the caller's
 * principal with `invokedBy: 's3.amazonaws.com'`. Frozen callers get the same client every time.
 *
 * @example
 * ```ts
 * import { kmsOnBehalf } from '@strongbox/s3';
 * const client = kmsOnBehalf(kms, alice, 'us-east-1');
 * await client.generateDataKey({ KeyId: 'alias/aws/s3', NumberOfBytes: 32, EncryptionContext: { 'aws:s3:arn': 'arn:aws:s3:::b/k' } });
 * ```
 */
export function kmsOnBehalf(kms: S3Kms, caller: Principal, region: string): OnBehalfClient {
  // A caller that can still change gets a client of its own, as it is now.
  if (!Object.isFrozen(caller)) return onBehalf(kms, caller, region);
  let byCaller = CLIENTS.get(kms);
  if (byCaller === undefined) CLIENTS.set(kms, (byCaller = new WeakMap()));
  let byRegion = byCaller.get(caller);
  if (byRegion === undefined) byCaller.set(caller, (byRegion = new Map()));
  let client = byRegion.get(region);
  if (client === undefined) {
    if (byRegion.size >= MAX_REGIONS) byRegion.clear();
    client = onBehalf(kms, caller, region);
    byRegion.set(region, client);
  }
  return client;
}

function onBehalf(kms: S3Kms, caller: Principal, region: string): OnBehalfClient {
  const options: S3KmsCallOptions = Object.freeze({ caller: Object.freeze({ ...caller, invokedBy: S3_SERVICE_PRINCIPAL }), region });
  const keyrings = new Map<string, S3KmsKeyring>();
  const client: OnBehalfClient = {
    region,
    generateDataKey: (input) => kms.generateDataKey(generateDataKeyInput(input), options),
    decrypt: (input) => kms.decrypt(input, options),
    encrypt: (input) => kms.encrypt(input, options),
    keyring(keyId) {
      let keyring = keyrings.get(keyId);
      if (keyring === undefined) {
        if (keyrings.size >= MAX_KEYRINGS) keyrings.clear();
        keyring = new KmsKeyring({ client, keyId });
        keyrings.set(keyId, keyring);
      }
      return keyring;
    },
  };
  return client;
}

/**
 * The GenerateDataKey request S3 sends for the keyring's: AWS services ask KMS for an `AES_256`
 * key spec (their CloudTrail GenerateDataKey records show `keySpec: "AES_256"`), where the
 * envelope's keyring asks for 32 bytes: the same key. Members keep the order they had (the
 * keyring's, `KeySpec` last), which is the order CloudTrail's `requestParameters` list them in.
 */
function generateDataKeyInput(input: KmsGenerateDataKeyInput): S3KmsGenerateDataKeyInput {
  const { KeyId, NumberOfBytes, EncryptionContext, GrantTokens } = input;
  const request: S3KmsGenerateDataKeyInput = { KeyId, EncryptionContext };
  if (GrantTokens !== undefined) request.GrantTokens = GrantTokens;
  if (NumberOfBytes === 32) request.KeySpec = 'AES_256';
  else if (NumberOfBytes !== undefined) request.NumberOfBytes = NumberOfBytes;
  return request;
}
