/** CloudTrail's `userIdentity` of the principals the kernel knows. */

import { describe, expect, it } from 'vitest';
import { ANONYMOUS_PRINCIPAL, rootPrincipal, userIdentityOf, usernameOf } from '../../src/index.ts';

const EVENT_TIME = '2026-12-07T18:00:00Z';

describe('userIdentity', () => {
  it('of the account root names the account as its principal id', () => {
    expect(userIdentityOf(rootPrincipal('us-east-1', '111122223333'), EVENT_TIME)).toEqual({
      type: 'Root',
      principalId: '111122223333',
      arn: 'arn:aws:iam::111122223333:root',
      accountId: '111122223333',
    });
  });

  // An anonymous S3 request as CloudTrail records it (TryHackMe Advent of Cyber 2024, day 7: an
  // unsigned PreflightRequest data event, its bucket owner the recipient): `AWSAccount` with an
  // empty principal id and the account `anonymous`, no ARN.
  it('of an anonymous caller is an AWSAccount "anonymous" with an empty principal id', () => {
    const identity = userIdentityOf(ANONYMOUS_PRINCIPAL, EVENT_TIME);
    expect(identity).toEqual({ type: 'AWSAccount', principalId: '', accountId: 'anonymous' });
    expect(Object.keys(identity)).toEqual(['type', 'principalId', 'accountId']);
    expect(usernameOf(identity)).toBeUndefined();
  });
});
