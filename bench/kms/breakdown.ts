/**
 * @module
 * Where the time of an in-process call goes, stage by stage: the calls run under V8's sampling
 * CPU profiler (`node:inspector`, in this process, through the public `Kms` API only), and every
 * sample is charged to the stage of the innermost frame on its stack that belongs to one (by
 * source file, and function for the few files that hold several stages). What the profile cannot
 * charge to a stage is said so: garbage collection is its own row (V8 collects for the whole
 * call), and the pipeline, promise and facade glue is the remainder.
 *
 * The shares are of the CPU time the profiled calls took; the µs per call scale them to the
 * unprofiled rate measured in the same run (the profiler slows every stage a little, not all
 * alike, so the µs are an estimate; the shares are what was observed).
 */

import { Session } from 'node:inspector/promises';

/** One stage of a call. */
export interface Stage {
  readonly id: string;
  readonly label: string;
}

/** The stages, in the order a call passes through them (garbage and glue last). */
export const STAGES: readonly Stage[] = [
  { id: 'crypto', label: 'the cryptography itself, in node:crypto (what the raw row does)' },
  { id: 'key-object', label: "KMS's call into node:crypto (cached key object or HMAC pad blocks, algorithm, output)" },
  { id: 'validation', label: 'input validation (shape check)' },
  { id: 'resolution', label: 'key resolution (KeyId → key record)' },
  { id: 'authorization', label: 'authorization (key policy, grants, IAM) and key usage/state checks' },
  { id: 'quotas', label: 'request quotas' },
  { id: 'audit', label: 'CloudTrail audit event (parameters, ids, trail ring)' },
  { id: 'last-use', label: 'GetKeyLastUsage tracking' },
  { id: 'gc', label: 'garbage collection (whole call)' },
  { id: 'glue', label: 'pipeline (clock, context, stages), facade, promises, the loop' },
];

/** A profiled frame, as the inspector reports it. */
interface CallFrame {
  readonly functionName: string;
  readonly url: string;
}

/** The stage a frame belongs to, if any (`undefined`: look at its caller). */
function stageOf(frame: CallFrame): string | undefined {
  const { url, functionName: name } = frame;
  if (name === '(garbage collector)') return 'gc';
  // Event and request ids are the only randomness a GenerateMac, Sign or Verify call draws.
  if (url.startsWith('node:internal/crypto/random') || url.endsWith('/envelope/src/backend/node.ts')) return 'audit';
  if (url.startsWith('node:internal/crypto/') || url === 'node:crypto') return 'crypto';
  if (url.endsWith('/model/key-types/hmac.ts') || url.endsWith('/model/key-types/key-material.ts')) return 'key-object';
  if (url.endsWith('/model/key-types/signing.ts')) return 'key-object';
  if (url.endsWith('/protocol/shapes.ts')) return 'validation';
  if (url.endsWith('/model/state.ts') || url.endsWith('/model/identifiers.ts')) return 'resolution';
  if (url.endsWith('/service/context.ts')) {
    if (name === 'resolveKey' || name.includes('resolveAlias')) return 'resolution';
    if (name === 'authorize' || name === 'accessRequest' || name === 'requireKeyState') return 'authorization';
    if (name === 'throttle') return 'quotas';
    return undefined;
  }
  if (
    url.includes('/kms/src/policy/') ||
    url.includes('/service-kernel/src/policy/') ||
    url.endsWith('/shared/mac-request.ts') ||
    url.endsWith('/shared/signing-request.ts') ||
    url.endsWith('/shared/key-usage.ts') ||
    url.endsWith('/shared/key-state.ts') ||
    url.endsWith('/model/key-types/spec-table.ts')
  ) {
    return 'authorization';
  }
  if (url.endsWith('/model/quotas.ts') || url.endsWith('/quota/windows.ts') || url.endsWith('/shared/quota-row.ts')) return 'quotas';
  if (url.endsWith('/trail/audit.ts') || url.endsWith('/service-kernel/src/uuid.ts') || url.endsWith('/service/audit-fields.ts')) return 'audit';
  if (url.endsWith('/pipeline/pipeline.ts') && name.includes('event')) return 'audit';
  if (url.endsWith('/model/key-last-usage.ts')) return 'last-use';
  if (url.endsWith('/service/kms.ts') && (name === 'recordUse' || name === 'usageLog')) return 'last-use';
  return undefined;
}

/** A breakdown of one operation. */
export interface Breakdown {
  readonly calls: number;
  /** CPU-profiled time of the calls, µs (idle excluded). */
  readonly profiledUs: number;
  /** Share of the profiled time per stage id (0..1, summing to 1). */
  readonly shares: Readonly<Record<string, number>>;
}

interface ProfileNode {
  readonly id: number;
  readonly callFrame: CallFrame;
  readonly children?: readonly number[];
}

interface Profile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

/**
 * Profiles `calls` awaited calls of `run` (after `warmup` unprofiled ones) and charges each sample
 * to a stage.
 */
export async function profileStages(run: () => Promise<unknown>, calls: number, warmup: number): Promise<Breakdown> {
  for (let i = 0; i < warmup; i++) await run();
  const session = new Session();
  session.connect();
  try {
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 50 });
    await session.post('Profiler.start');
    for (let i = 0; i < calls; i++) await run();
    const { profile } = (await session.post('Profiler.stop')) as { profile: Profile };
    return charge(profile, calls);
  } finally {
    session.disconnect();
  }
}

function charge(profile: Profile, calls: number): Breakdown {
  const byId = new Map<number, ProfileNode>();
  const parent = new Map<number, number>();
  for (const node of profile.nodes) {
    byId.set(node.id, node);
    for (const child of node.children ?? []) parent.set(child, node.id);
  }
  const stageOfNode = new Map<number, string | undefined>();
  const resolve = (id: number): string | undefined => {
    if (stageOfNode.has(id)) return stageOfNode.get(id);
    const node = byId.get(id);
    let stage: string | undefined;
    if (node !== undefined) {
      stage = stageOf(node.callFrame);
      if (stage === undefined && node.callFrame.functionName === '(idle)') stage = 'idle';
      if (stage === undefined) {
        const up = parent.get(id);
        stage = up === undefined ? 'glue' : resolve(up);
      }
    }
    stageOfNode.set(id, stage);
    return stage;
  };
  const totals = new Map<string, number>();
  let total = 0;
  // timeDeltas[i] is the time before sample i; charging it to sample i is the profiler's convention.
  // The first delta runs from the profiler's start (its own setting up), not from a sample: skipped.
  for (let i = 1; i < profile.samples.length; i++) {
    const stage = resolve(profile.samples[i] as number) ?? 'glue';
    if (stage === 'idle') continue;
    const delta = Math.max(0, profile.timeDeltas[i] ?? 0);
    totals.set(stage, (totals.get(stage) ?? 0) + delta);
    total += delta;
  }
  const shares: Record<string, number> = {};
  for (const stage of STAGES) shares[stage.id] = total === 0 ? 0 : (totals.get(stage.id) ?? 0) / total;
  return { calls, profiledUs: total, shares };
}
