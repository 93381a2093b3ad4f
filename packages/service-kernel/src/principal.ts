/**
 * @module
 * Who is calling: an IAM principal resolved from the request's SigV4 access key id (or given
 * directly to the in-process API). The account root, IAM users and roles (assumed-role sessions),
 * AWS service principals acting for a caller, and the anonymous caller of an unsigned request
 * (Amazon S3, SQS and SNS only: a resource policy granting `"*"` can let it in).
 */

import { accountRootArn } from './arn.ts';

/**
 * The kind of principal, as CloudTrail's `userIdentity.type` names it (`Anonymous`, which
 * CloudTrail records as `AWSAccount` "anonymous", as IAM's `aws:PrincipalType` names it).
 */
export type PrincipalType = 'Root' | 'IAMUser' | 'AssumedRole' | 'AWSService' | 'Anonymous';

/** A caller. */
export interface Principal {
  /**
   * `arn:aws:iam::<account>:root`, `arn:aws:iam::<account>:user/<name>`,
   * `arn:aws:sts::<account>:assumed-role/<role>/<session>`, ...; `anonymous` for the anonymous
   * caller, which has no ARN (`aws:PrincipalArn` is absent).
   */
  readonly arn: string;
  /** The principal's account; `anonymous` for the anonymous caller, as `aws:PrincipalAccount` gives it. */
  readonly account: string;
  readonly type: PrincipalType;
  /** The SigV4 access key id the request was signed with, if any. */
  readonly accessKeyId?: string;
  /**
   * The principal's IAM identity policy document (JSON text), if any. Counts only where the key
   * policy delegates to the account (the `arn:aws:iam::<account>:root` statement).
   */
  readonly identityPolicy?: string;
  /** For calls an AWS service makes on a caller's behalf: the service (e.g. `s3.amazonaws.com`). */
  readonly invokedBy?: string;
}

/**
 * The account root principal.
 * @example rootPrincipal('us-east-1', '000000000000').arn // 'arn:aws:iam::000000000000:root'
 */
export function rootPrincipal(region: string, account: string): Principal {
  return { arn: accountRootArn(region, account), account, type: 'Root' };
}

/**
 * The caller of an unsigned request where the service takes one (S3): no account, no identity
 * policy, no ARN, so that only a resource policy statement for everybody (`"*"`) can allow it
 * (IAM User Guide, "Principal key values": `aws:userid` `anonymous`, `aws:PrincipalType`
 * `Anonymous`). `aws:PrincipalAccount` is present, as `anonymous` (IAM User Guide, "AWS global
 * condition context keys", aws:PrincipalAccount, https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html:
 * "For anonymous requests, the request context returns `anonymous`", available "for all
 * requests, including anonymous requests"), so a `Null aws:PrincipalAccount true` Deny does not
 * refuse the anonymous caller, where `aws:PrincipalArn` and the organization keys are absent
 * ("Anonymous requests do not include this key"). The texts `anonymous` are no account id or ARN
 * a policy can name (`isWellFormedPrincipal`).
 * @example ANONYMOUS_PRINCIPAL.type // 'Anonymous'
 */
export const ANONYMOUS_PRINCIPAL: Principal = Object.freeze({ arn: 'anonymous', account: 'anonymous', type: 'Anonymous' });

const IAM_ARN = /^arn:(aws|aws-cn|aws-us-gov):(iam|sts)::(\d{12}):(root|user\/.+|role\/.+|assumed-role\/.+)$/;

/**
 * Builds a principal from an IAM or STS ARN.
 *
 * @throws TypeError if `arn` is not an IAM/STS principal ARN.
 * @example principalFromArn('arn:aws:iam::111122223333:user/alice').type // 'IAMUser'
 */
export function principalFromArn(arn: string, extra: Partial<Pick<Principal, 'accessKeyId' | 'identityPolicy'>> = {}): Principal {
  const match = IAM_ARN.exec(arn);
  const [, , , account, resource] = match ?? [];
  if (account === undefined || resource === undefined) throw new TypeError(`"principal" expected an IAM or STS principal ARN, got ${JSON.stringify(arn)}`);
  const type: PrincipalType = resource === 'root' ? 'Root' : resource.startsWith('user/') ? 'IAMUser' : 'AssumedRole';
  return { arn, account, type, ...extra };
}
