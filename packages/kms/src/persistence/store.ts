/**
 * @module
 * The seam between the model and durability: every state change goes through a `ChangeStore`.
 * `commit` applies the changes to the in-memory state at once (so concurrent requests see them
 * and cannot, say, create the same alias twice) and resolves when they are durable. A request is
 * acknowledged only after its commit resolves, so a crash loses no acknowledged change; and a
 * response that rests on another request's change (Encrypt under material a concurrent rotation
 * just added), or a refusal resting on one, waits for `whenDurable`, so no answer depends on lost state.
 */

import { type Change, KmsState } from '../model/state.ts';
import type { AuditSink } from './audit-log.ts';

/** Applies and persists state changes. */
export interface ChangeStore {
  /** The state the changes apply to. */
  readonly state: KmsState;
  /**
   * Applies `changes` before returning (synchronously); resolves once they are durable. Operations
   * rely on the synchronous apply: reading a key, checking it and committing its change in one step
   * (`operations/shared/key-update.ts`) is what keeps concurrent changes of one key from undoing
   * each other.
   */
  commit(changes: readonly Change[]): Promise<void>;
  /**
   * A barrier for responses that rest on state other requests changed: `undefined` when every
   * change applied so far is durable, else a promise that resolves when they are (and rejects if
   * the store fails first). Stores that are durable as soon as they apply need not implement it.
   */
  whenDurable?(): Promise<void> | undefined;
  /**
   * Asked before every call: `undefined` while the store serves, a rejected promise (the call's
   * error) once it refuses every call, reads included, because another process took its data
   * directory over (its state is stale, its audit trail unwritable). Stores that cannot lose their
   * storage need not implement it, and then cost nothing per call.
   */
  refusal?(): Promise<never> | undefined;
  /**
   * Where a persistent store keeps the audit trail (`audit-log.ts`): the events it read back,
   * restored into the trail at start, and the sink every new event goes to. Absent: the trail
   * lives in memory only.
   */
  readonly audit?: AuditSink;
  /** Flushes and releases resources. */
  close(): Promise<void>;
}

/** The default store: state in memory only; commits are durable as soon as they are applied. */
export class MemoryStore implements ChangeStore {
  readonly state: KmsState;

  constructor(state: KmsState) {
    this.state = state;
  }

  async commit(changes: readonly Change[]): Promise<void> {
    for (const change of changes) this.state.apply(change);
  }

  async close(): Promise<void> {}
}

/**
 * A fresh in-memory store with an empty state (what `Kms` uses when given no store).
 *
 * @example
 * ```ts
 * const kms = new Kms({ store: createMemoryStore() });
 * ```
 */
export function createMemoryStore(): ChangeStore {
  return new MemoryStore(new KmsState());
}
