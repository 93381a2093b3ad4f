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
 *
 * Two steps, so that the admin API authenticates a request before it routes it: an unsigned or
 * badly signed request learns nothing of which paths and methods exist (no 404/405 before the
 * signature is checked), as S3 checks a signed request's signature before it looks for what the
 * request names. Authorization needs the action, so it comes after routing.
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

/** A caller whose signature checked out, not yet authorized for any action. */
export interface AdminCaller {
  readonly caller: Principal;
  readonly region: string;
}

/** Strict admin authentication and authorization, as two steps (see the module documentation). */
export interface AdminAuthorizer {
  /** Verifies the request's SigV4 signature: the caller, or the refusal (`MissingAuthenticationTokenException`, ...). */
  authenticate(request: HttpRequest): Promise<AdminRefusal | AdminCaller>;
  /** Whether the caller's identity policy allows `action`: the caller's principal, or `AccessDeniedException`. */
  authorize(caller: AdminCaller, action: string): AdminRefusal | Principal;
}

/**
 * The authorizer of strict admin requests.
 * @throws nothing of its own: the verifier's non-AWS failures (a bug) propagate from `authenticate`.
 * @example
 * ```ts
 * const auth = createAdminAuthorizer({ users, account, region, clock });
 * const caller = await auth.authenticate(request);
 * const verdict = 'refused' in caller ? caller : auth.authorize(caller, 'strongbox:Reset');
 * ```
 */
export function createAdminAuthorizer(options: AdminAuthOptions): AdminAuthorizer {
  const verify = createSigV4Authenticator({
    users: withDefaultUser(options.users, options.account, options.region),
    strict: true,
    account: options.account,
    region: options.region,
    clock: options.clock,
    service: ADMIN_SIGNING_NAME,
  });
  return {
    async authenticate(request) {
      try {
        const identity = await verify(request);
        return { caller: identity.caller, region: identity.region ?? options.region };
      } catch (error) {
        if (error instanceof ServiceError) return { refused: true, code: error.code, message: error.message };
        throw error;
      }
    },
    authorize({ caller, region }, action) {
      const lookup = (key: string): readonly string[] | undefined => globalConditionValue({ caller, region, now: options.clock.now() }, key);
      const verdict = evaluateIdentityPolicy(caller, { caller, action, resource: '*', lookup });
      if (verdict.allowDirect && !verdict.deny) return caller;
      const reason = verdict.deny ? 'with an explicit deny in an identity-based policy' : `because no identity-based policy allows the ${action} action`;
      return { refused: true, code: 'AccessDeniedException', message: `User: ${caller.arn} is not authorized to perform: ${action} ${reason}` };
    },
  };
}
