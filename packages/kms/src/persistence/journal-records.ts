/**
 * @module
 * How a group-commit batch becomes journal records: each commit's changes encoded as JSON lines,
 * records split once they pass 8 MiB of JSON text, and only ever between two commits, so that a
 * commit's changes always land in one record and recovery never replays half of one.
 */

import type { Change } from '../model/state.ts';
import { encodeChange } from './codec.ts';

/** JSON text per journal record before a batch is split (only ever between two commits). */
const RECORD_SPLIT_CHARACTERS = 8 * 1024 * 1024;

/** One commit of a batch: the changes it applied, in order. */
export interface Commit {
  readonly changes: readonly Change[];
}

/** One journal record: its encoded changes, and the commits it holds whole (in batch order). */
export interface JournalRecord<C extends Commit> {
  readonly encoded: string[];
  readonly commits: readonly C[];
}

/**
 * The records of `batch`, in order, each encoded only when the one before it has been taken (the
 * writer makes each durable before encoding the next).
 * @example for (const { encoded, commits } of journalRecords(batch)) await journal.append(encoded);
 */
export function* journalRecords<C extends Commit>(batch: readonly C[]): Generator<JournalRecord<C>, void, undefined> {
  let encoded: string[] = [];
  let characters = 0;
  let first = 0;
  for (const [index, commit] of batch.entries()) {
    for (const change of commit.changes) {
      const json = encodeChange(change);
      encoded.push(json);
      characters += json.length;
    }
    if (characters >= RECORD_SPLIT_CHARACTERS || index === batch.length - 1) {
      yield { encoded, commits: batch.slice(first, index + 1) };
      first = index + 1;
      encoded = [];
      characters = 0;
    }
  }
}
