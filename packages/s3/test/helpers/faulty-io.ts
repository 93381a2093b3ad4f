/**
 * A file layer (the kernel's `FileIo`) that fails one chosen step the way a disk does: a write with
 * ENOSPC after writing half of its bytes (a full disk), or any write, fsync, close, directory
 * fsync, open, rename, unlink or mkdir with the error asked for (EIO, ENOSPC), before it changes
 * anything. A close that fails has closed the handle all the
 * same, as close(2) releases the descriptor whatever it reports. Every call is counted while the
 * layer is armed, so a test can pick the step by its number (a property over every fault point)
 * or by what it is.
 */

import type { FileHandle } from 'node:fs/promises';
import { type FileIo, nodeFileIo } from '@strongbox/service-kernel';

/** One call of the file layer. */
export interface IoCall {
  readonly step: 'write' | 'sync' | 'close' | 'syncDirectory' | 'open' | 'rename' | 'unlink' | 'mkdir';
  /** Its number among the calls since the layer was armed, from 0. */
  readonly index: number;
  /** The directory a `syncDirectory` syncs. */
  readonly directory?: string;
  /** The path an `open`, `unlink` or `mkdir` acts on, or a `rename` renames. */
  readonly path?: string;
}

/** A file layer that fails the first call `fails` accepts, once, while armed. */
export interface FaultyIo {
  readonly io: FileIo;
  /** Arms the layer: the first call `fails` accepts fails with `code`; counting starts at 0. */
  arm(fails: (call: IoCall) => boolean, code: string): void;
  /** Disarms it; answers whether the fault fired and the steps seen. */
  disarm(): { readonly fired: IoCall | undefined; readonly calls: readonly IoCall[] };
}

/** A `FaultyIo`, disarmed. */
export function faultyIo(): FaultyIo {
  let armed: { fails: (call: IoCall) => boolean; code: string } | undefined;
  let fired: IoCall | undefined;
  let calls: IoCall[] = [];
  const fault = (call: Omit<IoCall, 'index'>): { code: string } | undefined => {
    if (armed === undefined) return undefined;
    const full: IoCall = { ...call, index: calls.length };
    calls.push(full);
    if (fired !== undefined || !armed.fails(full)) return undefined;
    fired = full;
    return { code: armed.code };
  };
  const error = (code: string, syscall: string): Error =>
    Object.assign(new Error(`${code}: injected failure, ${syscall}`), { code, errno: code === 'ENOSPC' ? -28 : -5, syscall });
  const io: FileIo = {
    async write(handle: FileHandle, bytes: Uint8Array): Promise<void> {
      const failure = fault({ step: 'write' });
      if (failure === undefined) return nodeFileIo.write(handle, bytes);
      // A full disk takes what fits, then refuses the rest.
      await nodeFileIo.write(handle, bytes.subarray(0, bytes.length >> 1));
      throw error(failure.code, 'write');
    },
    async sync(handle: FileHandle): Promise<void> {
      const failure = fault({ step: 'sync' });
      if (failure !== undefined) throw error(failure.code, 'fdatasync');
      await nodeFileIo.sync(handle);
    },
    async close(handle: FileHandle): Promise<void> {
      const failure = fault({ step: 'close' });
      await handle.close();
      if (failure !== undefined) throw error(failure.code, 'close');
    },
    async syncDirectory(directory: string): Promise<void> {
      const failure = fault({ step: 'syncDirectory', directory });
      if (failure !== undefined) throw error(failure.code, 'fsync');
      await nodeFileIo.syncDirectory!(directory);
    },
    async open(path: string, flags: string, mode?: number): Promise<FileHandle> {
      const failure = fault({ step: 'open', path });
      if (failure !== undefined) throw error(failure.code, 'open');
      return nodeFileIo.open!(path, flags, mode);
    },
    async rename(from: string, to: string): Promise<void> {
      const failure = fault({ step: 'rename', path: from });
      if (failure !== undefined) throw error(failure.code, 'rename');
      await nodeFileIo.rename!(from, to);
    },
    async unlink(path: string): Promise<void> {
      const failure = fault({ step: 'unlink', path });
      if (failure !== undefined) throw error(failure.code, 'unlink');
      await nodeFileIo.unlink!(path);
    },
    async mkdir(path: string, mode?: number): Promise<void> {
      const failure = fault({ step: 'mkdir', path });
      if (failure !== undefined) throw error(failure.code, 'mkdir');
      await nodeFileIo.mkdir!(path, mode);
    },
  };
  return {
    io,
    arm(fails, code) {
      armed = { fails, code };
      fired = undefined;
      calls = [];
    },
    disarm() {
      armed = undefined;
      return { fired, calls };
    },
  };
}
