/**
 * A file layer (`FileIo`) whose steps a test can hold, for the fencing tests
 * (`persistence.fencing.test.ts`): `hold(step, matches)` stops the next call of `step` whose
 * subject `matches` (any, without `matches`) until the test opens the gate. Handed to a store as
 * its `io`, it sits under the lease-fenced layer, so a held step has passed its lease check: the
 * test then takes the directory over and lets the step go on, with no timers.
 */

import type { FileHandle } from 'node:fs/promises';
import { stat } from 'node:fs/promises';
import { type FileIo, nodeFileIo } from '../../src/persistence/files.ts';

/** The steps that can be held. */
export type PausableStep = 'write' | 'sync' | 'truncate' | 'syncDirectory' | 'open' | 'unlink';

/** What a step acts on: a file handle (write, sync, truncate) or a path (the others). */
export type StepSubject = FileHandle | string;

/** A gate: `reached` settles once a step waits at it, which then goes on after `open()`. */
export interface Gate {
  readonly reached: Promise<void>;
  open(): void;
}

/** A file layer and the means to hold its steps. */
export interface PausableIo {
  readonly io: FileIo;
  /** Stops the next call of `step` whose subject `matches` (the next call of `step`, without). */
  hold(step: PausableStep, matches?: (subject: StepSubject) => boolean | Promise<boolean>): Gate;
}

interface Armed {
  readonly step: PausableStep;
  readonly matches: ((subject: StepSubject) => boolean | Promise<boolean>) | undefined;
  readonly reached: () => void;
  readonly gate: Promise<void>;
}

/**
 * Node's file layer, every step of which can be held (see the module).
 * @example const { io, hold } = pausableIo(); const { reached, open } = hold('unlink', (path) => path === journal);
 */
export function pausableIo(): PausableIo {
  const armed: Armed[] = [];
  const pause = async (step: PausableStep, subject: StepSubject): Promise<void> => {
    // Over a copy: another call taking an entry while `matches` runs must not make this one skip the next.
    for (const entry of [...armed]) {
      if (entry.step !== step || (entry.matches !== undefined && !(await entry.matches(subject)))) continue;
      const index = armed.indexOf(entry);
      // Another call of the step may have taken it while `matches` ran.
      if (index === -1) continue;
      armed.splice(index, 1);
      entry.reached();
      await entry.gate;
      return;
    }
  };
  const io: FileIo = {
    ...nodeFileIo,
    async write(handle, bytes) {
      await pause('write', handle);
      await nodeFileIo.write(handle, bytes);
    },
    async sync(handle) {
      await pause('sync', handle);
      await nodeFileIo.sync(handle);
    },
    async truncate(handle, length) {
      await pause('truncate', handle);
      await nodeFileIo.truncate!(handle, length);
    },
    async syncDirectory(directory) {
      await pause('syncDirectory', directory);
      await nodeFileIo.syncDirectory!(directory);
    },
    async open(path, flags, mode) {
      await pause('open', path);
      return nodeFileIo.open!(path, flags, mode);
    },
    async unlink(path) {
      await pause('unlink', path);
      await nodeFileIo.unlink!(path);
    },
  };
  return {
    io,
    hold(step, matches) {
      let open!: () => void;
      let reached!: () => void;
      const gate = new Promise<void>((resolve) => (open = resolve));
      const reachedPromise = new Promise<void>((resolve) => (reached = resolve));
      armed.push({ step, matches, reached, gate });
      return { reached: reachedPromise, open };
    },
  };
}

/**
 * Whether a step's handle is that of the file now at `path` (same inode): a held `sync` of the
 * file a store writes under a temporary name, before its rename.
 * @example hold('sync', sameFile(join(directory, 'snapshot-00000002.sbx.tmp')))
 */
export function sameFile(path: string): (subject: StepSubject) => Promise<boolean> {
  return async (subject) => {
    if (typeof subject === 'string') return false;
    const held = await stat(path).catch(() => undefined);
    return held !== undefined && held.ino === (await subject.stat()).ino;
  };
}
