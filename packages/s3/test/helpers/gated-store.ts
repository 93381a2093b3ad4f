/**
 * An `ObjectStore` that forwards to another, and that a test can stop at one call: before the
 * call reaches the store, or after the store answered and before the caller hears it. So a test
 * sets up a controlled interleaving of two requests (one stopped at its store step while the
 * other runs to its end) without sleeps or timers.
 */

import type { ObjectStore } from '../../src/index.ts';

/** Where a gate stops a call. */
export type GateWhen = 'before' | 'after';

/** A stopped call: `reached` resolves once a call arrives at the gate; `release` lets it go on. */
export interface Gate {
  readonly reached: Promise<void>;
  release(): void;
}

/** A store and the means to stop its next call of one method. */
export interface GatedStore {
  readonly store: ObjectStore;
  /** Stops the next call of `method` (`when`: before it reaches the store, or after its answer). */
  gate(method: keyof ObjectStore, when?: GateWhen): Gate;
}

interface Pending {
  readonly method: keyof ObjectStore;
  readonly when: GateWhen;
  readonly arrive: () => void;
  readonly released: Promise<void>;
}

/**
 * Wraps `inner`; every method passes through unchanged unless a gate waits for it.
 * @example
 * const gated = gatedStore(await createMemoryObjectStore());
 * const gate = gated.gate('putObject');
 * const put = client.send(new PutObjectCommand(...)); await gate.reached; ...; gate.release();
 */
export function gatedStore(inner: ObjectStore): GatedStore {
  const pending: Pending[] = [];
  const take = (method: keyof ObjectStore, when: GateWhen): Pending | undefined => {
    const index = pending.findIndex((entry) => entry.method === method && entry.when === when);
    return index === -1 ? undefined : pending.splice(index, 1)[0];
  };
  const store = new Proxy(inner, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver) as unknown;
      if (typeof value !== 'function') return value;
      const method = property as keyof ObjectStore;
      return async (...args: unknown[]) => {
        const before = take(method, 'before');
        if (before !== undefined) {
          before.arrive();
          await before.released;
        }
        const result = (await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args)) as unknown;
        const after = take(method, 'after');
        if (after !== undefined) {
          after.arrive();
          await after.released;
        }
        return result;
      };
    },
  });
  return {
    store,
    gate(method, when = 'before') {
      let arrive!: () => void;
      let release!: () => void;
      const reached = new Promise<void>((resolve) => (arrive = resolve));
      const released = new Promise<void>((resolve) => (release = resolve));
      pending.push({ method, when, arrive, released });
      return { reached, release };
    },
  };
}
