/**
 * The grant operations through the official AWS SDK client: CreateGrant (ids, tokens, Name
 * idempotency per key, operations valid for a symmetric key, constraint quotas, DryRun, key
 * states, the 50,000-grant quota), ListGrants, ListRetirableGrants, RetireGrant and RevokeGrant,
 * with their error codes and messages.
 */

import {
  CreateGrantCommand,
  type CreateGrantCommandInput,
  type CreateGrantCommandOutput,
  CreateKeyCommand,
  DescribeKeyCommand,
  DisableKeyCommand,
  EncryptCommand,
  type KMSClient,
  ListGrantsCommand,
  ListRetirableGrantsCommand,
  RetireGrantCommand,
  RevokeGrantCommand,
} from '@aws-sdk/client-kms';
import { ManualClock } from '@strongbox/service-kernel';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { grantIdOfToken } from '../src/model/grants.ts';
import { KmsState } from '../src/model/state.ts';
import { MemoryStore } from '../src/persistence/store.ts';
import { authenticateWith, caller, OWNER } from './authorization.callers.ts';
import { failureOf, type SdkFixture, startKms } from './helpers/sdk.ts';

const ROOT = `arn:aws:iam::${OWNER}:root`;
const ALICE = `arn:aws:iam::${OWNER}:user/alice`;
const BOB = `arn:aws:iam::${OWNER}:user/bob`;
const clock = new ManualClock(Date.UTC(2025, 5, 1));
const state = new KmsState();
let fixture: SdkFixture;
let root: KMSClient;

beforeAll(async () => {
  // EC2: the account's root calling through Amazon EC2, as EBS creates grants on alias/aws/ebs.
  const viaEc2 = { ...caller(ROOT), invokedBy: 'ec2.amazonaws.com' };
  fixture = await startKms({ account: OWNER, clock, store: new MemoryStore(state) }, authenticateWith({ ALICE: caller(ALICE), BOB: caller(BOB), EC2: viaEc2 }));
  root = fixture.client;
});
afterAll(() => fixture.close());

async function newKey(): Promise<{ id: string; arn: string }> {
  const created = await root.send(new CreateKeyCommand({}));
  return { id: created.KeyMetadata!.KeyId!, arn: created.KeyMetadata!.Arn! };
}

function grant(keyId: string, extra: Partial<CreateGrantCommandInput> = {}): Promise<CreateGrantCommandOutput> {
  return root.send(new CreateGrantCommand({ KeyId: keyId, GranteePrincipal: ALICE, Operations: ['Encrypt', 'Decrypt'], ...extra }));
}

/** Puts `count` grants for Alice on `keyId` straight into the state (as many calls would); returns their ids. */
function fillGrants(keyId: string, count: number): string[] {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const grantId = `${keyId.replaceAll('-', '').slice(-8)}${i.toString(16).padStart(56, '0')}`;
    ids.push(grantId);
    state.apply({
      type: 'putGrant',
      grant: {
        grantId,
        keyId,
        region: 'us-east-1',
        name: '',
        creationDate: clock.now(),
        granteePrincipal: ALICE,
        issuingAccount: ROOT,
        operations: ['Encrypt'],
      },
    });
  }
  return ids;
}

describe('CreateGrant', () => {
  it('returns a 64-hex grant id and a URL-safe base64 token naming it', async () => {
    const key = await newKey();
    const created = await grant(key.id);
    expect(created.GrantId).toMatch(/^[0-9a-f]{64}$/);
    expect(created.GrantToken).toMatch(/^AQpA[A-Za-z0-9_-]{300,}$/);
    expect(grantIdOfToken(created.GrantToken!)).toBe(created.GrantId);
  });

  it('lists the grant as GrantListEntry, Name "" when unset', async () => {
    const key = await newKey();
    const created = await grant(key.id, { RetiringPrincipal: BOB, Constraints: { EncryptionContextSubset: { Dept: 'IT' } } });
    const listed = await root.send(new ListGrantsCommand({ KeyId: key.id }));
    expect(listed.Truncated).toBe(false);
    expect(listed.Grants).toEqual([
      {
        KeyId: key.arn,
        GrantId: created.GrantId,
        Name: '',
        CreationDate: new Date(clock.now()),
        GranteePrincipal: ALICE,
        RetiringPrincipal: BOB,
        IssuingAccount: ROOT,
        Operations: ['Encrypt', 'Decrypt'],
        Constraints: { EncryptionContextSubset: { Dept: 'IT' } },
      },
    ]);
  });

  it('is idempotent by Name per key: same parameters give the same id and a new token', async () => {
    const [first, second] = [await newKey(), await newKey()];
    const a = await grant(first.id, { Name: 'app-grant', Operations: ['Encrypt', 'Decrypt'] });
    const b = await grant(first.id, { Name: 'app-grant', Operations: ['Decrypt', 'Encrypt'] });
    expect(b.GrantId).toBe(a.GrantId);
    expect(b.GrantToken).not.toBe(a.GrantToken);
    expect(grantIdOfToken(b.GrantToken!)).toBe(a.GrantId);
    // The same name on another key is another grant (AWS-validated LocalStack test).
    const c = await grant(second.id, { Name: 'app-grant' });
    expect(c.GrantId).not.toBe(a.GrantId);
    // Different parameters under the same name make a new grant.
    const d = await grant(first.id, { Name: 'app-grant', Operations: ['Encrypt'] });
    expect(d.GrantId).not.toBe(a.GrantId);
    expect((await root.send(new ListGrantsCommand({ KeyId: first.id }))).Grants!.map((g) => g.GrantId)).toEqual([a.GrantId, d.GrantId]);
    // Without a name every call creates a grant.
    expect((await grant(second.id)).GrantId).not.toBe((await grant(second.id)).GrantId);
  });

  it('refuses operations a symmetric encryption key does not support with ValidationError', async () => {
    const key = await newKey();
    expect(await failureOf(grant(key.id, { Operations: ['Encrypt', 'Sign', 'GenerateMac'] }))).toEqual({
      name: 'ValidationError',
      message: 'Grant operations Sign, GenerateMac are not valid for a KMS key with key spec SYMMETRIC_DEFAULT.',
      status: 400,
    });
  });

  it('refuses a grant whose only operation is CreateGrant, creating nothing (ansible/ansible#31960)', async () => {
    const key = await newKey();
    const refusal = { name: 'ValidationException', message: 'Grants must not contain only the CreateGrant operation.', status: 400 };
    expect(await failureOf(grant(key.id, { Operations: ['CreateGrant'] }))).toEqual(refusal);
    expect(await failureOf(grant(key.id, { Operations: ['CreateGrant', 'CreateGrant'], Name: 'twice' }))).toEqual(refusal);
    expect((await root.send(new ListGrantsCommand({ KeyId: key.id }))).Grants).toEqual([]);
    // With any other operation beside it, CreateGrant may be granted.
    await expect(grant(key.id, { Operations: ['CreateGrant', 'DescribeKey'] })).resolves.toHaveProperty('GrantId');
  });

  it('validates members: unknown operation, no operation, no grantee', async () => {
    const key = await newKey();
    const unknown = await failureOf(grant(key.id, { Operations: ['Encrypt', 'Fly' as 'Encrypt'] }));
    expect(unknown).toEqual({
      name: 'ValidationException',
      message:
        "1 validation error detected: Value '[Encrypt, Fly]' at 'operations' failed to satisfy constraint: Member must satisfy constraint: [Member must satisfy enum value set: [Decrypt, Encrypt, GenerateDataKey, GenerateDataKeyWithoutPlaintext, ReEncryptFrom, ReEncryptTo, Sign, Verify, GetPublicKey, CreateGrant, RetireGrant, DescribeKey, GenerateDataKeyPair, GenerateDataKeyPairWithoutPlaintext, GenerateMac, VerifyMac, DeriveSharedSecret, Encapsulate, Decapsulate]]",
      status: 400,
    });
    expect(await failureOf(grant(key.id, { Operations: [] }))).toEqual({
      name: 'ValidationException',
      message: "1 validation error detected: Value '[]' at 'operations' failed to satisfy constraint: Member must have length greater than or equal to 1",
      status: 400,
    });
    expect(await failureOf(root.send(new CreateGrantCommand({ KeyId: key.id, Operations: ['Encrypt'] })))).toEqual({
      name: 'ValidationException',
      message: "1 validation error detected: Value null at 'granteePrincipal' failed to satisfy constraint: Member must not be null",
      status: 400,
    });
    expect(await failureOf(grant(key.id, { GranteePrincipal: 'bad principal' }))).toMatchObject({ name: 'ValidationException' });
  });

  it('enforces the constraint quotas: 8 pairs, 384-character values', async () => {
    const key = await newKey();
    const nine = Object.fromEntries(Array.from({ length: 9 }, (_, i) => [`k${i}`, 'v']));
    expect(await failureOf(grant(key.id, { Constraints: { EncryptionContextEquals: nine } }))).toEqual({
      name: 'ValidationException',
      message: 'An encryption context grant constraint can have at most 8 key-value pairs.',
      status: 400,
    });
    expect(await failureOf(grant(key.id, { Constraints: { EncryptionContextSubset: { k: 'v'.repeat(385) } } }))).toEqual({
      name: 'ValidationException',
      message: 'An encryption context grant constraint value can have at most 384 characters.',
      status: 400,
    });
    await grant(key.id, { Constraints: { EncryptionContextSubset: Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`k${i}`, 'v'.repeat(384)])) } });
  });

  it('takes a key id or ARN only, and refuses unknown keys', async () => {
    // AWS's answer (boto/boto#3883): the alias form is refused, whether or not the alias exists.
    expect(await failureOf(grant('alias/whatever'))).toEqual({
      name: 'InvalidArnException',
      message: 'Key Aliases are not supported for this operation.',
      status: 400,
    });
    expect(await failureOf(grant('invalid'))).toMatchObject({ name: 'NotFoundException', message: "Invalid keyId 'invalid'" });
  });

  it('answers DryRun without creating the grant', async () => {
    const key = await newKey();
    expect(await failureOf(grant(key.id, { DryRun: true }))).toEqual({
      name: 'DryRunOperationException',
      message: 'The request would have succeeded, but the DryRun option is set.',
      status: expect.any(Number),
    });
    expect((await root.send(new ListGrantsCommand({ KeyId: key.id }))).Grants).toEqual([]);
  });

  it('refuses a disabled key', async () => {
    const key = await newKey();
    await root.send(new DisableKeyCommand({ KeyId: key.id }));
    expect(await failureOf(grant(key.id))).toMatchObject({ name: 'DisabledException', message: `${key.arn} is disabled.` });
  });

  it('refuses the 50,001st grant on a key with LimitExceededException', async () => {
    const key = await newKey();
    const filled = fillGrants(key.id, 50_000);
    expect(await failureOf(grant(key.id))).toEqual({
      name: 'LimitExceededException',
      message: `The grant quota of 50000 grants for key ${key.arn} has been reached.`,
      status: 400,
    });
    // A Name retry of an existing grant is not a new grant, so it still succeeds.
    state.apply({ type: 'deleteGrant', grantId: filled[0]! });
    const named = await grant(key.id, { Name: 'last' });
    expect((await grant(key.id, { Name: 'last' })).GrantId).toBe(named.GrantId);
    for (const grantId of filled.slice(1)) state.apply({ type: 'deleteGrant', grantId });
  });

  it('does not count grants on an AWS managed key against the 50,000-grant quota', async () => {
    // "Resource quotas" table: "Grants per KMS key | 50,000 | Applies to: Customer managed keys"
    // (https://docs.aws.amazon.com/kms/latest/developerguide/resource-limits.html).
    const { KeyMetadata } = await root.send(new DescribeKeyCommand({ KeyId: 'alias/aws/ebs' }));
    const ebs = KeyMetadata!.KeyId!;
    const filled = fillGrants(ebs, 50_000);
    const viaEc2 = fixture.clientFor({ accessKeyId: 'EC2' });
    const created = await viaEc2.send(new CreateGrantCommand({ KeyId: ebs, GranteePrincipal: ALICE, Operations: ['Decrypt'] }));
    expect(created.GrantId).toMatch(/^[0-9a-f]{64}$/);
    expect(state.grantsOf(ebs, 'us-east-1')).toHaveLength(50_001);
    for (const grantId of [...filled, created.GrantId!]) state.apply({ type: 'deleteGrant', grantId });
  });

  it('authorizes before checking the operations against the key type, so a caller without kms:CreateGrant learns nothing of it', async () => {
    const signing = (await root.send(new CreateKeyCommand({ KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' }))).KeyMetadata!.KeyId!;
    const symmetric = (await newKey()).id;
    const alice = fixture.clientFor({ accessKeyId: 'ALICE' });
    const constraints = { EncryptionContextEquals: { purpose: 'test' } };
    // The owner is told the grant does not fit the key ...
    expect(await failureOf(grant(signing, { Operations: ['Encrypt'] }))).toMatchObject({ name: 'ValidationError' });
    expect(await failureOf(grant(signing, { Operations: ['Sign'], Constraints: constraints }))).toMatchObject({ name: 'ValidationError' });
    // ... Alice, who may not create grants, gets the same AccessDeniedException whatever the key type
    // and whether or not the grant would fit it.
    const refusals = [
      await failureOf(alice.send(new CreateGrantCommand({ KeyId: signing, GranteePrincipal: BOB, Operations: ['Encrypt'] }))),
      await failureOf(alice.send(new CreateGrantCommand({ KeyId: signing, GranteePrincipal: BOB, Operations: ['Sign'], Constraints: constraints }))),
      await failureOf(alice.send(new CreateGrantCommand({ KeyId: signing, GranteePrincipal: BOB, Operations: ['Sign'] }))),
      await failureOf(alice.send(new CreateGrantCommand({ KeyId: symmetric, GranteePrincipal: BOB, Operations: ['Sign'] }))),
    ];
    for (const refusal of refusals) expect(refusal).toMatchObject({ name: 'AccessDeniedException', status: 400 });
    expect(state.grantsOf(signing, 'us-east-1')).toEqual([]);
    expect(state.grantsOf(symmetric, 'us-east-1')).toEqual([]);
  });

  it('makes the grant usable at once; tokens are accepted and checked for form', async () => {
    const key = await newKey();
    const alice = fixture.clientFor({ accessKeyId: 'ALICE' });
    const created = await grant(key.id, { Operations: ['Encrypt'] });
    const encrypted = await alice.send(new EncryptCommand({ KeyId: key.arn, Plaintext: new Uint8Array([1]), GrantTokens: [created.GrantToken!] }));
    expect(encrypted.KeyId).toBe(key.arn);
    expect(await failureOf(alice.send(new EncryptCommand({ KeyId: key.arn, Plaintext: new Uint8Array([1]), GrantTokens: ['not-a-token'] })))).toEqual({
      name: 'InvalidGrantTokenException',
      message: 'Invalid grant token',
      status: 400,
    });
  });
});

describe('ListGrants', () => {
  it('filters by grant id and grantee principal, and pages with Limit and Marker', async () => {
    const key = await newKey();
    const a = await grant(key.id);
    const b = await grant(key.id, { GranteePrincipal: BOB });
    const c = await grant(key.id);
    expect((await root.send(new ListGrantsCommand({ KeyId: key.id, GrantId: b.GrantId }))).Grants!.map((g) => g.GrantId)).toEqual([b.GrantId]);
    expect((await root.send(new ListGrantsCommand({ KeyId: key.arn, GranteePrincipal: ALICE }))).Grants!.map((g) => g.GrantId)).toEqual([a.GrantId, c.GrantId]);
    expect((await root.send(new ListGrantsCommand({ KeyId: key.id, GrantId: '0'.repeat(64) }))).Grants).toEqual([]);
    const first = await root.send(new ListGrantsCommand({ KeyId: key.id, Limit: 2 }));
    expect(first.Grants!.map((g) => g.GrantId)).toEqual([a.GrantId, b.GrantId]);
    expect(first.Truncated).toBe(true);
    const second = await root.send(new ListGrantsCommand({ KeyId: key.id, Limit: 2, Marker: first.NextMarker! }));
    expect(second.Grants!.map((g) => g.GrantId)).toEqual([c.GrantId]);
    expect(second.Truncated).toBe(false);
  });

  it('refuses a grant id that cannot be one, and unknown keys', async () => {
    const key = await newKey();
    expect(await failureOf(root.send(new ListGrantsCommand({ KeyId: key.id, GrantId: 'nope' })))).toEqual({
      name: 'InvalidGrantIdException',
      message: "Invalid grantId 'nope'",
      status: 400,
    });
    expect(await failureOf(root.send(new ListGrantsCommand({ KeyId: 'invalid' })))).toMatchObject({
      name: 'NotFoundException',
      message: "Invalid keyId 'invalid'",
    });
  });
});

describe('ListRetirableGrants', () => {
  it('lists the grants of every key in the Region whose retiring principal is the one named', async () => {
    const [k1, k2] = [await newKey(), await newKey()];
    const retiring = `arn:aws:iam::${OWNER}:role/retirer`;
    const a = await grant(k1.id, { RetiringPrincipal: retiring });
    await grant(k1.id, { RetiringPrincipal: BOB });
    const c = await grant(k2.id, { RetiringPrincipal: retiring });
    const listed = await root.send(new ListRetirableGrantsCommand({ RetiringPrincipal: retiring }));
    expect(listed.Grants!.map((g) => [g.GrantId, g.KeyId])).toEqual([
      [a.GrantId, k1.arn],
      [c.GrantId, k2.arn],
    ]);
    const page = await root.send(new ListRetirableGrantsCommand({ RetiringPrincipal: retiring, Limit: 1 }));
    expect(page.Grants!.map((g) => g.GrantId)).toEqual([a.GrantId]);
    expect(page.Truncated).toBe(true);
  });

  it('needs a retiring principal', async () => {
    expect(await failureOf(root.send(new ListRetirableGrantsCommand({})))).toEqual({
      name: 'ValidationException',
      message: "1 validation error detected: Value null at 'retiringPrincipal' failed to satisfy constraint: Member must not be null",
      status: 400,
    });
  });
});

describe('RetireGrant', () => {
  it('retires by token alone or by key ARN and grant id', async () => {
    const key = await newKey();
    const a = await grant(key.id);
    const b = await grant(key.id);
    await root.send(new RetireGrantCommand({ GrantToken: a.GrantToken }));
    await root.send(new RetireGrantCommand({ KeyId: key.arn, GrantId: b.GrantId }));
    expect((await root.send(new ListGrantsCommand({ KeyId: key.id }))).Grants).toEqual([]);
  });

  it('answers malformed tokens, retired grants and unknown grant ids', async () => {
    const key = await newKey();
    const a = await grant(key.id);
    await root.send(new RetireGrantCommand({ GrantToken: a.GrantToken }));
    expect(await failureOf(root.send(new RetireGrantCommand({ GrantToken: a.GrantToken })))).toEqual({
      name: 'NotFoundException',
      message: `Grant '${a.GrantId}' does not exist`,
      status: 400,
    });
    expect(await failureOf(root.send(new RetireGrantCommand({ GrantToken: 'AQpAbogus' })))).toEqual({
      name: 'InvalidGrantTokenException',
      message: 'Invalid grant token',
      status: 400,
    });
    expect(await failureOf(root.send(new RetireGrantCommand({ KeyId: key.arn, GrantId: a.GrantId })))).toEqual({
      name: 'InvalidGrantIdException',
      message: `Invalid grantId '${a.GrantId}'`,
      status: 400,
    });
    expect(await failureOf(root.send(new RetireGrantCommand({ KeyId: key.arn })))).toEqual({
      name: 'ValidationException',
      message: 'Grant token OR (grant ID, key ID) must be specified',
      status: 400,
    });
  });

  it('retires a grant once when two retires of it run concurrently: the other is refused', async () => {
    const key = await newKey();
    const [a, b] = [await grant(key.id), await grant(key.id)];
    const byToken = await outcomes(
      root.send(new RetireGrantCommand({ GrantToken: a.GrantToken })),
      root.send(new RetireGrantCommand({ GrantToken: a.GrantToken })),
    );
    expect(byToken.sort()).toEqual(['NotFoundException', 'ok']);
    const byId = await outcomes(
      root.send(new RetireGrantCommand({ KeyId: key.arn, GrantId: b.GrantId })),
      root.send(new RetireGrantCommand({ KeyId: key.id, GrantId: b.GrantId })),
    );
    expect(byId.sort()).toEqual(['InvalidGrantIdException', 'ok']);
    expect((await root.send(new ListGrantsCommand({ KeyId: key.id }))).Grants).toEqual([]);
  });

  it('answers DryRun without retiring', async () => {
    const key = await newKey();
    const a = await grant(key.id);
    expect(await failureOf(root.send(new RetireGrantCommand({ GrantToken: a.GrantToken, DryRun: true })))).toMatchObject({ name: 'DryRunOperationException' });
    expect((await root.send(new ListGrantsCommand({ KeyId: key.id }))).Grants).toHaveLength(1);
  });
});

describe('RevokeGrant', () => {
  it('revokes by key and grant id, at once', async () => {
    const key = await newKey();
    const alice = fixture.clientFor({ accessKeyId: 'ALICE' });
    const a = await grant(key.id, { Operations: ['Encrypt'] });
    await alice.send(new EncryptCommand({ KeyId: key.arn, Plaintext: new Uint8Array([1]) }));
    await root.send(new RevokeGrantCommand({ KeyId: key.id, GrantId: a.GrantId }));
    expect((await root.send(new ListGrantsCommand({ KeyId: key.id }))).Grants).toEqual([]);
    expect(await failureOf(alice.send(new EncryptCommand({ KeyId: key.arn, Plaintext: new Uint8Array([1]) })))).toMatchObject({
      name: 'AccessDeniedException',
    });
  });

  it('revokes a grant once when two revokes of it run concurrently: the other is refused', async () => {
    const key = await newKey();
    const a = await grant(key.id);
    const both = await outcomes(
      root.send(new RevokeGrantCommand({ KeyId: key.id, GrantId: a.GrantId })),
      root.send(new RevokeGrantCommand({ KeyId: key.arn, GrantId: a.GrantId })),
    );
    expect(both.sort()).toEqual(['InvalidGrantIdException', 'ok']);
  });

  it('answers an unknown grant, or a grant of another key, with InvalidGrantIdException', async () => {
    const [k1, k2] = [await newKey(), await newKey()];
    const a = await grant(k1.id);
    expect(await failureOf(root.send(new RevokeGrantCommand({ KeyId: k2.id, GrantId: a.GrantId })))).toEqual({
      name: 'InvalidGrantIdException',
      message: `Invalid grantId '${a.GrantId}'`,
      status: 400,
    });
    expect(await failureOf(root.send(new RevokeGrantCommand({ KeyId: k1.id, GrantId: 'f'.repeat(64) })))).toMatchObject({ name: 'InvalidGrantIdException' });
    expect(await failureOf(root.send(new RevokeGrantCommand({ KeyId: k1.id, GrantId: a.GrantId, DryRun: true })))).toMatchObject({
      name: 'DryRunOperationException',
    });
    expect((await root.send(new ListGrantsCommand({ KeyId: k1.id }))).Grants).toHaveLength(1);
  });
});

/** What each call, run concurrently, came to: `'ok'` or its error's name. */
async function outcomes(...calls: Promise<unknown>[]): Promise<string[]> {
  return (await Promise.allSettled(calls)).map((settled) => (settled.status === 'fulfilled' ? 'ok' : (settled.reason as Error).name));
}
