/**
 * @module
 * The records the KMS model stores: keys (with every backing-key version), aliases and grants.
 * Records are immutable values; the state replaces a record to change it (see `changes.ts`).
 * Times are epoch milliseconds; names are camelCase (AWS wire names exist only in operations and
 * protocol).
 */

/** KMS key states Strongbox models (single-Region symmetric keys). */
export type KeyState = 'Enabled' | 'Disabled' | 'PendingDeletion' | 'PendingImport';

/** How a backing key came to be. */
export type RotationType = 'AUTOMATIC' | 'ON_DEMAND';

/** Where the key material came from. */
export type KeyOrigin = 'AWS_KMS' | 'EXTERNAL';

/** Who manages the key: the customer, or AWS (the `alias/aws/*` keys). */
export type KeyManager = 'CUSTOMER' | 'AWS';

/** One version of a key's backing key. Old versions are kept for ever so old ciphertexts decrypt. */
export interface KeyMaterial {
  /** 1-based version, named in ciphertext blobs. */
  readonly version: number;
  /** The 256-bit AES key (secret: never logged; sealed under the root key on disk). */
  readonly material: Uint8Array;
  /** Public identifier of this material (64 hex digits), KMS's `KeyMaterialId`. */
  readonly materialId: string;
  /** When this version was created. */
  readonly createdAt: number;
}

/** A completed rotation, as ListKeyRotations reports it. */
export interface RotationEvent {
  readonly rotationDate: number;
  readonly rotationType: RotationType;
  readonly materialId: string;
}

/** A key's rotation settings and history. */
export interface RotationSettings {
  /** Automatic rotation on (it is off by default). */
  readonly enabled: boolean;
  /** Automatic rotation period, 90..2560 days (default 365). */
  readonly periodInDays: number;
  /** When automatic rotation next happens (set while enabled). */
  readonly nextRotationDate?: number;
  /** On-demand rotations performed so far (at most 10 per key). */
  readonly onDemandCount: number;
  /** While an on-demand rotation is in progress: when it started. */
  readonly onDemandStartDate?: number;
  /** Completed rotations, oldest first. */
  readonly history: readonly RotationEvent[];
}

/** A tag on a key. */
export interface Tag {
  readonly key: string;
  readonly value: string;
}

/** A KMS key. */
export interface KeyRecord {
  readonly keyId: string;
  readonly arn: string;
  readonly account: string;
  readonly region: string;
  readonly creationDate: number;
  readonly description: string;
  readonly keyUsage: 'ENCRYPT_DECRYPT';
  readonly keySpec: 'SYMMETRIC_DEFAULT';
  readonly origin: KeyOrigin;
  readonly keyManager: KeyManager;
  readonly state: KeyState;
  /** Set while PendingDeletion: when the key will be deleted. */
  readonly deletionDate?: number;
  /** Set while PendingDeletion: the window requested. */
  readonly pendingWindowInDays?: number;
  /** The key policy document, as text (the only policy name is `default`). */
  readonly policy: string;
  readonly tags: readonly Tag[];
  /** Backing keys, oldest first; the last one encrypts. Empty while PendingImport. */
  readonly materials: readonly KeyMaterial[];
  readonly rotation: RotationSettings;
}

/** An alias: a name pointing at one key. */
export interface AliasRecord {
  readonly account: string;
  readonly region: string;
  /** `alias/...` */
  readonly aliasName: string;
  readonly targetKeyId: string;
  readonly creationDate: number;
  readonly lastUpdatedDate: number;
}

/** Operations a grant can allow (the KMS GrantOperation enum). */
export type GrantOperation =
  | 'Decrypt'
  | 'Encrypt'
  | 'GenerateDataKey'
  | 'GenerateDataKeyWithoutPlaintext'
  | 'ReEncryptFrom'
  | 'ReEncryptTo'
  | 'Sign'
  | 'Verify'
  | 'GetPublicKey'
  | 'CreateGrant'
  | 'RetireGrant'
  | 'DescribeKey'
  | 'GenerateDataKeyPair'
  | 'GenerateDataKeyPairWithoutPlaintext'
  | 'GenerateMac'
  | 'VerifyMac'
  | 'DeriveSharedSecret';

/** Grant constraints on the encryption context of the request. */
export interface GrantConstraints {
  readonly encryptionContextEquals?: Readonly<Record<string, string>>;
  readonly encryptionContextSubset?: Readonly<Record<string, string>>;
}

/** A grant on a key. */
export interface GrantRecord {
  /** 64 hex digits. */
  readonly grantId: string;
  readonly keyId: string;
  /** Optional idempotency name ('' when unset, as ListGrants reports it). */
  readonly name: string;
  readonly creationDate: number;
  readonly granteePrincipal: string;
  readonly retiringPrincipal?: string;
  /** `arn:aws:iam::<account>:root` of the account that created the grant. */
  readonly issuingAccount: string;
  readonly operations: readonly GrantOperation[];
  readonly constraints?: GrantConstraints;
}
