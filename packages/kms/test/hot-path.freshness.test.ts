/**
 * The in-process hot path (GenerateMac, VerifyMac, Sign, Verify) keeps what it can across calls:
 * parsed key objects, compiled shape checks and policies, authorization details per algorithm,
 * one last-use record per key. None of it may outlive what it was made from: a key policy change,
 * a grant's revocation or retirement and a key's disabling are each seen by the very next call,
 * calls alternating between algorithms are each judged on their own, and every call, allowed or
 * refused, is audited.
 */

import { describe, expect, it } from 'vitest';
import { Kms } from '../src/index.ts';

const ACCOUNT = '111122223333';
const ROOT = `arn:aws:iam::${ACCOUNT}:root`;
const ALICE = `arn:aws:iam::${ACCOUNT}:user/alice`;
const MESSAGE = new TextEncoder().encode('the very next call');

/** A key policy: the account root administers; alice may use the key when `aliceMay` says so. */
function policy(aliceMay: readonly string[], extra: readonly Record<string, unknown>[] = []): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      { Sid: 'root', Effect: 'Allow', Principal: { AWS: ROOT }, Action: 'kms:*', Resource: '*' },
      ...(aliceMay.length > 0 ? [{ Sid: 'alice', Effect: 'Allow', Principal: { AWS: ALICE }, Action: aliceMay, Resource: '*' }] : []),
      ...extra,
    ],
  });
}

async function hmacKey(kms: Kms, keyPolicy: string): Promise<string> {
  return (await kms.createKey({ KeySpec: 'HMAC_256', KeyUsage: 'GENERATE_VERIFY_MAC', Policy: keyPolicy })).KeyMetadata.KeyId;
}

const asAlice = { caller: ALICE } as const;

describe('a key policy change is seen by the very next call', () => {
  it('GenerateMac and VerifyMac: allowed, refused once the policy drops the caller, allowed again once it is back', async () => {
    const kms = new Kms({ account: ACCOUNT, quotas: false });
    const keyId = await hmacKey(kms, policy(['kms:GenerateMac', 'kms:VerifyMac']));
    const { Mac } = await kms.generateMac({ KeyId: keyId, Message: MESSAGE, MacAlgorithm: 'HMAC_SHA_256' }, asAlice);
    await expect(kms.verifyMac({ KeyId: keyId, Message: MESSAGE, Mac, MacAlgorithm: 'HMAC_SHA_256' }, asAlice)).resolves.toMatchObject({ MacValid: true });

    await kms.putKeyPolicy({ KeyId: keyId, PolicyName: 'default', Policy: policy([]) });
    await expect(kms.generateMac({ KeyId: keyId, Message: MESSAGE, MacAlgorithm: 'HMAC_SHA_256' }, asAlice)).rejects.toMatchObject({
      code: 'AccessDeniedException',
    });
    await expect(kms.verifyMac({ KeyId: keyId, Message: MESSAGE, Mac, MacAlgorithm: 'HMAC_SHA_256' }, asAlice)).rejects.toMatchObject({
      code: 'AccessDeniedException',
    });

    await kms.putKeyPolicy({ KeyId: keyId, PolicyName: 'default', Policy: policy(['kms:GenerateMac']) });
    await expect(kms.generateMac({ KeyId: keyId, Message: MESSAGE, MacAlgorithm: 'HMAC_SHA_256' }, asAlice)).resolves.toMatchObject({ Mac });
  });

  it('the account root too: a Deny added to a default-like policy refuses its next Sign and Verify', async () => {
    const kms = new Kms({ account: ACCOUNT, quotas: false });
    const { KeyMetadata } = await kms.createKey({ KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' });
    const keyId = KeyMetadata.KeyId;
    const { Signature } = await kms.sign({ KeyId: keyId, Message: MESSAGE, SigningAlgorithm: 'ECDSA_SHA_256' });
    const deny = { Sid: 'deny', Effect: 'Deny', Principal: { AWS: ROOT }, Action: ['kms:Sign', 'kms:Verify'], Resource: '*' };
    await kms.putKeyPolicy({ KeyId: keyId, PolicyName: 'default', Policy: policy([], [deny]) });
    await expect(kms.sign({ KeyId: keyId, Message: MESSAGE, SigningAlgorithm: 'ECDSA_SHA_256' })).rejects.toMatchObject({
      code: 'AccessDeniedException',
    });
    await expect(kms.verify({ KeyId: keyId, Message: MESSAGE, Signature, SigningAlgorithm: 'ECDSA_SHA_256' })).rejects.toMatchObject({
      code: 'AccessDeniedException',
    });
    await kms.putKeyPolicy({ KeyId: keyId, PolicyName: 'default', Policy: policy([]) });
    await expect(kms.verify({ KeyId: keyId, Message: MESSAGE, Signature, SigningAlgorithm: 'ECDSA_SHA_256' })).resolves.toMatchObject({
      SignatureValid: true,
    });
  });
});

describe('a grant is seen by the very next call, and so is its end', () => {
  it('GenerateMac allowed by a grant alone: refused right after RevokeGrant, and right after RetireGrant of a second grant', async () => {
    const kms = new Kms({ account: ACCOUNT, quotas: false });
    const keyId = await hmacKey(kms, policy([]));
    const call = () => kms.generateMac({ KeyId: keyId, Message: MESSAGE, MacAlgorithm: 'HMAC_SHA_256' }, asAlice);
    await expect(call()).rejects.toMatchObject({ code: 'AccessDeniedException' });

    const revoked = await kms.createGrant({ KeyId: keyId, GranteePrincipal: ALICE, Operations: ['GenerateMac'] });
    await expect(call()).resolves.toHaveProperty('Mac');
    await kms.revokeGrant({ KeyId: keyId, GrantId: revoked.GrantId });
    await expect(call()).rejects.toMatchObject({ code: 'AccessDeniedException' });

    const retired = await kms.createGrant({ KeyId: keyId, GranteePrincipal: ALICE, RetiringPrincipal: ROOT, Operations: ['GenerateMac'] });
    await expect(call()).resolves.toHaveProperty('Mac');
    await kms.retireGrant({ KeyId: keyId, GrantId: retired.GrantId });
    await expect(call()).rejects.toMatchObject({ code: 'AccessDeniedException' });
  });
});

describe('a key state change is seen by the very next call', () => {
  it('GenerateMac and Sign: DisabledException right after DisableKey, served again right after EnableKey', async () => {
    const kms = new Kms({ account: ACCOUNT, quotas: false });
    const mac = await hmacKey(kms, policy([]));
    const signing = (await kms.createKey({ KeySpec: 'RSA_2048', KeyUsage: 'SIGN_VERIFY' })).KeyMetadata.KeyId;
    await kms.generateMac({ KeyId: mac, Message: MESSAGE, MacAlgorithm: 'HMAC_SHA_256' });
    await kms.sign({ KeyId: signing, Message: MESSAGE, SigningAlgorithm: 'RSASSA_PSS_SHA_256' });

    await kms.disableKey({ KeyId: mac });
    await kms.disableKey({ KeyId: signing });
    await expect(kms.generateMac({ KeyId: mac, Message: MESSAGE, MacAlgorithm: 'HMAC_SHA_256' })).rejects.toMatchObject({ code: 'DisabledException' });
    await expect(kms.sign({ KeyId: signing, Message: MESSAGE, SigningAlgorithm: 'RSASSA_PSS_SHA_256' })).rejects.toMatchObject({
      code: 'DisabledException',
    });

    await kms.enableKey({ KeyId: mac });
    await kms.enableKey({ KeyId: signing });
    await expect(kms.generateMac({ KeyId: mac, Message: MESSAGE, MacAlgorithm: 'HMAC_SHA_256' })).resolves.toHaveProperty('Mac');
    await expect(kms.sign({ KeyId: signing, Message: MESSAGE, SigningAlgorithm: 'RSASSA_PSS_SHA_256' })).resolves.toHaveProperty('Signature');
  });
});

describe('calls alternating between algorithms and grant tokens are each judged on their own', () => {
  it('a Deny on one signing algorithm refuses every call with it and none with the other, in any order', async () => {
    const kms = new Kms({ account: ACCOUNT, quotas: false });
    const deny = {
      Sid: 'no-pss',
      Effect: 'Deny',
      Principal: { AWS: ROOT },
      Action: 'kms:Sign',
      Resource: '*',
      Condition: { StringEquals: { 'kms:SigningAlgorithm': 'RSASSA_PSS_SHA_256', 'kms:MessageType': 'RAW' } },
    };
    const keyId = (await kms.createKey({ KeySpec: 'RSA_2048', KeyUsage: 'SIGN_VERIFY', Policy: policy([], [deny]) })).KeyMetadata.KeyId;
    const outcomes: string[] = [];
    for (const [algorithm, messageType, message] of [
      ['RSASSA_PSS_SHA_256', 'RAW', MESSAGE],
      ['RSASSA_PKCS1_V1_5_SHA_256', 'RAW', MESSAGE],
      ['RSASSA_PSS_SHA_256', 'DIGEST', new Uint8Array(32)],
      ['RSASSA_PSS_SHA_256', 'RAW', MESSAGE],
      ['RSASSA_PKCS1_V1_5_SHA_256', 'RAW', MESSAGE],
    ] as const) {
      const result = await kms.sign({ KeyId: keyId, Message: message, MessageType: messageType, SigningAlgorithm: algorithm }).then(
        () => 'signed',
        (error: { code: string }) => error.code,
      );
      outcomes.push(`${algorithm} ${messageType}: ${result}`);
    }
    expect(outcomes).toEqual([
      'RSASSA_PSS_SHA_256 RAW: AccessDeniedException',
      'RSASSA_PKCS1_V1_5_SHA_256 RAW: signed',
      'RSASSA_PSS_SHA_256 DIGEST: signed',
      'RSASSA_PSS_SHA_256 RAW: AccessDeniedException',
      'RSASSA_PKCS1_V1_5_SHA_256 RAW: signed',
    ]);
  });

  it('a malformed grant token is refused on the call that carries it, and the next call without one is served', async () => {
    const kms = new Kms({ account: ACCOUNT, quotas: false });
    const keyId = await hmacKey(kms, policy([]));
    await expect(kms.generateMac({ KeyId: keyId, Message: MESSAGE, MacAlgorithm: 'HMAC_SHA_256', GrantTokens: ['not a token'] })).rejects.toMatchObject({
      code: 'InvalidGrantTokenException',
    });
    await expect(kms.generateMac({ KeyId: keyId, Message: MESSAGE, MacAlgorithm: 'HMAC_SHA_256' })).resolves.toHaveProperty('Mac');
  });
});

describe('every call is audited, and the last use follows every call', () => {
  it('records each allowed and refused GenerateMac, and GetKeyLastUsage names the latest allowed one', async () => {
    const kms = new Kms({ account: ACCOUNT, quotas: false });
    const keyId = await hmacKey(kms, policy(['kms:GenerateMac']));
    const before = kms.auditTrail.recorded;
    await kms.generateMac({ KeyId: keyId, Message: MESSAGE, MacAlgorithm: 'HMAC_SHA_256' }, { requestId: 'first' });
    await kms.generateMac({ KeyId: keyId, Message: MESSAGE, MacAlgorithm: 'HMAC_SHA_256' }, { caller: ALICE });
    await kms.putKeyPolicy({ KeyId: keyId, PolicyName: 'default', Policy: policy([]) });
    await expect(kms.generateMac({ KeyId: keyId, Message: MESSAGE, MacAlgorithm: 'HMAC_SHA_256' }, asAlice)).rejects.toMatchObject({
      code: 'AccessDeniedException',
    });
    const events = kms.auditTrail.events().slice(-4);
    expect(kms.auditTrail.recorded - before).toBe(4);
    expect(events.map((e) => [e.eventName, e.requestParameters, e.errorCode])).toEqual([
      ['GenerateMac', { keyId, macAlgorithm: 'HMAC_SHA_256' }, undefined],
      ['GenerateMac', { keyId, macAlgorithm: 'HMAC_SHA_256' }, undefined],
      ['PutKeyPolicy', expect.anything(), undefined],
      ['GenerateMac', { keyId, macAlgorithm: 'HMAC_SHA_256' }, 'AccessDeniedException'],
    ]);
    const first = events[0];
    const second = events[1];
    expect(first?.requestId).toBe('first');
    const { KeyLastUsage } = await kms.getKeyLastUsage({ KeyId: keyId });
    // The refused call is not a use: the last use is alice's allowed call, with that event's ids.
    expect(KeyLastUsage).toMatchObject({ Operation: 'GenerateMac', CloudTrailEventId: second?.eventId, KmsRequestId: second?.requestId });
    expect(second?.requestId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
