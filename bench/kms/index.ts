/**
 * @module
 * The KMS benchmark: the emulator in process (section 1) and over HTTP with the official SDK next
 * to a canned-response server (section 2), printed as tables in which every figure stands next to
 * the peers measured in the same run, followed by the targets (shown, never asserted).
 */

import { Checks } from '../lib/checks.ts';
import type { GroupOptions, Measurement } from '../lib/harness.ts';
import { formatNumber, formatRatio, type Row, renderTable } from '../lib/table.ts';
import { pairedRatio, type Target, target, verdict } from '../lib/targets.ts';
import { STAGES } from './breakdown.ts';
import { type HttpConfig, type HttpGroup, type HttpResults, runHttp } from './http.ts';
import { type InProcessGroup, runInProcess } from './in-process.ts';
import { type KeyTypeGroup, runKeyTypes } from './key-types.ts';

/** Section ids, matched by the command line filter. */
export const SECTIONS = ['kms/in-process', 'kms/http', 'kms/key-types'] as const;
export type SectionId = (typeof SECTIONS)[number];

/** Everything the KMS benchmark produced. */
export interface KmsResults {
  readonly config: Record<string, unknown>;
  readonly validation: Checks['records'];
  readonly inProcess?: readonly (InProcessGroup & { readonly ratios: Record<string, number> })[];
  readonly http?: HttpResults & { readonly groups: readonly (HttpGroup & { readonly ratios: Record<string, number> })[] };
  readonly keyTypes?: readonly (KeyTypeGroup & { readonly ratios: Record<string, number> })[];
  readonly targets: readonly Target[];
}

interface Settings {
  readonly inProcess: GroupOptions;
  readonly http: HttpConfig;
  /** Section 3: the in-process rows, and the overrides of its HTTP row. */
  readonly keyTypes: GroupOptions;
  readonly keyTypesHttp: Partial<GroupOptions>;
}

function settings(quick: boolean): Settings {
  if (quick) {
    const fast: GroupOptions = { samples: 2, minSampleMs: 50, minSampleOps: 1, warmupMs: 20, warmupOps: 1, settleMs: 0, maxSettleOpMs: 50 };
    const fastHttp: GroupOptions = { ...fast, forceGc: false };
    return { inProcess: fast, http: { serial: fastHttp, concurrent: fastHttp, concurrency: 32 }, keyTypes: fast, keyTypesHttp: {} };
  }
  // No forced GC before HTTP samples: it makes the SDK client cost about twice the CPU per call
  // for seconds afterwards (see lib/harness.ts); the servers live in their own processes anyway.
  const http: GroupOptions = {
    samples: 9,
    minSampleMs: 1000,
    minSampleOps: 100,
    warmupMs: 1000,
    warmupOps: 100,
    settleMs: 200,
    maxSettleOpMs: 1000,
    forceGc: false,
  };
  return {
    inProcess: { samples: 9, minSampleMs: 300, minSampleOps: 1000, warmupMs: 500, warmupOps: 5000, settleMs: 50, maxSettleOpMs: 1000 },
    http: { serial: http, concurrent: http, concurrency: 32 },
    // RSA signing takes about a millisecond: fewer operations per sample than the symmetric rows.
    keyTypes: { samples: 9, minSampleMs: 300, minSampleOps: 100, warmupMs: 500, warmupOps: 200, settleMs: 50, maxSettleOpMs: 1000, forceGc: false },
    keyTypesHttp: { minSampleMs: 300, minSampleOps: 50, warmupMs: 1000, warmupOps: 100 },
  };
}

const KEY_TYPE_TARGET_RATIO = 0.8;

// --- Section 3 -----------------------------------------------------------------------------------

function keyTypeTargets(groups: readonly KeyTypeGroup[], conclusive: boolean): Target[] {
  const out: Target[] = [];
  for (const g of groups) {
    const kms = byId(g.rows, 'kms');
    const raw = byId(g.rows, 'raw-node');
    // The issue's targets are the 256-byte rows; an [info] row is shown beside them, never judged.
    if (!kms || !raw || g.op.endsWith('[info]')) continue;
    out.push(
      target(
        `key-types-${g.op}`,
        `in-process ${g.op} ≥ ${KEY_TYPE_TARGET_RATIO}x raw node:crypto`,
        pairedRatio(kms, raw),
        '>=',
        KEY_TYPE_TARGET_RATIO,
        'x',
        conclusive,
      ),
    );
  }
  return out;
}

function keyTypeTable(groups: readonly KeyTypeGroup[], targets: readonly Target[]): string {
  const rows: Row[] = [];
  for (const g of groups) {
    if (rows.length > 0) rows.push('-');
    const raw = byId(g.rows, 'raw-node');
    for (const r of g.rows) {
      const t = r.id === 'kms' ? targets.find((t) => t.id === `key-types-${g.op}`) : undefined;
      rows.push([
        g.op,
        r.label,
        formatNumber(r.opsPerSec),
        formatNumber(1e6 / r.opsPerSec, 1),
        `±${formatNumber(r.spreadPct, 1)}%`,
        `${r.samples.length}`,
        raw && r.id !== 'raw-node' ? formatRatio(pairedRatio(r, raw)) : '',
        t ? verdict(t) : '',
      ]);
    }
  }
  return renderTable(
    [
      { header: 'op' },
      { header: 'implementation' },
      { header: 'ops/s', align: 'right' },
      { header: 'µs/op', align: 'right' },
      { header: 'spread', align: 'right' },
      { header: 'n', align: 'right' },
      { header: '÷ raw', align: 'right' },
      { header: 'target' },
    ],
    rows,
  );
}

/**
 * Where each operation's in-process time goes: one column per operation, one row per stage, µs
 * per call (the profiled shares scaled to the unprofiled rate of the same run) and the share.
 */
function breakdownTable(groups: readonly KeyTypeGroup[]): string {
  const cell = (us: number, share: number): string => `${formatNumber(us, us < 10 ? 2 : 1)} (${formatNumber(share * 100, 0)}%)`;
  const perCall = groups.map((g) => {
    const kms = byId(g.rows, 'kms');
    return kms === undefined ? 0 : 1e6 / kms.opsPerSec;
  });
  const rows: Row[] = [];
  for (const stage of STAGES) {
    rows.push([stage.label, ...groups.map((g, i) => cell((perCall[i] ?? 0) * (g.breakdown.shares[stage.id] ?? 0), g.breakdown.shares[stage.id] ?? 0))]);
  }
  rows.push('-');
  rows.push([
    'beyond the cryptography (all but the first row)',
    ...groups.map((g, i) => {
      const rest = 1 - (g.breakdown.shares['crypto'] ?? 0);
      return cell((perCall[i] ?? 0) * rest, rest);
    }),
  ]);
  rows.push(['in-process call, unprofiled (the table above)', ...perCall.map((us) => formatNumber(us, us < 10 ? 2 : 1))]);
  rows.push([
    'raw node:crypto, same run (the table above)',
    ...groups.map((g) => {
      const raw = byId(g.rows, 'raw-node');
      return raw === undefined ? '-' : formatNumber(1e6 / raw.opsPerSec, 1e6 / raw.opsPerSec < 10 ? 2 : 1);
    }),
  ]);
  rows.push(['profiled calls', ...groups.map((g) => formatNumber(g.breakdown.calls))]);
  return renderTable(
    [
      { header: 'stage (µs per call, share of the profiled CPU time)' },
      ...groups.map((g) => ({ header: g.op.replace(' [info]', '*'), align: 'right' as const })),
    ],
    rows,
  );
}

const byId = <M extends Measurement>(rows: readonly M[], id: string): M | undefined => rows.find((r) => r.id === id);

const GDK_TARGET_OPS = 150_000;
const HTTP_TARGET_RATIO = 0.8;

// --- Section 1 -----------------------------------------------------------------------------------

function inProcessTargets(groups: readonly InProcessGroup[], conclusive: boolean): Target[] {
  const kms = byId(groups.find((g) => g.op === 'GenerateDataKey')?.rows ?? [], 'kms');
  return kms
    ? [
        target(
          'gdk-in-process',
          `in-process GenerateDataKey ≥ ${formatNumber(GDK_TARGET_OPS)} ops/s (quotas off, audit on)`,
          kms.opsPerSec,
          '>=',
          GDK_TARGET_OPS,
          'ops/s',
          conclusive,
        ),
      ]
    : [];
}

function inProcessTable(groups: readonly InProcessGroup[], targets: readonly Target[]): string {
  const rows: Row[] = [];
  for (const g of groups) {
    if (rows.length > 0) rows.push('-');
    const kms = byId(g.rows, 'kms');
    for (const r of g.rows) {
      const t = r.id === 'kms' && g.op === 'GenerateDataKey' ? targets.find((t) => t.id === 'gdk-in-process') : undefined;
      rows.push([
        g.op,
        r.label,
        formatNumber(r.opsPerSec),
        formatNumber(1e6 / r.opsPerSec, 2),
        `±${formatNumber(r.spreadPct, 1)}%`,
        `${r.samples.length}`,
        kms && r.id !== 'kms' ? formatRatio(pairedRatio(r, kms)) : '',
        t ? verdict(t) : '',
      ]);
    }
  }
  return renderTable(
    [
      { header: 'op' },
      { header: 'implementation' },
      { header: 'ops/s', align: 'right' },
      { header: 'µs/op', align: 'right' },
      { header: 'spread', align: 'right' },
      { header: 'n', align: 'right' },
      { header: '÷ Kms', align: 'right' },
      { header: 'target' },
    ],
    rows,
  );
}

// --- Section 2 -----------------------------------------------------------------------------------

function httpTargets(groups: readonly HttpGroup[], conclusive: boolean): Target[] {
  const out: Target[] = [];
  for (const g of groups) {
    const strongbox = byId(g.rows, 'strongbox');
    const canned = byId(g.rows, 'canned');
    if (!strongbox || !canned) continue;
    const how = g.mode === 'serial' ? 'serial' : `${g.concurrency} concurrent`;
    out.push(
      target(
        `http-${g.mode}-vs-canned`,
        `strongbox serve GenerateDataKey over HTTP, ${how}, ≥ ${HTTP_TARGET_RATIO}x the canned-response server`,
        pairedRatio(strongbox, canned),
        '>=',
        HTTP_TARGET_RATIO,
        'x',
        conclusive,
      ),
    );
  }
  return out;
}

function httpTable(groups: readonly HttpGroup[], targets: readonly Target[]): string {
  const rows: Row[] = [];
  const cpu = (value: number | undefined): string => (value === undefined ? '-' : formatNumber(value, 0));
  for (const g of groups) {
    if (rows.length > 0) rows.push('-');
    const canned = byId(g.rows, 'canned');
    for (const r of g.rows) {
      const t = r.server === 'strongbox' ? targets.find((t) => t.id === `http-${g.mode}-vs-canned`) : undefined;
      rows.push([
        g.mode === 'serial' ? 'serial' : `${g.concurrency} in flight`,
        r.label,
        formatNumber(r.opsPerSec),
        formatNumber(1e6 / r.opsPerSec, 0),
        `±${formatNumber(r.spreadPct, 1)}%`,
        `${r.samples.length}`,
        cpu(r.serverCpuUsPerOp),
        cpu(r.clientCpuUsPerOp),
        canned && r.server !== 'canned' ? formatRatio(pairedRatio(r, canned)) : '',
        t ? verdict(t) : '',
      ]);
    }
  }
  return renderTable(
    [
      { header: 'calls' },
      { header: 'server' },
      { header: 'ops/s', align: 'right' },
      { header: 'wall µs/op', align: 'right' },
      { header: 'spread', align: 'right' },
      { header: 'n', align: 'right' },
      { header: 'server CPU µs/op', align: 'right' },
      { header: 'client CPU µs/op', align: 'right' },
      { header: '÷ canned', align: 'right' },
      { header: 'target' },
    ],
    rows,
  );
}

// --- The suite -----------------------------------------------------------------------------------

/** The ratios the tables print, for the JSON file (paired). */
function ratiosOf(rows: readonly Measurement[], pairs: readonly (readonly [string, string, string])[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, a, b] of pairs) {
    const x = byId(rows, a);
    const y = byId(rows, b);
    if (x && y) out[name] = pairedRatio(x, y);
  }
  return out;
}

/** Runs the selected sections, printing as it goes; returns the results for the JSON file. */
export async function runKms(
  selected: readonly SectionId[],
  quick: boolean,
  print: (text: string) => void,
  progress: (message: string) => void,
): Promise<KmsResults> {
  const s = settings(quick);
  const checks = new Checks();
  const conclusive = !quick;
  const targets: Target[] = [];
  let inProcess: InProcessGroup[] | undefined;
  let http: HttpResults | undefined;
  let keyTypes: KeyTypeGroup[] | undefined;

  if (selected.includes('kms/in-process')) {
    inProcess = await runInProcess(s.inProcess, checks, progress);
    const t = inProcessTargets(inProcess, conclusive);
    targets.push(...t);
    print(
      [
        '',
        '== KMS 1. In process: new Kms({ quotas: false }), default audit trail (100,000 events), calls awaited one at a time ==',
        'Median of n samples; spread = half the sample range / median; ÷ Kms = median over rounds of the paired ratio to the Kms row.',
        'GenerateDataKey: KeySpec AES_256 under one symmetric key (key id); Decrypt: one of its blobs.',
        '',
        inProcessTable(inProcess, t),
      ].join('\n'),
    );
  }
  if (selected.includes('kms/http')) {
    http = await runHttp(s.http, checks, progress);
    const t = httpTargets(http.groups, conclusive);
    targets.push(...t);
    print(
      [
        '',
        `== KMS 2. GenerateDataKey over HTTP: @aws-sdk/client-kms → a server in its own child process (keep-alive, maxAttempts 1) ==`,
        'Every server runs as `node --import tsx bench/kms/server.ts <kind>`, started once; samples interleaved across servers;',
        "no forced GC before these samples (it doubles the SDK client's CPU per call for about a second).",
        'wall µs/op = 1 / rate (with 32 in flight it is not the latency); CPU µs/op = CPU time of the server process and of',
        'this client process over a sample, per call (medians); ÷ canned = paired ratio to the canned-response server.',
        '',
        httpTable(http.groups, t),
        '',
        `Server RSS at the end: ${http.servers.map((v) => `${v.id} ${formatNumber(v.rssMiBAfter ?? 0, 1)} MiB`).join(', ')}; canned body ${http.cannedBodyBytes} B.`,
      ].join('\n'),
    );
  }

  if (selected.includes('kms/key-types')) {
    keyTypes = await runKeyTypes(s.keyTypes, { ...s.keyTypes, ...s.keyTypesHttp }, checks, progress, quick);
    const t = keyTypeTargets(keyTypes, conclusive);
    targets.push(...t);
    print(
      [
        '',
        '== KMS 3. Key types: Sign/Verify (RSA_2048 PKCS #1 v1.5 SHA-256, ECC_NIST_P256 ECDSA SHA-256) and GenerateMac (HMAC_256), 256-byte RAW message ==',
        'kms = new Kms({ quotas: false }) in process (audit trail on); raw = node:crypto with a key object made once; http = the SDK client',
        'against the JSON 1.1 handler in a child process [info]. ÷ raw = paired ratio to the raw node:crypto row; calls awaited one at a time.',
        '',
        keyTypeTable(keyTypes, t),
        'GenerateMac HMAC_256, 4096 B [info]: the same call with the largest message KMS takes, beside the 256-byte row (not a target).',
        '',
        "Where the in-process time goes: the in-process calls again, under V8's sampling CPU profiler (50 µs), each sample charged to",
        'the stage of the innermost frame that belongs to one (bench/kms/breakdown.ts); µs = share × the unprofiled µs/op above.',
        'Every stage runs on every call: nothing is skipped, cached across calls only where the result cannot differ.',
        '',
        breakdownTable(keyTypes),
        '* the 4096-byte GenerateMac [info] row.',
      ].join('\n'),
    );
  }

  if (targets.length > 0) {
    const rows: Row[] = targets.map((t) => [t.description, t.unit === 'x' ? formatRatio(t.measured) : `${formatNumber(t.measured)}/s`, verdict(t)]);
    print(
      [
        '',
        '== KMS targets (shown, not asserted) ==',
        '',
        renderTable([{ header: 'target' }, { header: 'measured', align: 'right' }, { header: 'verdict' }], rows),
      ].join('\n'),
    );
  }

  const inProcessPairs = [
    ['auditTinyOverDefault', 'kms-audit-tiny', 'kms'],
    ['kmsOverRawNode', 'kms', 'raw-node'],
  ] as const;
  const httpPairs = [
    ['strongboxOverCanned', 'strongbox', 'canned'],
    ['strongboxStrictOverCanned', 'strongbox-strict', 'canned'],
    ['handlerOverCanned', 'handler', 'canned'],
    ['strongboxStrictOverStrongbox', 'strongbox-strict', 'strongbox'],
  ] as const;
  return {
    config: { quick, sections: selected, ...s },
    validation: checks.records,
    ...(inProcess ? { inProcess: inProcess.map((g) => ({ ...g, ratios: ratiosOf(g.rows, inProcessPairs) })) } : {}),
    ...(http ? { http: { ...http, groups: http.groups.map((g) => ({ ...g, ratios: ratiosOf(g.rows, httpPairs) })) } } : {}),
    ...(keyTypes
      ? {
          keyTypes: keyTypes.map((g) => ({
            ...g,
            ratios: ratiosOf(g.rows, [
              ['kmsOverRawNode', 'kms', 'raw-node'],
              ['httpOverRawNode', 'http', 'raw-node'],
            ] as const),
          })),
        }
      : {}),
    targets,
  };
}
