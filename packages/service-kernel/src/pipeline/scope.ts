/**
 * @module
 * Per-call facts that do not belong in the request body: who calls, in which Region, from where.
 */

import type { Principal } from '../principal.ts';

/** Per-call facts that do not belong in the request body. */
export interface CallScope {
  readonly caller: Principal;
  readonly region: string;
  /** Request id for the response and the audit trail (default: the trail makes one). */
  readonly requestId?: string;
  readonly sourceIpAddress?: string;
  readonly userAgent?: string;
}
