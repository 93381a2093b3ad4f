/**
 * @module
 * Entry point of the benchmarks (`pnpm bench`, i.e. `tsx bench/run.ts`).
 *
 * ```
 * tsx bench/run.ts                  # everything, full run (several minutes)
 * tsx bench/run.ts envelope         # only sections whose id contains "envelope"
 * tsx bench/run.ts kms              # only the KMS sections (kms/in-process, kms/http)
 * tsx bench/run.ts rss              # e.g. only envelope/rss
 * tsx bench/run.ts --quick          # smoke run: tiny sample counts, small stream sizes
 * ```
 *
 * Two suites, each with its own result file: envelope (bench/results/envelope.json) and kms
 * (bench/results/kms.json). A run that covers every section of a suite replaces that suite's file;
 * a quick run, or a filtered run that covers only some of a suite's sections, writes its JSON to
 * the system's temporary folder instead (`<suite>.quick.json`, `<suite>.partial.json`), so the
 * results files always hold a full run.
 * Tables go to stdout, progress to stderr.
 */

import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SECTIONS as ENVELOPE_SECTIONS, runEnvelope } from './envelope/index.ts';
import { SECTIONS as KMS_SECTIONS, runKms } from './kms/index.ts';
import { canCollectGarbage } from './lib/harness.ts';
import { machineInfo, OtherLoadMeter, writeJsonResult } from './lib/results.ts';
import { type SourceInfo, sourceInfo } from './lib/source.ts';

/** A suite: its sections, the sources it measures, its result file. */
interface Suite {
  readonly name: 'envelope' | 'kms';
  readonly sections: readonly string[];
  /** The measured package's sources (`source` in the JSON), relative to the repository root. */
  readonly folder: string;
  /** Other sources the figures depend on (`alsoMeasured` in the JSON). */
  readonly alsoMeasured: readonly string[];
  readonly schema: string;
  run(
    selected: readonly string[],
    quick: boolean,
    print: (text: string) => void,
    progress: (message: string) => void,
  ): Promise<{ readonly validation: readonly unknown[] }>;
}

const SUITES: readonly Suite[] = [
  {
    name: 'envelope',
    sections: ENVELOPE_SECTIONS,
    folder: 'packages/envelope/src',
    alsoMeasured: [],
    schema: 'strongbox-bench/envelope/v1',
    run: (selected, quick, print, progress) =>
      runEnvelope(
        ENVELOPE_SECTIONS.filter((id) => selected.includes(id)),
        quick,
        print,
        progress,
      ),
  },
  {
    name: 'kms',
    sections: KMS_SECTIONS,
    folder: 'packages/kms/src',
    // The HTTP rows run the strongbox server; the emulator runs on the service kernel and seals its
    // blobs with the envelope backends.
    alsoMeasured: ['packages/service-kernel/src', 'packages/strongbox/src', 'packages/envelope/src'],
    schema: 'strongbox-bench/kms/v1',
    run: (selected, quick, print, progress) =>
      runKms(
        KMS_SECTIONS.filter((id) => selected.includes(id)),
        quick,
        print,
        progress,
      ),
  },
];
const ALL_SECTIONS: readonly string[] = SUITES.flatMap((suite) => suite.sections);

/** Where quick and partial runs write their JSON. */
const SCRATCH_DIR = join(tmpdir(), 'strongbox-bench');

const USAGE = `usage: tsx bench/run.ts [filter] [--quick]
  filter   run only the sections whose id contains it: ${ALL_SECTIONS.join(', ')}
  --quick  smoke run: tiny sample counts, 4 MiB stream, 16 MiB RSS run
bench/results/<suite>.json is replaced only by a full run of every section of the suite;
quick runs and runs of some of a suite's sections write their JSON to ${SCRATCH_DIR}`;

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
const selected: string[] = ALL_SECTIONS.filter((id) => filter === undefined || id.includes(filter));
if (selected.length === 0) {
  process.stderr.write(`no section matches "${filter}"\n${USAGE}\n`);
  process.exit(2);
}
const suites = SUITES.filter((suite) => suite.sections.some((id) => selected.includes(id)));

const machine = machineInfo();
const repositoryRoot = fileURLToPath(new URL('..', import.meta.url));
const describe = (folder: string): SourceInfo => sourceInfo(repositoryRoot, join(repositoryRoot, folder));
const describeSuite = (suite: Suite): { source: SourceInfo; also: SourceInfo[] } => ({
  source: describe(suite.folder),
  also: suite.alsoMeasured.map(describe),
});
const sourceLine = (info: SourceInfo): string =>
  `${info.folder} at ${info.gitHead?.slice(0, 12) ?? '(no git)'}${info.dirty ? ' + uncommitted edits' : ''}, sources sha256 ${info.sha256.slice(0, 16)}`;
const print = (text: string): void => {
  process.stdout.write(`${text}\n`);
};
const progress = (message: string): void => {
  if (process.stderr.isTTY) process.stderr.write(`\r\x1b[K… ${message}`);
};
/** Other processes' CPU use over one idle second, in cores (undefined off Linux). */
const probeOthers = async (): Promise<number | undefined> => {
  const meter = new OtherLoadMeter();
  await new Promise((resolve) => setTimeout(resolve, 1000));
  return meter.othersCores();
};

const runStarted = new Date();
const runStartNs = process.hrtime.bigint();
print(
  [
    `Strongbox benchmark${quick ? ' (QUICK smoke run: figures are not meaningful)' : ''} — ${runStarted.toISOString()}`,
    `node ${machine.node} (V8 ${machine.v8}, OpenSSL ${machine.openssl}), ${machine.cpuModel}, ${machine.cores} logical CPUs, ${machine.totalMemoryGiB} GiB, load ${machine.loadAverage.join(' ')}`,
    ...suites.map((suite) => {
      const { source, also } = describeSuite(suite);
      return `measured (${suite.name}): ${[source, ...also].map(sourceLine).join('; ')}`;
    }),
    `sections: ${selected.join(', ')}; settle before each sample: ${canCollectGarbage ? 'forced GC + untimed run' : 'untimed run (gc unavailable)'}${selected.includes('kms/http') ? ' (kms/http: untimed run only)' : ''}`,
    'Shared cores: figures compare only within this run; every row stands next to its peers measured in the same run, samples interleaved.',
  ].join('\n'),
);

for (const suite of suites) {
  // How busy the machine is without us: one second of other processes' CPU use before the suite.
  const othersBefore = await probeOthers();
  if (othersBefore !== undefined) print(`\n[${suite.name}] other processes were using ${othersBefore} of ${machine.cores} cores just before these sections`);
  const load = new OtherLoadMeter();
  const suiteMachine = machineInfo();
  const started = new Date();
  const startNs = process.hrtime.bigint();
  const before = describeSuite(suite);
  const results = await suite.run(selected, quick, print, progress);
  if (process.stderr.isTTY) process.stderr.write('\r\x1b[K');
  const durationSec = Number(process.hrtime.bigint() - startNs) / 1e9;
  const after = describeSuite(suite);
  // Child processes are waited for before a suite returns, so their CPU time counts as ours.
  const othersDuring = load.othersCores();
  if (othersDuring !== undefined) {
    print(
      `\n[${suite.name}] other processes used ${othersDuring} of ${machine.cores} cores on average during these sections${othersDuring >= 0.25 ? ': expect noisy figures' : ''}.`,
    );
  }
  const changed = [before.source, ...before.also].filter((info, i) => info.sha256 !== [after.source, ...after.also][i]!.sha256);
  for (const info of changed) {
    print(`\nWARNING: ${info.folder} changed while the benchmark ran: child processes may have measured newer code.`);
  }
  // results/<suite>.json holds the last full run of the suite: a quick run, or one that ran only
  // some of the suite's sections, writes to the temporary folder instead.
  const complete = suite.sections.every((id) => selected.includes(id));
  const file =
    quick || !complete
      ? join(SCRATCH_DIR, `${suite.name}.${quick ? 'quick' : 'partial'}.json`)
      : fileURLToPath(new URL(`./results/${suite.name}.json`, import.meta.url));
  await writeJsonResult(file, {
    schema: suite.schema,
    date: started.toISOString(),
    quick,
    filter: filter ?? null,
    durationSec: Math.round(durationSec * 10) / 10,
    machine: suiteMachine,
    source: { before: before.source, after: after.source },
    ...(suite.alsoMeasured.length > 0 ? { alsoMeasured: { before: before.also, after: after.also } } : {}),
    loadAverageAfter: machineInfo().loadAverage,
    forcedGcBeforeSamples: canCollectGarbage,
    otherProcessesCores: { before: othersBefore ?? null, during: othersDuring ?? null },
    ...results,
  });
  const note = quick ? ' (quick run)' : complete ? '' : ` (some sections only; bench/results/${suite.name}.json left as it was)`;
  print(`\n[${suite.name}] ${results.validation.length} validation checks passed before timing; ${durationSec.toFixed(1)} s; results: ${file}${note}`);
}
print(`\nDone in ${(Number(process.hrtime.bigint() - runStartNs) / 1e9).toFixed(1)} s.`);
