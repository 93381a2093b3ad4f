import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatSummary, RELIABILITY_DIR_ENV, recordReliability, summarise } from './summary.ts';

describe('the reliability summary', () => {
  it('adds the counts of one metric and keeps the last detail, in first-seen order', () => {
    expect(
      summarise([
        { metric: 'requests fuzzed', count: 3 },
        { metric: 'crash cycles', count: 1, detail: 'first' },
        { metric: 'requests fuzzed', count: 4 },
        { metric: 'crash cycles', count: 2, detail: 'last' },
      ]),
    ).toEqual([
      { metric: 'requests fuzzed', count: 7 },
      { metric: 'crash cycles', count: 3, detail: 'last' },
    ]);
  });

  it('appends one JSON line per record to the directory the global setup names, and nothing without it', () => {
    const saved = process.env[RELIABILITY_DIR_ENV];
    const dir = mkdtempSync(join(tmpdir(), 'summary-test-'));
    try {
      process.env[RELIABILITY_DIR_ENV] = dir;
      recordReliability('requests fuzzed', 5, 'KMS');
      recordReliability('requests fuzzed', 6);
      const lines = readFileSync(join(dir, `${process.pid}.jsonl`), 'utf8')
        .trim()
        .split('\n');
      expect(lines.map((line) => JSON.parse(line))).toEqual([
        { metric: 'requests fuzzed', count: 5, detail: 'KMS' },
        { metric: 'requests fuzzed', count: 6 },
      ]);
      delete process.env[RELIABILITY_DIR_ENV];
      recordReliability('requests fuzzed', 7);
      expect(readdirSync(dir)).toEqual([`${process.pid}.jsonl`]);
      expect(
        readFileSync(join(dir, `${process.pid}.jsonl`), 'utf8')
          .trim()
          .split('\n'),
      ).toHaveLength(2);
    } finally {
      if (saved === undefined) delete process.env[RELIABILITY_DIR_ENV];
      else process.env[RELIABILITY_DIR_ENV] = saved;
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('prints counts right-aligned with thousands separators, each detail under its metric, and nothing when empty', () => {
    expect(formatSummary([])).toBe('');
    expect(
      formatSummary([
        { metric: 'requests fuzzed (KMS)', count: 30000 },
        { metric: 'crash-restart cycles survived', count: 6, detail: '1,234 checks' },
      ]),
    ).toBe('\nReliability summary (issue #14)\n  30,000  requests fuzzed (KMS)\n       6  crash-restart cycles survived\n            1,234 checks\n');
  });
});
