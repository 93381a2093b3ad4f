/**
 * @module
 * Format version 2 beside version 1 and raw node:crypto, in one run (the machine is shared: only
 * ratios from the same run count). Run from the repository root:
 *
 *   npx tsx bench/envelope/format-v2.ts           # full
 *   npx tsx bench/envelope/format-v2.ts --quick   # smoke run, ratios inconclusive
 *
 * Rows:
 * - `v2`: the default today: no random pool (every draw from OpenSSL), header bound in the key
 *   derivation, frames without AAD.
 * - `v1-pool`: the baseline the issue names: version 1 with the former 4 KiB random pool (kept
 *   here, in the benchmark only, as `PooledRandom`), i.e. the package as it was before version 2.
 * - `v1`: version 1 written on request today (no pool) [info].
 * - `framed-node`: node:crypto AES-256-GCM over 64 KiB frames copied into one buffer: the framing
 *   floor of the 1 MiB targets. `raw-node`: one GCM call over the whole input [info].
 *
 * Targets (shown, never asserted): 1 KiB seal v2 ≥ 0.9x v1-pool; 1 MiB seal and open v2 ≥ 0.85x
 * framed-node; opening a message with a 16-keyring header ≤ 1.2x one with a 1-keyring header, at
 * 1 KiB frames.
 */

import { randomFillSync } from 'node:crypto';
import { type Backend, type OpenOptions, open, RawAesKeyring, type SealOptions, seal } from '@strongbox/envelope';
import { nodeBackend } from '@strongbox/envelope/node';
import { Checks, sameBytes } from '../lib/checks.ts';
import { type BenchCase, type GroupOptions, type Measurement, measureGroup } from '../lib/harness.ts';
import { formatNumber, formatRate, formatRatio, formatSize, type Row, renderTable } from '../lib/table.ts';
import { pairedRatio, type Target, target, verdict } from '../lib/targets.ts';
import { CONTEXT, KiB, MiB, randomData, rawNodeDecrypt, rawNodeEncrypt, rawNodeFramedDecrypt, rawNodeFramedEncrypt } from './fixtures.ts';

/**
 * The random pool nodeBackend used before version 2 (removed from the package: a startup snapshot
 * carried it into every process). Here only to reproduce the baseline.
 */
class PooledRandom {
  readonly #pool = new Uint8Array(4096);
  #offset = 4096;
  take(length: number): Uint8Array {
    if (length > 4096) return randomFillSync(new Uint8Array(length));
    if (this.#offset + length > 4096) {
      randomFillSync(this.#pool);
      this.#offset = 0;
    }
    const out = this.#pool.slice(this.#offset, this.#offset + length);
    this.#pool.fill(0, this.#offset, this.#offset + length);
    this.#offset += length;
    return out;
  }
}
const pool = new PooledRandom();
const pooledBackend: Backend = { ...nodeBackend, name: 'node+pool', randomBytes: (length) => pool.take(length) };

const wrappingKey = randomData(32);
const keyringOn = (backend: Backend, name = 'bench'): RawAesKeyring => new RawAesKeyring({ name, key: wrappingKey, backend });

interface Group {
  readonly title: string;
  readonly bytes: number;
  readonly rows: readonly Measurement[];
  /** The same cases measured in the opposite order. */
  readonly reversed: readonly Measurement[];
}

/** Measures `cases` in their order, then in the opposite order. */
async function measureBothWays(
  cases: readonly BenchCase[],
  options: GroupOptions,
  progress: (message: string) => void,
): Promise<{ rows: Measurement[]; reversed: Measurement[] }> {
  const rows = await measureGroup(cases, options, progress);
  const reversed = await measureGroup([...cases].reverse(), options, (m) => progress(`reversed: ${m}`));
  return { rows, reversed };
}

/**
 * `a ÷ b` (rates) as the geometric mean of the paired ratio in both case orders: a case that runs
 * right after another in every round (after its garbage, its cache footprint) is as often first.
 */
function fairRatio(group: Group, a: string, b: string): number {
  const find = (rows: readonly Measurement[], id: string): Measurement => {
    const found = rows.find((row) => row.id === id);
    if (found === undefined) throw new Error(`no row ${id} in ${group.title}`);
    return found;
  };
  return Math.sqrt(pairedRatio(find(group.rows, a), find(group.rows, b)) * pairedRatio(find(group.reversed, a), find(group.reversed, b)));
}

async function main(): Promise<void> {
  const quick = process.argv.includes('--quick');
  const small: GroupOptions = quick
    ? { samples: 2, minSampleMs: 20, minSampleOps: 1, warmupMs: 10, warmupOps: 1, settleMs: 0, maxSettleOpMs: 50 }
    : { samples: 15, minSampleMs: 80, minSampleOps: 20, warmupMs: 300, warmupOps: 200, settleMs: 20, maxSettleOpMs: 1000 };
  // Many short samples, taken round by round: on a shared machine the paired (per-round) ratios
  // are what survive a neighbour's burst. Every group is measured twice, in opposite case orders
  // (see `measureBothWays`), so no case profits from its position in a round.
  const large: GroupOptions = quick
    ? small
    : { samples: 11, minSampleMs: 120, minSampleOps: 1, warmupMs: 200, warmupOps: 2, settleMs: 20, maxSettleOpMs: 1000 };
  const checks = new Checks();
  const progress = (message: string): void => {
    process.stderr.write(`  ${message}\n`);
  };
  const groups: Group[] = [];

  // --- seal and open at 1 KiB, 1 MiB, 16 MiB --------------------------------------------------
  for (const size of [1 * KiB, 1 * MiB, 16 * MiB]) {
    const plaintext = randomData(size);
    const setups = [
      { id: 'v2', label: 'Strongbox v2 (default, no pool)', backend: nodeBackend, formatVersion: 2 as const },
      { id: 'v1-pool', label: 'Strongbox v1 with the former random pool (baseline)', backend: pooledBackend, formatVersion: 1 as const },
      { id: 'v1', label: 'Strongbox v1, no pool [info]', backend: nodeBackend, formatVersion: 1 as const },
    ].map((setup) => {
      const keyring = keyringOn(setup.backend);
      const sealOptions: SealOptions = { keyring, context: CONTEXT, backend: setup.backend, formatVersion: setup.formatVersion };
      const openOptions: OpenOptions = { keyring, context: CONTEXT, backend: setup.backend };
      return { ...setup, sealOptions, openOptions };
    });
    const sealedBy = new Map<string, Uint8Array>();
    for (const setup of setups) {
      const sealed = await seal(plaintext, setup.sealOptions);
      checks.assert(
        sealed[0] === setup.formatVersion && sameBytes(await open(sealed, setup.openOptions), plaintext),
        `${formatSize(size)} ${setup.id}: open(seal(x)) == x, version byte ${setup.formatVersion}`,
      );
      sealedBy.set(setup.id, sealed);
    }
    const raw = rawNodeEncrypt(plaintext);
    const framed = rawNodeFramedEncrypt(plaintext);
    checks.assert(sameBytes(rawNodeFramedDecrypt(framed, size), plaintext), `${formatSize(size)} framed-node round trip`);
    const peers = (op: 'seal' | 'open'): BenchCase[] => [
      op === 'seal'
        ? { id: 'framed-node', label: 'node:crypto, 64 KiB frames + copy (framing floor)', bytesPerOp: size, run: () => rawNodeFramedEncrypt(plaintext) }
        : { id: 'framed-node', label: 'node:crypto, 64 KiB frames + copy (framing floor)', bytesPerOp: size, run: () => rawNodeFramedDecrypt(framed, size) },
      op === 'seal'
        ? { id: 'raw-node', label: 'raw node:crypto AES-256-GCM, one call [info]', bytesPerOp: size, run: () => rawNodeEncrypt(plaintext) }
        : { id: 'raw-node', label: 'raw node:crypto AES-256-GCM, one call [info]', bytesPerOp: size, run: () => rawNodeDecrypt(raw.ciphertext, raw.tag) },
    ];
    for (const op of ['seal', 'open'] as const) {
      const cases: BenchCase[] = [
        ...setups.map((setup) => ({
          id: setup.id,
          label: setup.label,
          bytesPerOp: size,
          run: op === 'seal' ? () => seal(plaintext, setup.sealOptions) : () => open(sealedBy.get(setup.id) ?? new Uint8Array(0), setup.openOptions),
        })),
        ...peers(op),
      ];
      const measured = await measureBothWays(cases, size >= MiB ? large : small, (m) => progress(`${op} ${formatSize(size)}: ${m}`));
      groups.push({ title: `${op} ${formatSize(size)}`, bytes: size, ...measured });
    }
  }

  // --- open with a 16-keyring header vs a 1-keyring header, 1 KiB frames ------------------------
  const headerPlaintext = randomData(256 * KiB);
  const one = [keyringOn(nodeBackend, 'k0')];
  const sixteen = Array.from({ length: 16 }, (_, i) => keyringOn(nodeBackend, `k${i}`));
  const headerCases: BenchCase[] = [];
  for (const formatVersion of [2, 1] as const) {
    for (const [count, keyrings] of [
      [1, one],
      [16, sixteen],
    ] as const) {
      const sealed = await seal(headerPlaintext, { keyring: keyrings, context: CONTEXT, frameLength: 1 * KiB, formatVersion });
      // The opener's keyring wraps the first key: one unwrap in both cases, as for a real reader.
      const options: OpenOptions = { keyring: one, context: CONTEXT };
      checks.assert(sameBytes(await open(sealed, options), headerPlaintext), `v${formatVersion} ${count}-keyring header: open(seal(x)) == x`);
      headerCases.push({
        id: `v${formatVersion}-${count}`,
        label: `v${formatVersion}, ${count}-keyring header${formatVersion === 1 ? ' [info]' : ''}`,
        bytesPerOp: headerPlaintext.length,
        run: () => open(sealed, options),
      });
    }
  }
  groups.push({
    title: 'open 256 KiB at 1 KiB frames',
    bytes: headerPlaintext.length,
    ...(await measureBothWays(headerCases, large, (m) => progress(`header: ${m}`))),
  });

  // --- report ---------------------------------------------------------------------------------
  for (const group of groups) {
    const base = group.rows[0];
    const rows: Row[] = group.rows.map((m) => [
      m.label,
      formatRate(m.opsPerSec),
      formatNumber(m.mbPerSec, 1),
      `±${formatNumber(m.spreadPct, 0)}%`,
      base === undefined ? '' : formatRatio(fairRatio(group, m.id, base.id)),
    ]);
    console.log(`\n${group.title} (ops/s: first order; ratio: both orders)`);
    console.log(
      renderTable(
        [
          { header: 'implementation' },
          { header: 'ops/s', align: 'right' },
          { header: 'MB/s', align: 'right' },
          { header: 'spread', align: 'right' },
          { header: 'vs first row', align: 'right' },
        ],
        rows,
      ),
    );
  }
  const find = (title: string): Group => {
    const group = groups.find((g) => g.title === title);
    if (group === undefined) throw new Error(`no group ${title}`);
    return group;
  };
  const conclusive = !quick;
  const targets: Target[] = [
    target('seal-1k', '1 KiB seal: v2 ≥ 0.9x v1 with its pool', fairRatio(find('seal 1 KiB'), 'v2', 'v1-pool'), '>=', 0.9, 'x', conclusive),
    target('seal-1m', '1 MiB seal: v2 ≥ 0.85x the framing floor', fairRatio(find('seal 1 MiB'), 'v2', 'framed-node'), '>=', 0.85, 'x', conclusive),
    target('open-1m', '1 MiB open: v2 ≥ 0.85x the framing floor', fairRatio(find('open 1 MiB'), 'v2', 'framed-node'), '>=', 0.85, 'x', conclusive),
    target(
      'header-16',
      'open cost, 16-keyring header ÷ 1-keyring header (v2, 1 KiB frames) ≤ 1.2x',
      fairRatio(find('open 256 KiB at 1 KiB frames'), 'v2-1', 'v2-16'),
      '<=',
      1.2,
      'x',
      conclusive,
    ),
  ];
  console.log('\nTargets');
  console.log(
    renderTable(
      [{ header: 'target' }, { header: 'measured', align: 'right' }, { header: 'verdict' }],
      targets.map((t) => [t.description, formatRatio(t.measured), verdict(t)]),
    ),
  );
  console.log(`\nValidation: ${checks.records.filter((r) => r.ok).length}/${checks.records.length} checks passed`);
  if (checks.records.some((r) => !r.ok)) process.exitCode = 1;
}

await main();
