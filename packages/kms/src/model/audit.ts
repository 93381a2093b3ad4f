/**
 * @module
 * The audit trail: every call, allowed or refused, becomes one event shaped like a CloudTrail
 * record for `kms.amazonaws.com`.
 */

import type { OperationName } from '../operations/catalog.ts';
import type { Principal } from './principal.ts';

/** One recorded call (rendered to CloudTrail JSON on demand). */
export interface AuditEvent {
  /** Random UUID, CloudTrail's `eventID`. */
  readonly eventId: string;
  /** Epoch milliseconds. */
  readonly eventTime: number;
  readonly eventName: OperationName;
  readonly region: string;
  readonly caller: Principal;
  readonly sourceIpAddress: string;
  readonly userAgent: string;
  readonly requestId: string;
  /** CloudTrail `requestParameters` (never plaintext or ciphertext). */
  readonly requestParameters: Record<string, unknown> | null;
  readonly responseElements: Record<string, unknown> | null;
  /** ARNs of the keys the call touched. */
  readonly resources: readonly string[];
  readonly readOnly: boolean;
  /** Account that owns the resource (the key's account), CloudTrail's `recipientAccountId`. */
  readonly recipientAccountId: string;
  readonly errorCode?: string;
  readonly errorMessage?: string;
}

/** Audit trail options. */
export interface AuditOptions {
  /** Events kept in memory (oldest dropped first). Default 100,000. */
  readonly capacity?: number;
}

/** Records events. */
export class AuditTrail {
  readonly #events: AuditEvent[] = [];
  readonly #capacity: number;

  constructor(options: AuditOptions = {}) {
    this.#capacity = options.capacity ?? 100_000;
  }

  /** Appends one event. */
  record(event: AuditEvent): void {
    this.#events.push(event);
    if (this.#events.length > this.#capacity) this.#events.shift();
  }

  /** Every retained event, oldest first. */
  events(): readonly AuditEvent[] {
    return this.#events;
  }
}
