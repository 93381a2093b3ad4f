/**
 * GetKeyPolicy, PutKeyPolicy and ListKeyPolicies through the official AWS SDK client: AWS's
 * pretty-printed default policy, the `default` policy name, validation texts and the lockout
 * safety check.
 */

import { CreateKeyCommand, DescribeKeyCommand, GetKeyPolicyCommand, type KMSClient, ListKeyPoliciesCommand, PutKeyPolicyCommand } from '@aws-sdk/client-kms';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authenticateWith, caller, OWNER } from './authorization.callers.ts';
import { failureOf, type SdkFixture, startKms } from './helpers/sdk.ts';

const ROOT = `arn:aws:iam::${OWNER}:root`;
const ALICE = `arn:aws:iam::${OWNER}:user/alice`;
let fixture: SdkFixture;
let root: KMSClient;
let alice: KMSClient;

beforeAll(async () => {
  fixture = await startKms({ account: OWNER }, authenticateWith({ ALICE: caller(ALICE) }));
  root = fixture.client;
  alice = fixture.clientFor({ accessKeyId: 'ALICE' });
});
afterAll(() => fixture.close());

async function newKey(policy?: string): Promise<{ id: string; arn: string }> {
  const created = await root.send(new CreateKeyCommand(policy === undefined ? {} : { Policy: policy }));
  return { id: created.KeyMetadata!.KeyId!, arn: created.KeyMetadata!.Arn! };
}

function policyFor(principals: string | string[], actions: string | string[] = 'kms:*'): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Sid: 'one', Effect: 'Allow', Principal: { AWS: principals }, Action: actions, Resource: '*' }],
  });
}

describe('GetKeyPolicy', () => {
  it('returns the default key policy as AWS prints it, with the policy name', async () => {
    const key = await newKey();
    const got = await root.send(new GetKeyPolicyCommand({ KeyId: key.id, PolicyName: 'default' }));
    expect(got.PolicyName).toBe('default');
    expect(got.Policy).toBe(
      `{\n  "Version" : "2012-10-17",\n  "Id" : "key-default-1",\n  "Statement" : [ {\n    "Sid" : "Enable IAM User Permissions",\n    "Effect" : "Allow",\n    "Principal" : {\n      "AWS" : "${ROOT}"\n    },\n    "Action" : "kms:*",\n    "Resource" : "*"\n  } ]\n}`,
    );
  });

  it('defaults PolicyName to default, and refuses any other name', async () => {
    const key = await newKey();
    expect((await root.send(new GetKeyPolicyCommand({ KeyId: key.arn }))).Policy).toContain('key-default-1');
    expect(await failureOf(root.send(new GetKeyPolicyCommand({ KeyId: key.id, PolicyName: 'other' })))).toEqual({
      name: 'NotFoundException',
      message: 'No such policy exists',
      status: 400,
    });
  });

  it('takes a key id or ARN only', async () => {
    expect(await failureOf(root.send(new GetKeyPolicyCommand({ KeyId: 'alias/some-alias' })))).toMatchObject({
      name: 'InvalidArnException',
      message: 'Key Aliases are not supported for this operation.',
    });
  });

  it('answers a PolicyName that breaks the model pattern with the Coral text', async () => {
    const key = await newKey();
    expect(await failureOf(root.send(new GetKeyPolicyCommand({ KeyId: key.id, PolicyName: 'no-dash' })))).toEqual({
      name: 'ValidationException',
      message:
        "1 validation error detected: Value 'no-dash' at 'policyName' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[\\w]+$",
      status: 400,
    });
  });
});

describe('PutKeyPolicy', () => {
  it('replaces the policy; GetKeyPolicy returns it re-printed', async () => {
    const key = await newKey();
    const policy = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Principal: { AWS: ROOT }, Action: 'kms:*', Resource: '*' },
        { Effect: 'Allow', Principal: { AWS: [ALICE] }, Action: ['kms:Encrypt', 'kms:Decrypt'], Resource: '*' },
      ],
    });
    await root.send(new PutKeyPolicyCommand({ KeyId: key.id, PolicyName: 'default', Policy: policy }));
    const got = (await root.send(new GetKeyPolicyCommand({ KeyId: key.id }))).Policy!;
    expect(JSON.parse(got)).toEqual(JSON.parse(policy));
    expect(got).toContain('"Action" : [ "kms:Encrypt", "kms:Decrypt" ]');
  });

  it('refuses a policy that would lock the caller out, unless the check is bypassed', async () => {
    const key = await newKey();
    const lockout = policyFor(ALICE, ['kms:Encrypt']);
    expect(await failureOf(root.send(new PutKeyPolicyCommand({ KeyId: key.id, Policy: lockout })))).toEqual({
      name: 'MalformedPolicyDocumentException',
      message: 'The new key policy will not allow you to update the key policy in the future.',
      status: 400,
    });
    await root.send(new PutKeyPolicyCommand({ KeyId: key.id, Policy: lockout, BypassPolicyLockoutSafetyCheck: true }));
    // Now the account root is locked out, as AWS warns.
    expect(await failureOf(root.send(new GetKeyPolicyCommand({ KeyId: key.id })))).toEqual({
      name: 'AccessDeniedException',
      message: `User: ${ROOT} is not authorized to perform: kms:GetKeyPolicy on resource: ${key.arn} because no resource-based policy allows the kms:GetKeyPolicy action`,
      status: 400,
    });
  });

  it('applies the same checks at CreateKey', async () => {
    expect(await failureOf(root.send(new CreateKeyCommand({ Policy: policyFor(ALICE) })))).toMatchObject({
      name: 'MalformedPolicyDocumentException',
      message: 'The new key policy will not allow you to update the key policy in the future.',
    });
    expect(
      await failureOf(root.send(new CreateKeyCommand({ Policy: policyFor('arn:aws:iam::111122223333:role/*'), BypassPolicyLockoutSafetyCheck: true }))),
    ).toMatchObject({
      name: 'MalformedPolicyDocumentException',
      message: 'Policy contains a statement with one or more invalid principals.',
    });
  });

  it('answers malformed documents and principals with AWS texts', async () => {
    const key = await newKey();
    const failure = await failureOf(root.send(new PutKeyPolicyCommand({ KeyId: key.id, Policy: 'not a real policy statement' })));
    expect(failure.name).toBe('MalformedPolicyDocumentException');
    expect(failure.message).toBe('UnknownError');
    const noPrincipal = JSON.stringify({ Statement: [{ Effect: 'Allow', Action: 'kms:*', Resource: '*' }] });
    expect(await failureOf(root.send(new PutKeyPolicyCommand({ KeyId: key.id, Policy: noPrincipal })))).toMatchObject({
      name: 'MalformedPolicyDocumentException',
      message: 'Policy contains a statement with no principal.',
    });
  });

  it('answers characters outside the PolicyType pattern with the Coral text', async () => {
    const key = await newKey();
    const policy = policyFor(ROOT).replace('one', 'caf\u0113');
    const failure = await failureOf(root.send(new PutKeyPolicyCommand({ KeyId: key.id, Policy: policy })));
    expect(failure).toMatchObject({ name: 'ValidationException', status: 400 });
    expect(failure.message).toBe(
      `1 validation error detected: Value '${policy}' at 'policy' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[\\u0009\\u000A\\u000D\\u0020-\\u00FF]+$`,
    );
  });

  it('keeps the policy of an AWS managed key', async () => {
    const managed = await root.send(new DescribeKeyCommand({ KeyId: 'alias/aws/s3' }));
    const arn = managed.KeyMetadata!.Arn!;
    expect(await failureOf(root.send(new PutKeyPolicyCommand({ KeyId: arn, Policy: policyFor(ROOT) })))).toEqual({
      name: 'AccessDeniedException',
      message: `User: ${ROOT} is not authorized to perform: kms:PutKeyPolicy on resource: ${arn} because no resource-based policy allows the kms:PutKeyPolicy action`,
      status: 400,
    });
  });

  it('lets an IAM user named in the key policy replace it without an identity policy', async () => {
    const key = await newKey(
      JSON.stringify({
        Statement: [
          { Effect: 'Allow', Principal: { AWS: ROOT }, Action: 'kms:*', Resource: '*' },
          { Effect: 'Allow', Principal: { AWS: ALICE }, Action: ['kms:PutKeyPolicy', 'kms:GetKeyPolicy'], Resource: '*' },
        ],
      }),
    );
    await alice.send(new PutKeyPolicyCommand({ KeyId: key.arn, Policy: policyFor([ROOT, ALICE]) }));
    expect(JSON.parse((await alice.send(new GetKeyPolicyCommand({ KeyId: key.arn }))).Policy!).Statement[0].Principal.AWS).toEqual([ROOT, ALICE]);
  });
});

describe('ListKeyPolicies', () => {
  it('lists the one policy name, default', async () => {
    const key = await newKey();
    const listed = await root.send(new ListKeyPoliciesCommand({ KeyId: key.id }));
    expect(listed.PolicyNames).toEqual(['default']);
    expect(listed.Truncated).toBe(false);
    expect(listed.NextMarker).toBeUndefined();
    expect((await root.send(new ListKeyPoliciesCommand({ KeyId: key.arn, Limit: 1 }))).PolicyNames).toEqual(['default']);
  });

  it('is authorized like every key operation', async () => {
    const key = await newKey();
    expect(await failureOf(alice.send(new ListKeyPoliciesCommand({ KeyId: key.arn })))).toEqual({
      name: 'AccessDeniedException',
      message: `User: ${ALICE} is not authorized to perform: kms:ListKeyPolicies on resource: ${key.arn} because no identity-based policy allows the kms:ListKeyPolicies action`,
      status: 400,
    });
  });
});
