/**
 * @module
 * The per-request `OperationContext`: key resolution with AWS's exact NotFound texts, the
 * authorization check, the audit resources list and the commit path.
 */

import type { Backend } from '@strongbox/envelope';
import type { CallScope, PipelineContext, Principal, QuotaGate, Random } from '@strongbox/service-kernel';
import { aliasesNotSupported, aliasNotFound, invalidKeyId, KmsError, keyNotFound, throttled } from '../errors.ts';
import { createAwsManagedKey, isAwsManagedAliasName } from '../model/aws-managed-keys.ts';
import { aliasArn, keyArn, parseKeyReference } from '../model/identifiers.ts';
import type { QuotaClass } from '../model/quotas.ts';
import type { GrantOperation, GrantRecord, KeyRecord } from '../model/records.ts';
import type { Change, KmsState } from '../model/state.ts';
import { requireKeyQuota } from '../operations/shared/key-quota.ts';
import { requireKeyState } from '../operations/shared/key-state.ts';
import type { AccessOptions, AuthorizationDetails, KmsAction, KmsSettings, OperationContext, OperationDefinition, RelatedEvent } from '../operations/types.ts';
import type { ChangeStore } from '../persistence/store.ts';
import { type AccessRequest, authorizeAccess, grantedOperations, rootAllowedByKeyPolicy } from '../policy/authorize.ts';

const NO_GRANTS: readonly GrantRecord[] = Object.freeze([]);
/** Both forms of key id (a UUID, `mrk-` and 32 hex digits) are 36 characters. */
const KEY_ID_LENGTH = 36;
/** `:key/` and a key id: the end of every key ARN. */
const KEY_ARN_SUFFIX_LENGTH = ':key/'.length + KEY_ID_LENGTH;
const SLASH = 0x2f;
const NO_RESOURCES: readonly string[] = Object.freeze([]);
/** One frozen one-element `resources` list per key ARN (bounded: past it, lists are made per call). */
const SINGLE_RESOURCES = new Map<string, readonly string[]>();
const MAX_SINGLE_RESOURCES = 10_000;

// The list handed out last: a run of calls on one key finds it without the map lookup.
let lastArn: string | undefined;
let lastResources: readonly string[] = NO_RESOURCES;

function resourcesOf(arn: string): readonly string[] {
  if (arn === lastArn) return lastResources;
  const list = listOf(arn);
  lastArn = arn;
  lastResources = list;
  return list;
}

function listOf(arn: string): readonly string[] {
  let list = SINGLE_RESOURCES.get(arn);
  if (list === undefined) {
    list = Object.freeze([arn]);
    if (SINGLE_RESOURCES.size < MAX_SINGLE_RESOURCES) SINGLE_RESOURCES.set(arn, list);
  }
  return list;
}

// Shared defaults: a default parameter written `= {}` would allocate on every call.
const NO_DETAILS: AuthorizationDetails = Object.freeze({});
const NO_ACCESS_OPTIONS: AccessOptions = Object.freeze({});

/** What every request context of one emulator shares (made once, not per call). */
export interface RequestServices {
  readonly store: ChangeStore;
  readonly backend: Backend;
  readonly random: Random;
  readonly settings: KmsSettings;
  /** The request quotas, for rows an operation's handler picks, and the key quota in force. */
  readonly quotas: QuotaGate & { readonly customerManagedKeys: number };
}

/** The context handed to one operation handler. */
export class RequestContext implements OperationContext, PipelineContext {
  readonly operation: string;
  readonly now: number;
  readonly region: string;
  readonly caller: Principal;
  readonly state: KmsState;
  /**
   * ARNs of the keys this request touched (audit `resources`), never changed once handed out: the
   * trail keeps the list of every recorded call, so a call that touches one key (most do) shares
   * that key's one-element list with every other call on it.
   */
  resources: readonly string[] = NO_RESOURCES;
  /** The account that owns the touched resource (audit `recipientAccountId`). */
  recipientAccount: string;
  /** Whether this request committed any change. */
  committed = false;
  /** Events this call causes in other Regions (`recordRelated`); made on first use, as few calls have any. */
  related: RelatedEvent[] | undefined;
  readonly #services: RequestServices;
  readonly #sourceIp: string | undefined;
  readonly #definition: OperationDefinition;

  /**
   * @param services - what every call of the emulator shares.
   * @param scope - who calls, in which Region, from where (the call's own).
   * @param now - the request time, epoch ms.
   */
  constructor(services: RequestServices, definition: OperationDefinition, scope: CallScope, now: number) {
    this.#services = services;
    this.#definition = definition;
    this.operation = definition.name;
    this.now = now;
    this.region = scope.region;
    this.caller = scope.caller;
    this.state = services.store.state;
    this.recipientAccount = scope.caller.account;
    this.#sourceIp = scope.sourceIpAddress;
  }

  get backend(): Backend {
    return this.#services.backend;
  }

  get random(): Random {
    return this.#services.random;
  }

  get settings(): KmsSettings {
    return this.#services.settings;
  }

  resolveKey(input: string, accepted: 'key'): KeyRecord;
  resolveKey(input: string, accepted: 'any'): KeyRecord | Promise<KeyRecord>;
  resolveKey(input: string, accepted: 'any' | 'key'): KeyRecord | Promise<KeyRecord> {
    const account = this.caller.account;
    // Most calls name a key of the caller's own account by its bare id: one lookup. Every key in
    // the state has a well-formed id (both forms are 36 characters), so a key found this way is
    // what parsing the id would have found; anything else takes the full path below.
    if (input.length === KEY_ID_LENGTH) {
      const key = this.state.key(input, this.region);
      if (key !== undefined && key.account === account) return key;
    } else if (input.length > KEY_ARN_SUFFIX_LENGTH && input.charCodeAt(input.length - KEY_ID_LENGTH - 1) === SLASH) {
      // A key's own ARN in this Region (what S3 and the KMS keyrings send to Decrypt): the key of
      // its last 36 characters, if that key's ARN is exactly `input`. Parsing the ARN would have
      // found that very key (its Region is this one and its account the ARN's); any other
      // text, a key elsewhere included, takes the full path below.
      const key = this.state.key(input.slice(-KEY_ID_LENGTH), this.region);
      if (key !== undefined && key.arn === input) return key;
    }
    // Parsed as any form, so that an alias given where only a key id or ARN is taken gets AWS's
    // own refusal (InvalidArnException), not a NotFoundException for a malformed id.
    const reference = parseKeyReference(input, 'any');
    if (accepted === 'key' && (reference.kind === 'aliasName' || reference.kind === 'aliasArn')) throw aliasesNotSupported();
    switch (reference.kind) {
      case 'invalid':
        throw invalidKeyId(input);
      case 'keyId': {
        // A bare key id names a key in the caller's own account and this Region.
        const key = this.state.key(reference.keyId, this.region);
        if (key === undefined || key.account !== account) {
          throw keyNotFound(keyArn(this.region, account, reference.keyId));
        }
        return key;
      }
      case 'keyArn': {
        if (reference.region !== this.region) throw new KmsError('NotFoundException', `Invalid arn ${reference.region}`);
        const key = this.state.key(reference.keyId, reference.region);
        if (key === undefined || key.account !== reference.account) throw keyNotFound(input);
        return key;
      }
      case 'aliasName':
        return this.#resolveAlias(account, reference.aliasName);
      case 'aliasArn':
        if (reference.region !== this.region) throw new KmsError('NotFoundException', `Invalid arn ${reference.region}`);
        return this.#resolveAlias(reference.account, reference.aliasName);
    }
  }

  authorize(action: KmsAction, key: KeyRecord | undefined, details: AuthorizationDetails = NO_DETAILS, options: AccessOptions = NO_ACCESS_OPTIONS): void {
    // The key's own account root under a policy such as the default one is allowed whatever the
    // request says (`evaluateAccess` decides so first); with no grant tokens to check for form,
    // there is nothing else `authorizeAccess` would look at, so no access request is built.
    if (key !== undefined && details.grantTokens === undefined && rootAllowedByKeyPolicy(this.caller, key)) return;
    authorizeAccess(this.accessRequest(action, key, details, options));
  }

  authorizeIn(region: string, action: KmsAction, key: KeyRecord | undefined, details: AuthorizationDetails = NO_DETAILS): void {
    authorizeAccess({ ...this.accessRequest(action, key, details), region });
  }

  accessRequest(
    action: KmsAction,
    key: KeyRecord | undefined,
    details: AuthorizationDetails = NO_DETAILS,
    options: AccessOptions = NO_ACCESS_OPTIONS,
  ): AccessRequest {
    // Every access request of this call carries its source address, so aws:SourceIp conditions see
    // it. Built member by member (no spread of temporary objects): every call authorizes.
    const request: { -readonly [K in keyof AccessRequest]: AccessRequest[K] } = {
      caller: this.caller,
      action,
      key,
      region: this.region,
      now: this.now,
      grants: options.grants ?? (key ? this.state.grantsOf(key.keyId, key.region) : NO_GRANTS),
      details,
    };
    if (this.#sourceIp !== undefined) request.sourceIp = this.#sourceIp;
    if (options.childGrant !== undefined) request.childGrant = options.childGrant;
    return request;
  }

  grantedOperations(key: KeyRecord, details: AuthorizationDetails = NO_DETAILS): ReadonlySet<GrantOperation> {
    return grantedOperations({ caller: this.caller, key, grants: this.state.grantsOf(key.keyId, key.region), details });
  }

  requireKeyState(key: KeyRecord): void {
    requireKeyState(key, this.#definition.keyState);
  }

  throttle(row: QuotaClass, region: string = this.region): void {
    // Cross-account use throttles the calling account ("Request quotas").
    if (!this.#services.quotas.tryAcquire(this.caller.account, region, row, this.now)) throw throttled();
  }

  requireKeyQuota(account: string, region: string): void {
    requireKeyQuota(this.state, account, region, this.#services.quotas.customerManagedKeys);
  }

  touch(key: KeyRecord): void {
    if (this.resources.length === 0) this.resources = resourcesOf(key.arn);
    else if (!this.resources.includes(key.arn)) this.resources = [...this.resources, key.arn];
    this.recipientAccount = key.account;
  }

  recordRelated(event: RelatedEvent): void {
    (this.related ??= []).push(event);
  }

  /** The caller's IP address, when known. */
  get sourceIpAddress(): string | undefined {
    return this.#sourceIp;
  }

  async commit(...changes: Change[]): Promise<void> {
    this.committed = true;
    await this.#services.store.commit(changes);
  }

  #resolveAlias(account: string, aliasName: string): KeyRecord | Promise<KeyRecord> {
    const alias = this.state.alias(account, this.region, aliasName);
    if (alias !== undefined) {
      const key = this.state.key(alias.targetKeyId, alias.region);
      if (key !== undefined) return key;
    } else if (account === this.caller.account && isAwsManagedAliasName(aliasName)) {
      return this.#createAwsManagedKey(account, aliasName);
    }
    throw aliasNotFound(aliasArn(this.region, account, aliasName));
  }

  /**
   * KMS creates an AWS managed key the first time its alias/aws/* alias is used (ListAliases and
   * DescribeKey docs), so resolving one commits. Handlers resolve keys only after their own
   * validation (the dispatcher checks the shape; encryption contexts, data-key lengths and
   * required members come first in the handler), so a request that fails with a
   * ValidationException never creates one.
   */
  async #createAwsManagedKey(account: string, aliasName: string): Promise<KeyRecord> {
    const changes = createAwsManagedKey(this.random, this.now, account, this.region, aliasName);
    await this.commit(...changes);
    const created = this.state.alias(account, this.region, aliasName);
    const key = created && this.state.key(created.targetKeyId, created.region);
    if (key !== undefined) return key;
    throw aliasNotFound(aliasArn(this.region, account, aliasName));
  }
}
