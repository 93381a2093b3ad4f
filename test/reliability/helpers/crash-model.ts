/**
 * @module
 * What a crash test expects to find after a restart: each piece of state the workload writes is a
 * cell holding its last acknowledged value and the values of writes still in flight when the
 * server died (which may or may not have landed: both are correct). A check after the restart
 * accepts exactly those values, then makes the one found the acknowledged one.
 */

/** One piece of state: its acknowledged value and the values of writes in flight. */
export class Cell<T> {
  /** The last acknowledged value; `undefined` when nothing was acknowledged (absent). */
  acked: T | undefined;
  readonly pending: T[] = [];
  /** How many writes to this cell were acknowledged. */
  writes = 0;
  /** Written (or being written) since it was last checked: a partial check must look at it. */
  dirty = false;

  constructor(initial?: T) {
    this.acked = initial;
  }

  /** Runs `write` for `value`: pending while it runs, acknowledged once it resolves. */
  async write<R>(value: T, write: () => Promise<R>): Promise<R> {
    this.dirty = true;
    this.pending.push(value);
    const result = await write();
    this.pending.splice(this.pending.indexOf(value), 1);
    this.acked = value;
    this.writes++;
    return result;
  }

  /**
   * Whether `found` is the acknowledged value or one in flight at the crash (`same` compares);
   * when it is, it becomes the acknowledged value.
   */
  settle(found: T | undefined, same: (a: T | undefined, b: T | undefined) => boolean): boolean {
    const allowed = [this.acked, ...this.pending];
    if (!allowed.some((value) => same(value, found))) return false;
    this.acked = found;
    this.pending.length = 0;
    this.dirty = false;
    return true;
  }

  /** What a failed check prints. */
  describe(): string {
    return `acknowledged ${JSON.stringify(this.acked)}, in flight ${JSON.stringify(this.pending)}`;
  }
}

/** An object version as the test knows it: its body's SHA-256 and how it was encrypted. */
export interface ObjectVersion {
  readonly sha256: string;
  /** `x-amz-server-side-encryption`, or `SSE-C`; `default` when the bucket default decided. */
  readonly sse: string;
}

/** Whether two object versions (or absences, `null` for deleted) are the same. */
export function sameVersion(a: ObjectVersion | null | undefined, b: ObjectVersion | null | undefined): boolean {
  if (a === undefined || a === null || b === undefined || b === null) return (a ?? null) === (b ?? null);
  return a.sha256 === b.sha256;
}
