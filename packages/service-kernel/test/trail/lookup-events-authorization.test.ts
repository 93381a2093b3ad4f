/**
 * CloudTrail LookupEvents is an IAM action: a principal other than an account root reads the
 * trail only if its identity policy allows `cloudtrail:LookupEvents`. Found by the
 * authentication tests (test/reliability/auth-bypass.test.ts): under --strict-auth a users-file
 * key with no permissions at all read the whole trail.
 */

import { describe, expect, it } from 'vitest';
import { AuditTrail, createCloudTrailHandler, type HttpRequest, type Principal, principalFromArn, rootPrincipal } from '../../src/index.ts';

const policy = (effect: 'Allow' | 'Deny', action: string): string =>
  JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: effect, Action: action, Resource: '*' }] });

const request: HttpRequest = {
  method: 'POST',
  path: '/',
  headers: { 'x-amz-target': 'CloudTrail_20131101.LookupEvents', 'content-type': 'application/x-amz-json-1.1' },
  body: new TextEncoder().encode('{}'),
};

async function lookupAs(caller: Principal): Promise<{ status: number; body: Record<string, unknown> }> {
  const trail = { auditTrail: new AuditTrail(), account: '000000000000', region: 'us-east-1' };
  const handler = createCloudTrailHandler(trail, { authenticate: async () => ({ caller, region: 'us-east-1' }) });
  const response = await handler(request);
  return { status: response.status, body: JSON.parse(response.body) as Record<string, unknown> };
}

describe('LookupEvents authorization', () => {
  it('lets an account root and a principal whose policy allows it read the trail', async () => {
    expect((await lookupAs(rootPrincipal('us-east-1', '000000000000'))).status).toBe(200);
    const reader = principalFromArn('arn:aws:iam::000000000000:user/auditor', { identityPolicy: policy('Allow', 'cloudtrail:LookupEvents') });
    expect((await lookupAs(reader)).status).toBe(200);
    const wildcard = principalFromArn('arn:aws:iam::000000000000:user/admin', { identityPolicy: policy('Allow', 'cloudtrail:*') });
    expect((await lookupAs(wildcard)).status).toBe(200);
  });

  it('refuses a principal with no identity policy, or one that allows other actions only', async () => {
    for (const caller of [
      principalFromArn('arn:aws:iam::000000000000:user/nobody'),
      principalFromArn('arn:aws:iam::000000000000:user/kms-only', { identityPolicy: policy('Allow', 'kms:*') }),
    ]) {
      expect(await lookupAs(caller)).toEqual({
        status: 400,
        body: {
          __type: 'AccessDeniedException',
          Message: `User: ${caller.arn} is not authorized to perform: cloudtrail:LookupEvents because no identity-based policy allows the cloudtrail:LookupEvents action`,
        },
      });
    }
  });

  it('refuses a principal whose policy denies it, whatever else allows it', async () => {
    const caller = principalFromArn('arn:aws:iam::000000000000:user/denied', {
      identityPolicy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Action: '*', Resource: '*' },
          { Effect: 'Deny', Action: 'cloudtrail:LookupEvents', Resource: '*' },
        ],
      }),
    });
    expect((await lookupAs(caller)).body).toEqual({
      __type: 'AccessDeniedException',
      Message: `User: ${caller.arn} is not authorized to perform: cloudtrail:LookupEvents with an explicit deny in an identity-based policy`,
    });
  });
});
