/**
 * @module
 * Machine description and the JSON result writer. A result file is replaced atomically (written to
 * a `*.tmp.json` beside it, then renamed), so an interrupted run never leaves half a file.
 */

import { readFileSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus, loadavg, type as osType, release, totalmem } from 'node:os';
import { basename, dirname, join } from 'node:path';

/** What the figures were measured on. */
export interface MachineInfo {
  readonly node: string;
  readonly v8: string;
  readonly openssl: string;
  readonly platform: string;
  readonly arch: string;
  readonly os: string;
  readonly cpuModel: string;
  /** Logical CPUs the OS reports. */
  readonly cores: number;
  /** What `os.availableParallelism()` reports (affinity / cgroup aware). */
  readonly availableParallelism: number;
  readonly totalMemoryGiB: number;
  /** 1-, 5- and 15-minute load averages when the description was taken. */
  readonly loadAverage: readonly number[];
}

/** Describes this machine and process now. */
export function machineInfo(): MachineInfo {
  const cpuList = cpus();
  return {
    node: process.version,
    v8: process.versions.v8,
    openssl: process.versions.openssl,
    platform: process.platform,
    arch: process.arch,
    os: `${osType()} ${release()}`,
    cpuModel: cpuList[0]?.model.trim() ?? 'unknown',
    cores: cpuList.length,
    availableParallelism: availableParallelism(),
    totalMemoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    loadAverage: loadavg().map((v) => Math.round(v * 100) / 100),
  };
}

/** Writes `data` as pretty JSON to `file`, replacing it atomically; creates the folder. */
export async function writeJsonResult(file: string, data: unknown): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const temporary = join(dirname(file), `${basename(file, '.json')}.${process.pid}.tmp.json`);
  await writeFile(temporary, `${JSON.stringify(data, null, 2)}\n`);
  await rename(temporary, file);
}

/** CPU time on this machine, and this process's own share (itself plus its waited-for children). */
interface CpuSnapshot {
  /** Busy ticks of all CPUs (everything but idle and iowait). */
  readonly busy: number;
  /** Ticks of this process and its reaped children. */
  readonly own: number;
  readonly at: bigint;
}

function cpuSnapshot(): CpuSnapshot | undefined {
  try {
    const stat = readFileSync('/proc/stat', 'utf8');
    const fields = /^cpu\s+(.*)$/m.exec(stat)?.[1]?.trim().split(/\s+/).map(Number);
    const self = readFileSync('/proc/self/stat', 'utf8');
    // Fields after the command name (which may contain spaces): state is field 3; utime..cstime are 14..17.
    const after = self
      .slice(self.lastIndexOf(')') + 2)
      .split(' ')
      .map(Number);
    if (!fields || fields.length < 8) return undefined;
    const [user, nice, system, , , irq, softirq, steal] = fields as [number, number, number, number, number, number, number, number];
    const own = after[11]! + after[12]! + after[13]! + after[14]!;
    return { busy: user + nice + system + irq + softirq + steal, own, at: process.hrtime.bigint() };
  } catch {
    return undefined;
  }
}

/**
 * Measures how much CPU other processes used while the benchmark ran (Linux, from /proc): the
 * machine's busy time minus this process's own (and its children's), in cores on average.
 */
export class OtherLoadMeter {
  readonly #start: CpuSnapshot | undefined = cpuSnapshot();
  /** USER_HZ: 100 on every Linux architecture Node supports. */
  readonly #ticksPerSecond = 100;

  /** Other processes' average CPU use since construction, in cores; undefined off Linux. */
  othersCores(): number | undefined {
    const end = cpuSnapshot();
    if (!this.#start || !end) return undefined;
    const seconds = Number(end.at - this.#start.at) / 1e9;
    const others = end.busy - this.#start.busy - (end.own - this.#start.own);
    return Math.max(0, Math.round((others / this.#ticksPerSecond / seconds) * 100) / 100);
  }
}
