/**
 * @module
 * The operations Strongbox's KMS serves, with the two facts every one of them needs before its
 * handler runs: which request quota it draws from, and whether CloudTrail marks it read-only.
 *
 * Quotas: "Request quotas", https://docs.aws.amazon.com/kms/latest/developerguide/requests-per-second.html
 * (requests per second, per account and Region). The symmetric cryptographic operations share one
 * quota; every other operation has its own.
 */

/** Every operation name, as it appears in `X-Amz-Target: TrentService.<Name>`. */
export const OPERATION_NAMES = [
  'CancelKeyDeletion',
  'CreateAlias',
  'CreateGrant',
  'CreateKey',
  'Decapsulate',
  'Decrypt',
  'DeleteAlias',
  'DeleteImportedKeyMaterial',
  'DeriveSharedSecret',
  'DescribeKey',
  'DisableKey',
  'DisableKeyRotation',
  'EnableKey',
  'EnableKeyRotation',
  'Encapsulate',
  'Encrypt',
  'GenerateDataKey',
  'GenerateDataKeyPair',
  'GenerateDataKeyPairWithoutPlaintext',
  'GenerateDataKeyWithoutPlaintext',
  'GenerateMac',
  'GenerateRandom',
  'GetKeyLastUsage',
  'GetKeyPolicy',
  'GetKeyRotationStatus',
  'GetParametersForImport',
  'GetPublicKey',
  'ImportKeyMaterial',
  'ListAliases',
  'ListGrants',
  'ListKeyPolicies',
  'ListKeyRotations',
  'ListKeys',
  'ListResourceTags',
  'ListRetirableGrants',
  'PutKeyPolicy',
  'ReEncrypt',
  'RetireGrant',
  'RevokeGrant',
  'RotateKeyOnDemand',
  'ScheduleKeyDeletion',
  'Sign',
  'TagResource',
  'UntagResource',
  'UpdateAlias',
  'UpdateKeyDescription',
  'Verify',
  'VerifyMac',
] as const;

/** An operation name. */
export type OperationName = (typeof OPERATION_NAMES)[number];

/** The quota bucket an operation draws from: the shared cryptographic one, or its own. */
export type QuotaClass = 'cryptographic' | OperationName;

/** Default request quota of the shared symmetric cryptographic operations, per second. */
export const DEFAULT_CRYPTOGRAPHIC_QUOTA = 10_000;

/** The symmetric cryptographic operations, which share one quota. */
const CRYPTOGRAPHIC: ReadonlySet<OperationName> = new Set<OperationName>([
  'Decrypt',
  'Encrypt',
  'GenerateDataKey',
  'GenerateDataKeyWithoutPlaintext',
  'GenerateMac',
  'GenerateRandom',
  'ReEncrypt',
  'VerifyMac',
]);

/**
 * The asymmetric cryptographic operations: AWS counts them against the 1,000/s row of the key's
 * family (RSA, ECC and SM2, ML-DSA), and GenerateDataKeyPair against a row per key pair spec
 * ("Request quotas"). The quota is taken before the key is read, so Strongbox gives each of these
 * operations its own bucket at that default instead (Known differences, README). CloudTrail marks
 * them read-only, like the symmetric ones.
 */
const ASYMMETRIC: ReadonlySet<OperationName> = new Set<OperationName>([
  'Decapsulate',
  'DeriveSharedSecret',
  'Encapsulate',
  'GenerateDataKeyPair',
  'GenerateDataKeyPairWithoutPlaintext',
  'Sign',
  'Verify',
]);

/** Per-operation quotas (requests per second) from AWS's table. */
export const OPERATION_QUOTAS: Readonly<Record<Exclude<OperationName, 'Decrypt' | 'Encrypt' | 'GenerateDataKey' | 'GenerateDataKeyWithoutPlaintext' | 'GenerateMac' | 'GenerateRandom' | 'ReEncrypt' | 'VerifyMac'>, number>> = Object.freeze({
  Decapsulate: 1000,
  DeriveSharedSecret: 1000,
  Encapsulate: 1000,
  // The RSA_2048 row, the most common key pair spec (ECC rows are 100/s, RSA_4096 1/s).
  GenerateDataKeyPair: 20,
  GenerateDataKeyPairWithoutPlaintext: 20,
  GetKeyLastUsage: 5,
  GetPublicKey: 2000,
  Sign: 1000,
  Verify: 1000,
  CancelKeyDeletion: 5,
  CreateAlias: 5,
  CreateGrant: 50,
  CreateKey: 5,
  DeleteAlias: 15,
  DeleteImportedKeyMaterial: 15,
  DescribeKey: 2000,
  DisableKey: 5,
  DisableKeyRotation: 5,
  EnableKey: 5,
  EnableKeyRotation: 15,
  GetKeyPolicy: 1000,
  GetKeyRotationStatus: 1000,
  GetParametersForImport: 1,
  ImportKeyMaterial: 15,
  ListAliases: 500,
  ListGrants: 100,
  ListKeyPolicies: 100,
  ListKeyRotations: 100,
  ListKeys: 500,
  ListResourceTags: 2000,
  ListRetirableGrants: 100,
  PutKeyPolicy: 15,
  RetireGrant: 50,
  RevokeGrant: 50,
  RotateKeyOnDemand: 5,
  ScheduleKeyDeletion: 15,
  TagResource: 10,
  UntagResource: 5,
  UpdateAlias: 5,
  UpdateKeyDescription: 5,
});

/** The quota an operation counts against. */
export function quotaClassOf(operation: OperationName): QuotaClass {
  return CRYPTOGRAPHIC.has(operation) ? 'cryptographic' : operation;
}

/** Whether an operation is a symmetric cryptographic operation. */
export function isCryptographic(operation: OperationName): boolean {
  return CRYPTOGRAPHIC.has(operation);
}

/**
 * Whether CloudTrail records the operation as read-only: Describe/Get/List and the cryptographic
 * operations (they change no state), per KMS's CloudTrail examples.
 */
export function isReadOnly(operation: OperationName): boolean {
  return CRYPTOGRAPHIC.has(operation) || ASYMMETRIC.has(operation) || /^(Describe|Get|List)/.test(operation);
}

/** Whether `name` is an operation Strongbox serves. */
export function isOperationName(name: string): name is OperationName {
  return (OPERATION_NAMES as readonly string[]).includes(name);
}
