/**
 * @module
 * CreateKey: creates a symmetric encryption KMS key (SYMMETRIC_DEFAULT, ENCRYPT_DECRYPT), with
 * the default key policy unless one is given, and Enabled; or PendingImport for Origin EXTERNAL.
 */

import { KmsError } from '../errors.ts';
import { createKeyRecord, newKeyId, newMaterial } from '../model/keys.ts';
import { defaultKeyPolicy } from '../policy/default-policy.ts';
import { validateKeyPolicy } from '../policy/validate.ts';
import { boolean, enumOf, string, structure } from '../protocol/shapes.ts';
import { keyMetadata, type KeyMetadata } from './shared/key-metadata.ts';
import { parseNewTags, TAG_LIST, tagConditions, type TagInput } from './shared/tags.ts';
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

const KEY_SPECS = ['RSA_2048', 'RSA_3072', 'RSA_4096', 'ECC_NIST_P256', 'ECC_NIST_P384', 'ECC_NIST_P521', 'ECC_SECG_P256K1', 'SYMMETRIC_DEFAULT', 'HMAC_224', 'HMAC_256', 'HMAC_384', 'HMAC_512', 'SM2', 'ML_DSA_44', 'ML_DSA_65', 'ML_DSA_87', 'ECC_NIST_EDWARDS25519'];

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
    KeyUsage: enumOf(['SIGN_VERIFY', 'ENCRYPT_DECRYPT', 'GENERATE_VERIFY_MAC', 'KEY_AGREEMENT']),
    CustomerMasterKeySpec: enumOf(['RSA_2048', 'RSA_3072', 'RSA_4096', 'ECC_NIST_P256', 'ECC_NIST_P384', 'ECC_NIST_P521', 'ECC_SECG_P256K1', 'SYMMETRIC_DEFAULT', 'HMAC_224', 'HMAC_256', 'HMAC_384', 'HMAC_512', 'SM2']),
    KeySpec: enumOf(KEY_SPECS),
    Origin: enumOf(['AWS_KMS', 'EXTERNAL', 'AWS_CLOUDHSM', 'EXTERNAL_KEY_STORE']),
    CustomKeyStoreId: string({ min: 1, max: 64 }),
    BypassPolicyLockoutSafetyCheck: boolean(),
    Tags: TAG_LIST,
    MultiRegion: boolean(),
    XksKeyId: string({ min: 1, max: 128 }),
  }),

  async handler(input, context) {
    const keySpec = input.KeySpec ?? input.CustomerMasterKeySpec ?? 'SYMMETRIC_DEFAULT';
    const keyUsage = input.KeyUsage ?? 'ENCRYPT_DECRYPT';
    const origin = input.Origin ?? 'AWS_KMS';
    context.authorize('kms:CreateKey', undefined, { conditions: createKeyConditions(input, keySpec, keyUsage, origin) });
    if (keySpec !== 'SYMMETRIC_DEFAULT' || keyUsage !== 'ENCRYPT_DECRYPT') {
      // Known difference: Strongbox models symmetric encryption keys only (README).
      throw new KmsError('UnsupportedOperationException', `Strongbox supports only SYMMETRIC_DEFAULT keys with KeyUsage ENCRYPT_DECRYPT; got KeySpec ${keySpec} and KeyUsage ${keyUsage}.`);
    }
    if (origin !== 'AWS_KMS' && origin !== 'EXTERNAL') {
      throw new KmsError('UnsupportedOperationException', `Strongbox does not model custom key stores (Origin ${origin}).`);
    }
    if (input.CustomKeyStoreId !== undefined) throw new KmsError('UnsupportedOperationException', 'Strongbox does not model custom key stores.');
    if (input.MultiRegion === true) throw new KmsError('UnsupportedOperationException', 'Strongbox does not model multi-Region keys.');
    const { account } = context.caller;
    const { region, now, random } = context;
    const policy = input.Policy ?? defaultKeyPolicy(region, account);
    if (input.Policy !== undefined) {
      validateKeyPolicy(input.Policy, { caller: context.caller, account, region, bypassLockoutCheck: input.BypassPolicyLockoutSafetyCheck === true });
    }
    const tags = parseNewTags(input.Tags);
    const key = createKeyRecord({
      keyId: newKeyId(random),
      account,
      region,
      now,
      description: input.Description ?? '',
      policy,
      origin,
      keyManager: 'CUSTOMER',
      tags,
      materials: origin === 'EXTERNAL' ? [] : [newMaterial(random, 1, now)],
    });
    context.touch(key);
    await context.commit({ type: 'putKey', key });
    return { KeyMetadata: keyMetadata(key) };
  },

  // The dispatcher writes member names in lowerCamelCase and dates as Java dates, as CloudTrail does (ct-createkey).
  auditResponse: (output) => ({ keyMetadata: output.KeyMetadata }),
};

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
