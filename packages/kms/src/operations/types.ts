/**
 * @module
 * What an operation is: its input shape (validated before the handler runs), its audit behaviour,
 * and a handler that reads the state through an `OperationContext`, authorizes, and commits
 * changes. Request and response objects use AWS's member names (PascalCase), `Uint8Array` blobs
 * and `Date` timestamps: the in-process API is AWS's API.
 */

import type { Backend, EncryptionContext } from '@strongbox/envelope';
import type { Random } from '../model/environment.ts';
import type { Principal } from '../model/principal.ts';
import type { GrantOperation, GrantRecord, KeyRecord } from '../model/records.ts';
import type { Change, KmsState } from '../model/state.ts';
import type { AccessRequest } from '../policy/authorize.ts';
import type { StructureShape } from '../protocol/shapes.ts';
import type { OperationName } from './catalog.ts';

/** What an authorization check is about, beyond the action and the key. */
export interface AuthorizationDetails {
  /** The request's encryption context (for grant constraints and `kms:EncryptionContext:` conditions). */
  readonly encryptionContext?: EncryptionContext;
  /** Grant tokens sent with the request. */
  readonly grantTokens?: readonly string[];
  /** Extra IAM condition keys for this request (e.g. `kms:GrantOperations`). */
  readonly conditions?: Readonly<Record<string, string | readonly string[] | boolean | number>>;
  /** For operations on a resource other than the key (e.g. an alias ARN for CreateAlias's IAM check). */
  readonly resourceArn?: string;
}

/** A KMS permission: `kms:Encrypt`, `kms:ReEncryptFrom`, ... */
export type KmsAction = `kms:${string}`;

/** What a few operations change in an access request beyond its details. */
export interface AccessOptions {
  /** The grants that may allow the request (default: every grant on the key). RetireGrant passes only the grant retired. */
  readonly grants?: readonly GrantRecord[];
  /** For kms:CreateGrant: the grant being created, which a parent grant must cover. */
  readonly childGrant?: AccessRequest['childGrant'];
}

/** Everything an operation handler may use. One context per request. */
export interface OperationContext {
  /** The operation being served. */
  readonly operation: OperationName;
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
   * Resolves a `KeyId` parameter to a key, raising AWS's NotFoundException texts.
   * @param accepted - `'any'` where the operation accepts aliases, `'key'` for key id or ARN only.
   * @throws KmsError NotFoundException.
   */
  resolveKey(input: string, accepted: 'any' | 'key'): Promise<KeyRecord>;
  /**
   * Checks that the caller may perform `action` on `key` (key policy, IAM identity policy, grants).
   * Pass `key` as `undefined` for IAM-only actions (CreateKey, ListKeys, GenerateRandom, ...).
   * @throws KmsError InvalidGrantTokenException, AccessDeniedException.
   */
  authorize(action: KmsAction, key: KeyRecord | undefined, details?: AuthorizationDetails, options?: AccessOptions): void;
  /**
   * The access request `authorize` decides, with the request's own facts (caller, Region, time,
   * `aws:SourceIp`), for operations that apply rules of their own before the policy check
   * (RetireGrant's retiring principal).
   */
  accessRequest(action: KmsAction, key: KeyRecord | undefined, details?: AuthorizationDetails, options?: AccessOptions): AccessRequest;
  /** Grant operations the caller's matching grants allow on `key` (used by CreateGrant's subset rule). */
  grantedOperations(key: KeyRecord, details?: AuthorizationDetails): ReadonlySet<GrantOperation>;
  /** Records a key this request touched, for the audit trail's `resources`. */
  touch(key: KeyRecord): void;
  /** Applies changes to the state now and resolves once they are durable. */
  commit(...changes: Change[]): Promise<void>;
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

/** One API operation. */
export interface OperationDefinition<Input = any, Output = any> {
  readonly name: OperationName;
  /** Input constraints from the KMS model; checked before the handler runs. */
  readonly input: StructureShape;
  /** Serves a validated request. */
  handler(input: Input, context: OperationContext): Promise<Output> | Output;
  /**
   * CloudTrail `requestParameters` for this request. Default: the input's members in lowerCamelCase,
   * without blobs (plaintext and ciphertext are never logged).
   */
  auditParameters?(input: Input): Record<string, unknown> | null;
  /** CloudTrail `responseElements` (default null). */
  auditResponse?(output: Output): Record<string, unknown> | null;
}
