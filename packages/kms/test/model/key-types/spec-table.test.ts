/**
 * The key spec table against the names of the official SDK (`@aws-sdk/client-kms`'s enums are the
 * ground truth) and the facts AWS was recorded answering (LocalStack's AWS-validated snapshots).
 */

import { DataKeyPairSpec, KeyUsageType, MacAlgorithmSpec, KeySpec as SdkKeySpec, SigningAlgorithmSpec } from '@aws-sdk/client-kms';
import { describe, expect, it } from 'vitest';
import {
  allowedUsages,
  DATA_KEY_PAIR_SPECS,
  digestLength,
  KEY_SPEC_TABLE,
  KEY_SPECS,
  KEY_USAGES,
  MAC_ALGORITHMS,
  maxRsaPlaintextLength,
  SIGNING_ALGORITHMS,
  usageAlgorithms,
} from '../../../src/model/key-types/spec-table.ts';

describe('names', () => {
  it("has exactly the SDK's KeySpec, KeyUsageType, SigningAlgorithmSpec, MacAlgorithmSpec and DataKeyPairSpec values", () => {
    expect([...KEY_SPECS].sort()).toEqual(Object.values(SdkKeySpec).sort());
    expect([...KEY_USAGES].sort()).toEqual(Object.values(KeyUsageType).sort());
    expect([...SIGNING_ALGORITHMS].sort()).toEqual(Object.values(SigningAlgorithmSpec).sort());
    expect([...MAC_ALGORITHMS].sort()).toEqual(Object.values(MacAlgorithmSpec).sort());
    expect([...DATA_KEY_PAIR_SPECS].sort()).toEqual(Object.values(DataKeyPairSpec).sort());
  });
});

describe('usages and algorithms', () => {
  it('allows the usages of the CreateKey KeyUsage doc', () => {
    expect(allowedUsages('SYMMETRIC_DEFAULT')).toEqual(['ENCRYPT_DECRYPT']);
    expect(allowedUsages('RSA_3072')).toEqual(['ENCRYPT_DECRYPT', 'SIGN_VERIFY']);
    expect(allowedUsages('ECC_NIST_P384')).toEqual(['SIGN_VERIFY', 'KEY_AGREEMENT']);
    expect(allowedUsages('ECC_SECG_P256K1')).toEqual(['SIGN_VERIFY']);
    expect(allowedUsages('ECC_NIST_EDWARDS25519')).toEqual(['SIGN_VERIFY']);
    expect(allowedUsages('HMAC_384')).toEqual(['GENERATE_VERIFY_MAC']);
    expect(allowedUsages('ML_DSA_87')).toEqual(['SIGN_VERIFY']);
    expect(allowedUsages('ML_KEM_512')).toEqual(['ENCAPSULATE_DECAPSULATE']);
    expect(usageAlgorithms('RSA_2048', 'KEY_AGREEMENT')).toBeUndefined();
  });

  it('lists the algorithms AWS returns in KeyMetadata', () => {
    expect(usageAlgorithms('RSA_4096', 'ENCRYPT_DECRYPT')?.encryption).toEqual(['RSAES_OAEP_SHA_1', 'RSAES_OAEP_SHA_256']);
    expect(usageAlgorithms('ECC_NIST_P521', 'SIGN_VERIFY')?.signing).toEqual(['ECDSA_SHA_512']);
    expect(usageAlgorithms('ECC_SECG_P256K1', 'SIGN_VERIFY')?.signing).toEqual(['ECDSA_SHA_256']);
    expect(usageAlgorithms('HMAC_224', 'GENERATE_VERIFY_MAC')?.mac).toEqual(['HMAC_SHA_224']);
    expect(usageAlgorithms('ECC_NIST_P256', 'KEY_AGREEMENT')?.keyAgreement).toEqual(['ECDH']);
    expect(usageAlgorithms('ML_KEM_1024', 'ENCAPSULATE_DECAPSULATE')?.encapsulation).toEqual(['ML_KEM']);
  });

  it('marks SM2 unsupported, saying why', () => {
    expect(KEY_SPEC_TABLE.SM2.unsupported).toMatch(/China Regions/);
    expect(
      Object.values(KEY_SPEC_TABLE)
        .filter((info) => info.unsupported !== undefined)
        .map((info) => info.spec),
    ).toEqual(['SM2']);
  });
});

describe('limits', () => {
  it('gives the RSA-OAEP plaintext limits AWS answers with', () => {
    expect([maxRsaPlaintextLength('RSA_2048', 'RSAES_OAEP_SHA_1'), maxRsaPlaintextLength('RSA_2048', 'RSAES_OAEP_SHA_256')]).toEqual([214, 190]);
    expect([maxRsaPlaintextLength('RSA_3072', 'RSAES_OAEP_SHA_1'), maxRsaPlaintextLength('RSA_3072', 'RSAES_OAEP_SHA_256')]).toEqual([342, 318]);
    expect([maxRsaPlaintextLength('RSA_4096', 'RSAES_OAEP_SHA_1'), maxRsaPlaintextLength('RSA_4096', 'RSAES_OAEP_SHA_256')]).toEqual([470, 446]);
  });

  it('expects DIGESTs of the hash length, none for ED25519_SHA_512 and ML-DSA', () => {
    expect(digestLength('ECDSA_SHA_256')).toBe(32);
    expect(digestLength('RSASSA_PSS_SHA_384')).toBe(48);
    expect(digestLength('RSASSA_PKCS1_V1_5_SHA_512')).toBe(64);
    expect(digestLength('ED25519_PH_SHA_512')).toBe(64);
    expect(digestLength('ED25519_SHA_512')).toBeUndefined();
    expect(digestLength('ML_DSA_SHAKE_256')).toBeUndefined();
  });
});
