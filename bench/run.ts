/**
 * @module
 * Entry point of the benchmarks (`pnpm bench`, i.e. `tsx bench/run.ts`).
 *
 * ```
 * tsx bench/run.ts                  # everything, full run (several minutes)
 * tsx bench/run.ts envelope         # only sections whose id contains "envelope"
 * tsx bench/run.ts rss              # e.g. only envelope/rss
 * tsx bench/run.ts --quick          # smoke run: tiny sample counts, small stream sizes
 * ```
 *
 * Tables go to stdout, progress to stderr. A full run writes bench/results/envelope.json
 * (replacing it); a quick run writes its JSON to the system's temporary folder instead, so a
 * smoke test never overwrites real figures.
 */

import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { canCollectGarbage } from './lib/harness.ts';
import { machineInfo, OtherLoadMeter, writeJsonResult } from './lib/results.ts';
import { sourceInfo } from './lib/source.ts';
import { runEnvelope, SECTIONS, type SectionId } from './envelope/index.ts';

const USAGE = `usage: tsx bench/run.ts [filter] [--quick]
  filter   run only the sections whose id contains it: ${SECTIONS.join(', ')}
  --quick  smoke run: tiny sample counts, 4 MiB stream, 16 MiB RSS run; JSON goes to ${tmpdir()}`;

function parseArgs(argv: readonly string[]): { filter: string | undefined; quick: boolean } {
  let filter: string | undefined;
  let quick = false;
  for (const arg of argv) {
    if (arg === '--quick') quick = true;
    else if (arg === '--help' || arg === '-h') {
      process.stdout.write(`${USAGE}\n`);
      process.exit(0);
    } else if (arg.startsWith('-')) throw new Error(`unknown option ${arg}\n${USAGE}`);
    else if (filter === undefined) filter = arg;
    else throw new Error(`one filter at most\n${USAGE}`);
  }
  return { filter, quick };
}

const { filter, quick } = parseArgs(process.argv.slice(2).filter((a) => a !== '--'));
const selected: SectionId[] = SECTIONS.filter((id) => filter === undefined || id.includes(filter));
if (selected.length === 0) {
  process.stderr.write(`no section matches "${filter}"\n${USAGE}\n`);
  process.exit(2);
}

// How busy the machine is without us: one second of other processes' CPU use before we start.
const idleProbe = new OtherLoadMeter();
await new Promise((resolve) => setTimeout(resolve, 1000));
const othersBefore = idleProbe.othersCores();
const runLoad = new OtherLoadMeter();
const started = new Date();
const startNs = process.hrtime.bigint();
const machine = machineInfo();
const repositoryRoot = fileURLToPath(new URL('..', import.meta.url));
const measuredSource = () => sourceInfo(repositoryRoot, fileURLToPath(new URL('../packages/envelope/src', import.meta.url)));
const sourceBefore = measuredSource();
const print = (text: string): void => {
  process.stdout.write(`${text}\n`);
};
const progress = (message: string): void => {
  if (process.stderr.isTTY) process.stderr.write(`\r\x1b[K… ${message}`);
};

print(
  [
    `Strongbox benchmark${quick ? ' (QUICK smoke run: figures are not meaningful)' : ''} — ${started.toISOString()}`,
    `node ${machine.node} (V8 ${machine.v8}, OpenSSL ${machine.openssl}), ${machine.cpuModel}, ${machine.cores} logical CPUs, ${machine.totalMemoryGiB} GiB, load ${machine.loadAverage.join(' ')}`,
    `measured: ${sourceBefore.folder} at ${sourceBefore.gitHead?.slice(0, 12) ?? '(no git)'}${sourceBefore.dirty ? ' + uncommitted edits' : ''}, sources sha256 ${sourceBefore.sha256.slice(0, 16)}`,
    `sections: ${selected.join(', ')}; settle before each sample: ${canCollectGarbage ? 'forced GC + untimed run' : 'untimed run (gc unavailable)'}`,
    ...(othersBefore === undefined ? [] : [`other processes were using ${othersBefore} of ${machine.cores} cores just before the run`]),
    'Shared cores: figures compare only within this run; every row stands next to its peers measured in the same run, samples interleaved.',
  ].join('\n'),
);

const envelope = await runEnvelope(selected, quick, print, progress);
if (process.stderr.isTTY) process.stderr.write('\r\x1b[K');

const durationSec = Number(process.hrtime.bigint() - startNs) / 1e9;
const sourceAfter = measuredSource();
const othersDuring = runLoad.othersCores();
if (othersDuring !== undefined) {
  print(`\nOther processes used ${othersDuring} of ${machine.cores} cores on average during the run${othersDuring >= 0.25 ? ': expect noisy figures' : ''}.`);
}
if (sourceAfter.sha256 !== sourceBefore.sha256) {
  print(`\nWARNING: ${sourceAfter.folder} changed while the benchmark ran (sha256 ${sourceBefore.sha256.slice(0, 16)} → ${sourceAfter.sha256.slice(0, 16)}): child processes may have measured newer code.`);
}
const file = quick ? join(tmpdir(), 'strongbox-bench', 'envelope.quick.json') : fileURLToPath(new URL('./results/envelope.json', import.meta.url));
await writeJsonResult(file, {
  schema: 'strongbox-bench/envelope/v1',
  date: started.toISOString(),
  quick,
  filter: filter ?? null,
  durationSec: Math.round(durationSec * 10) / 10,
  machine,
  source: { before: sourceBefore, after: sourceAfter },
  loadAverageAfter: machineInfo().loadAverage,
  forcedGcBeforeSamples: canCollectGarbage,
  otherProcessesCores: { before: othersBefore ?? null, during: othersDuring ?? null },
  ...envelope,
});
print(`\n${envelope.validation.length} validation checks passed before timing. Done in ${durationSec.toFixed(1)} s; results: ${file}`);
