// biome-ignore-all lint/suspicious/noTemplateCurlyInString: IAM policy variables are written ${key} inside policy strings.
/** Policy variables: `${key}` in Resource entries and Condition values of 2012-10-17 policies. */

import { principalFromArn } from '@strongbox/service-kernel';
import { describe, expect, it } from 'vitest';
import { type ConditionLookup, compiledPolicy, evaluatePolicy, type PolicyRequest, parseTemplate } from '../../src/index.ts';

const alice = principalFromArn('arn:aws:iam::111122223333:user/alice');

function lookupOf(values: Record<string, string | string[]>): ConditionLookup {
  return (key) => {
    const value = values[key];
    return value === undefined ? undefined : Array.isArray(value) ? value : [value];
  };
}

function allows(policy: object, resource: string, values: Record<string, string | string[]> = { 'aws:username': 'alice' }): boolean {
  const request: PolicyRequest = { caller: alice, action: 's3:GetObject', resource, lookup: lookupOf(values) };
  return evaluatePolicy(compiledPolicy(JSON.stringify(policy)), request, false).allowDirect;
}

const homeOf = (resource: string, version = '2012-10-17') => ({
  Version: version,
  Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: resource }],
});

describe('policy variables in Resource', () => {
  it('are replaced by the request’s value', () => {
    const policy = homeOf('arn:aws:s3:::b/home/${aws:username}/*');
    expect(allows(policy, 'arn:aws:s3:::b/home/alice/notes.txt')).toBe(true);
    expect(allows(policy, 'arn:aws:s3:::b/home/bob/notes.txt')).toBe(false);
  });

  it('are plain text in a policy of another Version (or none)', () => {
    expect(allows(homeOf('arn:aws:s3:::b/home/${aws:username}/*', '2008-10-17'), 'arn:aws:s3:::b/home/alice/x')).toBe(false);
    expect(allows(homeOf('arn:aws:s3:::b/home/${aws:username}/*', '2008-10-17'), 'arn:aws:s3:::b/home/${aws:username}/x')).toBe(true);
  });

  it('match nothing when the request has no value, unless the variable gives a default', () => {
    expect(allows(homeOf('arn:aws:s3:::b/home/${aws:username}/*'), 'arn:aws:s3:::b/home//x', {})).toBe(false);
    const withDefault = homeOf("arn:aws:s3:::b/home/${aws:username, 'guest'}/*");
    expect(allows(withDefault, 'arn:aws:s3:::b/home/guest/x', {})).toBe(true);
    expect(allows(withDefault, 'arn:aws:s3:::b/home/alice/x')).toBe(true);
  });

  it('match a key with several values nothing (a variable stands for one value)', () => {
    expect(allows(homeOf('arn:aws:s3:::b/${aws:PrincipalTag/team}/*'), 'arn:aws:s3:::b/red/x', { 'aws:principaltag/team': ['red', 'blue'] })).toBe(false);
    expect(allows(homeOf('arn:aws:s3:::b/${aws:PrincipalTag/team}/*'), 'arn:aws:s3:::b/red/x', { 'aws:principaltag/team': 'red' })).toBe(true);
  });

  it('substituted values and ${*} ${?} ${$} match literally, never as wildcards', () => {
    expect(allows(homeOf('arn:aws:s3:::b/home/${aws:username}'), 'arn:aws:s3:::b/home/anything', { 'aws:username': '*' })).toBe(false);
    expect(allows(homeOf('arn:aws:s3:::b/home/${aws:username}'), 'arn:aws:s3:::b/home/*', { 'aws:username': '*' })).toBe(true);
    expect(allows(homeOf('arn:aws:s3:::b/literal-${*}-${?}-${$}'), 'arn:aws:s3:::b/literal-*-?-$')).toBe(true);
    expect(allows(homeOf('arn:aws:s3:::b/literal-${*}-${?}-${$}'), 'arn:aws:s3:::b/literal-x-y-$')).toBe(false);
  });

  it('key names are case-insensitive', () => {
    expect(allows(homeOf('arn:aws:s3:::b/home/${AWS:UserName}/*'), 'arn:aws:s3:::b/home/alice/x')).toBe(true);
  });
});

describe('policy variables in Condition values', () => {
  const withCondition = (operator: string, value: string) => ({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*', Condition: { [operator]: { 's3:prefix': value } } }],
  });

  it('StringLike reads the policy’s own * as a wildcard and the value literally', () => {
    const policy = withCondition('StringLike', 'home/${aws:username}/*');
    expect(allows(policy, 'arn:aws:s3:::b', { 'aws:username': 'alice', 's3:prefix': 'home/alice/docs/' })).toBe(true);
    expect(allows(policy, 'arn:aws:s3:::b', { 'aws:username': 'alice', 's3:prefix': 'home/bob/' })).toBe(false);
    expect(allows(policy, 'arn:aws:s3:::b', { 'aws:username': 'a?ice', 's3:prefix': 'home/alice/' })).toBe(false);
  });

  it('StringEquals compares with the substituted text; an unresolved value makes a negated operator true', () => {
    expect(allows(withCondition('StringEquals', '${aws:username}'), 'arn:aws:s3:::b', { 'aws:username': 'alice', 's3:prefix': 'alice' })).toBe(true);
    expect(allows(withCondition('StringEquals', '${aws:username}'), 'arn:aws:s3:::b', { 's3:prefix': 'alice' })).toBe(false);
    expect(allows(withCondition('StringNotEquals', '${aws:username}'), 'arn:aws:s3:::b', { 's3:prefix': 'alice' })).toBe(true);
  });
});

describe('parseTemplate', () => {
  it('is undefined for text without variables (matched as before)', () => {
    expect(parseTemplate('arn:aws:s3:::b/*')).toBeUndefined();
    expect(parseTemplate('arn:aws:s3:::b/${not a variable}')).toBeUndefined();
  });
});
