/**
 * @module
 * Correctness checks run before anything is timed: a benchmark of an implementation that returns
 * the wrong bytes measures nothing. Every check is recorded (for the JSON results); the first
 * failure aborts the run.
 */

import { createHash } from 'node:crypto';

/** One recorded check. */
export interface CheckRecord {
  readonly check: string;
  readonly ok: boolean;
}

/** Records checks, throwing on the first failure. */
export class Checks {
  readonly records: CheckRecord[] = [];

  /** Records `description`; throws if `ok` is false. */
  assert(ok: boolean, description: string): void {
    this.records.push({ check: description, ok });
    if (!ok) throw new Error(`benchmark validation failed: ${description}`);
  }

  /** Records that `run` throws (or rejects). */
  async rejects(run: () => unknown, description: string): Promise<void> {
    let threw = false;
    try {
      await run();
    } catch {
      threw = true;
    }
    this.assert(threw, description);
  }
}

/** Byte-wise equality. */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.compare(Buffer.from(a.buffer, a.byteOffset, a.byteLength), Buffer.from(b.buffer, b.byteOffset, b.byteLength)) === 0;
}

/** SHA-256 over a sequence of chunks, hex. */
export function sha256Hex(chunks: Iterable<Uint8Array>): string {
  const hash = createHash('sha256');
  for (const chunk of chunks) hash.update(chunk);
  return hash.digest('hex');
}

/** `count` repetitions of `chunk`, lazily. */
export function* repeat(chunk: Uint8Array, count: number): Generator<Uint8Array> {
  for (let i = 0; i < count; i++) yield chunk;
}
