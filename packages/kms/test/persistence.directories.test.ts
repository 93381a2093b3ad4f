/**
 * The data directory is created durably: after the mkdir of each level it creates, the parent is
 * fsynced (POSIX makes a new entry durable only then), through the store's file layer, before
 * anything is written in it; so a power loss cannot take the directory, and every acknowledged
 * change in it, away. The layer records the calls; a fault injected at each new step fails the
 * open, and the next open succeeds. A parent this process cannot fsync at all (unreadable to the
 * service user, or on a file system without directory fsync) is the user's directory, not the
 * store's: an existing data directory under it opens as it did before the durable mkdir, with a
 * warning.
 */

import { stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { parentRefusingIo, type Recorded, recordingIo } from '../../service-kernel/test/helpers/recording-io.ts';
import { ManualClock } from '../src/index.ts';
import { openKms, tempDirectory } from './fixtures/persistence.ts';

describe('the data directory', () => {
  it('is created level by level, each parent fsynced after the mkdir and before any file is opened in it or a change acknowledged', async () => {
    const root = await tempDirectory();
    const directory = join(root, 'state', 'kms');
    const { io, calls, ack } = recordingIo();
    const { kms } = await openKms(directory, new ManualClock(), { io });
    await kms.createKey({ Description: 'acknowledged' });
    ack('createKey');
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

  it('that exists already gets its parent fsynced again (an earlier start may have crashed before that fsync; best effort, see below)', async () => {
    const root = await tempDirectory();
    const clock = new ManualClock();
    await (await openKms(root, clock)).kms.close();
    const { io, calls } = recordingIo();
    const { kms } = await openKms(root, clock, { io });
    await kms.close();
    const firstOpen = calls.findIndex((call) => call.step === 'open');
    expect(calls.slice(0, firstOpen)).toContainEqual({ step: 'syncDirectory', path: dirname(root) });
  });

  describe('whose parent this process cannot fsync (EINVAL: no directory fsync on its file system; EACCES: unreadable, e.g. 0711)', () => {
    afterEach(() => {
      vi.restoreAllMocks();
    });

    it.each(['EINVAL', 'EACCES'])('still opens when it exists, keeps its keys, and warns once (%s from the parent)', async (code) => {
      const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
      const directory = join(await tempDirectory(), 'kms');
      const clock = new ManualClock();
      const first = await openKms(directory, clock);
      const { KeyMetadata } = await first.kms.createKey({ Description: 'kept' });
      await first.kms.close();
      for (let open = 0; open < 2; open++) {
        const reopened = await openKms(directory, clock, { io: parentRefusingIo(dirname(directory), code) });
        expect([...reopened.store.state.keys()].map((key) => key.keyId)).toEqual([KeyMetadata.KeyId]);
        await reopened.kms.close();
      }
      const warnings = warn.mock.calls.filter(([message]) => String(message).includes(dirname(directory)));
      expect(warnings).toEqual([[expect.stringContaining(code), { code: 'STRONGBOX_DIRECTORY_FSYNC' }]]);
    });

    it.each(['EINVAL', 'EACCES'])('is created and opened when new (%s from the parent)', async (code) => {
      vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
      const directory = join(await tempDirectory(), 'kms');
      const clock = new ManualClock();
      const { kms } = await openKms(directory, clock, { io: parentRefusingIo(dirname(directory), code) });
      const { KeyMetadata } = await kms.createKey({ Description: 'kept' });
      await kms.close();
      const reopened = await openKms(directory, clock);
      expect([...reopened.store.state.keys()].map((key) => key.keyId)).toEqual([KeyMetadata.KeyId]);
      await reopened.kms.close();
    });
  });

  const steps: { readonly name: string; readonly fails: (directory: string) => (call: Recorded) => boolean }[] = [
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

describe('the directory fsyncs after entries change go through the file layer', () => {
  it('an I/O error at each directory fsync of an open that recovers state fails that open; the next open has every acknowledged key', async () => {
    const directory = await tempDirectory();
    const clock = new ManualClock();
    const first = await openKms(directory, clock);
    const acknowledged = [(await first.kms.createKey({ Description: 'kept' })).KeyMetadata.KeyId];
    await first.kms.close();
    // The fsyncs of the directory itself during an open: the leap's snapshot rename, the unlinks
    // of the generation it recovered, the new journal's creation.
    const counting = recordingIo();
    await (await openKms(directory, clock, { io: counting.io })).kms.close();
    const fsyncs = counting.calls.filter((call) => call.step === 'syncDirectory' && call.path === directory).length;
    expect(fsyncs).toBeGreaterThanOrEqual(3);
    for (let nth = 0; nth < fsyncs; nth++) {
      let seen = 0;
      const { io } = recordingIo((call) => call.step === 'syncDirectory' && call.path === directory && seen++ === nth);
      const failed = await openKms(directory, clock, { io }).then(
        async ({ kms }) => {
          await kms.close();
          return undefined;
        },
        (error: { code?: string; cause?: { code?: string } }) => error,
      );
      // A failure after a rename is the kernel's NOT_DURABLE (its cause the EIO); the others the EIO itself.
      expect(failed?.code === 'EIO' || failed?.cause?.code === 'EIO', `fault at directory fsync ${nth}: ${String(failed)}`).toBe(true);
      const reopened = await openKms(directory, clock);
      expect([...reopened.store.state.keys()].map((key) => key.keyId)).toEqual(acknowledged);
      acknowledged.push((await reopened.kms.createKey({ Description: `after fault ${nth}` })).KeyMetadata.KeyId);
      await reopened.kms.close();
    }
  });

  it('an I/O error at the fsync after a new audit file is made keeps its events: the next flush writes them', async () => {
    const directory = await tempDirectory();
    const clock = new ManualClock();
    let armed = false;
    let fired = 0;
    const { io } = recordingIo((call) => {
      if (!armed || call.step !== 'syncDirectory' || call.path !== directory) return false;
      armed = false;
      fired += 1;
      return true;
    });
    // One record fills a file: every flush makes a new one.
    const { kms, store } = await openKms(directory, clock, { io, auditFileBytes: 1 });
    await kms.createKey({ Description: 'first' });
    await store.audit.flush();
    armed = true;
    await kms.listKeys({});
    await store.audit.flush();
    expect(fired).toBe(1);
    await kms.listAliases({});
    await store.audit.flush();
    await kms.close();
    const reopened = await openKms(directory, clock);
    const names = reopened.kms.auditTrail.lookup().records.map((record) => record.eventName);
    expect(names).toEqual(expect.arrayContaining(['CreateKey', 'ListKeys', 'ListAliases']));
    await reopened.kms.close();
  });
});
