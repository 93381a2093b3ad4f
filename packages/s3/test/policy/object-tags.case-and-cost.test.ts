/**
 * The object-tag condition keys on the policy engine, pinned where a first implementation went wrong:
 *
 * 1. "A tag spelled exactly as the policy spells it answers alone" makes a Deny fail open: an
 *    object tagged both `Classification=public` and `classification=secret` escapes a Deny on
 *    `s3:ExistingObjectTag/Classification` = `secret`, although the module's own cited rule (IAM:
 *    the tag key in a key name "matches a resource tag key named either TagKey1 or tagkey1") has
 *    the key match both tags.
 * 2. The request's tags are read (parsed) once per statement that tests them, not once per
 *    request.
 */

import { describe, expect, it } from 'vitest';
import { evaluateS3Access, type Tag } from '../../src/index.ts';
import { policyOf, accessRequest as request } from '../helpers/access-request.ts';

const tags = (...pairs: [string, string][]): Tag[] => pairs.map(([key, value]) => ({ key, value }));
const denyWhen = (action: string, condition: object) => ({
  Effect: 'Deny',
  Principal: '*',
  Action: action,
  Resource: 'arn:aws:s3:::reports/*',
  Condition: condition,
});

describe('a case variant of a tag key does not hide the tag from a Deny', () => {
  it('Deny StringEquals s3:ExistingObjectTag/Classification = secret applies to an object also tagged classification=secret', () => {
    const bucketPolicy = policyOf(denyWhen('s3:GetObject', { StringEquals: { 's3:ExistingObjectTag/Classification': 'secret' } }));
    // Without the decoy the Deny applies (case-insensitive match of the tag key).
    expect(evaluateS3Access(request({ bucketPolicy, existingTags: tags(['classification', 'secret']) })).allowed).toBe(false);
    // Adding a tag spelled as the policy spells it must not lift it.
    expect(evaluateS3Access(request({ bucketPolicy, existingTags: tags(['Classification', 'public'], ['classification', 'secret']) })).allowed).toBe(false);
  });
});

describe('the request’s tags are read once per decision', () => {
  it('three statements testing s3:RequestObjectTag read the x-amz-tagging tags once', () => {
    let reads = 0;
    const requestTags = () => {
      reads++;
      return tags(['project', 'blue'], ['team', 'a']);
    };
    const bucketPolicy = policyOf(
      denyWhen('s3:PutObject', { StringNotEquals: { 's3:RequestObjectTag/project': 'blue' } }),
      denyWhen('s3:PutObject', { StringEquals: { 's3:RequestObjectTag/team': 'z' } }),
      denyWhen('s3:PutObject', { 'ForAnyValue:StringEquals': { 's3:RequestObjectTagKeys': 'secret' } }),
    );
    expect(evaluateS3Access(request({ action: 's3:PutObject', bucketPolicy, requestTags })).allowed).toBe(true);
    expect(reads).toBe(1);
  });
});
