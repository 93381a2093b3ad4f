/**
 * @module
 * The loopback soak benchmark (issue 14), standalone (not part of `pnpm bench`, no JSON result):
 *
 * ```
 * npx tsx bench/reliability/soak.ts                                                 # 64 clients x 300 s (the full run)
 * STRONGBOX_SOAK_CLIENTS=8 STRONGBOX_SOAK_SECONDS=20 npx tsx bench/reliability/soak.ts   # a short one
 * ```
 *
 * See `soak-run.ts` for what runs. It prints the table (clients, seconds, requests, errors,
 * throttled, latency p50/p95/p99, the server's RSS after warm-up and at the end), the requests
 * per operation and the errors by name, and exits 1 if any request failed other than by throttling.
 */

import { runSoak, soakTable } from './soak-run.ts';

const clients = Number.parseInt(process.env['STRONGBOX_SOAK_CLIENTS'] ?? '64', 10);
const seconds = Number.parseInt(process.env['STRONGBOX_SOAK_SECONDS'] ?? '300', 10);
if (!(clients > 0) || !(seconds > 0)) throw new Error('STRONGBOX_SOAK_CLIENTS and STRONGBOX_SOAK_SECONDS must be positive integers');

process.stdout.write(
  `Strongbox loopback soak: ${clients} clients, ${seconds} s, strongbox serve --data (HTTPS, default quotas) — ${new Date().toISOString()}\n`,
);
const result = await runSoak({ clients, seconds });
process.stdout.write(
  `\n${soakTable(result)}\n\nrequests per operation: ${JSON.stringify(result.operations)}\nerrors: ${JSON.stringify(result.errors)}\nerror messages: ${JSON.stringify(result.errorMessages)}\n`,
);
process.exitCode = Object.keys(result.errors).length === 0 ? 0 : 1;
