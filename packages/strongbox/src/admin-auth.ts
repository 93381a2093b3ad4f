/**
 * @module
 * Who may use the admin API under `--strict-auth`. The controls are not an AWS API, but a strict
 * endpoint lets nobody change its state without proving who they are, so an admin request must be
 * SigV4-signed (the kernel's verifier, credential scope service `strongbox`) with a known access
 * key whose identity policy allows the action (the kernel's IAM engine):
 *
 * | Request | Action |
 * |---|---|
 * | `GET /_strongbox/clock` | `strongbox:ReadClock` |
 * | `POST /_strongbox/clock` | `strongbox:AdvanceClock` |
 * | `GET /_strongbox/faults` | `strongbox:ListFaults` |
 * | `POST /_strongbox/faults` | `strongbox:InjectFault` |
 * | `DELETE /_strongbox/faults[/<id>]` | `strongbox:ClearFaults` |
 * | `POST /_strongbox/reset` | `strongbox:Reset` |
 * | `GET /_strongbox/quotas` | `strongbox:ReadQuotas` |
 * | `PUT /_strongbox/quotas` | `strongbox:ConfigureQuotas` |
 *
 * There is no implicit grant: an account root (the public `test` key included) is refused unless
 * its users-file entry has a policy allowing the action, since anyone can sign as `test`.
 * Refusals are 403 with an AWS-shaped JSON body (`__type` and `message`).
 */

import {
  type Clock,
  createSigV4Authenticator,
  evaluateIdentityPolicy,
  globalConditionValue,
  type HttpRequest,
  type Principal,
  ServiceError,
  type UserDirectory,
  withDefaultUser,
} from '@strongbox/service-kernel';

/** The credential scope service name admin requests are signed for. */
export const ADMIN_SIGNING_NAME = 'strongbox';

/** What strict admin authorization needs. */
export interface AdminAuthOptions {
  readonly users: UserDirectory;
  readonly account: string;
  readonly region: string;
  readonly clock: Clock;
}

/** A refusal: AWS-shaped, always 403. */
export interface AdminRefusal {
  readonly refused: true;
  /** The AWS error code (`__type`). */
  readonly code: string;
  readonly message: string;
}

/**
 * The authorizer of strict admin requests: resolves the caller, or a refusal.
 * @example const refusal = await createAdminAuthorizer({ users, account, region, clock })(request, 'strongbox:Reset');
 */
export function createAdminAuthorizer(options: AdminAuthOptions): (request: HttpRequest, action: string) => Promise<AdminRefusal | Principal> {
  const authenticate = createSigV4Authenticator({
    users: withDefaultUser(options.users, options.account, options.region),
    strict: true,
    account: options.account,
    region: options.region,
    clock: options.clock,
    service: ADMIN_SIGNING_NAME,
  });
  return async (request, action) => {
    let caller: Principal;
    let region: string;
    try {
      const identity = await authenticate(request);
      caller = identity.caller;
      region = identity.region ?? options.region;
    } catch (error) {
      if (error instanceof ServiceError) return { refused: true, code: error.code, message: error.message };
      throw error;
    }
    const lookup = (key: string): readonly string[] | undefined => globalConditionValue({ caller, region, now: options.clock.now() }, key);
    const verdict = evaluateIdentityPolicy(caller, { caller, action, resource: '*', lookup });
    if (verdict.allowDirect && !verdict.deny) return caller;
    const reason = verdict.deny ? 'with an explicit deny in an identity-based policy' : `because no identity-based policy allows the ${action} action`;
    return { refused: true, code: 'AccessDeniedException', message: `User: ${caller.arn} is not authorized to perform: ${action} ${reason}` };
  };
}
