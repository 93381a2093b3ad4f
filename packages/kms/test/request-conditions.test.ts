/**
 * Condition keys that come from the request rather than from a stored key: `aws:SourceIp` on
 * CreateGrant and RetireGrant (which build their access requests with extra fields), and the
 * CreateKey keys (`kms:KeySpec`, `kms:KeyUsage`, `kms:KeyOrigin`, `kms:MultiRegion`,
 * `aws:RequestTag/*`, `aws:TagKeys`), read from the request and its defaults because the key does
 * not exist yet (dev guide "AWS KMS condition keys": such conditions are effective even when the
 * parameter is absent). In-process API, as the other aws:SourceIp test.
 */

import type { Principal } from '@strongbox/service-kernel';
import { describe, expect, it } from 'vitest';
import { Kms } from '../src/index.ts';
import { caller, identityPolicy, OWNER } from './authorization.callers.ts';

const ROOT = `arn:aws:iam::${OWNER}:root`;
const INSIDE = '10.1.2.3';
const OUTSIDE = '192.0.2.7';
const rootStatement = { Sid: 'Enable IAM User Permissions', Effect: 'Allow', Principal: { AWS: ROOT }, Action: 'kms:*', Resource: '*' };
const denyOutside = (action: string) => ({
  Effect: 'Deny',
  Principal: '*',
  Action: action,
  Resource: '*',
  Condition: { NotIpAddress: { 'aws:SourceIp': '10.0.0.0/8' } },
});

function emulator(): Kms {
  return new Kms({ account: OWNER, quotas: false });
}

async function keyWith(kms: Kms, statements: object[]): Promise<string> {
  const Policy = JSON.stringify({ Version: '2012-10-17', Statement: statements });
  return (await kms.createKey({ Policy, BypassPolicyLockoutSafetyCheck: true })).KeyMetadata.Arn!;
}

function denial(who: string, action: string, resource: string, because: string): { code: string; message: string } {
  return { code: 'AccessDeniedException', message: `User: ${who} is not authorized to perform: ${action} on resource: ${resource} ${because}` };
}

describe('aws:SourceIp', () => {
  it('is tested for CreateGrant in the key policy', async () => {
    const kms = emulator();
    const key = await keyWith(kms, [rootStatement, denyOutside('kms:CreateGrant')]);
    const grant = { KeyId: key, GranteePrincipal: ROOT, Operations: ['Decrypt'] };
    expect((await kms.createGrant(grant, { sourceIpAddress: INSIDE })).GrantId).toMatch(/^[a-f0-9]{64}$/);
    await expect(kms.createGrant(grant, { sourceIpAddress: OUTSIDE })).rejects.toMatchObject(
      denial(ROOT, 'kms:CreateGrant', key, 'with an explicit deny in a resource-based policy'),
    );
  });

  it('is tested for RetireGrant allowed by the grant itself', async () => {
    const kms = emulator();
    const grantee = caller(`arn:aws:iam::${OWNER}:user/grantee`);
    const key = await keyWith(kms, [rootStatement, denyOutside('kms:RetireGrant')]);
    const grant = () => kms.createGrant({ KeyId: key, GranteePrincipal: grantee.arn, Operations: ['Decrypt', 'RetireGrant'] });
    const inside = await grant();
    await kms.retireGrant({ GrantToken: inside.GrantToken }, { caller: grantee, sourceIpAddress: INSIDE });
    const outside = await grant();
    await expect(kms.retireGrant({ GrantToken: outside.GrantToken }, { caller: grantee, sourceIpAddress: OUTSIDE })).rejects.toMatchObject(
      denial(grantee.arn, 'kms:RetireGrant', key, 'with an explicit deny in a resource-based policy'),
    );
    expect((await kms.listGrants({ KeyId: key })).Grants.map((g) => g.GrantId)).toEqual([outside.GrantId]);
  });

  it('is tested for RetireGrant allowed by an identity policy of the issuing account', async () => {
    const kms = emulator();
    const retirer: Principal = caller(
      `arn:aws:iam::${OWNER}:user/retirer`,
      identityPolicy('Allow', 'kms:RetireGrant', '*', { Condition: { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } } }),
    );
    const key = await keyWith(kms, [rootStatement]);
    const grant = () => kms.createGrant({ KeyId: key, GranteePrincipal: `arn:aws:iam::${OWNER}:user/someone`, Operations: ['Decrypt'] });
    const inside = await grant();
    await kms.retireGrant({ KeyId: key, GrantId: inside.GrantId }, { caller: retirer, sourceIpAddress: INSIDE });
    const outside = await grant();
    await expect(kms.retireGrant({ KeyId: key, GrantId: outside.GrantId }, { caller: retirer, sourceIpAddress: OUTSIDE })).rejects.toMatchObject({
      code: 'AccessDeniedException',
    });
  });
});

describe('CreateKey condition keys', () => {
  const allowCreateKeyIf = (condition: object) => identityPolicy('Allow', 'kms:CreateKey', '*', { Condition: condition });

  it('carry the defaults of absent parameters', async () => {
    const kms = emulator();
    const creator = caller(
      `arn:aws:iam::${OWNER}:user/creator`,
      allowCreateKeyIf({
        StringEquals: { 'kms:KeySpec': 'SYMMETRIC_DEFAULT', 'kms:KeyUsage': 'ENCRYPT_DECRYPT', 'kms:KeyOrigin': 'AWS_KMS' },
        Bool: { 'kms:MultiRegion': 'false' },
      }),
    );
    expect((await kms.createKey({}, { caller: creator })).KeyMetadata.KeySpec).toBe('SYMMETRIC_DEFAULT');
  });

  it('carry the values the request gives', async () => {
    const kms = emulator();
    const importer = caller(`arn:aws:iam::${OWNER}:user/importer`, allowCreateKeyIf({ StringEquals: { 'kms:KeyOrigin': 'EXTERNAL' } }));
    expect((await kms.createKey({ Origin: 'EXTERNAL' }, { caller: importer })).KeyMetadata.Origin).toBe('EXTERNAL');
    await expect(kms.createKey({}, { caller: importer })).rejects.toMatchObject(
      denial(importer.arn, 'kms:CreateKey', '*', 'because no identity-based policy allows the kms:CreateKey action'),
    );
  });

  it('include aws:RequestTag and aws:TagKeys from the request tags', async () => {
    const kms = emulator();
    const tagger = caller(
      `arn:aws:iam::${OWNER}:user/tagger`,
      allowCreateKeyIf({ StringEquals: { 'aws:RequestTag/team': 'blue' }, 'ForAllValues:StringEquals': { 'aws:TagKeys': ['team', 'cost-center'] } }),
    );
    await kms.createKey(
      {
        Tags: [
          { TagKey: 'team', TagValue: 'blue' },
          { TagKey: 'cost-center', TagValue: '42' },
        ],
      },
      { caller: tagger },
    );
    await expect(kms.createKey({ Tags: [{ TagKey: 'team', TagValue: 'red' }] }, { caller: tagger })).rejects.toMatchObject({ code: 'AccessDeniedException' });
    await expect(
      kms.createKey(
        {
          Tags: [
            { TagKey: 'team', TagValue: 'blue' },
            { TagKey: 'owner', TagValue: 'me' },
          ],
        },
        { caller: tagger },
      ),
    ).rejects.toMatchObject({ code: 'AccessDeniedException' });
    await expect(kms.createKey({}, { caller: tagger })).rejects.toMatchObject({ code: 'AccessDeniedException' });
  });
});
