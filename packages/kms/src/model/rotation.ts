/**
 * @module
 * Key rotation as pure functions of a key record and the time (AWS KMS developer guide, "Rotate
 * AWS KMS keys"; EnableKeyRotation, RotateKeyOnDemand and GetKeyRotationStatus API docs):
 *
 * - automatic rotation every 90..2560 days (default 365), off by default; the first one falls due
 *   one period after EnableKeyRotation;
 * - a key that is not Enabled does not rotate; once Enabled again, a rotation that fell due in the
 *   meantime happens at once, then every period from then on;
 * - on-demand rotation is asynchronous: it starts at once and completes after the emulator's delay;
 * - AWS managed keys always rotate yearly (one year after creation or their last rotation).
 *
 * A rotation appends a backing key (`newMaterial`) and a history entry. Backing keys are never
 * dropped, so every ciphertext made before a rotation still decrypts.
 */

import type { Random } from '@strongbox/service-kernel';
import { DEFAULT_ROTATION_PERIOD_DAYS, newMaterial } from './keys.ts';
import type { KeyRecord, RotationType } from './records.ts';

/** One day in milliseconds. */
export const DAY_MS = 86_400_000;

/** EnableKeyRotation `RotationPeriodInDays` range (KMS model RotationPeriodInDaysType). */
export const MIN_ROTATION_PERIOD_DAYS = 90;
/** Upper end of `RotationPeriodInDays`. */
export const MAX_ROTATION_PERIOD_DAYS = 2560;

/**
 * AWS managed keys rotate every year (changed from three years in May 2022; EnableKeyRotation doc):
 * the default period of customer keys.
 */
export const AWS_MANAGED_ROTATION_PERIOD_DAYS: number = DEFAULT_ROTATION_PERIOD_DAYS;

/**
 * Most on-demand rotations per key. The RotateKeyOnDemand doc says "a maximum of 25 times per KMS
 * key" since the model update of 2026-02-16 (it said 10 before; LocalStack's AWS-validated test of
 * 2025-04-03 hit the limit at the 11th call). Strongbox follows the current documentation.
 */
export const ON_DEMAND_ROTATION_LIMIT = 25;

/** RotateKeyOnDemand is refused while an automatic rotation is due within 20 minutes (ConflictException doc). */
export const ROTATION_CONFLICT_WINDOW_MS: number = 20 * 60_000;

/** The automatic schedule in force for a key, if any. */
export interface AutomaticSchedule {
  readonly periodInDays: number;
  readonly nextRotationDate: number;
  /** Fell due while the key was not Enabled (see `RotationSettings.overdue`). */
  readonly overdue: boolean;
}

/** What GetKeyRotationStatus reports. */
export interface RotationStatus {
  readonly enabled: boolean;
  readonly periodInDays?: number;
  readonly nextRotationDate?: number;
  readonly onDemandStartDate?: number;
}

/** The automatic schedule of `key`: its own for customer keys, the yearly one for AWS managed keys. */
export function automaticSchedule(key: KeyRecord): AutomaticSchedule | undefined {
  const overdue = key.rotation.overdue === true;
  if (key.keyManager === 'AWS') {
    const last = key.rotation.history.at(-1)?.rotationDate ?? key.creationDate;
    return { periodInDays: AWS_MANAGED_ROTATION_PERIOD_DAYS, nextRotationDate: last + AWS_MANAGED_ROTATION_PERIOD_DAYS * DAY_MS, overdue };
  }
  const { enabled, periodInDays, nextRotationDate } = key.rotation;
  if (!enabled || nextRotationDate === undefined) return undefined;
  return { periodInDays, nextRotationDate, overdue };
}

/**
 * GetKeyRotationStatus's view. "While a KMS key is pending deletion, its key rotation status is
 * false ... If you cancel the deletion, the original key rotation status returns" (API doc), so the
 * setting is kept and only reported as off.
 */
export function rotationStatus(key: KeyRecord): RotationStatus {
  const onDemand = key.rotation.onDemandStartDate === undefined ? {} : { onDemandStartDate: key.rotation.onDemandStartDate };
  const schedule = automaticSchedule(key);
  if (schedule === undefined || key.state === 'PendingDeletion') return { enabled: false, ...onDemand };
  return { enabled: true, periodInDays: schedule.periodInDays, nextRotationDate: schedule.nextRotationDate, ...onDemand };
}

/** `key` with automatic rotation on: the next rotation one period from `now` (calling again changes the period). */
export function withAutomaticRotation(key: KeyRecord, now: number, periodInDays: number): KeyRecord {
  const { overdue: _overdue, ...rest } = key.rotation;
  return { ...key, rotation: { ...rest, enabled: true, periodInDays, nextRotationDate: now + periodInDays * DAY_MS } };
}

/** `key` with automatic rotation off; an on-demand rotation in progress goes on (DisableKeyRotation doc). */
export function withoutAutomaticRotation(key: KeyRecord): KeyRecord {
  const { overdue: _overdue, nextRotationDate: _next, ...rest } = key.rotation;
  return { ...key, rotation: { ...rest, enabled: false } };
}

/** Whether an on-demand rotation has started and not yet completed. */
export function onDemandRotationInProgress(key: KeyRecord): boolean {
  return key.rotation.onDemandStartDate !== undefined;
}

/** Whether the key has used up its on-demand rotations. */
export function onDemandLimitReached(key: KeyRecord): boolean {
  return key.rotation.onDemandCount >= ON_DEMAND_ROTATION_LIMIT;
}

/** Whether an automatic rotation is overdue or due within the next 20 minutes (RotateKeyOnDemand's ConflictException). */
export function automaticRotationImminent(key: KeyRecord, now: number): boolean {
  const schedule = automaticSchedule(key);
  if (schedule === undefined || key.state !== 'Enabled') return false;
  return schedule.overdue || schedule.nextRotationDate - now <= ROTATION_CONFLICT_WINDOW_MS;
}

/** `key` with an on-demand rotation started at `now`, completing `delayMs` later. */
export function withOnDemandRotationStarted(key: KeyRecord, now: number, delayMs: number): KeyRecord {
  const { rotation } = key;
  return {
    ...key,
    rotation: { ...rotation, onDemandCount: rotation.onDemandCount + 1, onDemandStartDate: now, onDemandCompletesAt: now + Math.max(0, delayMs) },
  };
}

/** `key` with one more backing key, which becomes current, and the rotation recorded at `at`. */
export function rotated(key: KeyRecord, random: Random, at: number, type: RotationType): KeyRecord {
  const version = (key.materials.at(-1)?.version ?? 0) + 1;
  const material = newMaterial(random, version, at);
  return {
    ...key,
    materials: [...key.materials, material],
    rotation: { ...key.rotation, history: [...key.rotation.history, { rotationDate: at, rotationType: type, materialId: material.materialId }] },
  };
}

/**
 * When the clock next has something to do for this key's rotation: `-Infinity` for an overdue
 * rotation of an Enabled key, `Infinity` for nothing. A key that is not Enabled is still watched
 * until its due date passes, so that the date is remembered as overdue (it then waits for the key
 * to be Enabled again, which commits a change and makes the dispatcher look again).
 */
export function rotationDueTime(key: KeyRecord): number {
  let due = key.rotation.onDemandCompletesAt ?? Infinity;
  const schedule = rotatable(key) ? automaticSchedule(key) : undefined;
  if (schedule === undefined) return due;
  if (key.state === 'Enabled') due = Math.min(due, schedule.overdue ? -Infinity : schedule.nextRotationDate);
  else if (!schedule.overdue) due = Math.min(due, schedule.nextRotationDate);
  return due;
}

/**
 * The key after every rotation due by `now`, in time order: a completed on-demand rotation at its
 * completion time, automatic rotations at their scheduled dates (several if the clock jumped over
 * several periods), an overdue one at `now`. Returns `key` itself when nothing is due.
 */
export function applyDueRotations(key: KeyRecord, now: number, random: Random): KeyRecord {
  let current = key;
  // Each pass performs one rotation; periods are at least 90 days, so this ends quickly.
  for (;;) {
    const onDemandAt = current.rotation.onDemandCompletesAt;
    const automaticAt = automaticDueAt(current, now);
    if (onDemandAt !== undefined && onDemandAt <= now && (automaticAt === undefined || onDemandAt <= automaticAt)) {
      current = completeOnDemandRotation(current, random, onDemandAt);
    } else if (automaticAt !== undefined && automaticAt <= now) {
      current = rotateAutomatically(current, random, automaticAt);
    } else {
      break;
    }
  }
  return markOverdue(current, now);
}

/** When the next automatic rotation happens if the key stays as it is (`undefined`: not while it is not Enabled). */
function automaticDueAt(key: KeyRecord, now: number): number | undefined {
  const schedule = rotatable(key) ? automaticSchedule(key) : undefined;
  if (schedule === undefined || key.state !== 'Enabled') return undefined;
  return schedule.overdue ? now : schedule.nextRotationDate;
}

function completeOnDemandRotation(key: KeyRecord, random: Random, at: number): KeyRecord {
  const next = rotated(key, random, at, 'ON_DEMAND');
  const { onDemandStartDate: _start, onDemandCompletesAt: _end, ...rotation } = next.rotation;
  return { ...next, rotation };
}

function rotateAutomatically(key: KeyRecord, random: Random, at: number): KeyRecord {
  const next = rotated(key, random, at, 'AUTOMATIC');
  const { overdue: _overdue, ...rotation } = next.rotation;
  // AWS managed keys derive their next date from the history; customer keys keep theirs.
  return { ...next, rotation: key.keyManager === 'AWS' ? rotation : { ...rotation, nextRotationDate: at + rotation.periodInDays * DAY_MS } };
}

/** Remembers a due date that passed while the key could not rotate (Disabled or PendingDeletion). */
function markOverdue(key: KeyRecord, now: number): KeyRecord {
  const schedule = rotatable(key) ? automaticSchedule(key) : undefined;
  if (schedule === undefined || schedule.overdue || key.state === 'Enabled' || schedule.nextRotationDate > now) return key;
  return { ...key, rotation: { ...key.rotation, overdue: true } };
}

/** Only keys whose material KMS generated rotate automatically (imported material never does). */
function rotatable(key: KeyRecord): boolean {
  return key.origin === 'AWS_KMS';
}
