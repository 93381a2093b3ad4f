/**
 * @module
 * The per-request context S3's operations run with: the request's facts (time, Region, caller,
 * whether it came over TLS), storage, the at-rest crypto, and the resources it touched (the
 * audit trail's `resources`).
 */

import type { PipelineContext, Principal } from '@strongbox/service-kernel';
import type { AtRestCrypto, S3OperationContext, S3Settings } from '../operations/types.ts';
import type { ObjectStore } from '../storage/types.ts';

/** What a request context is made from: the operation context's facts, without its behaviour. */
export type RequestFacts = Omit<S3OperationContext, 'touch'>;

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

  constructor(facts: RequestFacts) {
    this.operation = facts.operation;
    this.now = facts.now;
    this.region = facts.region;
    this.caller = facts.caller;
    this.secureTransport = facts.secureTransport;
    this.store = facts.store;
    this.crypto = facts.crypto;
    this.settings = facts.settings;
  }

  /** S3 management events go to the caller's account. */
  get recipientAccount(): string {
    return this.caller.account;
  }

  get resources(): readonly string[] {
    return this.#resources;
  }

  touch(arn: string): void {
    if (!this.#resources.includes(arn)) this.#resources.push(arn);
  }
}
