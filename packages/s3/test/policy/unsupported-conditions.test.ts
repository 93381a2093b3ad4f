/**
 * `S3AccessRequest.unsupportedConditions`: condition keys S3 does not implement for a request
 * (CopyObject's `s3:if-match` / `s3:if-none-match`, UG `conditional-writes-enforce`). A statement
 * that applies to the request and tests one answers the 501; any other policy decides as before.
 */

import { principalFromArn } from '@strongbox/service-kernel';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { S3Error } from '../../src/errors.ts';
import { evaluateS3Access, type S3AccessRequest } from '../../src/index.ts';
import { accessRequest, OWNER, policyOf } from '../helpers/access-request.ts';

const ALICE_ARN = `arn:aws:iam::${OWNER}:user/alice`;

const UNSUPPORTED = {
  keys: ['s3:if-match', 's3:if-none-match'],
  error: () => new S3Error('ConditionalHeaderNotImplemented', { fields: [['Header', 'If-None-Match']] }),
};

/** A CopyObject's write of `data/locked/copy` by the owner's root, with `overrides` applied. */
function request(overrides: Partial<S3AccessRequest>): S3AccessRequest {
  return accessRequest({
    action: 's3:PutObject',
    resource: 'arn:aws:s3:::data/locked/copy',
    conditions: { 's3:ObjectCreationOperation': 'true', 's3:x-amz-metadata-directive': 'COPY' },
    ...overrides,
  });
}

/** The decision, or the error's reason when one is thrown. */
function outcome(access: S3AccessRequest): unknown {
  try {
    return evaluateS3Access(access);
  } catch (error) {
    return error instanceof S3Error ? error.reason : error;
  }
}

/** A statement's parts: which action and resource, and which key its condition tests. */
const statementArbitrary = fc.record({
  effect: fc.constantFrom('Allow', 'Deny'),
  action: fc.constantFrom('s3:PutObject', 's3:GetObject', 's3:*'),
  resource: fc.constantFrom('arn:aws:s3:::data/*', 'arn:aws:s3:::data/locked/*', 'arn:aws:s3:::data/open/*'),
  key: fc.constantFrom('s3:if-none-match', 's3:If-Match', 's3:x-amz-metadata-directive', undefined),
  nullValue: fc.constantFrom('true', 'false'),
});
type StatementParts = typeof statementArbitrary extends fc.Arbitrary<infer T> ? T : never;

function statement(parts: StatementParts, withPrincipal: boolean): object {
  return {
    Effect: parts.effect,
    ...(withPrincipal ? { Principal: '*' } : {}),
    Action: parts.action,
    Resource: parts.resource,
    ...(parts.key === undefined ? {} : { Condition: { Null: { [parts.key]: parts.nullValue } } }),
  };
}

const appliesToRequest = (parts: StatementParts): boolean => parts.action !== 's3:GetObject' && parts.resource !== 'arn:aws:s3:::data/open/*';
const testsUnsupported = (parts: StatementParts): boolean => parts.key !== undefined && parts.key !== 's3:x-amz-metadata-directive';

describe('unsupported condition keys', () => {
  it('the write-once policy: the 501 instead of a decision', () => {
    const bucketPolicy = policyOf({
      Effect: 'Deny',
      Principal: '*',
      Action: 's3:PutObject',
      Resource: 'arn:aws:s3:::data/*',
      Condition: { Null: { 's3:if-none-match': 'true' }, Bool: { 's3:ObjectCreationOperation': 'true' } },
    });
    expect(outcome(request({ bucketPolicy, unsupportedConditions: UNSUPPORTED }))).toBe('ConditionalHeaderNotImplemented');
    expect(outcome(request({ bucketPolicy }))).toEqual({ allowed: false, reason: 'explicitDenyInResourcePolicy' });
  });

  it('a statement of the caller’s identity policy that tests a key answers the 501 too', () => {
    const alice = principalFromArn(ALICE_ARN, {
      identityPolicy: policyOf({ Effect: 'Allow', Action: 's3:PutObject', Resource: '*', Condition: { Null: { 's3:if-match': 'false' } } }),
    });
    expect(outcome(request({ caller: alice, unsupportedConditions: UNSUPPORTED }))).toBe('ConditionalHeaderNotImplemented');
  });

  it('policies whose applicable statements do not test the keys decide as without them; a first applicable statement testing one answers the 501 (property)', () => {
    fc.assert(
      fc.property(fc.array(statementArbitrary, { maxLength: 4 }), fc.array(statementArbitrary, { maxLength: 3 }), (bucketSide, identitySide) => {
        const bucketPolicy = bucketSide.length === 0 ? undefined : policyOf(...bucketSide.map((parts) => statement(parts, true)));
        const caller =
          identitySide.length === 0
            ? principalFromArn(ALICE_ARN, {})
            : principalFromArn(ALICE_ARN, { identityPolicy: policyOf(...identitySide.map((parts) => statement(parts, false))) });
        const plain = request({ caller, bucketPolicy });
        const watched = outcome({ ...plain, unsupportedConditions: UNSUPPORTED });
        const applicable = [...bucketSide, ...identitySide].filter(appliesToRequest);
        if (!applicable.some(testsUnsupported)) expect(watched).toEqual(evaluateS3Access(plain));
        else if (watched !== 'ConditionalHeaderNotImplemented') expect(watched).toEqual(evaluateS3Access(plain));
        const first = bucketSide.find(appliesToRequest);
        if (first !== undefined && testsUnsupported(first)) expect(watched).toBe('ConditionalHeaderNotImplemented');
      }),
      { numRuns: 300 },
    );
  });
});
