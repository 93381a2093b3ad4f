/**
 * The IAM policy language engine: document parsing, wildcard patterns, condition operators with
 * IfExists and set operators, principal matching, the GetKeyPolicy printer and key policy
 * validation with AWS's MalformedPolicyDocumentException texts.
 */

import {
  type ConditionLookup,
  compileArnPattern,
  compileCondition,
  compiledPolicy,
  compilePatterns,
  evaluatePolicy,
  matchPrincipal,
  parsePolicy,
  prettyPolicy,
  principalFromArn,
  rootPrincipal,
} from '@strongbox/service-kernel';
import { describe, expect, it } from 'vitest';
import { KmsError } from '../src/errors.ts';
import { defaultKeyPolicy } from '../src/policy/default-policy.ts';
import { validateKeyPolicy } from '../src/policy/validate.ts';

const ACCOUNT = '111122223333';
const root = rootPrincipal('us-east-1', ACCOUNT);
const alice = principalFromArn(`arn:aws:iam::${ACCOUNT}:user/alice`);

function lookupOf(values: Record<string, string[] | undefined>): ConditionLookup {
  const lower = new Map(Object.entries(values).map(([k, v]) => [k.toLowerCase(), v]));
  return (key) => lower.get(key);
}

function condition(operator: string, key: string, values: string[], request: Record<string, string[] | undefined>): boolean {
  return compileCondition({ operator, key, values })(lookupOf(request));
}

function failure(run: () => void): { code: string; message: string } {
  try {
    run();
  } catch (error) {
    if (error instanceof KmsError) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error('expected a KmsError');
}

describe('policy documents', () => {
  it('accept Statement as one object or an array, and single values or lists', () => {
    const one = parsePolicy('{"Statement":{"Effect":"Allow","Principal":"*","Action":"kms:Encrypt","Resource":"*"}}');
    const many = parsePolicy(
      '{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":{"AWS":["111122223333"]},"NotAction":["kms:Decrypt"],"Resource":"*"}]}',
    );
    expect(one.statements[0]).toMatchObject({ effect: 'Allow', action: ['kms:Encrypt'], principal: { anyone: true } });
    expect(many.statements[0]).toMatchObject({ effect: 'Deny', notAction: ['kms:Decrypt'], principal: { anyone: false, aws: ['111122223333'] } });
  });

  it('refuse what the grammar does not allow', () => {
    for (const text of [
      'not json',
      '[]',
      '{}',
      '{"Statement":[{"Effect":"allow","Action":"*","Resource":"*"}]}',
      '{"Statement":[{"Effect":"Allow","Action":"*","NotAction":"x","Resource":"*"}]}',
      '{"Statement":[],"Extra":1}',
      '{"Version":"2020-01-01","Statement":[]}',
      '{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEqualz":{"a":"b"}}}]}',
    ]) {
      expect(() => parsePolicy(text), text).toThrow(expect.objectContaining({ code: 'POLICY_SYNTAX' }));
    }
  });
});

describe('wildcard patterns', () => {
  it('match actions case-insensitively with * and ?', () => {
    const actions = compilePatterns(['kms:Describe*', 'kms:ReEncrypt*', 'kms:?ncrypt'], true);
    expect(['kms:DescribeKey', 'KMS:reencryptfrom', 'kms:ReEncryptTo', 'kms:Encrypt'].map((a) => actions.matches(a))).toEqual([true, true, true, true]);
    expect(['kms:Decrypt', 'kms:ListKeys', 'kms:xEncrypt'].map((a) => actions.matches(a))).toEqual([false, false, false]);
  });

  it('match ARNs component by component', () => {
    const arn = compileArnPattern('arn:aws:iam::*:role/app-*');
    expect(arn('arn:aws:iam::111122223333:role/app-web')).toBe(true);
    expect(arn('arn:aws:iam::111122223333:user/app-web')).toBe(false);
    expect(arn('not-an-arn')).toBe(false);
  });
});

describe('condition operators', () => {
  it('OR the values of one key, and NOR them under a negated operator', () => {
    expect(condition('StringEquals', 'k', ['a', 'b'], { k: ['b'] })).toBe(true);
    expect(condition('StringEquals', 'k', ['a', 'b'], { k: ['c'] })).toBe(false);
    expect(condition('StringNotEquals', 'k', ['a', 'b'], { k: ['b'] })).toBe(false);
    expect(condition('StringNotEquals', 'k', ['a', 'b'], { k: ['c'] })).toBe(true);
  });

  it('treat an absent key as false, true when negated, true with IfExists', () => {
    expect(condition('StringEquals', 'k', ['a'], {})).toBe(false);
    expect(condition('StringNotLike', 'k', ['a*'], {})).toBe(true);
    expect(condition('StringEqualsIfExists', 'k', ['a'], {})).toBe(true);
    expect(condition('StringEqualsIfExists', 'k', ['a'], { k: ['b'] })).toBe(false);
  });

  it('apply ForAllValues to every request value (vacuously true) and ForAnyValue to at least one', () => {
    expect(condition('ForAllValues:StringEquals', 'k', ['a', 'b'], { k: ['a', 'b'] })).toBe(true);
    expect(condition('ForAllValues:StringEquals', 'k', ['a', 'b'], { k: ['a', 'c'] })).toBe(false);
    expect(condition('ForAllValues:StringEquals', 'k', ['a'], { k: [] })).toBe(true);
    expect(condition('ForAnyValue:StringEquals', 'k', ['a'], { k: ['c', 'a'] })).toBe(true);
    expect(condition('ForAnyValue:StringEquals', 'k', ['a'], {})).toBe(false);
    expect(condition('ForAnyValue:StringNotEquals', 'k', ['a'], { k: ['a', 'c'] })).toBe(true);
    expect(condition('ForAllValues:StringNotEquals', 'k', ['a'], { k: ['a', 'c'] })).toBe(false);
  });

  it('test presence with Null', () => {
    expect(condition('Null', 'k', ['true'], {})).toBe(true);
    expect(condition('Null', 'k', ['true'], { k: ['x'] })).toBe(false);
    expect(condition('Null', 'k', ['false'], { k: ['x'] })).toBe(true);
  });

  it('compare strings, numbers, dates, booleans, addresses and ARNs', () => {
    expect(condition('StringEqualsIgnoreCase', 'k', ['ABC'], { k: ['abc'] })).toBe(true);
    expect(condition('StringLike', 'k', ['a?c*'], { k: ['abcdef'] })).toBe(true);
    expect(condition('StringLike', 'k', ['a?c*'], { k: ['acdef'] })).toBe(false);
    expect(condition('NumericLessThan', 'k', ['10'], { k: ['9.5'] })).toBe(true);
    expect(condition('NumericGreaterThanEquals', 'k', ['10'], { k: ['9'] })).toBe(false);
    expect(condition('NumericEquals', 'k', ['10'], { k: ['ten'] })).toBe(false);
    expect(condition('DateLessThan', 'k', ['2025-01-01T00:00:00Z'], { k: ['2024-06-01T00:00:00Z'] })).toBe(true);
    expect(condition('DateGreaterThan', 'k', ['1700000000'], { k: ['2024-06-01T00:00:00Z'] })).toBe(true);
    expect(condition('Bool', 'k', ['true'], { k: ['TRUE'] })).toBe(true);
    expect(condition('IpAddress', 'k', ['10.0.0.0/8'], { k: ['10.1.2.3'] })).toBe(true);
    expect(condition('NotIpAddress', 'k', ['10.0.0.0/8'], { k: ['192.168.0.1'] })).toBe(true);
    expect(condition('IpAddress', 'k', ['2001:db8::/32'], { k: ['2001:db8::1'] })).toBe(true);
    expect(condition('IpAddress', 'k', ['127.0.0.0/8'], { k: ['::ffff:127.0.0.1'] })).toBe(true);
    expect(condition('IpAddress', 'k', ['10.0.0.0/8'], { k: ['not an address'] })).toBe(false);
    expect(condition('ArnLike', 'k', ['arn:aws:s3:::bucket/*'], { k: ['arn:aws:s3:::bucket/a/b'] })).toBe(true);
    expect(condition('ArnNotEquals', 'k', ['arn:aws:s3:::bucket/*'], { k: ['arn:aws:s3:::other/a'] })).toBe(true);
  });

  it('look keys up case-insensitively', () => {
    expect(condition('StringEquals', 'KMS:CallerAccount', [ACCOUNT], { 'kms:calleraccount': [ACCOUNT] })).toBe(true);
  });
});

describe('principals', () => {
  it('match an account as itself for the root and by delegation for its other principals', () => {
    expect(matchPrincipal(`arn:aws:iam::${ACCOUNT}:root`, root)).toBe('direct');
    expect(matchPrincipal(ACCOUNT, alice)).toBe('account');
    expect(matchPrincipal('444455556666', alice)).toBeUndefined();
  });

  it('match a role ARN (whatever its path) to its sessions', () => {
    const session = principalFromArn(`arn:aws:sts::${ACCOUNT}:assumed-role/app/i-123`);
    expect(matchPrincipal(`arn:aws:iam::${ACCOUNT}:role/team/app`, session)).toBe('direct');
    expect(matchPrincipal(`arn:aws:iam::${ACCOUNT}:role/other`, session)).toBeUndefined();
  });
});

describe('policy evaluation', () => {
  it('lets an explicit Deny win over any Allow', () => {
    const policy = compiledPolicy(
      JSON.stringify({
        Statement: [
          { Effect: 'Allow', Principal: '*', Action: 'kms:*', Resource: '*' },
          { Effect: 'Deny', Principal: { AWS: ACCOUNT }, Action: 'kms:Decrypt', Resource: '*' },
        ],
      }),
    );
    const request = (action: string) => ({ caller: alice, action, resource: 'arn:aws:kms:us-east-1:111122223333:key/k', lookup: lookupOf({}) });
    expect(evaluatePolicy(policy, request('kms:Decrypt'), true)).toEqual({ deny: true, allowDirect: false, allowAccount: false });
    expect(evaluatePolicy(policy, request('kms:Encrypt'), true)).toEqual({ deny: false, allowDirect: true, allowAccount: false });
  });

  it('ignores a statement without Action or Resource (PutKeyPolicy API reference)', () => {
    const policy = compiledPolicy(JSON.stringify({ Statement: [{ Effect: 'Deny', Principal: '*', Action: 'kms:*' }] }));
    expect(policy.statements).toHaveLength(0);
  });

  it('applies NotPrincipal to everybody it does not name', () => {
    const policy = compiledPolicy(
      JSON.stringify({ Statement: [{ Effect: 'Deny', NotPrincipal: { AWS: `arn:aws:iam::${ACCOUNT}:user/alice` }, Action: 'kms:*', Resource: '*' }] }),
    );
    const bob = principalFromArn(`arn:aws:iam::${ACCOUNT}:user/bob`);
    const request = (caller: typeof alice) => ({ caller, action: 'kms:Encrypt', resource: '*', lookup: lookupOf({}) });
    expect(evaluatePolicy(policy, request(alice), true).deny).toBe(false);
    expect(evaluatePolicy(policy, request(bob), true).deny).toBe(true);
  });
});

describe('GetKeyPolicy printing', () => {
  it('prints the default policy exactly as the KMS model example shows it', () => {
    expect(defaultKeyPolicy('us-east-1', ACCOUNT)).toBe(
      '{\n  "Version" : "2012-10-17",\n  "Id" : "key-default-1",\n  "Statement" : [ {\n    "Sid" : "Enable IAM User Permissions",\n    "Effect" : "Allow",\n    "Principal" : {\n      "AWS" : "arn:aws:iam::111122223333:root"\n    },\n    "Action" : "kms:*",\n    "Resource" : "*"\n  } ]\n}',
    );
    expect(prettyPolicy(JSON.stringify(JSON.parse(defaultKeyPolicy('us-east-1', ACCOUNT))))).toBe(defaultKeyPolicy('us-east-1', ACCOUNT));
  });

  it('prints scalar arrays inline, empty containers with a space, and escapes like Jackson', () => {
    expect(prettyPolicy('{"Action":["kms:Describe*","kms:Get*"],"C":{},"D":[],"E":"a\\"b\\u0001"}')).toBe(
      '{\n  "Action" : [ "kms:Describe*", "kms:Get*" ],\n  "C" : { },\n  "D" : [ ],\n  "E" : "a\\"b\\u0001"\n}',
    );
    expect(prettyPolicy('not json')).toBe('not json');
  });
});

describe('key policy validation', () => {
  const check = { caller: root, account: ACCOUNT, region: 'us-east-1', bypassLockoutCheck: false };
  const statement = (principal: unknown, extra: object = {}) =>
    JSON.stringify({ Statement: [{ Effect: 'Allow', Principal: principal, Action: 'kms:*', Resource: '*', ...extra }] });

  it('accepts the default policy', () => {
    expect(() => validateKeyPolicy(defaultKeyPolicy('us-east-1', ACCOUNT), check)).not.toThrow();
  });

  it('answers text that is not a policy with an empty MalformedPolicyDocumentException', () => {
    expect(failure(() => validateKeyPolicy('not a real policy statement', check))).toEqual({ code: 'MalformedPolicyDocumentException', message: '' });
    expect(
      failure(() => validateKeyPolicy('{"Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*","Condition":{"Foo":{"a":"b"}}}]}', check)),
    ).toEqual({ code: 'MalformedPolicyDocumentException', message: '' });
    expect(failure(() => validateKeyPolicy(statement('*').replace('kms:*', 'kms:\u0100'), check))).toEqual({
      code: 'MalformedPolicyDocumentException',
      message: '',
    });
  });

  it('requires a principal in every statement', () => {
    for (const policy of [
      JSON.stringify({ Statement: [{ Effect: 'Allow', Action: 'kms:*', Resource: '*' }] }),
      statement({ AWS: '' }),
      statement({ AWS: [] }),
    ]) {
      expect(failure(() => validateKeyPolicy(policy, check))).toEqual({
        code: 'MalformedPolicyDocumentException',
        message: 'Policy contains a statement with no principal.',
      });
    }
  });

  it('refuses malformed principals', () => {
    for (const principal of [
      { AWS: 'arn:aws:iam::111122223333:role/*' },
      { AWS: 'alice' },
      { AWS: 'arn:aws:iam::111122223333:group/admins' },
      { Service: 'not a service' },
      'arn:aws:iam::111122223333:root',
      { Robot: 'x' },
    ]) {
      expect(
        failure(() => validateKeyPolicy(statement(principal), { ...check, bypassLockoutCheck: true })),
        JSON.stringify(principal),
      ).toEqual({
        code: 'MalformedPolicyDocumentException',
        message: 'Policy contains a statement with one or more invalid principals.',
      });
    }
  });

  it('answers a policy over 32 KB with LimitExceededException', () => {
    const big = statement('*', { Sid: 'x'.repeat(32_768) });
    expect(failure(() => validateKeyPolicy(big, check)).code).toBe('LimitExceededException');
  });

  it('runs the lockout safety check for the calling principal unless bypassed', () => {
    const onlyBob = statement({ AWS: `arn:aws:iam::${ACCOUNT}:user/bob` });
    const lockout = { code: 'MalformedPolicyDocumentException', message: 'The new key policy will not allow you to update the key policy in the future.' };
    expect(failure(() => validateKeyPolicy(onlyBob, check))).toEqual(lockout);
    expect(failure(() => validateKeyPolicy(statement({ AWS: ACCOUNT }, { Action: 'kms:Encrypt' }), check))).toEqual(lockout);
    expect(() => validateKeyPolicy(onlyBob, { ...check, bypassLockoutCheck: true })).not.toThrow();
    // An IAM user keeps access through the account statement (delegation) or a statement naming it.
    expect(() => validateKeyPolicy(statement({ AWS: ACCOUNT }), { ...check, caller: alice })).not.toThrow();
    expect(() => validateKeyPolicy(statement({ AWS: alice.arn }, { Action: 'kms:PutKeyPolicy' }), { ...check, caller: alice })).not.toThrow();
    // A Deny of PutKeyPolicy for the caller fails the check too.
    const denied = JSON.stringify({
      Statement: [
        { Effect: 'Allow', Principal: { AWS: ACCOUNT }, Action: 'kms:*', Resource: '*' },
        { Effect: 'Deny', Principal: '*', Action: 'kms:PutKeyPolicy', Resource: '*' },
      ],
    });
    expect(failure(() => validateKeyPolicy(denied, check))).toEqual(lockout);
  });
});
