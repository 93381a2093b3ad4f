/**
 * @module
 * Start-up and idle footprint of `strongbox serve` (issue 13), beside the same node binary's bare
 * start, all measured in this run with the rounds interleaved (A₁ B₁ C₁ A₂ B₂ C₂ …).
 *
 * ```
 * npx tsx bench/product/startup.ts           # 9 rounds, about a minute
 * npx tsx bench/product/startup.ts --quick   # 2 rounds: figures not meaningful
 * ```
 *
 * Rows (each a fresh child process of `process.execPath`):
 *
 * | row | command | "ready" when |
 * | --- | --- | --- |
 * | bare node | `node -e 0` | it exits |
 * | bare node:http server [floor] | `node -e '<http server answering every request 200>'` | its port answers `GET /_strongbox/health` 200 |
 * | strongbox serve (dist) | `node --conditions=strongbox-dist packages/strongbox/bin/strongbox.js serve --port 0 --quiet`: what `pnpm start` runs, the built command (dist/bundle/, `scripts/bundle.mjs`) | the same request answers 200 (KMS, S3, CloudTrail up) |
 * | strongbox serve, tsc output unbundled [info] | `node --conditions=strongbox-dist packages/strongbox/dist/cli.js serve --port 0 --quiet`: the same JavaScript as about 350 modules, what the bundle saves | the same |
 * | strongbox serve through tsx [info] | `node --import tsx packages/strongbox/src/cli.ts serve --port 0 --quiet`: the sources, as before the build step | the same |
 *
 * Ready time runs from `spawn()` to the first 200 (polled every 5 ms with `node:http`, no
 * keep-alive), so it includes starting Node.js itself. Idle RSS is `VmRSS` from
 * `/proc/<pid>/status` one second after ready (after the one health request; for `node -e 0`, a
 * twin `node -e 'setInterval(() => {}, 1000)'` read after one second). Targets: strongbox serve
 * (dist) ready ≤ 300 ms and idle RSS ≤ 80 MiB (medians). The bare rows show what Node.js alone
 * costs on this machine in this run: on a loaded machine every row slows together.
 */

import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { get } from 'node:http';
import { join } from 'node:path';
import { median } from '../lib/harness.ts';
import { formatNumber, renderTable } from '../lib/table.ts';

const quick = process.argv.includes('--quick');
const ROUNDS = Number(process.env['STARTUP_BENCH_ROUNDS'] ?? (quick ? 2 : 9));
const ROOT = join(import.meta.dirname, '..', '..');
const READY_TARGET_MS = 300;
const RSS_TARGET_MIB = 80;

const HTTP_FLOOR = `const s = require('node:http').createServer((q, r) => r.end('{"status":"ok"}')); s.listen(0, '127.0.0.1', () => console.log('listening on http://127.0.0.1:' + s.address().port));`;

interface Row {
  readonly id: string;
  readonly label: string;
  readonly args: readonly string[];
  /** `exit`: ready when the process exits; `health`: when its banner's URL answers 200. */
  readonly ready: 'exit' | 'health';
  /** For `exit` rows: the command whose idle RSS stands for it. */
  readonly idleArgs?: readonly string[];
  readonly info?: boolean;
}

const ROWS: readonly Row[] = [
  { id: 'bare', label: 'bare node -e 0', args: ['-e', '0'], ready: 'exit', idleArgs: ['-e', 'setInterval(() => {}, 1000)'] },
  { id: 'floor', label: 'bare node:http server [floor]', args: ['-e', HTTP_FLOOR], ready: 'health' },
  {
    id: 'dist',
    label: 'strongbox serve (dist, pnpm start)',
    args: ['--conditions=strongbox-dist', join(ROOT, 'packages', 'strongbox', 'bin', 'strongbox.js'), 'serve', '--port', '0', '--quiet'],
    ready: 'health',
  },
  {
    id: 'unbundled',
    label: 'strongbox serve, tsc output unbundled [info]',
    args: ['--conditions=strongbox-dist', join(ROOT, 'packages', 'strongbox', 'dist', 'cli.js'), 'serve', '--port', '0', '--quiet'],
    ready: 'health',
    info: true,
  },
  {
    id: 'tsx',
    label: 'strongbox serve through tsx [info]',
    args: ['--import', 'tsx', join(ROOT, 'packages', 'strongbox', 'src', 'cli.ts'), 'serve', '--port', '0', '--quiet'],
    ready: 'health',
    info: true,
  },
];

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function rssMiB(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(match?.[1] ?? Number.NaN) / 1024;
}

function healthy(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const request = get(`${url}/_strongbox/health`, { agent: false }, (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode === 200));
    });
    request.on('error', () => resolve(false));
  });
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve())));
}

/** One start of `row`: milliseconds to ready, and the idle RSS. */
async function measure(row: Row): Promise<{ readyMs: number; rssMiB: number }> {
  const started = performance.now();
  const child = spawn(process.execPath, row.args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    if (row.ready === 'exit') {
      await exited(child);
      const readyMs = performance.now() - started;
      const idle = spawn(process.execPath, row.idleArgs ?? [], { stdio: 'ignore' });
      await sleep(1000);
      const rss = rssMiB(idle.pid!);
      idle.kill('SIGKILL');
      await exited(idle);
      return { readyMs, rssMiB: rss };
    }
    let out = '';
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
        out += chunk;
        const found = /listening on (http:\/\/\S+)/.exec(out);
        if (found?.[1] !== undefined) resolve(found[1]);
      });
      child.once('exit', (code) => reject(new Error(`${row.label} exited (${code}) before listening: ${out}`)));
    });
    while (!(await healthy(url))) await sleep(5);
    const readyMs = performance.now() - started;
    await sleep(1000);
    return { readyMs, rssMiB: rssMiB(child.pid!) };
  } finally {
    child.kill('SIGKILL');
    await exited(child);
  }
}

const results = new Map<string, { ready: number[]; rss: number[] }>(ROWS.map((row) => [row.id, { ready: [], rss: [] }]));
for (let round = 0; round < ROUNDS; round++) {
  for (const row of ROWS) {
    process.stderr.write(`round ${round + 1}/${ROUNDS}: ${row.label}\n`);
    const { readyMs, rssMiB: rss } = await measure(row);
    results.get(row.id)!.ready.push(readyMs);
    results.get(row.id)!.rss.push(rss);
  }
}

const summary = ROWS.map((row) => {
  const r = results.get(row.id)!;
  return { row, ready: median(r.ready), readyMin: Math.min(...r.ready), readyMax: Math.max(...r.ready), rss: median(r.rss) };
});
const bare = summary.find((s) => s.row.id === 'bare')!;
const dist = summary.find((s) => s.row.id === 'dist')!;
process.stdout.write(
  `strongbox serve start-up and idle RSS beside bare node — node ${process.version}, ${ROUNDS} rounds interleaved${quick ? ' (QUICK: not meaningful)' : ''}\n\n${renderTable(
    [
      { header: 'process' },
      { header: 'ready ms (median)', align: 'right' },
      { header: 'min–max', align: 'right' },
      { header: 'vs bare', align: 'right' },
      { header: 'idle RSS MiB', align: 'right' },
      { header: 'vs bare', align: 'right' },
    ],
    summary.map((s) => [
      s.row.label,
      formatNumber(s.ready),
      `${formatNumber(s.readyMin)}–${formatNumber(s.readyMax)}`,
      s.row.id === 'bare' ? '' : `+${formatNumber(s.ready - bare.ready)}`,
      formatNumber(s.rss, 1),
      s.row.id === 'bare' ? '' : `+${formatNumber(s.rss - bare.rss, 1)}`,
    ]),
  )}\n\ntarget strongbox serve (dist) ready: ${formatNumber(dist.ready)} ms ≤${READY_TARGET_MS} ms ${dist.ready <= READY_TARGET_MS ? 'PASS' : 'MISS'}${quick ? ' (quick)' : ''}\ntarget strongbox serve (dist) idle RSS: ${formatNumber(dist.rss, 1)} MiB ≤${RSS_TARGET_MIB} MiB ${dist.rss <= RSS_TARGET_MIB ? 'PASS' : 'MISS'}${quick ? ' (quick)' : ''}\n`,
);
