/**
 * S3's object-tag condition keys on the policy engine (`policy/object-tags.ts`, `tryEvaluateS3Access`):
 * which actions have them, how a tag key in a key name is matched, the multivalued
 * `s3:RequestObjectTagKeys`, and the lazy read of an object's tags: asked for only when a
 * statement that applies tests `s3:ExistingObjectTag/<key>`, and then deciding as if the tags had
 * been given from the start.
 */

import { principalFromArn, rootPrincipal } from '@strongbox/service-kernel';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluateS3Access, hasExistingTagKeys, hasRequestTagKeys, objectTagValue, type Tag, tryEvaluateS3Access } from '../../src/index.ts';
import { OWNER, policyOf, accessRequest as request } from '../helpers/access-request.ts';

const ownerRoot = rootPrincipal('us-east-1', OWNER);
const alice = (policy?: string) => principalFromArn(`arn:aws:iam::${OWNER}:user/alice`, policy === undefined ? {} : { identityPolicy: policy });
const tags = (...pairs: [string, string][]): Tag[] => pairs.map(([key, value]) => ({ key, value }));

/** A bucket policy denying `action` to everyone when `condition` holds. */
const denyWhen = (action: string, condition: object): string =>
  policyOf({ Effect: 'Deny', Principal: '*', Action: action, Resource: 'arn:aws:s3:::reports/*', Condition: condition });

describe('the actions that have the keys (Service Authorization Reference)', () => {
  it('s3:ExistingObjectTag/<key>: reading the object, its tags, ACL, attributes; changing its tags or ACL; any case', () => {
    for (const action of [
      's3:GetObject',
      's3:GetObjectTagging',
      's3:PutObjectTagging',
      's3:DeleteObjectTagging',
      's3:GetObjectAttributes',
      'S3:getobjectversion',
    ])
      expect(hasExistingTagKeys(action)).toBe(true);
    // UG: "you cannot create a policy to grant or deny a user permissions to delete or overwrite
    // an object based on its existing tags".
    for (const action of ['s3:PutObject', 's3:DeleteObject', 's3:ListBucket', 's3:AbortMultipartUpload']) expect(hasExistingTagKeys(action)).toBe(false);
  });

  it('s3:RequestObjectTag/<key> and s3:RequestObjectTagKeys: PutObject, PutObjectTagging and their version forms', () => {
    for (const action of ['s3:PutObject', 's3:PutObjectTagging', 's3:PutObjectVersionTagging', 's3:BypassGovernanceRetention'])
      expect(hasRequestTagKeys(action)).toBe(true);
    for (const action of ['s3:GetObject', 's3:DeleteObjectTagging', 's3:GetObjectTagging']) expect(hasRequestTagKeys(action)).toBe(false);
  });
});

describe('objectTagValue', () => {
  const source = { existing: tags(['Env', 'prod'], ['env', 'dev'], ['team', 'red'], ['a/b', 'slash']), requested: tags(['Owner', 'alice'], ['cost', '']) };

  it('every tag whose key equals the name ignoring case answers (IAM: tag keys in key names are not case-sensitive)', () => {
    expect(objectTagValue('s3:existingobjecttag/team', source)).toEqual(['red']);
    // Two tags differing only in case both answer: neither hides the other from a Deny.
    expect(objectTagValue('s3:existingobjecttag/env', source)).toEqual(['prod', 'dev']);
  });

  it('a tag key may hold a slash; a missing tag, or no tags, is absent', () => {
    expect(objectTagValue('s3:existingobjecttag/a/b', source)).toEqual(['slash']);
    expect(objectTagValue('s3:existingobjecttag/other', source)).toBeUndefined();
    expect(objectTagValue('s3:existingobjecttag/env', {})).toBeUndefined();
    expect(objectTagValue('s3:existingobjecttag/env', { existing: [] })).toBeUndefined();
  });

  it('request tags: each by key, an empty value kept; RequestObjectTagKeys lists the keys as sent, absent for none', () => {
    expect(objectTagValue('s3:requestobjecttag/owner', source)).toEqual(['alice']);
    expect(objectTagValue('s3:requestobjecttag/cost', source)).toEqual(['']);
    expect(objectTagValue('s3:requestobjecttagkeys', source)).toEqual(['Owner', 'cost']);
    expect(objectTagValue('s3:requestobjecttagkeys', { requested: [] })).toBeUndefined();
  });

  it('reads a function source only when asked', () => {
    let reads = 0;
    const lazy = {
      existing: () => {
        reads++;
        return tags(['k', 'v']);
      },
    };
    expect(objectTagValue('s3:requestobjecttagkeys', lazy)).toBeUndefined();
    expect(reads).toBe(0);
    expect(objectTagValue('s3:existingobjecttag/k', lazy)).toEqual(['v']);
    expect(reads).toBe(1);
  });
});

describe('deciding with the object’s existing tags', () => {
  const onlyPublic = denyWhen('s3:GetObject', { StringNotEquals: { 's3:ExistingObjectTag/classification': 'public' } });

  it('a statement testing them asks for them (undefined) when they were not given, then decides with them', () => {
    expect(tryEvaluateS3Access(request({ bucketPolicy: onlyPublic }))).toBeUndefined();
    expect(evaluateS3Access(request({ bucketPolicy: onlyPublic, existingTags: tags(['classification', 'public']) })).allowed).toBe(true);
    expect(evaluateS3Access(request({ bucketPolicy: onlyPublic, existingTags: tags(['classification', 'secret']) })).allowed).toBe(false);
    // No such tag (or no object): the key is absent, StringNotEquals holds, the Deny applies.
    expect(evaluateS3Access(request({ bucketPolicy: onlyPublic, existingTags: [] })).allowed).toBe(false);
  });

  it('evaluateS3Access refuses to guess: a TypeError when they are needed and not given', () => {
    expect(() => evaluateS3Access(request({ bucketPolicy: onlyPublic }))).toThrow(TypeError);
  });

  it('never asked for without a policy, for an action without the key, or when no statement applies', () => {
    expect(tryEvaluateS3Access(request({}))).toEqual({ allowed: true, via: 'root' });
    expect(tryEvaluateS3Access(request({ bucketPolicy: onlyPublic, action: 's3:PutObject' }))).toEqual({ allowed: true, via: 'root' });
    expect(tryEvaluateS3Access(request({ bucketPolicy: onlyPublic, resource: 'arn:aws:s3:::other/q1.csv' }))).toEqual({ allowed: true, via: 'root' });
    // A statement whose earlier condition fails never reads the later one.
    const secure = denyWhen('s3:GetObject', { Bool: { 'aws:SecureTransport': 'false' }, StringEquals: { 's3:ExistingObjectTag/x': 'y' } });
    expect(tryEvaluateS3Access(request({ bucketPolicy: secure }))).toEqual({ allowed: true, via: 'root' });
  });

  it('an identity policy asks for them too: an Allow limited to tagged objects', () => {
    const caller = alice(
      policyOf({
        Effect: 'Allow',
        Action: 's3:GetObject',
        Resource: 'arn:aws:s3:::reports/*',
        Condition: { StringEquals: { 's3:ExistingObjectTag/team': 'red' } },
      }),
    );
    expect(tryEvaluateS3Access(request({ caller }))).toBeUndefined();
    expect(evaluateS3Access(request({ caller, existingTags: tags(['team', 'red']) }))).toEqual({ allowed: true, via: 'identityPolicy' });
    expect(evaluateS3Access(request({ caller, existingTags: tags(['team', 'Red']) }))).toEqual({ allowed: false, reason: 'noIdentityPolicy' });
  });

  it('property: the lazy decision equals the decision made with the tags given from the start', () => {
    const tagKey = fc.constantFrom('team', 'Team', 'env', 'a/b');
    const tagValue = fc.constantFrom('red', 'blue', '');
    const objectTags = fc.uniqueArray(fc.tuple(tagKey, tagValue), { selector: ([key]) => key, maxLength: 4 });
    const condition = fc.record({
      operator: fc.constantFrom('StringEquals', 'StringNotEquals', 'StringLike', 'StringEqualsIfExists', 'StringNotEqualsIfExists', 'Null'),
      key: tagKey,
      value: fc.constantFrom('red', 'blue', 'r*', 'true', 'false'),
    });
    const statement = fc.record({
      effect: fc.constantFrom('Allow', 'Deny'),
      condition,
      action: fc.constantFrom('s3:GetObject', 's3:GetObjectTagging', 's3:*'),
    });
    fc.assert(
      fc.property(fc.array(statement, { minLength: 1, maxLength: 3 }), objectTags, fc.boolean(), (statements, pairs, asAlice) => {
        const bucketPolicy = policyOf(
          ...statements.map(({ effect, condition: { operator, key, value }, action }) => ({
            Effect: effect,
            Principal: '*',
            Action: action,
            Resource: 'arn:aws:s3:::reports/*',
            Condition: { [operator]: { [`s3:ExistingObjectTag/${key}`]: value } },
          })),
        );
        const base = request({ bucketPolicy, caller: asAlice ? alice() : ownerRoot });
        const existingTags = tags(...pairs);
        const lazy = tryEvaluateS3Access(base) ?? evaluateS3Access({ ...base, existingTags });
        expect(lazy).toEqual(evaluateS3Access({ ...base, existingTags }));
      }),
    );
  });
});

describe('deciding with the tags a request sets', () => {
  it('s3:RequestObjectTag/<key> on PutObject; a function source is read only when a policy asks', () => {
    const policy = denyWhen('s3:PutObject', { StringNotEquals: { 's3:RequestObjectTag/project': 'blue' } });
    let reads = 0;
    const requestTags = (pairs: [string, string][]) => () => {
      reads++;
      return tags(...pairs);
    };
    expect(evaluateS3Access(request({ action: 's3:PutObject', requestTags: requestTags([['project', 'blue']]) })).allowed).toBe(true);
    expect(reads).toBe(0);
    expect(evaluateS3Access(request({ action: 's3:PutObject', bucketPolicy: policy, requestTags: requestTags([['project', 'blue']]) })).allowed).toBe(true);
    expect(evaluateS3Access(request({ action: 's3:PutObject', bucketPolicy: policy, requestTags: requestTags([['project', 'red']]) })).allowed).toBe(false);
    expect(evaluateS3Access(request({ action: 's3:PutObject', bucketPolicy: policy })).allowed).toBe(false);
    expect(reads).toBe(2);
  });

  it('not on an action without the keys: s3:GetObject never sees them', () => {
    const policy = denyWhen('s3:GetObject', { Null: { 's3:RequestObjectTagKeys': 'false' } });
    expect(evaluateS3Access(request({ bucketPolicy: policy, requestTags: tags(['a', '1']) })).allowed).toBe(true);
  });

  it('s3:RequestObjectTagKeys is multivalued: ForAllValues tests every key, ForAnyValue some key', () => {
    const decide = (policy: string, requestTags: Tag[]) =>
      evaluateS3Access(request({ action: 's3:PutObjectTagging', bucketPolicy: policy, requestTags, existingTags: [] })).allowed;
    // ForAllValues:StringNotEquals holds when every key is outside the list.
    const allOutside = denyWhen('s3:PutObjectTagging', { 'ForAllValues:StringNotEquals': { 's3:RequestObjectTagKeys': ['project', 'team'] } });
    expect(decide(allOutside, tags(['project', 'x'], ['other', 'y']))).toBe(true);
    expect(decide(allOutside, tags(['other', 'x']))).toBe(false);
    // ForAnyValue:StringNotEquals holds when some key is: a Deny limiting the keys to the list.
    const anyOutside = denyWhen('s3:PutObjectTagging', { 'ForAnyValue:StringNotEquals': { 's3:RequestObjectTagKeys': ['project', 'team'] } });
    expect(decide(anyOutside, tags(['project', 'x'], ['other', 'y']))).toBe(false);
    expect(decide(anyOutside, tags(['project', 'x']))).toBe(true);
    expect(decide(anyOutside, [])).toBe(true);
  });
});
