/**
 * @module
 * The loopback soak benchmark (issue 14), standalone (not part of `pnpm bench`, no JSON result):
 *
 * ```
 * npx tsx bench/reliability/soak.ts                                                 # 64 clients x 300 s (the full run)
 * STRONGBOX_SOAK_CLIENTS=8 STRONGBOX_SOAK_SECONDS=20 npx tsx bench/reliability/soak.ts   # a short one
 * STRONGBOX_SOAK_PREFILL=0 npx tsx bench/reliability/soak.ts                         # without filling the trail first
 * ```
 *
 * See `soak-run.ts` for what runs. Before the measured load it fills the audit trail's ring
 * (100,000 KMS calls, STRONGBOX_SOAK_PREFILL to change), so that the memory series shows a server
 * whose bounded caches are full. It prints requests, errors by kind, throttling, latency
 * percentiles overall and per workload, the server's memory every 10 s (after a full GC) with the
 * plateau verdicts, and what the soak left stored; it exits 1 if any request failed other than
 * by throttling, or if the heap that survives garbage collection did not level off.
 */

import { AuditTrail } from '@strongbox/kms';
import { runSoak } from './soak-run.ts';
import { soakReport } from './soak-stats.ts';

const clients = Number.parseInt(process.env['STRONGBOX_SOAK_CLIENTS'] ?? '64', 10);
const seconds = Number.parseInt(process.env['STRONGBOX_SOAK_SECONDS'] ?? '300', 10);
// Enough to fill the trail's ring (`strongbox serve` keeps the kernel's default capacity).
const prefill = Number.parseInt(process.env['STRONGBOX_SOAK_PREFILL'] ?? String(new AuditTrail().capacity), 10);
if (!(clients > 0) || !(seconds > 0) || !(prefill >= 0)) {
  throw new Error('STRONGBOX_SOAK_CLIENTS and STRONGBOX_SOAK_SECONDS must be positive integers, STRONGBOX_SOAK_PREFILL 0 or more');
}

process.stdout.write(
  `Strongbox loopback soak: ${clients} clients, ${seconds} s, strongbox serve --data (HTTPS, default quotas), trail prefill ${prefill} — ${new Date().toISOString()}\n`,
);
const result = await runSoak({ clients, seconds, prefill, progress: (line) => process.stderr.write(`${line}\n`) });
process.stdout.write(`\n${soakReport(result)}`);
process.exitCode = Object.keys(result.errors).length === 0 && result.heapVerdict.plateau !== false ? 0 : 1;
