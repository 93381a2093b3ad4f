/**
 * @module
 * The envelope benchmark: three sections, run in one process one after the other (section 3 in
 * child processes), printed as tables in which every figure stands next to the peers measured in
 * the same run, followed by the targets (shown, never asserted).
 */

import { Checks } from '../lib/checks.ts';
import type { GroupOptions, Measurement } from '../lib/harness.ts';
import { formatNumber, formatRate, formatRatio, formatSize, type Row, renderTable } from '../lib/table.ts';
import { pairedRatio, type Target, target, verdict } from '../lib/targets.ts';
import { GiB, KiB, MiB } from './fixtures.ts';
import { type RssVariant, runRss } from './rss.ts';
import { runSmallMessages, type SmallMessageGroup } from './small-messages.ts';
import { runThroughput, type ThroughputConfig, type ThroughputGroup } from './throughput.ts';

/** Section ids, matched by the command line filter. */
export const SECTIONS = ['envelope/throughput', 'envelope/small-messages', 'envelope/rss'] as const;
export type SectionId = (typeof SECTIONS)[number];
export { pairedRatio, type Target };

/** Everything the envelope benchmark produced. */
export interface EnvelopeResults {
  readonly config: Record<string, unknown>;
  readonly validation: Checks['records'];
  readonly throughput?: readonly ThroughputGroup[];
  readonly smallMessages?: readonly SmallMessageGroup[];
  readonly rss?: readonly RssVariant[];
  readonly targets: readonly Target[];
}

interface Settings {
  readonly throughput: ThroughputConfig;
  readonly smallMessages: GroupOptions;
  readonly rssBytes: number;
}

function settings(quick: boolean): Settings {
  const sizes = [1 * KiB, 64 * KiB, 1 * MiB, 16 * MiB];
  if (quick) {
    const fast: GroupOptions = { samples: 2, minSampleMs: 20, minSampleOps: 1, warmupMs: 10, warmupOps: 1, settleMs: 0, maxSettleOpMs: 50 };
    return {
      throughput: { sizes, streamBytes: 4 * MiB, small: fast, large: fast, stream: fast, slowSamples: 1 },
      smallMessages: fast,
      rssBytes: 16 * MiB,
    };
  }
  return {
    throughput: {
      sizes,
      streamBytes: 256 * MiB,
      small: { samples: 7, minSampleMs: 250, minSampleOps: 1, warmupMs: 250, warmupOps: 5, settleMs: 50, maxSettleOpMs: 1000 },
      large: { samples: 5, minSampleMs: 250, minSampleOps: 1, warmupMs: 250, warmupOps: 2, settleMs: 50, maxSettleOpMs: 1000 },
      stream: { samples: 5, minSampleMs: 0, minSampleOps: 1, warmupMs: 0, warmupOps: 1, settleMs: 0, maxSettleOpMs: 1000 },
      slowSamples: 3,
    },
    smallMessages: { samples: 9, minSampleMs: 300, minSampleOps: 20, warmupMs: 500, warmupOps: 200, settleMs: 50, maxSettleOpMs: 1000 },
    rssBytes: 1 * GiB,
  };
}

const byId = (rows: readonly Measurement[], id: string): Measurement | undefined => rows.find((r) => r.id === id);

// --- Section 1 -----------------------------------------------------------------------------------

function throughputTargets(groups: readonly ThroughputGroup[], conclusive: boolean): Target[] {
  const targets: Target[] = [];
  for (const g of groups) {
    if (g.mode !== 'one-shot' || (g.bytes !== 1 * MiB && g.bytes !== 16 * MiB)) continue;
    const node = byId(g.rows, 'strongbox-node');
    const rawNode = byId(g.rows, 'raw-node');
    const noble = byId(g.rows, 'strongbox-noble');
    const rawNoble = byId(g.rows, 'raw-noble');
    const size = formatSize(g.bytes);
    if (node && rawNode) {
      targets.push(
        target(`node-${g.op}-${g.bytes}`, `node backend ${g.op} ${size} ≥ 0.85x raw node:crypto`, pairedRatio(node, rawNode), '>=', 0.85, 'x', conclusive),
      );
    }
    if (noble && rawNoble) {
      targets.push(
        target(`noble-${g.op}-${g.bytes}`, `noble backend ${g.op} ${size} ≥ 0.9x raw noble gcm`, pairedRatio(noble, rawNoble), '>=', 0.9, 'x', conclusive),
      );
    }
  }
  return targets;
}

function throughputTable(groups: readonly ThroughputGroup[], targets: readonly Target[]): string {
  const rows: Row[] = [];
  let previous: string | undefined;
  for (const g of groups) {
    const key = `${g.bytes}/${g.mode}`;
    if (previous !== undefined && previous !== key) rows.push('-');
    previous = key;
    const rawNode = byId(g.rows, 'raw-node');
    const rawNoble = byId(g.rows, 'raw-noble');
    const esdk = byId(g.rows, 'esdk');
    const framedFloor = byId(g.rows, 'framed-node');
    for (const r of g.rows) {
      let vsRaw = '';
      let vsEsdk = '';
      let goal = '';
      if (r.id === 'framed-node' && rawNode) {
        vsRaw = `${formatRatio(pairedRatio(r, rawNode))} raw-node`;
      } else if (r.id === 'strongbox-node') {
        if (rawNode) vsRaw = `${formatRatio(pairedRatio(r, rawNode))} raw-node`;
        if (framedFloor) vsRaw += `, ${formatRatio(pairedRatio(r, framedFloor))} floor`;
        if (esdk) vsEsdk = formatRatio(pairedRatio(r, esdk));
      } else if (r.id === 'strongbox-noble') {
        if (rawNoble) vsRaw = `${formatRatio(pairedRatio(r, rawNoble))} raw-noble`;
      }
      const t = targets.find((t) => t.id === `${r.id.replace('strongbox-', '')}-${g.op}-${g.bytes}` && g.mode === 'one-shot');
      if (t) goal = verdict(t);
      rows.push([
        `${formatSize(g.bytes)}${g.mode === 'web-stream' ? ' stream' : ''}`,
        g.op,
        r.label,
        formatRate(r.mbPerSec),
        formatRate(r.opsPerSec),
        `±${formatNumber(r.spreadPct, 1)}%`,
        `${r.samples.length}`,
        vsRaw,
        vsEsdk,
        goal,
      ]);
    }
  }
  return renderTable(
    [
      { header: 'size' },
      { header: 'op' },
      { header: 'implementation' },
      { header: 'MB/s', align: 'right' },
      { header: 'ops/s', align: 'right' },
      { header: 'spread', align: 'right' },
      { header: 'n', align: 'right' },
      { header: '÷ raw, ÷ floor' },
      { header: 'node ÷ ESDK', align: 'right' },
      { header: 'target' },
    ],
    rows,
  );
}

// --- Section 2 -----------------------------------------------------------------------------------

function smallMessageTargets(groups: readonly SmallMessageGroup[], conclusive: boolean): Target[] {
  const seal = groups.find((g) => g.op === 'seal');
  const node = seal && byId(seal.rows, 'strongbox-node');
  const esdk = seal && byId(seal.rows, 'esdk');
  const targets: Target[] = [];
  if (node) targets.push(target('seal-1k-rate', '1 KiB seal ≥ 50,000 ops/s (node backend)', node.opsPerSec, '>=', 50_000, 'ops/s', conclusive));
  if (node && esdk)
    targets.push(target('seal-1k-vs-esdk', '1 KiB seal ≥ 100x the AWS ESDK (default suite)', pairedRatio(node, esdk), '>=', 100, 'x', conclusive));
  return targets;
}

function smallMessageTable(groups: readonly SmallMessageGroup[], targets: readonly Target[]): string {
  const rows: Row[] = [];
  for (const g of groups) {
    if (rows.length > 0) rows.push('-');
    const esdk = byId(g.rows, 'esdk');
    const esdkUnsigned = g.rows.find((r) => r.id.startsWith('esdk-'));
    for (const r of g.rows) {
      const strongbox = r.id.startsWith('strongbox-');
      const goal =
        r.id === 'strongbox-node' && g.op === 'seal'
          ? targets
              .filter((t) => t.id.startsWith('seal-1k'))
              .map(verdict)
              .join('; ')
          : '';
      rows.push([
        g.op,
        r.label,
        formatNumber(r.opsPerSec),
        formatNumber(1e6 / r.opsPerSec, 1),
        `±${formatNumber(r.spreadPct, 1)}%`,
        `${r.samples.length}`,
        strongbox && esdk ? formatRatio(pairedRatio(r, esdk)) : '',
        strongbox && esdkUnsigned ? formatRatio(pairedRatio(r, esdkUnsigned)) : '',
        goal,
      ]);
    }
  }
  return renderTable(
    [
      { header: 'op (1 KiB)' },
      { header: 'implementation' },
      { header: 'ops/s', align: 'right' },
      { header: 'µs/op', align: 'right' },
      { header: 'spread', align: 'right' },
      { header: 'n', align: 'right' },
      { header: '÷ ESDK', align: 'right' },
      { header: '÷ ESDK 0x0478', align: 'right' },
      { header: 'target' },
    ],
    rows,
  );
}

// --- Section 3 -----------------------------------------------------------------------------------

const RSS_LIMIT_MIB = 128;
const mib = (kib: number): number => kib / 1024;

function rssTargets(variants: readonly RssVariant[], conclusive: boolean): Target[] {
  const tsx = variants.find((v) => v.id === 'tsx');
  const plain = variants.find((v) => v.id === 'plain-js');
  const out: Target[] = [];
  const size = formatSize(plain?.stream.bytes ?? tsx?.stream.bytes ?? 0);
  // Judged on the package as it is published and run (plain JS); the tsx child carries the
  // loader's own thread and isolate (compare the idle rows) and is shown beside it.
  if (plain) {
    out.push(
      target(
        'stream-rss',
        `${size} streaming seal + open peak RSS ≤ ${RSS_LIMIT_MIB} MiB (plain JS, as published)`,
        mib(plain.stream.maxRSSKiB),
        '<=',
        RSS_LIMIT_MIB,
        'MiB',
        conclusive,
      ),
    );
  }
  if (tsx) {
    out.push(target('stream-rss-tsx', `[info] same, child under the tsx loader`, mib(tsx.stream.maxRSSKiB), '<=', RSS_LIMIT_MIB, 'MiB', conclusive));
  }
  return out;
}

function rssTable(variants: readonly RssVariant[], targets: readonly Target[]): string {
  const rows: Row[] = [];
  for (const v of variants) {
    const t = targets.find((t) => t.id === (v.id === 'tsx' ? 'stream-rss-tsx' : 'stream-rss'));
    const s = v.stream;
    const hwm = (r: RssVariant['idle']): string => (r.vmHWMKiB === undefined ? '-' : formatNumber(mib(r.vmHWMKiB), 1));
    rows.push([v.label, 'idle (import the package only)', formatNumber(mib(v.idle.maxRSSKiB), 1), hwm(v.idle), '', '', '', '']);
    const streamed = (run: string, r: RssVariant['stream'], verdictText: string): Row => [
      v.label,
      `${formatSize(r.bytes ?? 0)} ${run}`,
      formatNumber(mib(r.maxRSSKiB), 1),
      hwm(r),
      `+${formatNumber(mib(r.maxRSSKiB - v.idle.maxRSSKiB), 1)}`,
      formatNumber((r.wallMs ?? 0) / 1000, 2),
      formatRate((r.bytes ?? 0) / 1e6 / ((r.wallMs ?? 1) / 1000)),
      verdictText,
    ];
    rows.push(streamed("copy → copy, no crypto: the streams' floor [info]", v.identity, ''));
    rows.push(streamed(`seal → open (${s.backend})`, s, t ? verdict(t) : ''));
  }
  return renderTable(
    [
      { header: 'child' },
      { header: 'run' },
      { header: 'maxRSS MiB', align: 'right' },
      { header: 'VmHWM MiB', align: 'right' },
      { header: 'over idle', align: 'right' },
      { header: 'wall s', align: 'right' },
      { header: 'MB/s', align: 'right' },
      { header: 'target' },
    ],
    rows,
  );
}

// --- The suite -----------------------------------------------------------------------------------

/** The ratios the tables print, for the JSON file (paired, see `pairedRatio`). */
function ratiosOf(rows: readonly Measurement[]): Record<string, number> {
  const out: Record<string, number> = {};
  const pairs: [string, string, string][] = [
    ['strongboxNodeOverRawNode', 'strongbox-node', 'raw-node'],
    ['strongboxNodeOverFramedFloor', 'strongbox-node', 'framed-node'],
    ['framedFloorOverRawNode', 'framed-node', 'raw-node'],
    ['strongboxNobleOverRawNoble', 'strongbox-noble', 'raw-noble'],
    ['strongboxNodeOverEsdk', 'strongbox-node', 'esdk'],
    ['strongboxNodeOverEsdkUnsigned64k', 'strongbox-node', 'esdk-0478-64k'],
  ];
  for (const [name, a, b] of pairs) {
    const x = byId(rows, a);
    const y = byId(rows, b);
    if (x && y) out[name] = pairedRatio(x, y);
  }
  return out;
}

/** Runs the selected sections, printing as it goes; returns the results for the JSON file. */
export async function runEnvelope(
  selected: readonly SectionId[],
  quick: boolean,
  print: (text: string) => void,
  progress: (message: string) => void,
): Promise<EnvelopeResults> {
  const s = settings(quick);
  const checks = new Checks();
  const conclusive = !quick;
  const targets: Target[] = [];
  let throughput: ThroughputGroup[] | undefined;
  let smallMessages: SmallMessageGroup[] | undefined;
  let rss: RssVariant[] | undefined;

  if (selected.includes('envelope/throughput')) {
    throughput = await runThroughput(s.throughput, checks, progress);
    const t = throughputTargets(throughput, conclusive);
    targets.push(...t);
    print(
      [
        '',
        `== 1. Throughput: seal and open (one-shot in memory; ${formatSize(s.throughput.streamBytes)} via web streams, 64 KiB chunks) ==`,
        'MB/s = 10^6 plaintext bytes per second; median of n samples; spread = half the sample range / median;',
        'ratios = median over rounds of the ratio of two samples taken back to back.',
        'Strongbox seal includes a fresh data key per message (wrapped by RawAesKeyring), key derivation and the header.',
        '',
        throughputTable(throughput, t),
      ].join('\n'),
    );
  }
  if (selected.includes('envelope/small-messages')) {
    smallMessages = await runSmallMessages(s.smallMessages, checks, progress);
    const t = smallMessageTargets(smallMessages, conclusive);
    targets.push(...t);
    print(
      ['', '== 2. Small messages: 1 KiB, a fresh data key per message, raw AES keyrings on both sides ==', '', smallMessageTable(smallMessages, t)].join('\n'),
    );
  }
  if (selected.includes('envelope/rss')) {
    rss = await runRss(s.rssBytes, progress);
    const t = rssTargets(rss, conclusive);
    targets.push(...t);
    print(['', `== 3. Peak RSS (maxRSS) of a ${formatSize(s.rssBytes)} streaming seal + open, in child processes ==`, '', rssTable(rss, t)].join('\n'));
  }

  if (targets.length > 0) {
    const rows: Row[] = targets.map((t) => [
      t.description,
      t.unit === 'x' ? formatRatio(t.measured) : t.unit === 'MiB' ? `${formatNumber(t.measured, 1)} MiB` : `${formatNumber(t.measured)}/s`,
      verdict(t),
    ]);
    print(
      [
        '',
        '== Targets (shown, not asserted) ==',
        '',
        renderTable([{ header: 'target' }, { header: 'measured', align: 'right' }, { header: 'verdict' }], rows),
      ].join('\n'),
    );
  }

  return {
    config: { quick, sections: selected, ...s },
    validation: checks.records,
    ...(throughput ? { throughput: throughput.map((g) => ({ ...g, ratios: ratiosOf(g.rows) })) } : {}),
    ...(smallMessages ? { smallMessages: smallMessages.map((g) => ({ ...g, ratios: ratiosOf(g.rows) })) } : {}),
    ...(rss ? { rss } : {}),
    targets,
  };
}
