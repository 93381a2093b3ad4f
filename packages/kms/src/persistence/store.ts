/**
 * @module
 * The seam between the model and durability: every state change goes through a `ChangeStore`.
 * `commit` applies the changes to the in-memory state at once (so concurrent requests see them
 * and cannot, say, create the same alias twice) and resolves when they are durable. A request is
 * acknowledged only after its commit resolves, so a crash loses no acknowledged change.
 */

import type { Change, KmsState } from '../model/state.ts';

/** Applies and persists state changes. */
export interface ChangeStore {
  /** The state the changes apply to. */
  readonly state: KmsState;
  /** Applies `changes` now; resolves once they are durable. */
  commit(changes: readonly Change[]): Promise<void>;
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
