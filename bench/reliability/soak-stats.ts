/**
 * @module
 * The soak's figures: latency percentiles per workload, the server's memory series and the
 * plateau verdict over it, and the report the soak prints. Pure functions (tested in
 * test/reliability/soak-stats.test.ts).
 */

/** Latency percentiles of one workload, ms. */
export interface LatencySummary {
  readonly count: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
}

/**
 * Nearest-rank percentiles (and the maximum) of `samples`, rounded to 0.01 ms; NaN when empty.
 * @example summariseLatencies([1, 2, 3, 4]).p50 // 2
 */
export function summariseLatencies(samples: readonly number[]): LatencySummary {
  const sorted = Float64Array.from(samples).sort();
  const at = (fraction: number): number => (sorted.length === 0 ? Number.NaN : round(sorted[Math.max(0, Math.ceil(fraction * sorted.length) - 1)] as number));
  return { count: sorted.length, p50: at(0.5), p90: at(0.9), p99: at(0.99), max: at(1) };
}

/** One memory sample of the server, MiB, taken just after a full garbage collection. */
export interface MemorySample {
  /** Seconds since the measured load began. */
  readonly seconds: number;
  readonly rssMiB: number;
  /** The JavaScript heap in use after the collection: what the process still holds. */
  readonly heapUsedMiB: number;
  readonly heapTotalMiB: number;
  /** Memory outside the heap that JavaScript objects hold (Buffers and other ArrayBuffers). */
  readonly externalMiB: number;
}

/** Whether a series stopped growing: its last third against its earlier growth. */
export interface PlateauVerdict {
  /** Median of the middle third minus median of the first third. */
  readonly earlyGrowthMiB: number;
  /** Median of the last third minus median of the middle third. */
  readonly lateGrowthMiB: number;
  /**
   * The late growth is within `slackMiB` or a quarter of the early growth (a leak grows about as
   * much in each third; a filling cache grows early and stops). Undefined with fewer than six
   * samples.
   */
  readonly plateau: boolean | undefined;
}

/**
 * The plateau verdict over `values` (in sample order). Medians of thirds, so that one sample
 * taken in the middle of a burst does not decide it.
 * @example plateauVerdict([100, 150, 180, 190, 190, 191], 4).plateau // true
 */
export function plateauVerdict(values: readonly number[], slackMiB: number): PlateauVerdict {
  const finite = values.filter(Number.isFinite);
  if (finite.length < 6) return { earlyGrowthMiB: Number.NaN, lateGrowthMiB: Number.NaN, plateau: undefined };
  const third = Math.floor(finite.length / 3);
  const first = median(finite.slice(0, third));
  const middle = median(finite.slice(third, finite.length - third));
  const last = median(finite.slice(finite.length - third));
  const early = middle - first;
  const late = last - middle;
  return { earlyGrowthMiB: round(early), lateGrowthMiB: round(late), plateau: late <= Math.max(slackMiB, early / 4) };
}

/** Slack of the verdicts, MiB: what a steady server moves by between samples. */
export const HEAP_SLACK_MIB = 8;
export const RSS_SLACK_MIB = 24;

/** What a soak measured. */
export interface SoakResult {
  readonly clients: number;
  readonly seconds: number;
  /** KMS calls made (in process, on the data directory) before the server started, to fill the audit trail's ring (0: none). */
  readonly prefilled: number;
  /** Events the server's audit trail keeps (its ring's capacity). */
  readonly trailCapacity: number;
  /** Requests of the measured load. */
  readonly requests: number;
  /** Failed requests other than throttling, by `operation: error name`. */
  readonly errors: Record<string, number>;
  /** The first message of each of those errors (what a socket error says is in its message). */
  readonly errorMessages: Record<string, string>;
  readonly throttled: number;
  /** Latencies of every request, then per workload (operation), throttled and failed ones included. */
  readonly latency: LatencySummary;
  readonly workloads: Record<string, LatencySummary & { readonly throttled: number; readonly errors: number }>;
  readonly memory: readonly MemorySample[];
  readonly heapVerdict: PlateauVerdict;
  readonly rssVerdict: PlateauVerdict;
  /** The objects the soak left stored (a bounded key set, overwritten), and their bytes. */
  readonly storedObjects: number;
  readonly storedBytes: number;
}

/**
 * The soak's report, Markdown tables and lines.
 * @example process.stdout.write(soakReport(result));
 */
export function soakReport(result: SoakResult): string {
  const errors = Object.values(result.errors).reduce((sum, count) => sum + count, 0);
  const { latency } = result;
  const verdict = (name: string, v: PlateauVerdict): string =>
    `${name}: ${v.plateau === undefined ? 'too few samples for a verdict' : v.plateau ? 'PLATEAU' : 'GROWING'} (growth first→middle third ${v.earlyGrowthMiB} MiB, middle→last third ${v.lateGrowthMiB} MiB; medians of thirds)`;
  return [
    '| clients | seconds | requests | errors | throttled | p50 ms | p90 ms | p99 ms | max ms |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    `| ${result.clients} | ${result.seconds} | ${result.requests} | ${errors} | ${result.throttled} | ${latency.p50} | ${latency.p90} | ${latency.p99} | ${latency.max} |`,
    '',
    '| workload | requests | throttled | errors | p50 ms | p90 ms | p99 ms | max ms |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...Object.entries(result.workloads).map(
      ([name, w]) => `| ${name} | ${w.count} | ${w.throttled} | ${w.errors} | ${w.p50} | ${w.p90} | ${w.p99} | ${w.max} |`,
    ),
    '',
    `errors by kind: ${errors === 0 ? 'none' : JSON.stringify(result.errors)}`,
    ...(errors === 0 ? [] : [`first message of each: ${JSON.stringify(result.errorMessages)}`]),
    '',
    'server memory (each sample just after a full GC):',
    '| t s | RSS MiB | heap used MiB | heap total MiB | external MiB |',
    '| ---: | ---: | ---: | ---: | ---: |',
    ...result.memory.map((s) => `| ${s.seconds} | ${s.rssMiB} | ${s.heapUsedMiB} | ${s.heapTotalMiB} | ${s.externalMiB} |`),
    verdict('heap after GC', result.heapVerdict),
    verdict('RSS', result.rssVerdict),
    `audit trail: ${result.prefilled === 0 ? `not prefilled (its ring of the last ${result.trailCapacity} KMS events fills during the run: growth by design)` : `${result.prefilled} KMS Encrypt calls (one event each) made in process on the data directory before the server started, which restored them; its ring keeps the last ${result.trailCapacity} events${result.prefilled >= result.trailCapacity ? ', so it was full from the first request' : ''}`}`,
    `stored at the end: ${result.storedObjects} objects, ${round(result.storedBytes / 1024 / 1024)} MiB (a bounded key set, overwritten)`,
    '',
  ].join('\n');
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/** Rounded to 0.01. */
export function round(value: number): number {
  return Math.round(value * 100) / 100;
}
