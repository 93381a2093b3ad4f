/**
 * An anonymous caller never gets more than a bucket policy's statements for everybody allow:
 * against random policies mixing statements for `"*"` with statements naming accounts and users,
 * Allow and Deny, actions, resources and conditions, the engine's decision is the one a plain
 * reading of the `"*"` statements alone gives (an applicable Allow for everybody and no applicable
 * Deny for everybody), whatever the other statements say.
 */

import { ANONYMOUS_PRINCIPAL } from '@strongbox/service-kernel';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluateS3Access, validateBucketPolicy } from '../../src/index.ts';

const OWNER = '111122223333';
const BUCKET = 'pub';

/** Who a statement names: everybody (in either spelling, alone or in a list) or somebody else. */
const PRINCIPALS = [
  '*',
  { AWS: '*' },
  { AWS: [OWNER, '*'] },
  { AWS: OWNER },
  { AWS: `arn:aws:iam::${OWNER}:root` },
  { AWS: `arn:aws:iam::${OWNER}:user/anonymous` },
  { AWS: ['444455556666', `arn:aws:iam::${OWNER}:role/reader`] },
] as const;
const ACTIONS = ['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:Get*', 's3:*Object', 's3:*'] as const;
const RESOURCES = [`arn:aws:s3:::${BUCKET}/*`, `arn:aws:s3:::${BUCKET}/a/*`, `arn:aws:s3:::${BUCKET}/a/x`, `arn:aws:s3:::${BUCKET}/?/y`] as const;

/** Conditions over the request's transport and the caller, and whether each holds for an anonymous caller. */
const CONDITIONS: readonly { readonly block: object | undefined; readonly holds: (secure: boolean) => boolean }[] = [
  { block: undefined, holds: () => true },
  { block: { Bool: { 'aws:SecureTransport': 'true' } }, holds: (secure) => secure },
  { block: { Bool: { 'aws:SecureTransport': 'false' } }, holds: (secure) => !secure },
  // aws:PrincipalAccount is `anonymous` for an anonymous caller; aws:PrincipalArn is absent.
  { block: { StringEquals: { 'aws:PrincipalAccount': OWNER } }, holds: () => false },
  { block: { StringNotEquals: { 'aws:PrincipalAccount': OWNER } }, holds: () => true },
  { block: { ArnLike: { 'aws:PrincipalArn': `arn:aws:iam::${OWNER}:*` } }, holds: () => false },
  { block: { Null: { 'aws:PrincipalArn': 'true' } }, holds: () => true },
  { block: { StringEquals: { 'aws:PrincipalType': 'Anonymous' } }, holds: () => true },
];

interface Statement {
  readonly allow: boolean;
  readonly principal: number;
  readonly action: number;
  readonly resource: number;
  readonly condition: number;
}

const statementArb: fc.Arbitrary<Statement> = fc.record({
  allow: fc.boolean(),
  principal: fc.nat(PRINCIPALS.length - 1),
  action: fc.nat(ACTIONS.length - 1),
  resource: fc.nat(RESOURCES.length - 1),
  condition: fc.nat(CONDITIONS.length - 1),
});

const requestArb = fc.record({
  action: fc.constantFrom('s3:GetObject', 's3:PutObject', 's3:DeleteObject'),
  key: fc.constantFrom('a/x', 'a/y', 'b/y', 'c/z'),
  secure: fc.boolean(),
});

function policyText(statements: readonly Statement[]): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: statements.map((statement) => {
      const condition = CONDITIONS[statement.condition]?.block;
      return {
        Effect: statement.allow ? 'Allow' : 'Deny',
        Principal: PRINCIPALS[statement.principal],
        Action: ACTIONS[statement.action],
        Resource: RESOURCES[statement.resource],
        ...(condition === undefined ? {} : { Condition: condition }),
      };
    }),
  });
}

/** A policy wildcard (`*`, `?`) as a whole-string pattern (actions compare case-insensitively, ARNs not). */
function glob(pattern: string, flags = ''): RegExp {
  return new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
    flags,
  );
}

function namesEverybody(principal: (typeof PRINCIPALS)[number]): boolean {
  if (principal === '*') return true;
  const named = principal.AWS;
  return typeof named === 'string' ? named === '*' : (named as readonly string[]).includes('*');
}

/** Whether a statement for everybody applies to the anonymous request (a plain reading, not the engine). */
function appliesToAnonymous(statement: Statement, request: { action: string; key: string; secure: boolean }): boolean {
  const principal = PRINCIPALS[statement.principal];
  const action = ACTIONS[statement.action];
  const resource = RESOURCES[statement.resource];
  const condition = CONDITIONS[statement.condition];
  if (principal === undefined || action === undefined || resource === undefined || condition === undefined) throw new RangeError('statement index');
  return (
    namesEverybody(principal) &&
    glob(action, 'i').test(request.action) &&
    glob(resource).test(`arn:aws:s3:::${BUCKET}/${request.key}`) &&
    condition.holds(request.secure)
  );
}

describe('an anonymous caller against random bucket policies', () => {
  it('is allowed exactly what an applicable Allow for everybody allows and no applicable Deny for everybody refuses', () => {
    fc.assert(
      fc.property(fc.array(statementArb, { minLength: 1, maxLength: 6 }), requestArb, (statements, request) => {
        const policy = policyText(statements);
        // A policy PutBucketPolicy would store.
        validateBucketPolicy(policy, BUCKET);
        const decision = evaluateS3Access({
          caller: ANONYMOUS_PRINCIPAL,
          action: request.action,
          resource: `arn:aws:s3:::${BUCKET}/${request.key}`,
          bucketOwner: OWNER,
          bucketPolicy: policy,
          region: 'us-east-1',
          secureTransport: request.secure,
          now: Date.UTC(2026, 11, 7),
        });
        const applicable = statements.filter((statement) => appliesToAnonymous(statement, request));
        const expected = applicable.some((statement) => statement.allow) && !applicable.some((statement) => !statement.allow);
        expect(decision.allowed).toBe(expected);
      }),
      { numRuns: 2000 },
    );
  });
});
