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
  readonly #last = new Map<string, KeyLastUsage>();

  constructor(startedAt: number) {
    this.startedAt = startedAt;
  }

  /** Records a successful use of the key `keyArn`. */
  record(keyArn: string, usage: KeyLastUsage): void {
    this.#last.set(keyArn, usage);
  }

  /** The last use of `key`, if any since tracking started. */
  lastUsage(key: KeyRecord): KeyLastUsage | undefined {
    return this.#last.get(key.arn);
  }

  /** When tracking started for `key`: its creation, or this log's start if later. */
  trackingStart(key: KeyRecord): number {
    return Math.max(key.creationDate, this.startedAt);
  }
}

/**
 * A recorded use whose CloudTrail ids are read from `ids` when first asked: every tracked call is
 * recorded, GetKeyLastUsage reads few of them.
 */
export class TrackedUse implements KeyLastUsage {
  readonly operation: string;
  readonly timestamp: number;
  readonly #ids: { readonly eventId: string; readonly requestId: string };

  constructor(operation: string, timestamp: number, ids: { readonly eventId: string; readonly requestId: string }) {
    this.operation = operation;
    this.timestamp = timestamp;
    this.#ids = ids;
  }

  get eventId(): string {
    return this.#ids.eventId;
  }

  get requestId(): string {
    return this.#ids.requestId;
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
