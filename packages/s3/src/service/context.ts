/**
 * @module
 * The per-request context S3's operations run with: the request's facts (time, Region, caller,
 * whether it came over TLS), storage, the at-rest crypto, the resources it touched (the audit
 * trail's `resources`), and authorization: the operation's declared access checked on the
 * kernel's policy engine (`policy/authorize.ts`) with the request's condition keys.
 */

import type { PipelineContext, Principal, RequestConditions } from '@strongbox/service-kernel';
import { S3Error } from '../errors.ts';
import { assertObjectKey } from '../model/names.ts';
import { NO_TAGS, type Tag } from '../model/tagging.ts';
import { versionConditions } from '../model/version-id.ts';
import { existingObjectTags } from '../operations/shared/object-tags.ts';
import type { AccessTarget, AtRestCrypto, ObjectTagFacts, OperationAccess, S3OperationContext, S3Settings } from '../operations/types.ts';
import type { S3Action } from '../policy/actions.ts';
import { authorizeS3Access, evaluateS3Access, type S3AccessDecision, type S3AccessRequest, s3AccessDenied, tryEvaluateS3Access } from '../policy/authorize.ts';
import type { SignatureFacts } from '../policy/request-context.ts';
import type { BucketIdentity, BucketTarget, ObjectStore } from '../storage/types.ts';

const NO_ACCOUNTS: readonly string[] = Object.freeze([]);
const ON_BUCKET: ObjectTagFacts = Object.freeze({ existing: NO_TAGS });

/** What a request context is made from: the operation context's facts, plus what authorization reads. */
export interface RequestFacts
  extends Pick<S3OperationContext, 'operation' | 'now' | 'region' | 'caller' | 'secureTransport' | 'store' | 'crypto' | 'settings'> {
  /** The operation's declared access. */
  // biome-ignore lint/suspicious/noExplicitAny: the context serves every operation's input type.
  readonly access: OperationAccess<any>;
  /** The request, for the object key and condition keys of the declared access. */
  readonly input: unknown;
  /** The caller's IP address (`aws:SourceIp`), when known. */
  readonly sourceIp?: string;
  /** How the request was authenticated (`s3:authType`, `s3:signatureAge`, ...), when it came over the wire. */
  readonly signature?: SignatureFacts;
}

/** One request's context. */
export class RequestContext implements S3OperationContext, PipelineContext {
  readonly operation: string;
  readonly now: number;
  readonly region: string;
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
  #authorized = false;
  /** The object tags read for decisions, by bucket and key: read once per request. */
  #tagReads: Map<string, Promise<readonly Tag[]>> | undefined;
  /** The decisions taken on tags so read, to confirm against the record the handler serves. */
  #tagDecisions: { readonly resource: string; readonly tags: readonly Tag[]; readonly request: S3AccessRequest }[] | undefined;
  /** The bucket the operation's declared access was checked on. */
  #target: AccessTarget | undefined;

  constructor(facts: RequestFacts) {
    this.operation = facts.operation;
    this.now = facts.now;
    this.region = facts.region;
    this.caller = facts.caller;
    this.secureTransport = facts.secureTransport;
    this.store = facts.store;
    this.crypto = facts.crypto;
    this.settings = facts.settings;
    this.#access = facts.access;
    this.#input = facts.input;
    this.#sourceIp = facts.sourceIp;
    this.#signature = facts.signature;
  }

  /** S3 management events go to the caller's account. */
  get recipientAccount(): string {
    return this.caller.account;
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
    return undefined;
  }

  async #authorizeWithExistingTags(request: S3AccessRequest, bucket: AccessTarget, key: string): Promise<void> {
    const existingTags = await this.#readTags(bucket, key);
    const decided: S3AccessRequest = { ...request, existingTags };
    authorizeS3Access(decided);
    (this.#tagDecisions ??= []).push({ resource: request.resource, tags: existingTags, request: decided });
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
    const decisions = this.#tagDecisions;
    if (decisions === undefined) return;
    const resource = resourceArn(bucket, key);
    for (const decision of decisions) {
      // The same tags: the decision stands (whatever else changed, it depended on nothing else read).
      if (decision.resource !== resource || sameTags(decision.tags, tags)) continue;
      authorizeS3Access({ ...decision.request, existingTags: tags });
    }
  }

  missingObject(key: string): S3Error {
    const bucket = this.#target;
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
