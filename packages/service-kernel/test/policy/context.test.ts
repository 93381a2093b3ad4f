/** Global condition keys the kernel computes for every service. */

import { describe, expect, it } from 'vitest';
import { ANONYMOUS_PRINCIPAL, compilePrincipals, conditionLookup, globalConditionValue, type RequestConditions, rootPrincipal } from '../../src/index.ts';

const caller = rootPrincipal('us-east-1', '111122223333');

describe('aws:SecureTransport', () => {
  it('is "true" or "false" as the service says the request arrived', () => {
    expect(globalConditionValue({ caller, region: 'us-east-1', secureTransport: true }, 'aws:securetransport')).toEqual(['true']);
    expect(globalConditionValue({ caller, region: 'us-east-1', secureTransport: false }, 'aws:securetransport')).toEqual(['false']);
  });

  it('is absent when the service does not say', () => {
    expect(globalConditionValue({ caller, region: 'us-east-1' }, 'aws:securetransport')).toBeUndefined();
  });
});

describe('conditionLookup', () => {
  const none = (): undefined => undefined;

  it('answers a request’s own keys case-insensitively, as text, before the built-in ones', () => {
    const conditions = Object.freeze({ 'kms:EncryptionAlgorithm': 'SYMMETRIC_DEFAULT', 'Test:Count': 3 });
    const lookup = conditionLookup(conditions, (key) => (key === 'aws:requestedregion' ? ['us-east-1'] : undefined));
    expect([lookup('kms:encryptionalgorithm'), lookup('test:count'), lookup('aws:requestedregion'), lookup('kms:other')]).toEqual([
      ['SYMMETRIC_DEFAULT'],
      ['3'],
      ['us-east-1'],
      undefined,
    ]);
    // The same frozen object again (a service passes one for many requests): the same answers.
    expect(conditionLookup(conditions, none)('kms:encryptionalgorithm')).toEqual(['SYMMETRIC_DEFAULT']);
  });

  it('sees a change to conditions that can still change, in the next request’s lookup', () => {
    const conditions: Record<string, string | string[]> = { 'kms:GrantOperations': ['Decrypt'] };
    expect(conditionLookup(conditions, none)('kms:grantoperations')).toEqual(['Decrypt']);
    conditions['kms:GrantOperations'] = ['Encrypt'];
    expect(conditionLookup(conditions, none)('kms:grantoperations')).toEqual(['Encrypt']);
    // Frozen, but holding a list that is not: the list may change, so it is read afresh.
    const list = ['Decrypt'];
    const frozen: RequestConditions = Object.freeze({ 'kms:GrantOperations': list });
    expect(conditionLookup(frozen, none)('kms:grantoperations')).toEqual(['Decrypt']);
    list.push('Encrypt');
    expect(conditionLookup(frozen, none)('kms:grantoperations')).toEqual(['Decrypt', 'Encrypt']);
  });
});

// IAM User Guide, "AWS global condition context keys" (aws:PrincipalAccount: "For anonymous
// requests, the request context returns `anonymous`"; aws:PrincipalArn: "Anonymous requests do
// not include this key") and "IAM policy elements: Variables and tags", Principal key values
// ("Anonymous caller (Amazon SQS, Amazon SNS, and Amazon S3 only)": aws:username not present,
// aws:userid `anonymous`, aws:PrincipalType `Anonymous`).
describe('the anonymous caller', () => {
  const source = { caller: ANONYMOUS_PRINCIPAL, region: 'us-east-1' };

  it('has the account `anonymous`, the type `Anonymous` and the user id `anonymous`', () => {
    expect(['aws:principalaccount', 'aws:principaltype', 'aws:userid'].map((key) => globalConditionValue(source, key))).toEqual([
      ['anonymous'],
      ['Anonymous'],
      ['anonymous'],
    ]);
  });

  it('has no principal ARN and no user name', () => {
    expect(globalConditionValue(source, 'aws:principalarn')).toBeUndefined();
    expect(globalConditionValue(source, 'aws:username')).toBeUndefined();
  });

  it('is no principal a policy can name: only "*" matches it', () => {
    const named = ['000000000000', 'arn:aws:iam::000000000000:root', 'arn:aws:iam::000000000000:user/anonymous'];
    expect(compilePrincipals({ anyone: false, aws: named, service: [], federated: [], canonicalUser: [] }).match(ANONYMOUS_PRINCIPAL)).toBeUndefined();
    expect(compilePrincipals({ anyone: true, aws: [], service: [], federated: [], canonicalUser: [] }).match(ANONYMOUS_PRINCIPAL)).toBe('direct');
  });
});
