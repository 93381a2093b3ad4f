/**
 * A CI-sized loopback soak (bench/reliability/soak-run.ts): N concurrent official SDK clients of
 * mixed KMS and S3 traffic against `strongbox serve --data` for T seconds, stopping by itself; no
 * request fails except by throttling (the default quotas), and the server stops cleanly. Figures
 * (requests, latency percentiles, RSS) go to the reliability summary, never into an assertion
 * about speed. Size: STRONGBOX_SOAK_CLIENTS (default 8), STRONGBOX_SOAK_SECONDS (default 5); the
 * full run is `npx tsx bench/reliability/soak.ts` (64 clients, 5 minutes).
 */

import { describe, expect, it } from 'vitest';
import { runSoak } from '../../bench/reliability/soak-run.ts';
import { recordReliability } from './summary.ts';

const CLIENTS = Math.max(1, Number.parseInt(process.env['STRONGBOX_SOAK_CLIENTS'] ?? '8', 10) || 8);
const SECONDS = Math.max(1, Number.parseInt(process.env['STRONGBOX_SOAK_SECONDS'] ?? '5', 10) || 5);

describe('loopback soak', () => {
  it(
    `${CLIENTS} clients for ${SECONDS} s of mixed KMS and S3 traffic: no error but throttling`,
    async () => {
      const result = await runSoak({ clients: CLIENTS, seconds: SECONDS });
      expect(result.errors, JSON.stringify(result.errorMessages)).toEqual({});
      // Every kind of request ran.
      expect(Object.keys(result.operations).length).toBe(9);
      expect(Number.isFinite(result.rssEndMiB) || process.platform !== 'linux').toBe(true);
      recordReliability(
        'soak requests without error (loopback, mixed KMS and S3)',
        result.requests,
        `${CLIENTS} clients x ${SECONDS} s, ${result.throttled} throttled, p50/p95/p99 ${result.p50Ms}/${result.p95Ms}/${result.p99Ms} ms, server RSS ${result.rssAfterWarmUpMiB} -> ${result.rssEndMiB} MiB`,
      );
    },
    60_000 + SECONDS * 2000,
  );
});
