/**
 * @module
 * Vitest global setup of the whole run: creates the directory reliability records go to (see
 * `summary.ts`), and prints their totals when every project has finished.
 */

import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatSummary, RELIABILITY_DIR_ENV, type ReliabilityRecord, summarise } from './summary.ts';

/** Creates the records directory; the returned teardown prints the summary and removes it. */
export default function setup(): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'strongbox-reliability-'));
  process.env[RELIABILITY_DIR_ENV] = dir;
  return () => {
    const records: ReliabilityRecord[] = readdirSync(dir)
      .filter((file) => file.endsWith('.jsonl'))
      .flatMap((file) => readFileSync(join(dir, file), 'utf8').split('\n').filter(Boolean))
      .map((line) => JSON.parse(line) as ReliabilityRecord);
    rmSync(dir, { recursive: true, force: true });
    // Workers append in whatever order they finish: sorted by metric, the summary reads the same every run.
    process.stdout.write(formatSummary(summarise(records).sort((a, b) => a.metric.localeCompare(b.metric))));
  };
}
