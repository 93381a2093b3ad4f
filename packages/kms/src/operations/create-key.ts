/**
 * @module
 * CreateKey: creates a KMS key of any key spec and key usage KMS allows (symmetric encryption,
 * HMAC, RSA, ECC, Ed25519, ML-DSA, ML-KEM), with the default key policy unless one is given, and
 * Enabled; or a symmetric key PendingImport for Origin EXTERNAL. An account with as many customer
 * managed keys in the Region as the "AWS KMS keys" quota allows gets LimitExceededException
 * (`shared/key-quota.ts`).
 */

import { KmsError } from '../errors.ts';
import { generateHmacKey, generateKeyPairMaterial } from '../model/key-types/key-material.ts';
import { KEY_SPECS as ALL_KEY_SPECS, KEY_SPEC_TABLE, KEY_USAGES, type KeySpec, type KeyUsage, usageAlgorithms } from '../model/key-types/spec-table.ts';
import { createKeyRecord, newKeyId, newMaterial, newMultiRegionKeyId } from '../model/keys.ts';
import { defaultKeyPolicy } from '../policy/default-policy.ts';
import { validateKeyPolicy } from '../policy/validate.ts';
import { boolean, enumOf, string, structure } from '../protocol/shapes.ts';
import { type KeyMetadata, keyMetadata } from './shared/key-metadata.ts';
import { parseNewTags, TAG_LIST, type TagInput, tagConditions } from './shared/tags.ts';
import type { OperationDefinition } from './types.ts';

/** CreateKey request. */
export interface CreateKeyRequest {
  Policy?: string;
  Description?: string;
  KeyUsage?: string;
  CustomerMasterKeySpec?: string;
  KeySpec?: string;
  Origin?: string;
  CustomKeyStoreId?: string;
  BypassPolicyLockoutSafetyCheck?: boolean;
  Tags?: TagInput[];
  MultiRegion?: boolean;
  XksKeyId?: string;
}

/** CreateKey response. */
export interface CreateKeyResponse {
  KeyMetadata: KeyMetadata;
}

// The KeySpec and KeyUsageType enums of the current SDK (ML_KEM_* and ENCAPSULATE_DECAPSULATE included).
const KEY_SPECS: readonly string[] = ALL_KEY_SPECS;

/** CreateKey. */
export const createKey: OperationDefinition<'CreateKey', CreateKeyRequest, CreateKeyResponse> = {
  name: 'CreateKey',
  quota: { perSecond: 5 },
  readOnly: false,
  keyState: 'any',
  auditDefaults: {
    description: '',
    origin: 'AWS_KMS',
    bypassPolicyLockoutSafetyCheck: false,
    customerMasterKeySpec: 'SYMMETRIC_DEFAULT',
    keySpec: 'SYMMETRIC_DEFAULT',
    keyUsage: 'ENCRYPT_DECRYPT',
  },
  input: structure({
    Policy: string({ min: 1, max: 131072 }),
    Description: string({ min: 0, max: 8192 }),
    KeyUsage: enumOf(KEY_USAGES),
    CustomerMasterKeySpec: enumOf([
      'RSA_2048',
      'RSA_3072',
      'RSA_4096',
      'ECC_NIST_P256',
      'ECC_NIST_P384',
      'ECC_NIST_P521',
      'ECC_SECG_P256K1',
      'SYMMETRIC_DEFAULT',
      'HMAC_224',
      'HMAC_256',
      'HMAC_384',
      'HMAC_512',
      'SM2',
    ]),
    KeySpec: enumOf(KEY_SPECS),
    Origin: enumOf(['AWS_KMS', 'EXTERNAL', 'AWS_CLOUDHSM', 'EXTERNAL_KEY_STORE']),
    CustomKeyStoreId: string({ min: 1, max: 64 }),
    BypassPolicyLockoutSafetyCheck: boolean(),
    Tags: TAG_LIST,
    MultiRegion: boolean(),
    XksKeyId: string({ min: 1, max: 128 }),
  }),

  async handler(input, context) {
    const keySpec = (input.KeySpec ?? input.CustomerMasterKeySpec ?? 'SYMMETRIC_DEFAULT') as KeySpec;
    const keyUsage = (input.KeyUsage ?? 'ENCRYPT_DECRYPT') as KeyUsage;
    const origin = input.Origin ?? 'AWS_KMS';
    context.authorize('kms:CreateKey', undefined, { conditions: createKeyConditions(input, keySpec, keyUsage, origin) });
    requireValidKeyType(keySpec, keyUsage, input.KeyUsage !== undefined);
    if (origin === 'EXTERNAL' && keySpec !== 'SYMMETRIC_DEFAULT') {
      // Known difference (README): AWS also imports asymmetric and HMAC key material.
      throw new KmsError(
        'UnsupportedOperationException',
        `Strongbox imports key material into symmetric encryption keys only; KeySpec ${keySpec} needs Origin AWS_KMS.`,
      );
    }
    if (origin !== 'AWS_KMS' && origin !== 'EXTERNAL') {
      throw new KmsError('UnsupportedOperationException', `Strongbox does not model custom key stores (Origin ${origin}).`);
    }
    if (input.CustomKeyStoreId !== undefined) throw new KmsError('UnsupportedOperationException', 'Strongbox does not model custom key stores.');
    if (input.MultiRegion === true && origin === 'EXTERNAL') {
      // Known difference (README): AWS also imports key material into multi-Region keys.
      throw new KmsError('UnsupportedOperationException', 'Strongbox does not import key material into multi-Region keys.');
    }
    const { account } = context.caller;
    const { region, now, random } = context;
    const policy = input.Policy ?? defaultKeyPolicy(region, account);
    if (input.Policy !== undefined) {
      validateKeyPolicy(input.Policy, { caller: context.caller, account, region, bypassLockoutCheck: input.BypassPolicyLockoutSafetyCheck === true });
    }
    const tags = parseNewTags(input.Tags);
    // The "AWS KMS keys" resource quota, checked here before a key pair is generated for nothing,
    // and again just before the commit: another CreateKey may take the last key meanwhile.
    context.requireKeyQuota(account, region);
    const family = KEY_SPEC_TABLE[keySpec].family;
    const base = createKeyRecord({
      keyId: input.MultiRegion === true ? newMultiRegionKeyId(random) : newKeyId(random),
      account,
      region,
      now,
      description: input.Description ?? '',
      policy,
      origin,
      keyManager: 'CUSTOMER',
      tags,
      materials: origin === 'EXTERNAL' || family !== 'symmetric' ? [] : [newMaterial(random, 1, now)],
    });
    const typed =
      family === 'symmetric'
        ? base
        : family === 'hmac'
          ? { ...base, keySpec, keyUsage, state: 'Enabled' as const, macKey: generateHmacKey(keySpec, random) }
          : { ...base, keySpec, keyUsage, state: 'Enabled' as const, keyPair: await generateKeyPairMaterial(keySpec, random) };
    // A multi-Region primary key, with no replicas yet (ReplicateKey is not modelled).
    const key = input.MultiRegion === true ? { ...typed, multiRegion: { primaryRegion: region, replicaRegions: [] } } : typed;
    context.touch(key);
    // No await between this check and the commit, which applies at once: two calls at the
    // boundary cannot both pass it.
    context.requireKeyQuota(account, region);
    await context.commit({ type: 'putKey', key });
    return { KeyMetadata: keyMetadata(key) };
  },

  // The dispatcher writes member names in lowerCamelCase and dates as Java dates, as CloudTrail does (ct-createkey).
  auditResponse: (output) => ({ keyMetadata: output.KeyMetadata }),
};

/**
 * Checks the key spec and key usage pair against the key spec table, with AWS's answers:
 * "You must specify a KeyUsage value for all KMS keys except for symmetric encryption keys." and
 * "KeyUsage KEY_AGREEMENT is not compatible with KeySpec RSA_2048" (LocalStack's AWS-validated
 * snapshots, ValidationException). SM2 is refused: it exists only in the China Regions.
 * @throws KmsError ValidationException or UnsupportedOperationException.
 */
function requireValidKeyType(keySpec: KeySpec, keyUsage: KeyUsage, usageGiven: boolean): void {
  const info = KEY_SPEC_TABLE[keySpec];
  if (info.unsupported !== undefined) throw new KmsError('UnsupportedOperationException', info.unsupported);
  if (keySpec !== 'SYMMETRIC_DEFAULT' && !usageGiven) {
    throw new KmsError('ValidationException', 'You must specify a KeyUsage value for all KMS keys except for symmetric encryption keys.');
  }
  if (usageAlgorithms(keySpec, keyUsage) === undefined)
    throw new KmsError('ValidationException', `KeyUsage ${keyUsage} is not compatible with KeySpec ${keySpec}`);
}

/**
 * The condition keys of a CreateKey request. The key does not exist yet, so they come from the
 * request, with the defaults of absent parameters: "such conditions are effective even when the
 * parameter doesn't appear in the request" (dev guide "AWS KMS condition keys"). The deprecated
 * `kms:CustomerMasterKey*` keys carry the same values.
 */
function createKeyConditions(input: CreateKeyRequest, keySpec: string, keyUsage: string, origin: string): Record<string, string | string[] | boolean> {
  return {
    'kms:KeySpec': keySpec,
    'kms:CustomerMasterKeySpec': keySpec,
    'kms:KeyUsage': keyUsage,
    'kms:CustomerMasterKeyUsage': keyUsage,
    'kms:KeyOrigin': origin,
    'kms:MultiRegion': input.MultiRegion === true,
    // aws:TagKeys and aws:RequestTag/<key> exist only for a request that brings tags.
    ...(input.Tags === undefined || input.Tags.length === 0 ? {} : tagConditions(input.Tags.map((tag) => ({ key: tag.TagKey, value: tag.TagValue })))),
  };
}
