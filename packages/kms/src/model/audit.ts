/**
 * @module
 * The audit trail: every call, allowed or refused (throttled and invalid calls too), becomes one
 * event, rendered on demand as a CloudTrail record for `kms.amazonaws.com` (see `cloudtrail.ts`).
 * AWS: "Logging AWS KMS API calls with AWS CloudTrail",
 * https://docs.aws.amazon.com/kms/latest/developerguide/logging-using-cloudtrail.html
 *
 * Events are kept in a bounded ring (default 100,000, oldest dropped first): recording is O(1)
 * with no allocation beyond the event itself, so it keeps up with 150,000 calls per second. Events
 * hold plain values; the JSON is built only when a record is read.
 */

import type { OperationName } from '../operations/catalog.ts';
import { lookupRecords, renderRecord, type CloudTrailRecord, type LookupQuery, type LookupResult } from './cloudtrail.ts';
import type { Random } from './environment.ts';
import type { Principal } from './principal.ts';

/**
 * Events KMS itself records, as `AwsServiceEvent`s, when the clock makes something happen: an
 * automatic or on-demand rotation completes, a key's deletion window ends, imported material
 * expires (dev guide "Logging AWS KMS API calls": RotateKey, DeleteKey, DeleteExpiredKeyMaterial).
 */
export type ServiceEventName = 'RotateKey' | 'DeleteKey' | 'DeleteExpiredKeyMaterial';

/** One recorded call or service event (rendered to CloudTrail JSON on demand). */
export interface AuditEvent {
  /** Random UUID, CloudTrail's `eventID`. */
  readonly eventId: string;
  /** Epoch milliseconds. */
  readonly eventTime: number;
  readonly eventName: OperationName | ServiceEventName;
  /** Set for KMS's own events; absent for API calls. */
  readonly eventType?: 'AwsServiceEvent';
  /** `serviceEventDetails` of a service event (`{ keyId }` with the bare key id). */
  readonly serviceEventDetails?: Record<string, unknown>;
  readonly region: string;
  readonly caller: Principal;
  readonly sourceIpAddress: string;
  readonly userAgent: string;
  readonly requestId: string;
  /** CloudTrail `requestParameters` (never plaintext or ciphertext). */
  readonly requestParameters: Record<string, unknown> | null;
  readonly responseElements: Record<string, unknown> | null;
  /** CloudTrail `additionalEventData` (e.g. `keyMaterialId`, RetireGrant's `grantId`), if any. */
  readonly additionalEventData?: Record<string, unknown>;
  /** ARNs of the keys (and aliases) the call touched. */
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

/** Default number of events kept. */
const DEFAULT_CAPACITY = 100_000;
const ID_BATCH_BYTES = 4096;
const HEX: readonly string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/**
 * Random version-4 UUIDs (RFC 9562 §5.4) for `eventID`, formatted through a byte table from a
 * 4 KiB batch of randomness: about ten times cheaper than drawing and formatting 16 bytes per id,
 * which matters once per call at 150,000 calls per second.
 */
export class EventIds {
  readonly #random: Random;
  #batch: Uint8Array = new Uint8Array(0);
  #offset = 0;

  constructor(random: Random) {
    this.#random = random;
  }

  /** A fresh random UUID. */
  next(): string {
    if (this.#offset + 16 > this.#batch.length) {
      this.#batch = this.#random.bytes(ID_BATCH_BYTES);
      this.#offset = 0;
    }
    const b = this.#batch;
    const o = this.#offset;
    this.#offset += 16;
    const h = (i: number): string => HEX[b[o + i]!]!;
    const version = HEX[(b[o + 6]! & 0x0f) | 0x40]!;
    const variant = HEX[(b[o + 8]! & 0x3f) | 0x80]!;
    return `${h(0)}${h(1)}${h(2)}${h(3)}-${h(4)}${h(5)}-${version}${h(7)}-${variant}${h(9)}-${h(10)}${h(11)}${h(12)}${h(13)}${h(14)}${h(15)}`;
  }
}

/**
 * Records events and answers queries over them.
 *
 * @example
 * ```ts
 * const kms = new Kms();
 * await kms.createKey({});
 * const { records } = kms.auditTrail.lookup({ eventName: 'CreateKey' });
 * records[0]?.eventSource; // 'kms.amazonaws.com'
 * ```
 */
export class AuditTrail {
  readonly #capacity: number;
  /** The ring: grows up to `capacity` by push, then overwrites the oldest slot. */
  readonly #ring: AuditEvent[] = [];
  /** Slot of the oldest event once the ring is full. */
  #start = 0;
  /** Events recorded since creation (the newest event's sequence number is `#recorded - 1`). */
  #recorded = 0;

  /** @throws RangeError if `capacity` is not a positive integer. */
  constructor(options: AuditOptions = {}) {
    const capacity = options.capacity ?? DEFAULT_CAPACITY;
    if (!Number.isSafeInteger(capacity) || capacity < 1) throw new RangeError(`"audit.capacity" expected a positive integer, got ${String(options.capacity)}`);
    this.#capacity = capacity;
  }

  /** Events kept at most. */
  get capacity(): number {
    return this.#capacity;
  }

  /** Events currently kept. */
  get size(): number {
    return this.#ring.length;
  }

  /** Events recorded since creation, including those dropped since. */
  get recorded(): number {
    return this.#recorded;
  }

  /** Appends one event in O(1), dropping the oldest when full. */
  record(event: AuditEvent): void {
    if (this.#ring.length < this.#capacity) {
      this.#ring.push(event);
    } else {
      this.#ring[this.#start] = event;
      this.#start = this.#start + 1 === this.#capacity ? 0 : this.#start + 1;
    }
    this.#recorded += 1;
  }

  /** Every retained event, oldest first (a copy). */
  events(): AuditEvent[] {
    return this.#start === 0 ? this.#ring.slice() : [...this.#ring.slice(this.#start), ...this.#ring.slice(0, this.#start)];
  }

  /** Every retained event as a CloudTrail record, oldest first. */
  records(): CloudTrailRecord[] {
    return this.events().map(renderRecord);
  }

  /**
   * CloudTrail records matching every given filter, newest first, a page at a time.
   * @throws CloudTrailError InvalidTimeRangeException, InvalidMaxResultsException or InvalidNextTokenException.
   */
  lookup(query: LookupQuery = {}): LookupResult {
    return lookupRecords(this, query);
  }

  /**
   * The retained events with their sequence numbers, newest first, starting at sequence `from`
   * (inclusive) or at the newest event.
   */
  *newestFirst(from: number = Infinity): Generator<readonly [sequence: number, event: AuditEvent]> {
    const oldest = this.#recorded - this.#ring.length;
    for (let sequence = Math.min(from, this.#recorded - 1); sequence >= oldest; sequence--) {
      const offset = sequence - oldest;
      const slot = this.#ring.length < this.#capacity ? offset : (this.#start + offset) % this.#capacity;
      yield [sequence, this.#ring[slot]!];
    }
  }

  /** Forgets every event (the sequence numbers keep counting, so old page tokens stay invalid). */
  clear(): void {
    this.#ring.length = 0;
    this.#start = 0;
  }
}
