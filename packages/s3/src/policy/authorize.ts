/**
 * @module
 * S3 authorization (S3 User Guide "How Amazon S3 authorizes a request", IAM User Guide "Policy
 * evaluation logic" and "Cross-account policy evaluation logic"), on the kernel's evaluation of
 * both sides (`evaluateSides`: the bucket policy with its principals, the caller's identity
 * policy without):
 *
 * 1. an explicit Deny in the bucket policy or in the caller's identity policy wins;
 * 2. within the bucket owner's account, either side may allow: the identity policy, or a bucket
 *    policy statement naming the caller itself (a statement naming only the account delegates to
 *    IAM, so the identity policy still decides); the account root needs no identity policy;
 * 3. from another account, both sides must allow: the caller's identity policy (the other
 *    account's root has it implicitly) and the bucket policy, naming the caller or its account;
 * 4. account-level actions (`s3:CreateBucket` before the bucket exists, `s3:ListAllMyBuckets`)
 *    have no bucket policy: the identity side alone decides.
 *
 * The lock-out escape: the root user of the account that owns a bucket can always call
 * GetBucketPolicy, PutBucketPolicy and DeleteBucketPolicy, "even if the policy explicitly denies
 * the root user the ability to perform this action" (PutBucketPolicy API reference), so a policy
 * that denies everyone can still be repaired.
 *
 * The object-tag keys (`object-tags.ts`): the tags a request sets are the request's own; the tags
 * of the object it acts on (`s3:ExistingObjectTag/<key>`) cost a read of the object's record, so a
 * request may come without them: `tryEvaluateS3Access` then answers `undefined` when, and only
 * when, a statement that applies to the request tests one of those keys, and the caller reads the
 * tags and asks again. A request no such policy applies to never reads them.
 *
 * The anonymous caller (an unsigned request under strict authentication, the kernel's
 * `ANONYMOUS_PRINCIPAL`) has no account and no identity policy: only a bucket policy statement
 * that applies to everybody (`"*"`, `{"AWS": "*"}`, or a `NotPrincipal` not naming it) can allow
 * it (S3 User Guide, "Bucket policy examples": granting read-only permission to anonymous users),
 * an explicit Deny still wins, and it is never told more than "Access Denied".
 *
 * Callers with unknown access keys act as the default account's root (the kernel's SigV4
 * authenticator outside strict mode; the in-process default), so they keep full access to their
 * own buckets, except what a bucket policy denies: a Deny statement applies in every mode.
 */

import { type ConditionLookup, evaluateSides, type PolicySides, type Principal, type RequestConditions } from '@strongbox/service-kernel';
import { S3Error } from '../errors.ts';
import type { Tag } from '../model/tagging.ts';
import type { S3Action } from './actions.ts';
import { type ObjectTagKeys, objectTagKeysOf, readOnce, type TagSource } from './object-tags.ts';
import { type S3ContextSource, type SignatureFacts, s3ContextLookup } from './request-context.ts';

/** One access question. */
export interface S3AccessRequest {
  readonly caller: Principal;
  readonly action: S3Action;
  /** The bucket ARN, an object ARN, or `*` for account-level actions. */
  readonly resource: string;
  /** The account owning the bucket; `undefined` for account-level actions. */
  readonly bucketOwner: string | undefined;
  /** The bucket's policy text, if it has one. */
  readonly bucketPolicy: string | undefined;
  readonly region: string;
  readonly secureTransport: boolean;
  /** Request time, epoch ms. */
  readonly now: number;
  readonly sourceIp?: string;
  /**
   * The request's `s3:` condition keys (only those the request has), or how to compute them:
   * they are read only when a policy is evaluated, so a request no policy applies to never makes
   * them.
   */
  readonly conditions?: RequestConditions | (() => RequestConditions);
  /** How the request was authenticated (the protocol edge's facts; absent in process). */
  readonly signature?: SignatureFacts;
  /** Condition keys S3 does not serve for this request (see `UnsupportedConditions`). */
  readonly unsupportedConditions?: UnsupportedConditions;
  /**
   * The tags the request sets on the object (x-amz-tagging, a PutObjectTagging document), or how
   * to read them from the request: `s3:RequestObjectTag/<key>` and `s3:RequestObjectTagKeys`, for
   * the actions that have them.
   */
  readonly requestTags?: TagSource;
  /**
   * The tags of the object the request acts on (empty: none, or no object), for
   * `s3:ExistingObjectTag/<key>`; absent when not read (see `tryEvaluateS3Access`).
   */
  readonly existingTags?: readonly Tag[];
}

/**
 * Condition keys a request's headers imply but S3 does not implement for its operation: a policy
 * statement that applies to the request and tests one of them gets `error()` (S3's 501) instead
 * of a decision. CopyObject's `s3:if-match` / `s3:if-none-match` (UG `conditional-writes-enforce`).
 */
export interface UnsupportedConditions {
  /** The keys, lower-cased (as the policy engine looks them up). */
  readonly keys: readonly string[];
  readonly error: () => S3Error;
}

/** Why a request was refused, as the AccessDenied message ends. */
export type S3DenialReason = 'explicitDenyInResourcePolicy' | 'explicitDenyInIdentityPolicy' | 'noResourcePolicy' | 'noIdentityPolicy';

/** The answer. */
export type S3AccessDecision =
  | { readonly allowed: true; readonly via: 'root' | 'identityPolicy' | 'bucketPolicy' | 'lockoutEscape' }
  | { readonly allowed: false; readonly reason: S3DenialReason };

/** The actions the bucket owner's root can always perform (the lock-out escape). */
const POLICY_ACTIONS: ReadonlySet<string> = new Set(['s3:getbucketpolicy', 's3:putbucketpolicy', 's3:deletebucketpolicy']);

/**
 * Decides an access request. Pure: the same request always gets the same decision.
 * @throws S3Error `request.unsupportedConditions.error()` when a statement that applies to the
 *   request tests one of those keys.
 * @throws TypeError when the decision needs the object's tags and `request.existingTags` is absent
 *   (use `tryEvaluateS3Access` for a request that may need them read).
 * @example evaluateS3Access({ caller: root, action: 's3:GetObject', resource: 'arn:aws:s3:::b/k', bucketOwner: root.account, bucketPolicy: undefined, region, secureTransport: true, now }).allowed // true
 */
export function evaluateS3Access(request: S3AccessRequest): S3AccessDecision {
  const decision = tryEvaluateS3Access(request);
  if (decision === undefined) throw new TypeError(`deciding ${request.action} on ${request.resource} needs the object's existing tags`);
  return decision;
}

/**
 * Decides an access request, or answers `undefined` when the decision needs the tags of the object
 * it acts on (a statement that applies tests `s3:ExistingObjectTag/<key>`) and
 * `request.existingTags` is absent: read them and decide again with them. Pure.
 * @throws S3Error as `evaluateS3Access`.
 * @example tryEvaluateS3Access(request) ?? evaluateS3Access({ ...request, existingTags: await tagsOf(object) })
 */
export function tryEvaluateS3Access(request: S3AccessRequest): S3AccessDecision | undefined {
  const { caller, bucketOwner } = request;
  const ownerRoot = caller.type === 'Root' && bucketOwner !== undefined && caller.account === bucketOwner;
  if (ownerRoot && POLICY_ACTIONS.has(request.action.toLowerCase())) return { allowed: true, via: 'lockoutEscape' };
  // Fast path: no policy on either side.
  if (request.bucketPolicy === undefined && caller.identityPolicy === undefined) {
    if (caller.type === 'Root' && (bucketOwner === undefined || caller.account === bucketOwner)) return { allowed: true, via: 'root' };
    const ownAccount = caller.type !== 'Anonymous' && (bucketOwner === undefined || caller.account === bucketOwner);
    return { allowed: false, reason: ownAccount ? 'noIdentityPolicy' : 'noResourcePolicy' };
  }
  const conditions = typeof request.conditions === 'function' ? request.conditions() : request.conditions;
  // Optional members assigned, not spread in (a literal of conditional spreads is slow to build,
  // and every request a policy applies to builds one).
  const source: { -readonly [Name in keyof S3ContextSource]: S3ContextSource[Name] } = {
    caller,
    region: request.region,
    resourceAccount: bucketOwner,
    secureTransport: request.secureTransport,
    now: request.now,
  };
  if (request.sourceIp !== undefined) source.sourceIp = request.sourceIp;
  if (conditions !== undefined) source.conditions = conditions;
  if (request.signature !== undefined) source.signature = request.signature;
  const keys = objectTagKeysOf(request.action);
  if (keys.existing || keys.requested) source.objectTags = objectTagsOf(request, keys);
  const lookup = s3ContextLookup(source);
  const unsupported = request.unsupportedConditions;
  let testsUnsupported = false;
  // The engine looks a key up only for a statement whose action, resource and principal match
  // the request (and whose earlier conditions hold): a read of such a key is that statement's test.
  const watched: ConditionLookup =
    unsupported === undefined
      ? lookup
      : (key) => {
          if (unsupported.keys.includes(key)) testsUnsupported = true;
          return lookup(key);
        };
  let sides: PolicySides;
  try {
    sides = evaluateSides(request.bucketPolicy, { caller, action: request.action, resource: request.resource, lookup: watched });
  } catch (error) {
    // A statement asked for a tag of the object: without it the verdicts may be wrong either way
    // (an Allow that needs the tag, a Deny that it would trigger), so none of them is answered.
    if (error === NEEDS_EXISTING_TAGS) return undefined;
    throw error;
  }
  if (testsUnsupported && unsupported !== undefined) throw unsupported.error();
  if (sides.explicitDeny === 'resource') return { allowed: false, reason: 'explicitDenyInResourcePolicy' };
  if (sides.explicitDeny === 'identity') return { allowed: false, reason: 'explicitDenyInIdentityPolicy' };
  // No identity side and no account: the bucket policy alone, for a statement naming everybody.
  if (caller.type === 'Anonymous') {
    return sides.resource.allowDirect && bucketOwner !== undefined ? { allowed: true, via: 'bucketPolicy' } : { allowed: false, reason: 'noResourcePolicy' };
  }
  const identityAllows = caller.type === 'Root' || sides.identity.allowDirect;
  const sameAccount = bucketOwner === undefined || caller.account === bucketOwner;
  if (sameAccount) {
    if (identityAllows) return { allowed: true, via: caller.type === 'Root' ? 'root' : 'identityPolicy' };
    if (sides.resource.allowDirect) return { allowed: true, via: 'bucketPolicy' };
    return { allowed: false, reason: 'noIdentityPolicy' };
  }
  const bucketAllows = sides.resource.allowDirect || sides.resource.allowAccount;
  if (bucketAllows && identityAllows) return { allowed: true, via: 'bucketPolicy' };
  return { allowed: false, reason: bucketAllows ? 'noIdentityPolicy' : 'noResourcePolicy' };
}

/** Thrown by the source of existing tags not read: the decision needs them (ends the evaluation). */
const NEEDS_EXISTING_TAGS: unique symbol = Symbol('the decision needs the object’s existing tags');
const UNREAD = (): never => {
  throw NEEDS_EXISTING_TAGS;
};
/** The sources of a read (GetObject, ...) whose tags were not read: one object for every request. */
const UNREAD_ONLY: NonNullable<S3ContextSource['objectTags']> = Object.freeze({ existing: UNREAD });

/**
 * The object-tag sources of a request's action (`object-tags.ts`): the existing tags as given, or
 * `UNREAD` where the action has them but they were not read; the requested tags, read from the
 * request once however many statements ask.
 */
function objectTagsOf(request: S3AccessRequest, keys: ObjectTagKeys): NonNullable<S3ContextSource['objectTags']> {
  const existing = keys.existing ? (request.existingTags ?? UNREAD) : undefined;
  const requested = keys.requested ? readOnce(request.requestTags) : undefined;
  if (existing === UNREAD && requested === undefined) return UNREAD_ONLY;
  return { existing, requested };
}

/**
 * Decides a request and throws S3's AccessDenied when it is refused.
 * @throws S3Error AccessDeniedByPolicy (same account: the long form naming the caller, action,
 *   resource and the refusing policy type), AccessDenied (another account: `Access Denied`).
 * @example authorizeS3Access(request) // returns the decision, or throws 403 AccessDenied
 */
export function authorizeS3Access(request: S3AccessRequest): S3AccessDecision {
  const decision = evaluateS3Access(request);
  if (!decision.allowed) throw s3AccessDenied(request, decision.reason);
  return decision;
}

/**
 * The AccessDenied S3 answers for a refused request. S3 gives the enhanced message (policy type
 * and reason) only to callers of the bucket owner's account (UG troubleshoot-403-errors);
 * callers from other accounts and anonymous callers get the plain `Access Denied` (the answer
 * to an unsigned request for a private object, AWS Knowledge Center "s3-kms-signature-version-error").
 */
export function s3AccessDenied(request: Pick<S3AccessRequest, 'caller' | 'action' | 'resource' | 'bucketOwner'>, reason: S3DenialReason): S3Error {
  const sameAccount = request.caller.type !== 'Anonymous' && (request.bucketOwner === undefined || request.bucketOwner === request.caller.account);
  if (!sameAccount) return new S3Error('AccessDenied');
  const because = {
    explicitDenyInResourcePolicy: 'with an explicit deny in a resource-based policy',
    explicitDenyInIdentityPolicy: 'with an explicit deny in an identity-based policy',
    noResourcePolicy: `because no resource-based policy allows the ${request.action} action`,
    noIdentityPolicy: `because no identity-based policy allows the ${request.action} action`,
  }[reason];
  return new S3Error('AccessDeniedByPolicy', { detail: { principalArn: request.caller.arn, action: request.action, resource: request.resource, because } });
}
