/**
 * Authorization end to end, through the official AWS SDK client with callers chosen by access key
 * id: key policies (direct grants to principals, delegation to IAM through the account
 * statement), identity policies, explicit denies, cross-account callers, condition keys, IAM-only
 * actions, grants with constraints, grants created through grants, and who may retire or revoke.
 * Every refusal pins AWS's AccessDenied text.
 */

import {
  CreateGrantCommand,
  CreateKeyCommand,
  DecryptCommand,
  DescribeKeyCommand,
  EncryptCommand,
  GenerateDataKeyCommand,
  GetKeyPolicyCommand,
  type KMSClient,
  ListGrantsCommand,
  RetireGrantCommand,
  RevokeGrantCommand,
} from '@aws-sdk/client-kms';
import type { Principal } from '@strongbox/service-kernel';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authenticateWith, caller, clientAs, identityPolicy, OTHER, OWNER } from './authorization.callers.ts';
import { failureOf, type SdkFixture, startKms } from './helpers/sdk.ts';

const ROOT = `arn:aws:iam::${OWNER}:root`;
const ARN = {
  alice: `arn:aws:iam::${OWNER}:user/alice`,
  encrypter: `arn:aws:iam::${OWNER}:user/encrypter`,
  denier: `arn:aws:iam::${OWNER}:user/denier`,
  admin: `arn:aws:iam::${OWNER}:user/admin`,
  session: `arn:aws:sts::${OWNER}:assumed-role/app/session-1`,
  otherRoot: `arn:aws:iam::${OTHER}:root`,
  otherUser: `arn:aws:iam::${OTHER}:user/carol`,
  otherPlain: `arn:aws:iam::${OTHER}:user/dave`,
};
const CALLERS: Record<string, Principal> = {
  ALICE: caller(ARN.alice),
  ENCRYPTER: caller(ARN.encrypter, identityPolicy('Allow', ['kms:Encrypt', 'kms:DescribeKey', 'kms:CreateKey'])),
  DENIER: caller(
    ARN.denier,
    JSON.stringify({
      Statement: [
        { Effect: 'Allow', Action: 'kms:*', Resource: '*' },
        { Effect: 'Deny', Action: 'kms:Decrypt', Resource: '*' },
      ],
    }),
  ),
  ADMIN: caller(ARN.admin, identityPolicy('Allow', 'kms:*')),
  SESSION: caller(ARN.session),
  OTHER_ROOT: caller(ARN.otherRoot),
  OTHER_USER: caller(ARN.otherUser, identityPolicy('Allow', 'kms:*', `arn:aws:kms:us-east-1:${OWNER}:key/*`)),
  OTHER_PLAIN: caller(ARN.otherPlain),
};

let fixture: SdkFixture;
const clients: Record<string, KMSClient> = {};
const as = (name: string): KMSClient => (clients[name] ??= clientAs(fixture, name));
const root = (): KMSClient => fixture.client;
const bytes = new Uint8Array([1, 2, 3]);

beforeAll(async () => {
  fixture = await startKms({ account: OWNER }, authenticateWith(CALLERS));
});
afterAll(() => fixture.close());

async function newKey(statements?: object[]): Promise<{ id: string; arn: string }> {
  const policy = statements === undefined ? undefined : JSON.stringify({ Version: '2012-10-17', Statement: statements });
  const created = await root().send(new CreateKeyCommand(policy === undefined ? {} : { Policy: policy, BypassPolicyLockoutSafetyCheck: true }));
  return { id: created.KeyMetadata!.KeyId!, arn: created.KeyMetadata!.Arn! };
}

const rootStatement = { Sid: 'Enable IAM User Permissions', Effect: 'Allow', Principal: { AWS: ROOT }, Action: 'kms:*', Resource: '*' };

function denied(who: string, action: string, resource: string, because: string): { name: string; message: string; status: number } {
  return { name: 'AccessDeniedException', message: `User: ${who} is not authorized to perform: ${action} on resource: ${resource} ${because}`, status: 400 };
}
const noIdentity = (action: string) => `because no identity-based policy allows the ${action} action`;
const noResource = (action: string) => `because no resource-based policy allows the ${action} action`;

describe('the default key policy (delegation to IAM)', () => {
  it('lets the account root do everything', async () => {
    const key = await newKey();
    const encrypted = await root().send(new EncryptCommand({ KeyId: key.id, Plaintext: bytes }));
    expect((await root().send(new DecryptCommand({ CiphertextBlob: encrypted.CiphertextBlob }))).KeyId).toBe(key.arn);
  });

  it('refuses an IAM user without an identity policy', async () => {
    const key = await newKey();
    expect(await failureOf(as('ALICE').send(new EncryptCommand({ KeyId: key.arn, Plaintext: bytes })))).toEqual(
      denied(ARN.alice, 'kms:Encrypt', key.arn, noIdentity('kms:Encrypt')),
    );
  });

  it('allows exactly what the identity policy allows', async () => {
    const key = await newKey();
    const encrypted = await as('ENCRYPTER').send(new EncryptCommand({ KeyId: key.arn, Plaintext: bytes }));
    expect(await failureOf(as('ENCRYPTER').send(new DecryptCommand({ CiphertextBlob: encrypted.CiphertextBlob })))).toEqual(
      denied(ARN.encrypter, 'kms:Decrypt', key.arn, noIdentity('kms:Decrypt')),
    );
    expect(await failureOf(as('ENCRYPTER').send(new GenerateDataKeyCommand({ KeyId: key.arn, KeySpec: 'AES_256' })))).toEqual(
      denied(ARN.encrypter, 'kms:GenerateDataKey', key.arn, noIdentity('kms:GenerateDataKey')),
    );
  });

  it('lets an explicit Deny in the identity policy win', async () => {
    const key = await newKey();
    const encrypted = await as('DENIER').send(new EncryptCommand({ KeyId: key.arn, Plaintext: bytes }));
    expect(await failureOf(as('DENIER').send(new DecryptCommand({ CiphertextBlob: encrypted.CiphertextBlob })))).toEqual(
      denied(ARN.denier, 'kms:Decrypt', key.arn, 'with an explicit deny in an identity-based policy'),
    );
  });
});

describe('custom key policies', () => {
  it('let a principal named in the key policy in without an identity policy', async () => {
    const key = await newKey([rootStatement, { Effect: 'Allow', Principal: { AWS: ARN.alice }, Action: ['kms:Encrypt', 'kms:DescribeKey'], Resource: '*' }]);
    await as('ALICE').send(new EncryptCommand({ KeyId: key.arn, Plaintext: bytes }));
    expect(await failureOf(as('ALICE').send(new GenerateDataKeyCommand({ KeyId: key.arn, KeySpec: 'AES_256' })))).toEqual(
      denied(ARN.alice, 'kms:GenerateDataKey', key.arn, noIdentity('kms:GenerateDataKey')),
    );
  });

  it('without the account statement, ignore identity-policy Allows', async () => {
    const key = await newKey([{ Effect: 'Allow', Principal: { AWS: ARN.alice }, Action: 'kms:*', Resource: '*' }]);
    expect(await failureOf(as('ADMIN').send(new DescribeKeyCommand({ KeyId: key.arn })))).toEqual(
      denied(ARN.admin, 'kms:DescribeKey', key.arn, noResource('kms:DescribeKey')),
    );
    expect(await failureOf(root().send(new DescribeKeyCommand({ KeyId: key.arn })))).toEqual(
      denied(ROOT, 'kms:DescribeKey', key.arn, noResource('kms:DescribeKey')),
    );
  });

  it('let an explicit Deny in the key policy win, even for the root', async () => {
    const key = await newKey([rootStatement, { Effect: 'Deny', Principal: '*', Action: 'kms:Encrypt', Resource: '*' }]);
    expect(await failureOf(root().send(new EncryptCommand({ KeyId: key.arn, Plaintext: bytes })))).toEqual(
      denied(ROOT, 'kms:Encrypt', key.arn, 'with an explicit deny in a resource-based policy'),
    );
    await root().send(new DescribeKeyCommand({ KeyId: key.arn }));
  });

  it('cover every session of a role named in the key policy', async () => {
    const key = await newKey([
      rootStatement,
      { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${OWNER}:role/service/app` }, Action: 'kms:Encrypt', Resource: '*' },
    ]);
    expect((await as('SESSION').send(new EncryptCommand({ KeyId: key.arn, Plaintext: bytes }))).KeyId).toBe(key.arn);
  });

  it('test encryption context conditions (key names case-insensitive, values exact)', async () => {
    const key = await newKey([
      rootStatement,
      {
        Effect: 'Allow',
        Principal: { AWS: ARN.alice },
        Action: 'kms:Encrypt',
        Resource: '*',
        Condition: { StringEquals: { 'kms:EncryptionContext:purpose': 'backup' } },
      },
    ]);
    await as('ALICE').send(new EncryptCommand({ KeyId: key.arn, Plaintext: bytes, EncryptionContext: { Purpose: 'backup' } }));
    for (const context of [{ purpose: 'Backup' }, {}, { other: 'backup' }]) {
      expect(await failureOf(as('ALICE').send(new EncryptCommand({ KeyId: key.arn, Plaintext: bytes, EncryptionContext: context })))).toEqual(
        denied(ARN.alice, 'kms:Encrypt', key.arn, noIdentity('kms:Encrypt')),
      );
    }
  });

  it('test kms:CallerAccount and kms:ViaService (the AWS managed key pattern)', async () => {
    const key = await newKey([
      rootStatement,
      {
        Effect: 'Allow',
        Principal: { AWS: '*' },
        Action: 'kms:GenerateDataKey*',
        Resource: '*',
        Condition: { StringEquals: { 'kms:ViaService': 's3.us-east-1.amazonaws.com', 'kms:CallerAccount': OWNER } },
      },
    ]);
    const viaS3: Principal = { ...CALLERS['ALICE']!, invokedBy: 's3.amazonaws.com' };
    const generated = await fixture.kms.generateDataKey({ KeyId: key.arn, KeySpec: 'AES_256' }, { caller: viaS3 });
    expect(generated.KeyId).toBe(key.arn);
    await expect(fixture.kms.generateDataKey({ KeyId: key.arn, KeySpec: 'AES_256' }, { caller: CALLERS['ALICE']! })).rejects.toMatchObject({
      code: 'AccessDeniedException',
    });
  });

  it('test aws:SourceIp against the caller address', async () => {
    const key = await newKey([
      rootStatement,
      { Effect: 'Deny', Principal: '*', Action: 'kms:Decrypt', Resource: '*', Condition: { NotIpAddress: { 'aws:SourceIp': ['10.0.0.0/8', '127.0.0.1/32'] } } },
    ]);
    const { CiphertextBlob } = await fixture.kms.encrypt({ KeyId: key.arn, Plaintext: bytes });
    await fixture.kms.decrypt({ CiphertextBlob }, { sourceIpAddress: '10.1.2.3' });
    // Over HTTP the address is the loopback one the SDK client connects from.
    await root().send(new DecryptCommand({ CiphertextBlob }));
    await expect(fixture.kms.decrypt({ CiphertextBlob }, { sourceIpAddress: '192.0.2.7' })).rejects.toMatchObject({
      code: 'AccessDeniedException',
      message: `User: ${ROOT} is not authorized to perform: kms:Decrypt on resource: ${key.arn} with an explicit deny in a resource-based policy`,
    });
  });
});

describe('cross-account callers', () => {
  const shared = () =>
    newKey([
      rootStatement,
      {
        Effect: 'Allow',
        Principal: { AWS: `arn:aws:iam::${OTHER}:root` },
        Action: ['kms:Encrypt', 'kms:Decrypt', 'kms:DescribeKey', 'kms:GetKeyPolicy'],
        Resource: '*',
      },
    ]);

  it('need the key policy and their own identity policy to allow', async () => {
    const key = await shared();
    const encrypted = await as('OTHER_USER').send(new EncryptCommand({ KeyId: key.arn, Plaintext: bytes }));
    expect((await as('OTHER_ROOT').send(new DecryptCommand({ CiphertextBlob: encrypted.CiphertextBlob }))).KeyId).toBe(key.arn);
    expect(await failureOf(as('OTHER_PLAIN').send(new EncryptCommand({ KeyId: key.arn, Plaintext: bytes })))).toEqual(
      denied(ARN.otherPlain, 'kms:Encrypt', key.arn, noIdentity('kms:Encrypt')),
    );
  });

  it('are refused when the key policy does not name their account', async () => {
    const key = await newKey();
    expect(await failureOf(as('OTHER_USER').send(new EncryptCommand({ KeyId: key.arn, Plaintext: bytes })))).toEqual(
      denied(ARN.otherUser, 'kms:Encrypt', key.arn, noResource('kms:Encrypt')),
    );
  });

  it('get the "ciphertext refers to" text when Decrypt is refused by the key owner', async () => {
    const key = await newKey();
    const encrypted = await root().send(new EncryptCommand({ KeyId: key.arn, Plaintext: bytes }));
    expect(await failureOf(as('OTHER_USER').send(new DecryptCommand({ CiphertextBlob: encrypted.CiphertextBlob })))).toEqual({
      name: 'AccessDeniedException',
      message: 'The ciphertext refers to a customer master key that does not exist, does not exist in this region, or you are not allowed to access.',
      status: 400,
    });
  });

  it('cannot use operations whose cross-account use is "No", whatever the key policy says', async () => {
    const key = await shared();
    expect(await failureOf(as('OTHER_ROOT').send(new GetKeyPolicyCommand({ KeyId: key.arn })))).toEqual(
      denied(ARN.otherRoot, 'kms:GetKeyPolicy', key.arn, noResource('kms:GetKeyPolicy')),
    );
  });
});

describe('IAM-only actions', () => {
  it('need an identity policy for principals other than the root', async () => {
    expect(await failureOf(as('ALICE').send(new CreateKeyCommand({})))).toEqual(denied(ARN.alice, 'kms:CreateKey', '*', noIdentity('kms:CreateKey')));
    const created = await as('ENCRYPTER').send(new CreateKeyCommand({}));
    expect(created.KeyMetadata!.AWSAccountId).toBe(OWNER);
  });
});

describe('grants', () => {
  it('allow the grantee the granted operations under their constraints', async () => {
    const key = await newKey();
    await root().send(
      new CreateGrantCommand({
        KeyId: key.id,
        GranteePrincipal: ARN.alice,
        Operations: ['Encrypt', 'Decrypt'],
        Constraints: { EncryptionContextSubset: { Dept: 'IT' } },
      }),
    );
    const encrypted = await as('ALICE').send(new EncryptCommand({ KeyId: key.arn, Plaintext: bytes, EncryptionContext: { dept: 'IT', extra: 'x' } }));
    await as('ALICE').send(new DecryptCommand({ CiphertextBlob: encrypted.CiphertextBlob, EncryptionContext: { dept: 'IT', extra: 'x' } }));
    expect(await failureOf(as('ALICE').send(new EncryptCommand({ KeyId: key.arn, Plaintext: bytes, EncryptionContext: { dept: 'it' } })))).toEqual(
      denied(ARN.alice, 'kms:Encrypt', key.arn, noIdentity('kms:Encrypt')),
    );
    expect(await failureOf(as('ALICE').send(new DescribeKeyCommand({ KeyId: key.arn })))).toEqual(
      denied(ARN.alice, 'kms:DescribeKey', key.arn, noIdentity('kms:DescribeKey')),
    );
  });

  it('enforce EncryptionContextEquals exactly, and not on DescribeKey', async () => {
    const key = await newKey();
    await root().send(
      new CreateGrantCommand({
        KeyId: key.id,
        GranteePrincipal: ARN.alice,
        Operations: ['Encrypt', 'DescribeKey'],
        Constraints: { EncryptionContextEquals: { a: '1' } },
      }),
    );
    await as('ALICE').send(new EncryptCommand({ KeyId: key.arn, Plaintext: bytes, EncryptionContext: { A: '1' } }));
    await as('ALICE').send(new DescribeKeyCommand({ KeyId: key.arn }));
    expect(await failureOf(as('ALICE').send(new EncryptCommand({ KeyId: key.arn, Plaintext: bytes, EncryptionContext: { a: '1', b: '2' } })))).toMatchObject({
      name: 'AccessDeniedException',
    });
  });

  it('to a role cover its sessions', async () => {
    const key = await newKey();
    await root().send(new CreateGrantCommand({ KeyId: key.id, GranteePrincipal: `arn:aws:iam::${OWNER}:role/app`, Operations: ['GenerateDataKey'] }));
    expect((await as('SESSION').send(new GenerateDataKeyCommand({ KeyId: key.arn, KeySpec: 'AES_128' }))).Plaintext).toHaveLength(16);
  });

  it('let a grantee pass on a subset of its grant, at least as constrained', async () => {
    const key = await newKey();
    await root().send(
      new CreateGrantCommand({
        KeyId: key.id,
        GranteePrincipal: ARN.alice,
        Operations: ['Encrypt', 'Decrypt', 'CreateGrant'],
        Constraints: { EncryptionContextSubset: { team: 'blue' } },
      }),
    );
    const sub = { KeyId: key.arn, GranteePrincipal: ARN.encrypter };
    await as('ALICE').send(new CreateGrantCommand({ ...sub, Operations: ['Decrypt'], Constraints: { EncryptionContextSubset: { team: 'blue', app: 'x' } } }));
    await as('ALICE').send(new CreateGrantCommand({ ...sub, Operations: ['Encrypt'], Constraints: { EncryptionContextEquals: { team: 'blue' } } }));
    const refused = denied(ARN.alice, 'kms:CreateGrant', key.arn, noIdentity('kms:CreateGrant'));
    expect(
      await failureOf(
        as('ALICE').send(
          new CreateGrantCommand({ ...sub, Operations: ['Decrypt', 'GenerateDataKey'], Constraints: { EncryptionContextSubset: { team: 'blue' } } }),
        ),
      ),
    ).toEqual(refused);
    expect(await failureOf(as('ALICE').send(new CreateGrantCommand({ ...sub, Operations: ['Decrypt'] })))).toEqual(refused);
    expect(
      await failureOf(as('ALICE').send(new CreateGrantCommand({ ...sub, Operations: ['Decrypt'], Constraints: { EncryptionContextSubset: { app: 'x' } } }))),
    ).toEqual(refused);
  });

  it('are governed by kms:GrantOperations and kms:GranteePrincipal conditions on kms:CreateGrant', async () => {
    const key = await newKey([
      rootStatement,
      {
        Effect: 'Allow',
        Principal: { AWS: ARN.alice },
        Action: 'kms:CreateGrant',
        Resource: '*',
        Condition: {
          'ForAllValues:StringEquals': { 'kms:GrantOperations': ['Encrypt', 'Decrypt'] },
          StringLike: { 'kms:GranteePrincipal': `arn:aws:iam::${OWNER}:role/*` },
        },
      },
    ]);
    const role = `arn:aws:iam::${OWNER}:role/worker`;
    await as('ALICE').send(new CreateGrantCommand({ KeyId: key.arn, GranteePrincipal: role, Operations: ['Decrypt'] }));
    const refused = denied(ARN.alice, 'kms:CreateGrant', key.arn, noIdentity('kms:CreateGrant'));
    expect(
      await failureOf(as('ALICE').send(new CreateGrantCommand({ KeyId: key.arn, GranteePrincipal: role, Operations: ['Decrypt', 'CreateGrant'] }))),
    ).toEqual(refused);
    expect(await failureOf(as('ALICE').send(new CreateGrantCommand({ KeyId: key.arn, GranteePrincipal: ARN.admin, Operations: ['Decrypt'] })))).toEqual(
      refused,
    );
  });

  it('cannot be listed or revoked by the grantee without permission', async () => {
    const key = await newKey();
    const created = await root().send(new CreateGrantCommand({ KeyId: key.id, GranteePrincipal: ARN.alice, Operations: ['Encrypt'] }));
    expect(await failureOf(as('ALICE').send(new ListGrantsCommand({ KeyId: key.arn })))).toEqual(
      denied(ARN.alice, 'kms:ListGrants', key.arn, noIdentity('kms:ListGrants')),
    );
    expect(await failureOf(as('ALICE').send(new RevokeGrantCommand({ KeyId: key.arn, GrantId: created.GrantId })))).toEqual(
      denied(ARN.alice, 'kms:RevokeGrant', key.arn, noIdentity('kms:RevokeGrant')),
    );
    await as('ADMIN').send(new RevokeGrantCommand({ KeyId: key.arn, GrantId: created.GrantId }));
  });
});

describe('who may retire a grant', () => {
  async function grantOn(key: { id: string }, extra: { RetiringPrincipal?: string; Operations?: ('Encrypt' | 'RetireGrant')[] } = {}) {
    return root().send(new CreateGrantCommand({ KeyId: key.id, GranteePrincipal: ARN.alice, Operations: ['Encrypt'], ...extra }));
  }
  /** The ids of the grants left on the key, as the account root lists them. */
  async function grantIds(key: { id: string }): Promise<string[]> {
    return ((await root().send(new ListGrantsCommand({ KeyId: key.id }))).Grants ?? []).map((grant) => grant.GrantId!);
  }

  it('the retiring principal, even from another account', async () => {
    const key = await newKey();
    const created = await grantOn(key, { RetiringPrincipal: ARN.otherPlain });
    expect(await grantIds(key)).toEqual([created.GrantId]);
    await as('OTHER_PLAIN').send(new RetireGrantCommand({ GrantToken: created.GrantToken }));
    expect(await grantIds(key)).toEqual([]);
  });

  it('the grantee only if the grant includes RetireGrant', async () => {
    const key = await newKey();
    const without = await grantOn(key);
    expect(await failureOf(as('ALICE').send(new RetireGrantCommand({ KeyId: key.arn, GrantId: without.GrantId })))).toEqual(
      denied(ARN.alice, 'kms:RetireGrant', key.arn, noIdentity('kms:RetireGrant')),
    );
    const withRetire = await grantOn(key, { Operations: ['Encrypt', 'RetireGrant'] });
    await as('ALICE').send(new RetireGrantCommand({ KeyId: key.arn, GrantId: withRetire.GrantId }));
    expect(await grantIds(key)).toEqual([without.GrantId]);
  });

  it('the issuing account and principals it delegates to, nobody else', async () => {
    const key = await newKey();
    const a = await grantOn(key);
    const b = await grantOn(key);
    expect(await failureOf(as('OTHER_USER').send(new RetireGrantCommand({ GrantToken: a.GrantToken })))).toEqual(
      denied(ARN.otherUser, 'kms:RetireGrant', key.arn, noResource('kms:RetireGrant')),
    );
    expect((await grantIds(key)).sort()).toEqual([a.GrantId, b.GrantId].sort());
    await as('ADMIN').send(new RetireGrantCommand({ GrantToken: a.GrantToken }));
    expect(await grantIds(key)).toEqual([b.GrantId]);
    await root().send(new RetireGrantCommand({ KeyId: key.arn, GrantId: b.GrantId }));
    expect(await grantIds(key)).toEqual([]);
  });
});
