/**
 * The data directory is created durably: after the mkdir of each level it creates, the parent is
 * fsynced (POSIX makes a new entry durable only then), through the store's file layer, before
 * anything is written in it; so a power loss cannot take the directory, and every acknowledged
 * change in it, away. The layer records the calls; a fault injected at each new step fails the
 * open, and the next open succeeds.
 */

import { stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../src/index.ts';
import { type FileIo, nodeFileIo } from '../src/persistence/files.ts';
import { openKms, tempDirectory } from './fixtures/persistence.ts';

type Call = { readonly step: 'mkdir' | 'syncDirectory' | 'open'; readonly path: string } | { readonly step: 'ack' };

/** A file layer that records mkdirs, directory fsyncs and opens, failing the first call `fail` accepts with EIO. */
function recordingIo(fail?: (call: Call) => boolean): { io: FileIo; calls: Call[] } {
  const calls: Call[] = [];
  let failed = false;
  const record = (call: Call): void => {
    calls.push(call);
    if (!failed && fail?.(call) === true) {
      failed = true;
      throw Object.assign(new Error(`EIO: injected, ${call.step}`), { code: 'EIO' });
    }
  };
  const io: FileIo = {
    ...nodeFileIo,
    async mkdir(path, mode) {
      record({ step: 'mkdir', path });
      await nodeFileIo.mkdir!(path, mode);
    },
    async syncDirectory(path) {
      record({ step: 'syncDirectory', path });
      await nodeFileIo.syncDirectory!(path);
    },
    async open(path, flags, mode) {
      record({ step: 'open', path });
      return nodeFileIo.open!(path, flags, mode);
    },
  };
  return { io, calls };
}

describe('the data directory', () => {
  it('is created level by level, each parent fsynced after the mkdir and before any file is opened in it or a change acknowledged', async () => {
    const root = await tempDirectory();
    const directory = join(root, 'state', 'kms');
    const { io, calls } = recordingIo();
    const { kms } = await openKms(directory, new ManualClock(), { io });
    await kms.createKey({ Description: 'acknowledged' });
    calls.push({ step: 'ack' });
    await kms.close();

    const firstOpen = calls.findIndex((call) => call.step === 'open' || call.step === 'ack');
    const before = calls.slice(0, firstOpen);
    for (const made of [join(root, 'state'), directory]) {
      const mkdir = before.findIndex((call) => call.step === 'mkdir' && call.path === made);
      const synced = before.findIndex((call, index) => index > mkdir && call.step === 'syncDirectory' && call.path === dirname(made));
      expect(mkdir, `${made} made through the file layer`).toBeGreaterThanOrEqual(0);
      expect(synced, `${dirname(made)} fsynced after ${made} was made`).toBeGreaterThan(mkdir);
    }
  });

  it('that exists already gets its parent fsynced again (an earlier start may have crashed before that fsync)', async () => {
    const root = await tempDirectory();
    const clock = new ManualClock();
    await (await openKms(root, clock)).kms.close();
    const { io, calls } = recordingIo();
    const { kms } = await openKms(root, clock, { io });
    await kms.close();
    const firstOpen = calls.findIndex((call) => call.step === 'open');
    expect(calls.slice(0, firstOpen)).toContainEqual({ step: 'syncDirectory', path: dirname(root) });
  });

  const steps: { readonly name: string; readonly fails: (directory: string) => (call: Call) => boolean }[] = [
    { name: 'the mkdir of its parent', fails: (directory) => (call) => call.step === 'mkdir' && call.path === dirname(directory) },
    { name: 'the fsync after that mkdir', fails: (directory) => (call) => call.step === 'syncDirectory' && call.path === dirname(dirname(directory)) },
    { name: 'its own mkdir', fails: (directory) => (call) => call.step === 'mkdir' && call.path === directory },
    { name: 'the fsync of its parent', fails: (directory) => (call) => call.step === 'syncDirectory' && call.path === dirname(directory) },
  ];
  it.each(steps)('an I/O error at $name fails the open before anything is written; the next open succeeds', async ({ fails }) => {
    const directory = join(await tempDirectory(), 'state', 'kms');
    const clock = new ManualClock();
    const { io, calls } = recordingIo(fails(directory));
    await expect(openKms(directory, clock, { io })).rejects.toMatchObject({ code: 'EIO' });
    expect(calls.some(fails(directory))).toBe(true);
    expect(calls.filter((call) => call.step === 'open')).toEqual([]);
    const { kms } = await openKms(directory, clock);
    const { KeyMetadata } = await kms.createKey({ Description: 'after' });
    await kms.close();
    const reopened = await openKms(directory, clock);
    expect([...reopened.store.state.keys()].map((key) => key.keyId)).toEqual([KeyMetadata.KeyId]);
    await reopened.kms.close();
    expect((await stat(directory)).isDirectory()).toBe(true);
  });
});
