/**
 * @module
 * The per-request context S3's operations run with: the request's facts (time, Region, caller,
 * whether it came over TLS), storage, the at-rest crypto, the resources it touched (the audit
 * trail's `resources`), and authorization: the operation's declared access checked on the
 * kernel's policy engine (`policy/authorize.ts`) with the request's condition keys.
 */

import type { Clock, PipelineContext, Principal, RequestConditions } from '@strongbox/service-kernel';
import { S3Error } from '../errors.ts';
import { assertObjectKey } from '../model/names.ts';
import { NO_TAGS, type Tag } from '../model/tagging.ts';
import { versionConditions } from '../model/version-id.ts';
import { existingObjectTags } from '../operations/shared/object-tags.ts';
import type { AccessTarget, AtRestCrypto, ObjectTagFacts, OperationAccess, S3OperationContext, S3Settings } from '../operations/types.ts';
import type { S3Action } from '../policy/actions.ts';
import { authorizeS3Access, evaluateS3Access, type S3AccessDecision, type S3AccessRequest, s3AccessDenied, tryEvaluateS3Access } from '../policy/authorize.ts';
import { objectTagKeysOf } from '../policy/object-tags.ts';
import type { SignatureFacts } from '../policy/request-context.ts';
import type { BucketIdentity, BucketTarget, ObjectStore } from '../storage/types.ts';

const NO_ACCOUNTS: readonly string[] = Object.freeze([]);
const ON_BUCKET: ObjectTagFacts = Object.freeze({ existing: NO_TAGS });

/** What a request context is made from: the operation context's facts, plus what authorization reads. */
export interface RequestFacts
  extends Pick<
    S3OperationContext,
    'operation' | 'now' | 'clock' | 'region' | 'endpointRegion' | 'caller' | 'secureTransport' | 'store' | 'crypto' | 'settings'
  > {
  /** The operation's declared access. */
  // biome-ignore lint/suspicious/noExplicitAny: the context serves every operation's input type.
  readonly access: OperationAccess<any>;
  /** The request, for the object key and condition keys of the declared access. */
  readonly input: unknown;
  /** The caller's IP address (`aws:SourceIp`), when known. */
  readonly sourceIp?: string;
  /** How the request was authenticated (`s3:authType`, `s3:signatureAge`, ...), when it came over the wire. */
  readonly signature?: SignatureFacts;
  /** What the request is refused once its declared access is granted (`CallOptions.refusalOnceGranted`). */
  readonly refusalOnceGranted?: Error;
}

/** One request's context. */
export class RequestContext implements S3OperationContext, PipelineContext {
  readonly operation: string;
  readonly now: number;
  readonly clock: Clock;
  readonly region: string;
  readonly endpointRegion: string | undefined;
  readonly caller: Principal;
  readonly secureTransport: boolean;
  readonly store: ObjectStore;
  readonly crypto: AtRestCrypto;
  readonly settings: S3Settings;
  readonly #resources: string[] = [];
  /** The owner of the first bucket touched; of the others, `#owners` (most requests touch one). */
  #owner = '';
  #owners: string[] | undefined;
  // biome-ignore lint/suspicious/noExplicitAny: as in RequestFacts.
  readonly #access: OperationAccess<any>;
  readonly #input: unknown;
  readonly #sourceIp: string | undefined;
  readonly #signature: SignatureFacts | undefined;
  readonly #refusalOnceGranted: Error | undefined;
  #authorized = false;
  /** The object tags read for decisions, by bucket and key: read once per request. */
  #tagReads: Map<string, Promise<readonly Tag[]>> | undefined;
  /*
   * The confirmation scope: the objects this request authorized with an action that has
   * `s3:ExistingObjectTag/<key>`, those a handler may confirm (`confirmObjectTags`), each with the
   * decisions taken on its tags as read (none when no policy read them). Most requests name one
   * object: it is kept in fields, so a request without a policy allocates nothing for the scope and
   * its confirmation compares two strings. Further objects (DeleteObjects, CopyObject's source and
   * destination) go in a map by ARN.
   */
  /** The bucket of the first object in scope; undefined while the scope is empty. */
  #scopeBucket: string | undefined;
  /** The key of the first object in scope. */
  #scopeKey = '';
  /** The decisions taken on the first object's tags; undefined while none is. */
  #scopeDecisions: TagDecision[] | undefined;
  /** Every further object in scope, by ARN, with its decisions. */
  #furtherScope: Map<string, TagDecision[]> | undefined;
  /** The bucket the operation's declared access was checked on. */
  #target: AccessTarget | undefined;

  constructor(facts: RequestFacts) {
    this.operation = facts.operation;
    this.now = facts.now;
    this.clock = facts.clock;
    this.region = facts.region;
    this.endpointRegion = facts.endpointRegion;
    this.caller = facts.caller;
    this.secureTransport = facts.secureTransport;
    this.store = facts.store;
    this.crypto = facts.crypto;
    this.settings = facts.settings;
    this.#access = facts.access;
    this.#input = facts.input;
    this.#sourceIp = facts.sourceIp;
    this.#signature = facts.signature;
    this.#refusalOnceGranted = facts.refusalOnceGranted;
  }

  /**
   * Whether the request lacks the SigV4 signature S3 requires of anything KMS protects: it came
   * in Signature Version 2's form, or from the anonymous caller (AWS Knowledge Center
   * "s3-kms-signature-version-error": the error follows "an anonymous request", such as an object
   * URL opened in a browser or curl). An unsigned request outside strict authentication acts as
   * the account root and is not refused. Read from the caller and the signature facts on demand,
   * as only the SSE-KMS checks ask (a SigV4 GET or PUT computes nothing for it).
   */
  get withoutSigV4(): boolean {
    return this.caller.type === 'Anonymous' || this.#signature?.signatureVersion === 'AWS';
  }

  /**
   * S3 management events go to the caller's account; an anonymous caller has none, and its calls
   * go to the owner of the bucket they named (an anonymous S3 data event as CloudTrail delivered
   * it: the bucket owner's `recipientAccountId`, TryHackMe Advent of Cyber 2024 day 7 log), or
   * to no account when they named none (`anonymous`, which no account's history shows).
   */
  get recipientAccount(): string {
    if (this.caller.type !== 'Anonymous' || this.#resources.length === 0) return this.caller.account;
    return this.#owner;
  }

  get resources(): readonly string[] {
    return this.#resources;
  }

  /** The owners of the touched buckets, in the order of `resources` (read only when recorded). */
  get resourceAccounts(): readonly string[] {
    return this.#owners ?? (this.#resources.length === 0 ? NO_ACCOUNTS : [this.#owner]);
  }

  /** Whether this request was put to authorization at least once (every operation must be). */
  get authorized(): boolean {
    return this.#authorized;
  }

  touch(arn: string, owner: string): void {
    if (this.#resources.includes(arn)) return;
    this.#resources.push(arn);
    if (this.#resources.length === 1) this.#owner = owner;
    else (this.#owners ??= [this.#owner]).push(owner);
  }

  authorizeOperation(bucket: AccessTarget | undefined): Promise<void> | undefined {
    const deciding = this.#authorizeDeclared(bucket);
    const refusal = this.#refusalOnceGranted;
    if (refusal === undefined) return deciding;
    // Granted (a denial has thrown, or rejects the promise): the edge's refusal is due now.
    if (deciding === undefined) throw refusal;
    return deciding.then(() => {
      throw refusal;
    });
  }

  /** The operation's declared access decided (see `authorizeOperation`). */
  #authorizeDeclared(bucket: AccessTarget | undefined): Promise<void> | undefined {
    const access = this.#access;
    const input = (typeof this.#input === 'object' && this.#input !== null ? this.#input : {}) as Record<string, unknown>;
    this.#target = bucket;
    // Computed only if a policy is evaluated (most requests meet none: the owner's root, no bucket policy).
    const conditionsOf = access.conditions;
    // A request naming a version is authorized by the version's action, with `s3:versionid`.
    const versionId = access.versionAction === undefined ? undefined : input['VersionId'];
    const versioned = typeof versionId === 'string';
    const action = versioned ? (access.versionAction as S3Action) : access.action;
    const ownConditions = conditionsOf === undefined ? undefined : () => conditionsOf(input, { region: this.region, account: this.caller.account });
    const conditions = versioned ? () => ({ ...ownConditions?.(), ...versionConditions(versionId) }) : ownConditions;
    switch (access.resource) {
      case 'objects':
        // The handler checks each key (`authorize` / `evaluate`).
        if (bucket === undefined) throw new TypeError(`${this.operation} declares per-object access and needs its bucket`);
        return;
      case 'object': {
        if (bucket === undefined) throw new TypeError(`${this.operation} declares object access and needs its bucket`);
        const key = input['Key'];
        if (typeof key !== 'string') throw new TypeError(`"Key" expected a string, got ${typeof key}`);
        assertObjectKey(key);
        // Read from the request only if a policy asks; not even wrapped when none can (most
        // requests: the owner's root, no bucket policy).
        const tagsOf = access.requestTags;
        const policies = bucket.policy !== undefined || this.caller.identityPolicy !== undefined;
        const tags = tagsOf === undefined || !policies ? undefined : { requested: () => tagsOf(input) };
        const request = this.#request(action, resourceArn(bucket.name, key), bucket, conditions, tags);
        const unsupported = access.unsupportedConditions?.(input);
        return this.#authorize(unsupported === undefined ? request : { ...request, unsupportedConditions: unsupported }, bucket, key);
      }
      case 'bucket':
        if (bucket === undefined) throw new TypeError(`${this.operation} declares bucket access and needs its bucket`);
        return this.authorize(action, bucket, undefined, conditions);
      case 'newBucket':
      case 'none': {
        const name = input['Bucket'];
        const resource = access.resource === 'newBucket' && typeof name === 'string' ? `arn:aws:s3:::${name}` : '*';
        this.#authorized = true;
        authorizeS3Access(this.#request(action, resource, undefined, conditions, undefined));
        return undefined;
      }
    }
  }

  authorize(
    action: S3Action,
    bucket: AccessTarget,
    key?: string,
    conditions?: RequestConditions | (() => RequestConditions),
    tags?: ObjectTagFacts,
  ): Promise<void> | undefined {
    return this.#authorize(this.#request(action, resourceArn(bucket.name, key), bucket, conditions, bucketLevel(key, tags)), bucket, key);
  }

  evaluate(
    action: S3Action,
    bucket: AccessTarget,
    key?: string,
    conditions?: RequestConditions | (() => RequestConditions),
    tags?: ObjectTagFacts,
  ): S3AccessDecision {
    this.#authorized = true;
    return evaluateS3Access(this.#request(action, resourceArn(bucket.name, key), bucket, conditions, bucketLevel(key, tags)));
  }

  /**
   * Decides `request` now, or, when a policy needs the tags of the object and the request does not
   * carry them, once they are read (the promise).
   */
  #authorize(request: S3AccessRequest, bucket: AccessTarget, key: string | undefined): Promise<void> | undefined {
    this.#authorized = true;
    const decision = tryEvaluateS3Access(request);
    if (decision === undefined) return this.#authorizeWithExistingTags(request, bucket, key ?? '');
    if (!decision.allowed) throw s3AccessDenied(request, decision.reason);
    if (key !== undefined && objectTagKeysOf(request.action).existing && !this.#isFirstInScope(bucket.name, key)) this.#furtherDecisions(request.resource);
    return undefined;
  }

  async #authorizeWithExistingTags(request: S3AccessRequest, bucket: AccessTarget, key: string): Promise<void> {
    const existingTags = await this.#readTags(bucket, key);
    const decided: S3AccessRequest = { ...request, existingTags };
    authorizeS3Access(decided);
    const decisions = this.#isFirstInScope(bucket.name, key) ? (this.#scopeDecisions ??= []) : this.#furtherDecisions(request.resource);
    // The same check again (DeleteObjects naming a key twice) is already there: one re-check
    // answers for both, and a request's confirmations stay linear in its checks.
    if (!decisions.some((kept) => sameCheck(kept.request, decided))) decisions.push({ tags: existingTags, request: decided });
  }

  /** Whether `bucket`/`key` is the scope's first object, which it becomes when the scope is empty. */
  #isFirstInScope(bucket: string, key: string): boolean {
    if (this.#scopeBucket === undefined) {
      this.#scopeBucket = bucket;
      this.#scopeKey = key;
      return true;
    }
    return this.#scopeBucket === bucket && this.#scopeKey === key;
  }

  /** The decisions of a further object in scope (by ARN), putting it in scope if it is not. */
  #furtherDecisions(resource: string): TagDecision[] {
    this.#furtherScope ??= new Map();
    let decisions = this.#furtherScope.get(resource);
    if (decisions === undefined) {
      decisions = [];
      this.#furtherScope.set(resource, decisions);
    }
    return decisions;
  }

  #readTags(bucket: AccessTarget, key: string): Promise<readonly Tag[]> {
    const id = `${bucket.id ?? bucket.name}\u0000${key}`;
    this.#tagReads ??= new Map();
    let read = this.#tagReads.get(id);
    if (read === undefined) {
      read = existingObjectTags(this.store, storageTarget(bucket), key);
      this.#tagReads.set(id, read);
    }
    return read;
  }

  confirmObjectTags(bucket: string, key: string, tags: readonly Tag[]): void {
    let decisions: TagDecision[] | undefined;
    if (this.#scopeBucket === bucket && this.#scopeKey === key) decisions = this.#scopeDecisions;
    else {
      const resource = resourceArn(bucket, key);
      decisions = this.#furtherScope?.get(resource);
      // Precondition: the object confirmed is one this request authorized, named as authorization
      // named it. A confirmation that matched no decision would pass, and a tag-based Deny with it:
      // a handler bug, answered InternalError in every test that reaches it, with or without a
      // policy (in DeleteObjects, that entry's error).
      if (decisions === undefined) throw new TypeError(`${this.operation} confirms the tags of ${resource}, which it did not authorize`);
    }
    if (decisions === undefined) return;
    for (const decision of decisions) {
      // The same tags: the decision stands (whatever else changed, it depended on nothing else read).
      if (sameTags(decision.tags, tags)) continue;
      authorizeS3Access({ ...decision.request, existingTags: tags });
      // Decided again on these tags: a later confirmation of the same record costs a comparison.
      decision.tags = tags;
    }
  }

  missingObject(key: string, bucket: AccessTarget | undefined = this.#target): S3Error {
    if (bucket !== undefined) {
      const decision = this.evaluate('s3:ListBucket', bucket);
      // The text of this refusal is UNCONFIRMED: the API reference gives the status only.
      if (!decision.allowed)
        return s3AccessDenied(
          { caller: this.caller, action: 's3:ListBucket', resource: resourceArn(bucket.name, undefined), bucketOwner: bucket.owner },
          decision.reason,
        );
    }
    return new S3Error('NoSuchKey', { fields: [['Key', key]] });
  }

  #request(
    action: S3Action,
    resource: string,
    bucket: AccessTarget | undefined,
    conditions: RequestConditions | (() => RequestConditions) | undefined,
    tags: ObjectTagFacts | undefined,
  ): S3AccessRequest {
    // Optional members assigned, not spread in (a literal of conditional spreads is slow to build,
    // and every request is authorized at least once).
    const request: { -readonly [Name in keyof S3AccessRequest]: S3AccessRequest[Name] } = {
      caller: this.caller,
      action,
      resource,
      bucketOwner: bucket?.owner,
      bucketPolicy: bucket?.policy,
      region: this.region,
      secureTransport: this.secureTransport,
      now: this.now,
    };
    if (this.#sourceIp !== undefined) request.sourceIp = this.#sourceIp;
    if (this.#signature !== undefined) request.signature = this.#signature;
    if (conditions !== undefined) request.conditions = conditions;
    if (tags !== undefined) {
      if (tags.existing !== undefined) request.existingTags = tags.existing;
      if (tags.requested !== undefined) request.requestTags = tags.requested;
    }
    return request;
  }
}

/** A decision taken on an object's tags as read, to confirm on the record the handler serves. */
interface TagDecision {
  /** The tags it was (last) decided on. */
  tags: readonly Tag[];
  readonly request: S3AccessRequest;
}

/**
 * Whether two requests of one context on one object are the same check, so decide alike on any
 * tags: every member but the tags decided on is the same value.
 */
function sameCheck(a: S3AccessRequest, b: S3AccessRequest): boolean {
  const names = Object.keys(a) as (keyof S3AccessRequest)[];
  return names.length === Object.keys(b).length && names.every((name) => name === 'existingTags' || a[name] === b[name]);
}

function sameTags(a: readonly Tag[], b: readonly Tag[]): boolean {
  return a.length === b.length && a.every((entry, index) => entry.key === b[index]?.key && entry.value === b[index]?.value);
}

/** A check on the bucket itself acts on no object: it has no existing tags to read. */
function bucketLevel(key: string | undefined, tags: ObjectTagFacts | undefined): ObjectTagFacts | undefined {
  if (key !== undefined) return tags;
  return tags === undefined ? ON_BUCKET : { ...tags, existing: NO_TAGS };
}

/** The bucket as the store is asked about it: the very bucket authorized, when its identity is known. */
function storageTarget(bucket: AccessTarget): BucketTarget {
  return bucket.id === undefined ? bucket.name : ({ name: bucket.name, id: bucket.id } satisfies BucketIdentity);
}

/** S3 ARNs name neither Region nor account. */
function resourceArn(bucket: string, key: string | undefined): string {
  return key === undefined ? `arn:aws:s3:::${bucket}` : `arn:aws:s3:::${bucket}/${key}`;
}
