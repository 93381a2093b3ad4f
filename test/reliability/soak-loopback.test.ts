/**
 * A CI-sized loopback soak (bench/reliability/soak-run.ts): N concurrent official SDK clients of
 * mixed KMS and S3 traffic against `strongbox serve --data` for T seconds, stopping by itself; no
 * request fails except by throttling (the default quotas), the server's memory is sampled (after a
 * full GC) through the run, and the server stops cleanly. Figures (requests, latency percentiles,
 * memory) go to the reliability summary, never into an assertion about speed; a few seconds are
 * too short for a plateau verdict, which the full run gives. Size: STRONGBOX_SOAK_CLIENTS
 * (default 8), STRONGBOX_SOAK_SECONDS (default 5); the full run is `npx tsx
 * bench/reliability/soak.ts` (64 clients, 5 minutes, the trail's ring filled first).
 */

import { describe, expect, it } from 'vitest';
import { WORKLOADS } from '../../bench/reliability/soak-mix.ts';
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
      expect(Object.keys(result.workloads)).toEqual(WORKLOADS);
      expect(Object.values(result.workloads).every((workload) => workload.count > 0)).toBe(true);
      // The server answered every memory sample (the first before the load, the last after it).
      expect(result.memory.length).toBeGreaterThanOrEqual(2);
      expect(result.memory.every((sample) => Number.isFinite(sample.heapUsedMiB) && sample.heapUsedMiB > 0)).toBe(true);
      // The bounded key set: the soak never stores more objects than it has keys for.
      expect(result.storedObjects).toBeLessThanOrEqual(256);
      const first = result.memory[0]!;
      const last = result.memory.at(-1)!;
      recordReliability(
        'soak requests without error (loopback, mixed KMS and S3)',
        result.requests,
        `${CLIENTS} clients x ${SECONDS} s, ${result.throttled} throttled, p50/p90/p99/max ${result.latency.p50}/${result.latency.p90}/${result.latency.p99}/${result.latency.max} ms, server RSS ${first.rssMiB} -> ${last.rssMiB} MiB, heap after GC ${first.heapUsedMiB} -> ${last.heapUsedMiB} MiB`,
      );
    },
    60_000 + SECONDS * 2000,
  );
});
