/**
 * Key policies over the new key types: the algorithm condition keys (`kms:SigningAlgorithm`,
 * `kms:MessageType`, `kms:MacAlgorithm`, `kms:KeyAgreementAlgorithm`, `kms:EncryptionAlgorithm`)
 * take the request's values, and the audit trail records the calls without their messages,
 * signatures, MACs or shared secrets.
 */

import { describe, expect, it } from 'vitest';
import { Kms } from '../src/index.ts';

const ACCOUNT = '111122223333';
const ROOT = `arn:aws:iam::${ACCOUNT}:root`;
const MESSAGE = new TextEncoder().encode('conditions');

function policy(deny: Record<string, unknown>): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      { Sid: 'root', Effect: 'Allow', Principal: { AWS: ROOT }, Action: 'kms:*', Resource: '*' },
      { Sid: 'deny', Effect: 'Deny', Principal: { AWS: ROOT }, Action: 'kms:*', Resource: '*', Condition: deny },
    ],
  });
}

describe('algorithm condition keys', () => {
  it('kms:SigningAlgorithm and kms:MessageType: a Deny on PKCS #1 v1.5 or on DIGEST leaves PSS RAW allowed', async () => {
    const kms = new Kms({ account: ACCOUNT, quotas: false });
    const { KeyMetadata } = await kms.createKey({
      KeySpec: 'RSA_2048',
      KeyUsage: 'SIGN_VERIFY',
      Policy: policy({ StringLike: { 'kms:SigningAlgorithm': 'RSASSA_PKCS1_V1_5_*' } }),
    });
    await expect(kms.sign({ KeyId: KeyMetadata.KeyId, Message: MESSAGE, SigningAlgorithm: 'RSASSA_PKCS1_V1_5_SHA_256' })).rejects.toMatchObject({
      code: 'AccessDeniedException',
    });
    await expect(kms.sign({ KeyId: KeyMetadata.KeyId, Message: MESSAGE, SigningAlgorithm: 'RSASSA_PSS_SHA_256' })).resolves.toHaveProperty('Signature');
    const digestDenied = (
      await kms.createKey({ KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY', Policy: policy({ StringEquals: { 'kms:MessageType': 'DIGEST' } }) })
    ).KeyMetadata;
    await expect(
      kms.sign({ KeyId: digestDenied.KeyId, Message: new Uint8Array(32), MessageType: 'DIGEST', SigningAlgorithm: 'ECDSA_SHA_256' }),
    ).rejects.toMatchObject({
      code: 'AccessDeniedException',
    });
    await expect(kms.sign({ KeyId: digestDenied.KeyId, Message: MESSAGE, SigningAlgorithm: 'ECDSA_SHA_256' })).resolves.toHaveProperty('Signature');
  });

  it('kms:MacAlgorithm, kms:KeyAgreementAlgorithm and kms:EncryptionAlgorithm take the request values', async () => {
    const kms = new Kms({ account: ACCOUNT, quotas: false });
    const hmac = (
      await kms.createKey({ KeySpec: 'HMAC_256', KeyUsage: 'GENERATE_VERIFY_MAC', Policy: policy({ StringEquals: { 'kms:MacAlgorithm': 'HMAC_SHA_256' } }) })
    ).KeyMetadata;
    await expect(kms.generateMac({ KeyId: hmac.KeyId, Message: MESSAGE, MacAlgorithm: 'HMAC_SHA_256' })).rejects.toMatchObject({
      code: 'AccessDeniedException',
    });
    const rsa = (
      await kms.createKey({
        KeySpec: 'RSA_2048',
        KeyUsage: 'ENCRYPT_DECRYPT',
        Policy: policy({ StringEquals: { 'kms:EncryptionAlgorithm': 'RSAES_OAEP_SHA_1' } }),
      })
    ).KeyMetadata;
    await expect(kms.encrypt({ KeyId: rsa.KeyId, Plaintext: MESSAGE, EncryptionAlgorithm: 'RSAES_OAEP_SHA_1' })).rejects.toMatchObject({
      code: 'AccessDeniedException',
    });
    await expect(kms.encrypt({ KeyId: rsa.KeyId, Plaintext: MESSAGE, EncryptionAlgorithm: 'RSAES_OAEP_SHA_256' })).resolves.toHaveProperty('CiphertextBlob');
    const ecdh = (
      await kms.createKey({ KeySpec: 'ECC_NIST_P384', KeyUsage: 'KEY_AGREEMENT', Policy: policy({ StringEquals: { 'kms:KeyAgreementAlgorithm': 'ECDH' } }) })
    ).KeyMetadata;
    const { PublicKey } = await kms.getPublicKey({ KeyId: ecdh.KeyId });
    await expect(kms.deriveSharedSecret({ KeyId: ecdh.KeyId, KeyAgreementAlgorithm: 'ECDH', PublicKey })).rejects.toMatchObject({
      code: 'AccessDeniedException',
    });
  });
});

describe('audit records', () => {
  it('record Sign, GenerateMac and DeriveSharedSecret with their parameters, never the message, signature, MAC or secret', async () => {
    const kms = new Kms({ account: ACCOUNT, quotas: false });
    const signing = (await kms.createKey({ KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' })).KeyMetadata;
    const { Signature } = await kms.sign({ KeyId: signing.KeyId, Message: MESSAGE, MessageType: 'RAW', SigningAlgorithm: 'ECDSA_SHA_256' });
    const hmac = (await kms.createKey({ KeySpec: 'HMAC_256', KeyUsage: 'GENERATE_VERIFY_MAC' })).KeyMetadata;
    const { Mac } = await kms.generateMac({ KeyId: hmac.KeyId, Message: MESSAGE, MacAlgorithm: 'HMAC_SHA_256' });
    const events = kms.auditTrail.events();
    const sign = events.find((e) => e.eventName === 'Sign');
    expect(sign?.requestParameters).toEqual({ keyId: signing.KeyId, messageType: 'RAW', signingAlgorithm: 'ECDSA_SHA_256' });
    expect(sign?.resources).toEqual([signing.Arn]);
    expect(sign?.readOnly).toBe(true);
    const text = JSON.stringify(kms.auditTrail.records());
    for (const secret of [MESSAGE, Signature, Mac]) {
      expect(text).not.toContain(Buffer.from(secret).toString('base64'));
      expect(text).not.toContain(Buffer.from(secret).toString('hex'));
    }
    expect(events.find((e) => e.eventName === 'GenerateMac')?.requestParameters).toEqual({ keyId: hmac.KeyId, macAlgorithm: 'HMAC_SHA_256' });
  });
});
