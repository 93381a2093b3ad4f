/**
 * @module
 * GetKeyLastUsage's record: per key, the last successful cryptographic operation, when, and the
 * CloudTrail event and KMS request ids of that call. Kept in memory, one log per emulator state: a
 * key's usage is not persisted (Known differences, README), so after a restart with `--data` the
 * tracking starts again, and `TrackingStartDate` says so ("The date from which KMS began recording
 * cryptographic activity for this key, or the date the KMS key was created, whichever is later").
 */

import type { KeyLastUsage, KeyRecord } from './records.ts';
import type { KmsState } from './state.ts';

/** The operations KMS tracks (KeyLastUsageTrackingOperation enum of the SDK). */
export const TRACKED_OPERATIONS: ReadonlySet<string> = new Set([
  'Decapsulate',
  'Decrypt',
  'DeriveSharedSecret',
  'Encapsulate',
  'Encrypt',
  'GenerateDataKey',
  'GenerateDataKeyPair',
  'GenerateDataKeyPairWithoutPlaintext',
  'GenerateDataKeyWithoutPlaintext',
  'GenerateMac',
  'ReEncrypt',
  'Sign',
  'Verify',
  'VerifyMac',
]);

/** The usage log of one emulator state. */
export class KeyUsageLog {
  /** When this log started recording (the emulator's start). */
  readonly startedAt: number;
  readonly #last = new Map<string, TrackedUse>();

  constructor(startedAt: number) {
    this.startedAt = startedAt;
  }

  /**
   * The record of the key `keyArn`'s last use, for the caller to overwrite with a successful use
   * that just happened (`TrackedUse.update`): one record per key, reused by every later use.
   */
  slot(keyArn: string): TrackedUse {
    let use = this.#last.get(keyArn);
    if (use === undefined) this.#last.set(keyArn, (use = new TrackedUse()));
    return use;
  }

  /** The last use of `key`, if any since tracking started (a copy: the log's record moves on). */
  lastUsage(key: KeyRecord): KeyLastUsage | undefined {
    const use = this.#last.get(key.arn);
    return use === undefined || use.operation === '' ? undefined : use.snapshot();
  }

  /** When tracking started for `key`: its creation, or this log's start if later. */
  trackingStart(key: KeyRecord): number {
    return Math.max(key.creationDate, this.startedAt);
  }
}

/**
 * Where a tracked use's CloudTrail ids come from: the audit trail, which writes out an event's ids
 * from its sequence number when asked, also after the event has left its ring.
 */
export interface EventIdSource {
  eventIdOf(sequence: number): string | undefined;
  requestIdOf(sequence: number): string | undefined;
}

/**
 * A key's last successful use, overwritten in place by each new one: every tracked call updates
 * it, GetKeyLastUsage reads few of them, so the CloudTrail ids are kept as the event's sequence
 * number in the trail and written out as UUID text only when read.
 */
export class TrackedUse {
  /** The operation; empty until the first use. */
  operation = '';
  timestamp = 0;
  /** The trail's sequence number of the use's event. */
  sequence = -1;
  /** The request id the caller gave, if any. */
  requestId: string | undefined;
  #ids: EventIdSource | undefined;

  /** Records a use: its event is event `sequence` of `ids`. */
  update(operation: string, timestamp: number, requestId: string | undefined, ids: EventIdSource, sequence: number): void {
    this.operation = operation;
    this.timestamp = timestamp;
    this.requestId = requestId;
    this.#ids = ids;
    this.sequence = sequence;
  }

  /** The use as GetKeyLastUsage reports it. */
  snapshot(): KeyLastUsage {
    return {
      operation: this.operation,
      timestamp: this.timestamp,
      eventId: this.#ids?.eventIdOf(this.sequence) ?? '',
      requestId: this.requestId ?? this.#ids?.requestIdOf(this.sequence) ?? '',
    };
  }
}

const LOGS = new WeakMap<KmsState, KeyUsageLog>();

/** The usage log of `state`, created (starting at `now`) on first use. */
export function usageLogOf(state: KmsState, now: number): KeyUsageLog {
  let log = LOGS.get(state);
  if (log === undefined) {
    log = new KeyUsageLog(now);
    LOGS.set(state, log);
  }
  return log;
}
