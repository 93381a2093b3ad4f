/**
 * @module
 * GetKeyLastUsage's record: per key, the last successful cryptographic operation, when, and the
 * CloudTrail event and KMS request ids of that call. Kept in memory, one log per emulator state: a
 * key's usage is not persisted (Known differences, README), so after a restart with `--data` the
 * tracking starts again, and `TrackingStartDate` says so ("The date from which KMS began recording
 * cryptographic activity for this key, or the date the KMS key was created, whichever is later").
 */

import { formatUuid } from '@strongbox/service-kernel';
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
 * A key's last successful use, overwritten in place by each new one: every tracked call updates
 * it, GetKeyLastUsage reads few of them, so the CloudTrail ids are kept as the audit trail's 32
 * bytes (event id, then request id) and written out as UUID text only when read.
 */
export class TrackedUse {
  /** The operation; empty until the first use. */
  operation = '';
  timestamp = 0;
  /** The event id's 16 bytes, then the request id's (unused when `requestId` is given). */
  readonly idBytes: Uint8Array = new Uint8Array(32);
  /** The request id the caller gave, if any. */
  requestId: string | undefined;

  /** Records a use: the caller copies the event's ids into `idBytes` as well. */
  update(operation: string, timestamp: number, requestId: string | undefined): void {
    this.operation = operation;
    this.timestamp = timestamp;
    this.requestId = requestId;
  }

  /** The use as GetKeyLastUsage reports it. */
  snapshot(): KeyLastUsage {
    return {
      operation: this.operation,
      timestamp: this.timestamp,
      eventId: formatUuid(this.idBytes, 0),
      requestId: this.requestId ?? formatUuid(this.idBytes, 16),
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
