/**
 * @module
 * A tiny benchmark harness. Each case is warmed up, then timed in several samples; a sample runs
 * the operation for at least a minimum time and a minimum count, and the reported rate is the
 * median of the per-sample rates. Peers are measured in one group, interleaved sample by sample
 * (case A sample 1, case B sample 1, …, case A sample 2, …), so that a noisy neighbour on a shared
 * machine slows every peer of a comparison rather than one of them.
 *
 * Interleaving has a cost of its own: a case inherits the heap its predecessor left (garbage to
 * collect, a young generation sized for another allocation pattern). So before each sample the
 * case is settled: garbage is collected (when V8's `gc` can be obtained) and the case runs untimed
 * for a short while, which absorbs the after-effects of the collection too (a forced full GC
 * leaves the young generation shrunk and the heap limits reset; the operations right after it run
 * measurably slower, up to 3x for promise-heavy web streams on this machine). Cases whose single
 * operation takes longer than `maxSettleOpMs` are not settled (their operation dwarfs the effect).
 * A group can skip the forced collection (`forceGc: false`) where it does more harm than good.
 *
 * A case may keep several operations in flight (`concurrency`, e.g. 32 concurrent HTTP calls):
 * its warm-up, settle and samples then run that many workers, each starting a new operation as
 * soon as its previous one resolves, until the minimum time and count are reached; a sample ends
 * when the last operation in flight has resolved, and its rate is all operations over that time.
 *
 * A case may carry a `probe` (e.g. CPU time of a server process): it is read right before and
 * right after each timed sample, outside the timed interval, and its figures are kept with the
 * sample.
 *
 * Timing uses `process.hrtime.bigint()`.
 */

import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** One operation to time. `run` may be synchronous or return a promise (then it is awaited). */
export interface BenchCase {
  /** Stable identifier, used in the JSON results. */
  readonly id: string;
  /** Human-readable name for the table. */
  readonly label: string;
  /** Payload bytes one call of `run` processes (plaintext bytes), for MB/s; 0 for none. */
  readonly bytesPerOp: number;
  readonly run: () => unknown;
  /** Overrides of the group's options for this case (slow implementations get fewer samples). */
  readonly samples?: number;
  readonly minSampleMs?: number;
  readonly minSampleOps?: number;
  readonly warmupMs?: number;
  readonly warmupOps?: number;
  /** Operations kept in flight (async `run` only). Default 1: one at a time. */
  readonly concurrency?: number;
  /** Read around each timed sample, outside the timed interval (see `SampleProbe`). */
  readonly probe?: SampleProbe;
}

/**
 * Figures taken around a timed sample: `begin` right before the sample's clock starts, `end` right
 * after it stops; what `end` returns is stored with the sample (`Sample.probe`).
 */
export interface SampleProbe {
  begin(): void | Promise<void>;
  end(): Record<string, number> | Promise<Record<string, number>>;
}

/** Options of a group of peers. */
export interface GroupOptions {
  /** Samples per case (the median of their rates is reported). */
  readonly samples: number;
  /** A sample runs at least this long… */
  readonly minSampleMs: number;
  /** …and at least this many operations. */
  readonly minSampleOps: number;
  /** Warm-up: at least this long… */
  readonly warmupMs: number;
  /** …and at least this many operations. */
  readonly warmupOps: number;
  /** Before each sample: collect garbage, then run untimed for at least this long (and one op). */
  readonly settleMs: number;
  /** Cases slower than this per operation are not settled. */
  readonly maxSettleOpMs: number;
  /**
   * Whether warm-up and settling start with a forced GC. Default true. Turn it off where it
   * distorts more than it levels: after a forced full GC the AWS SDK for JavaScript client (a
   * deep, promise-heavy middleware stack) costs about twice its CPU per call for the next half
   * second and is back to normal only after about 1.5 s (measured on the reference machine),
   * longer than a settle period.
   */
  readonly forceGc?: boolean;
}

/** One timed sample. */
export interface Sample {
  readonly ops: number;
  readonly ns: number;
  /** What the case's probe reported for this sample, if it has one. */
  readonly probe?: Record<string, number>;
}

/** The outcome of one case. */
export interface Measurement {
  readonly id: string;
  readonly label: string;
  readonly bytesPerOp: number;
  /** Median of the per-sample operation rates. */
  readonly opsPerSec: number;
  /** `opsPerSec × bytesPerOp / 10^6`. */
  readonly mbPerSec: number;
  /** Half the range of the per-sample rates, relative to the median, in percent. */
  readonly spreadPct: number;
  readonly samples: readonly Sample[];
}

const NS_PER_MS = 1_000_000n;
/** Operations are run in batches of about this duration between clock reads. */
const BATCH_TARGET_NS = 1_000_000;

setFlagsFromString('--expose-gc');
const gc: (() => void) | undefined = (() => {
  try {
    const fn: unknown = runInNewContext('gc');
    return typeof fn === 'function' ? (fn as () => void) : undefined;
  } catch {
    return undefined;
  }
})();

/** Runs a full garbage collection if V8 lets us; otherwise does nothing. */
export function collectGarbage(): void {
  gc?.();
}

/** Whether `collectGarbage` really collects. */
export const canCollectGarbage: boolean = gc !== undefined;

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

interface Prepared {
  readonly spec: BenchCase;
  readonly async: boolean;
  /** Warm-up's time per operation. */
  readonly perOpNs: number;
  readonly batch: number;
  readonly samples: number;
  readonly minSampleNs: bigint;
  readonly minSampleOps: number;
  /** Operations kept in flight (1 for synchronous cases). */
  readonly concurrency: number;
  readonly taken: Sample[];
}

/**
 * Keeps `concurrency` calls of `run` in flight until at least `minNs` have passed and `minOps`
 * calls have started; resolves when the last one has resolved, with the count and the time.
 */
async function runConcurrently(run: () => unknown, concurrency: number, minNs: bigint, minOps: number): Promise<Sample> {
  let started = 0;
  const start = process.hrtime.bigint();
  const worker = async (): Promise<void> => {
    while (started < minOps || process.hrtime.bigint() - start < minNs) {
      started++;
      await run();
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { ops: started, ns: Number(process.hrtime.bigint() - start) };
}

async function warmUp(spec: BenchCase, options: GroupOptions): Promise<Prepared> {
  const minNs = BigInt(Math.round((spec.warmupMs ?? options.warmupMs) * 1e6));
  const minOps = spec.warmupOps ?? options.warmupOps;
  const concurrency = Math.max(1, Math.floor(spec.concurrency ?? 1));
  const common = {
    spec,
    samples: spec.samples ?? options.samples,
    minSampleNs: BigInt(Math.round(spec.minSampleMs ?? options.minSampleMs)) * NS_PER_MS,
    minSampleOps: Math.max(1, spec.minSampleOps ?? options.minSampleOps),
    taken: [],
  };
  if (concurrency > 1) {
    const { ops, ns } = await runConcurrently(spec.run, concurrency, minNs, Math.max(1, minOps));
    return { ...common, async: true, perOpNs: ns / ops, batch: 1, concurrency };
  }
  let async = false;
  let ops = 0;
  const start = process.hrtime.bigint();
  let now = start;
  do {
    const result = spec.run();
    if (isThenable(result)) {
      async = true;
      await result;
    }
    ops++;
    now = process.hrtime.bigint();
  } while (now - start < minNs || ops < Math.max(1, minOps));
  const perOpNs = Number(now - start) / ops;
  return { ...common, async, perOpNs, batch: Math.max(1, Math.floor(BATCH_TARGET_NS / Math.max(perOpNs, 1))), concurrency: 1 };
}

/** Collects garbage, then runs the case untimed for `settleMs` (at least one operation). */
async function settle(p: Prepared, options: GroupOptions): Promise<void> {
  if (p.perOpNs > options.maxSettleOpMs * 1e6) return;
  if (options.forceGc !== false) collectGarbage();
  const minNs = BigInt(Math.round(options.settleMs * 1e6));
  if (p.concurrency > 1) {
    await runConcurrently(p.spec.run, p.concurrency, minNs, p.concurrency);
    return;
  }
  const start = process.hrtime.bigint();
  do {
    if (p.async) await p.spec.run();
    else p.spec.run();
  } while (process.hrtime.bigint() - start < minNs);
}

async function takeSample(p: Prepared): Promise<Sample> {
  const { probe } = p.spec;
  if (!probe) return timeSample(p);
  await probe.begin();
  const sample = await timeSample(p);
  return { ...sample, probe: await probe.end() };
}

async function timeSample(p: Prepared): Promise<Sample> {
  const { run } = p.spec;
  const { batch, minSampleNs, minSampleOps } = p;
  if (p.concurrency > 1) return runConcurrently(run, p.concurrency, minSampleNs, minSampleOps);
  let ops = 0;
  const start = process.hrtime.bigint();
  let now = start;
  do {
    if (p.async) {
      for (let i = 0; i < batch; i++) await run();
    } else {
      for (let i = 0; i < batch; i++) run();
    }
    ops += batch;
    now = process.hrtime.bigint();
  } while (now - start < minSampleNs || ops < minSampleOps);
  return { ops, ns: Number(now - start) };
}

/** Median of a non-empty list. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function summarise(p: Prepared): Measurement {
  const rates = p.taken.map((s) => (s.ops * 1e9) / s.ns);
  const opsPerSec = median(rates);
  const spreadPct = rates.length > 1 ? ((Math.max(...rates) - Math.min(...rates)) / 2 / opsPerSec) * 100 : 0;
  return {
    id: p.spec.id,
    label: p.spec.label,
    bytesPerOp: p.spec.bytesPerOp,
    opsPerSec,
    mbPerSec: (opsPerSec * p.spec.bytesPerOp) / 1e6,
    spreadPct,
    samples: p.taken,
  };
}

/**
 * Measures a group of peers: warms each up, then takes their samples interleaved round by round.
 * Returns the measurements in the order of `cases`.
 */
export async function measureGroup(cases: readonly BenchCase[], options: GroupOptions, onProgress?: (message: string) => void): Promise<Measurement[]> {
  const prepared: Prepared[] = [];
  for (const spec of cases) {
    onProgress?.(`warm-up ${spec.label}`);
    if (options.forceGc !== false) collectGarbage();
    prepared.push(await warmUp(spec, options));
  }
  const rounds = Math.max(...prepared.map((p) => p.samples));
  for (let round = 0; round < rounds; round++) {
    onProgress?.(`sample ${round + 1}/${rounds}`);
    for (const p of prepared) {
      if (round >= p.samples) continue;
      await settle(p, options);
      p.taken.push(await takeSample(p));
    }
  }
  return prepared.map(summarise);
}
