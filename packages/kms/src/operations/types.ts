/**
 * @module
 * What an operation is: its input shape (validated before the handler runs), its audit behaviour,
 * and a handler that reads the state through an `OperationContext`, authorizes, and commits
 * changes. Request and response objects use AWS's member names (PascalCase), `Uint8Array` blobs
 * and `Date` timestamps: the in-process API is AWS's API.
 */

import type { Backend } from '@strongbox/envelope';
import type { OperationSpec, Principal, Random } from '@strongbox/service-kernel';
import type { QuotaClass } from '../model/quotas.ts';
import type { GrantOperation, GrantRecord, KeyRecord } from '../model/records.ts';
import type { Change, KmsState } from '../model/state.ts';
import type { AccessRequest, AuthorizationDetails, KmsAction } from '../policy/authorize.ts';
import type { StructureShape } from '../protocol/shapes.ts';
import type { KeyStateRule } from './shared/key-state.ts';

export type { AuthorizationDetails, KmsAction } from '../policy/authorize.ts';
export type { KeyStateRule } from './shared/key-state.ts';

/** What a few operations change in an access request beyond its details. */
export interface AccessOptions {
  /** The grants that may allow the request (default: every grant on the key). RetireGrant passes only the grant retired. */
  readonly grants?: readonly GrantRecord[];
  /** For kms:CreateGrant: the grant being created, which a parent grant must cover. */
  readonly childGrant?: AccessRequest['childGrant'];
}

/** Everything an operation handler may use. One context per request. */
export interface OperationContext {
  /** The operation being served (its wire name). */
  readonly operation: string;
  /** Request time, epoch milliseconds (one clock reading per request). */
  readonly now: number;
  /** The Region this request is served in. */
  readonly region: string;
  /** Who is calling. */
  readonly caller: Principal;
  /** The state, read-only: change it only through `commit`. */
  readonly state: KmsState;
  /** Crypto primitives (AES-GCM) for ciphertext blobs. */
  readonly backend: Backend;
  /** Randomness for key material, ids, nonces and tokens. */
  readonly random: Random;
  /** Emulator settings the handlers need. */
  readonly settings: KmsSettings;
  /**
   * Resolves a `KeyId` parameter to a key, raising AWS's NotFoundException texts. With `'key'`
   * (key id or ARN only: aliases are refused) the key always comes back at once. With `'any'` it
   * does too, except on the first use of an `alias/aws/*` alias (that creates the AWS managed key,
   * a commit): handlers `await` it, or stay synchronous when it is not a promise.
   * @param accepted - `'any'` where the operation accepts aliases, `'key'` for key id or ARN only.
   * @throws KmsError NotFoundException; InvalidArnException for an alias name or alias ARN where
   *   `accepted` is `'key'`.
   * @example const key = context.resolveKey(input.KeyId, 'key');
   */
  resolveKey(input: string, accepted: 'key'): KeyRecord;
  resolveKey(input: string, accepted: 'any'): KeyRecord | Promise<KeyRecord>;
  /**
   * Checks that the caller may perform `action` on `key` (key policy, IAM identity policy, grants).
   * Pass `key` as `undefined` for IAM-only actions (CreateKey, ListKeys, GenerateRandom, ...).
   * @throws KmsError InvalidGrantTokenException, AccessDeniedException.
   */
  authorize(action: KmsAction, key: KeyRecord | undefined, details?: AuthorizationDetails, options?: AccessOptions): void;
  /**
   * Checks an action as if requested in another Region, on a key there or on none: ReplicateKey's
   * `kms:CreateKey` "in an IAM policy in the replica Region", UpdatePrimaryRegion's
   * `kms:UpdatePrimaryRegion` on the replica key.
   * @throws KmsError AccessDeniedException.
   */
  authorizeIn(region: string, action: KmsAction, key: KeyRecord | undefined, details?: AuthorizationDetails): void;
  /**
   * The access request `authorize` decides, with the request's own facts (caller, Region, time,
   * `aws:SourceIp`), for operations that apply rules of their own before the policy check
   * (RetireGrant's retiring principal).
   */
  accessRequest(action: KmsAction, key: KeyRecord | undefined, details?: AuthorizationDetails, options?: AccessOptions): AccessRequest;
  /** Grant operations the caller's matching grants allow on `key` (used by CreateGrant's subset rule). */
  grantedOperations(key: KeyRecord, details?: AuthorizationDetails): ReadonlySet<GrantOperation>;
  /**
   * Throws AWS's exception if this operation may not run on `key` in its current state (the
   * definition's `keyState` rule).
   * @throws KmsError DisabledException, KMSInvalidStateException or UnsupportedOperationException.
   */
  requireKeyState(key: KeyRecord): void;
  /**
   * Counts this request against a quota row the handler picks once it knows the key (operations
   * whose `quota` is `byHandler`: the key family's cryptographic row, a key pair spec's row), in
   * the request's Region or in `region` (the requests a call makes in another Region: ReplicateKey's
   * CreateKey in the replica's, UpdatePrimaryRegion's in the new primary's), always for the calling
   * account.
   * @throws KmsError ThrottlingException when the row's quota is exhausted.
   */
  throttle(row: QuotaClass, region?: string): void;
  /**
   * Checks the "AWS KMS keys" resource quota before a customer managed key is created for
   * `account` in `region` (the quota in force, `model/resource-quotas.ts`). Call it in the same
   * synchronous step as the commit that creates the key, so that concurrent calls cannot both
   * take the last one.
   * @throws KmsError LimitExceededException.
   */
  requireKeyQuota(account: string, region: string): void;
  /** Records a key this request touched, for the audit trail's `resources`. */
  touch(key: KeyRecord): void;
  /** The ARNs of the keys this request touched so far, in the order it touched them. */
  readonly resources: readonly string[];
  /** Applies changes to the state now and resolves once they are durable. */
  commit(...changes: Change[]): Promise<void>;
  /**
   * Adds an event the call causes in another Region, recorded after the call's own event if it
   * succeeds (ReplicateKey: "records a ReplicateKey operation in the primary key's Region and a
   * CreateKey operation in the replica key's Region").
   */
  recordRelated(event: RelatedEvent): void;
}

/** A CloudTrail event a call causes besides its own, by the same caller and with its request id. */
export interface RelatedEvent {
  readonly eventName: string;
  readonly region: string;
  readonly readOnly: boolean;
  /** Absent: the entry has no `resources` element (UpdatePrimaryRegion's in the new primary's Region). */
  readonly resources?: readonly string[];
  readonly requestParameters: Record<string, unknown> | null;
  readonly responseElements: Record<string, unknown> | null;
  readonly recipientAccountId: string;
  /**
   * The service that wrote the entry on the caller's behalf, recorded as `userIdentity.invokedBy`
   * (UpdatePrimaryRegion's entry in the new primary's Region: `kms.amazonaws.com`).
   */
  readonly invokedBy?: string;
}

/** Settings of one emulator instance that operations consult. */
export interface KmsSettings {
  /** The default account (the account of unknown callers). */
  readonly account: string;
  /** The default Region. */
  readonly region: string;
  /** Delay before an on-demand rotation completes, in ms (AWS: asynchronous; default 0). */
  readonly onDemandRotationDelayMs: number;
}

/**
 * One KMS API operation: everything about it in one place. Besides the kernel's fields (name,
 * quota rule, read-only flag, handler, audit hooks): its input shape, its key-state rule, and the
 * values KMS fills into `requestParameters` when the caller left them out.
 */
// biome-ignore lint/suspicious/noExplicitAny: the registry holds definitions of every request and response type, and handler parameters are contravariant, so `unknown` would refuse them.
export interface OperationDefinition<Name extends string = string, Input = any, Output = any> extends OperationSpec<Name, Input, Output, OperationContext> {
  /** Input constraints from the KMS model; checked before the handler runs. */
  readonly input: StructureShape;
  /** Which key states it accepts (dev guide "Key states of AWS KMS keys"); `any` for operations on no key. */
  readonly keyState: KeyStateRule;
  /**
   * CloudTrail `requestParameters` members KMS logs with a default when the caller left them out
   * (KMS Developer Guide CloudTrail examples: ct-decrypt "always includes encryptionAlgorithm").
   */
  readonly auditDefaults?: Readonly<Record<string, unknown>>;
}
