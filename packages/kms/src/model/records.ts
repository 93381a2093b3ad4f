/**
 * @module
 * The records the KMS model stores: keys (with every backing-key version), aliases and grants.
 * Records are immutable values; the state replaces a record to change it (see `state.ts`).
 * Times are epoch milliseconds; names are camelCase (AWS wire names exist only in operations and
 * protocol).
 */

import type { KeySpec, KeyUsage } from './key-types/spec-table.ts';

/**
 * KMS key states Strongbox models. `PendingReplicaDeletion`: a multi-Region primary key scheduled
 * for deletion while it still has replicas (ScheduleKeyDeletion API). Strongbox has no transient
 * `Creating` and `Updating` states (ReplicateKey and UpdatePrimaryRegion complete at once) and no
 * custom key stores (`Unavailable`).
 */
export type KeyState = 'Enabled' | 'Disabled' | 'PendingDeletion' | 'PendingImport' | 'PendingReplicaDeletion';

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
  /** On-demand rotations started so far (at most ON_DEMAND_ROTATION_LIMIT per key, model/rotation.ts). */
  readonly onDemandCount: number;
  /** While an on-demand rotation is in progress: when it started. */
  readonly onDemandStartDate?: number;
  /** While an on-demand rotation is in progress: when it completes (start + the emulator's delay). */
  readonly onDemandCompletesAt?: number;
  /**
   * Automatic rotation fell due while the key was not Enabled; it rotates as soon as the key is
   * Enabled again (GetKeyRotationStatus doc: "If the key material in the re-enabled KMS key hasn't
   * been rotated in one year, KMS rotates it immediately"). See model/rotation.ts.
   */
  readonly overdue?: boolean;
  /** Completed rotations, oldest first. */
  readonly history: readonly RotationEvent[];
}

/** How imported key material expires (ImportKeyMaterial `ExpirationModel`). */
export type ExpirationModel = 'KEY_MATERIAL_EXPIRES' | 'KEY_MATERIAL_DOES_NOT_EXPIRE';

/**
 * The key material of an EXTERNAL key (see model/imported-material.ts). Kept after the material is
 * deleted or expires, so that only the same material can be imported again.
 */
export interface ImportedMaterialRecord {
  /** KeyMaterialId of the imported bytes: derived from the key id and the material. */
  readonly materialId: string;
  /** Set while the material is imported; absent after DeleteImportedKeyMaterial or expiry. */
  readonly expirationModel?: ExpirationModel;
  /** When the material expires (KEY_MATERIAL_EXPIRES only). */
  readonly validTo?: number;
  /** ImportKeyMaterial `KeyMaterialDescription`, kept across re-imports. */
  readonly description?: string;
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
  readonly keyUsage: KeyUsage;
  readonly keySpec: KeySpec;
  readonly origin: KeyOrigin;
  readonly keyManager: KeyManager;
  readonly state: KeyState;
  /** Set while PendingDeletion: when the key will be deleted. */
  readonly deletionDate?: number;
  /** Set while PendingDeletion or PendingReplicaDeletion: the window requested. */
  readonly pendingWindowInDays?: number;
  /** The key policy document, as text (the only policy name is `default`). */
  readonly policy: string;
  readonly tags: readonly Tag[];
  /** Backing keys, oldest first; the last one encrypts. Empty while PendingImport. */
  readonly materials: readonly KeyMaterial[];
  readonly rotation: RotationSettings;
  /** EXTERNAL keys: what was imported (absent until the first ImportKeyMaterial). */
  readonly imported?: ImportedMaterialRecord;
  /**
   * Asymmetric keys: the key pair, DER PKCS #8 private key (secret: sealed on disk, never logged)
   * and DER SubjectPublicKeyInfo (model/key-types/key-material.ts). Symmetric keys use `materials`.
   */
  readonly keyPair?: AsymmetricKeyPair;
  /** HMAC keys: the HMAC key (secret: sealed on disk, never logged). */
  readonly macKey?: Uint8Array;
  /** Multi-Region keys (`mrk-` ids): this key's place in its multi-Region key. */
  readonly multiRegion?: MultiRegionRecord;
  /** The last successful cryptographic operation (GetKeyLastUsage). */
  readonly lastUsage?: KeyLastUsage;
}

/** An asymmetric key pair in its serialized form. */
export interface AsymmetricKeyPair {
  readonly privateKey: Uint8Array;
  readonly publicKey: Uint8Array;
}

/**
 * The multi-Region facts of a primary or replica key. Related keys share the key id and the key
 * material; each Region holds its own record, so replicas decrypt what the primary encrypted.
 */
export interface MultiRegionRecord {
  /** The Region of the primary key (changes with UpdatePrimaryRegion). */
  readonly primaryRegion: string;
  /** The Regions of the replicas, in the order they were created. */
  readonly replicaRegions: readonly string[];
}

/** What GetKeyLastUsage reports. */
export interface KeyLastUsage {
  readonly operation: string;
  readonly timestamp: number;
  readonly eventId: string;
  readonly requestId: string;
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
  | 'DeriveSharedSecret'
  | 'Encapsulate'
  | 'Decapsulate';

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
  /**
   * The Region of the key the grant is on (a multi-Region key's primary and replicas each have
   * their own grants). Grants journaled before this field existed lack it; the state fills it in
   * from their single-Region key (model/state.ts).
   */
  readonly region: string;
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
