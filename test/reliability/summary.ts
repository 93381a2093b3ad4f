/**
 * @module
 * The reliability summary the test run prints (issue #14): tests that fuzz, crash, scan or soak
 * record what they tried with `recordReliability`, and the root vitest global setup prints the
 * totals when the run ends. Records go to a directory the global setup creates (one JSON line per
 * record, appended: workers of every project write there), so a test file run on its own, outside
 * that setup, records nothing and fails nothing.
 */

import { appendFileSync } from 'node:fs';
import { join } from 'node:path';

/** The environment variable naming the directory records go to (set by the global setup). */
export const RELIABILITY_DIR_ENV = 'STRONGBOX_RELIABILITY_DIR';

/** One line of the summary: what was counted, and how many. */
export interface ReliabilityRecord {
  /** What was counted, e.g. `requests fuzzed (KMS JSON 1.1)` or `acknowledged writes checked`. */
  readonly metric: string;
  /** How many (added to the other records of the same metric). */
  readonly count: number;
  /** Free text printed beside the total (the last one recorded wins), e.g. `p99 4.1 ms`. */
  readonly detail?: string;
}

/**
 * Adds `count` to `metric` in the run's reliability summary.
 * @throws {Error} when the records directory exists but cannot be written (a broken run, not a test failure to hide).
 * @example recordReliability('requests fuzzed (S3 REST-XML)', 2000);
 */
export function recordReliability(metric: string, count: number, detail?: string): void {
  const dir = process.env[RELIABILITY_DIR_ENV];
  if (dir === undefined || dir === '') return;
  const record: ReliabilityRecord = detail === undefined ? { metric, count } : { metric, count, detail };
  appendFileSync(join(dir, `${process.pid}.jsonl`), `${JSON.stringify(record)}\n`);
}

/**
 * Totals per metric, in the order each metric was first recorded.
 * @example summarise([{ metric: 'a', count: 1 }, { metric: 'a', count: 2 }]) // → [{ metric: 'a', count: 3 }]
 */
export function summarise(records: readonly ReliabilityRecord[]): ReliabilityRecord[] {
  const totals = new Map<string, { count: number; detail?: string }>();
  for (const record of records) {
    const total = totals.get(record.metric) ?? { count: 0 };
    total.count += record.count;
    if (record.detail !== undefined) total.detail = record.detail;
    totals.set(record.metric, total);
  }
  return [...totals].map(([metric, { count, detail }]) => (detail === undefined ? { metric, count } : { metric, count, detail }));
}

/**
 * The summary as the end of a test run prints it: a title, then one line per metric, the counts
 * right-aligned, each detail on its own line under its metric (details are long: sizes, figures).
 * @example formatSummary([{ metric: 'requests fuzzed', count: 2000 }]) // '\nReliability summary (issue #14)\n  2,000  requests fuzzed\n'
 */
export function formatSummary(totals: readonly ReliabilityRecord[]): string {
  if (totals.length === 0) return '';
  const counts = totals.map((total) => total.count.toLocaleString('en-US'));
  const width = Math.max(...counts.map((count) => count.length));
  const lines = totals.flatMap((total, index) => [
    `  ${counts[index]!.padStart(width)}  ${total.metric}`,
    ...(total.detail === undefined ? [] : [`  ${' '.repeat(width)}    ${total.detail}`]),
  ]);
  return `\nReliability summary (issue #14)\n${lines.join('\n')}\n`;
}
