/**
 * Every directory the data-directory store and the SSE-S3 root keys create is durable before
 * anything written in it is acknowledged: its parent is fsynced after the mkdir (POSIX makes a
 * new entry durable only then), through the store's file layer. The layer records the calls, and
 * the test marks each acknowledgement among them; a fault injected at each new step fails the
 * open, and the next open succeeds. A parent of the data directory that this process cannot fsync
 * at all (unreadable, or no directory fsync on its file system) is the user's, not the store's: an
 * existing data directory under it opens as it did before the durable mkdir.
 */

import { stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { parentRefusingIo, type Recorded, recordingIo } from '../../../service-kernel/test/helpers/recording-io.ts';
import { openFileSystemObjectStore, ROOT_KEYS_DIRECTORY, SseS3RootKeys } from '../../src/index.ts';
import { tempDirectory } from '../helpers/temp.ts';

/** The mkdirs not followed by an fsync of their parent before the next acknowledgement. */
function unsyncedBeforeAck(calls: readonly Recorded[]): string[] {
  return calls.flatMap((call, index) => {
    if (call.step !== 'mkdir') return [];
    const later = calls.slice(index + 1);
    const ack = later.findIndex((next) => next.step === 'ack');
    const synced = later.findIndex((next) => next.step === 'syncDirectory' && next.path === dirname(call.path));
    return synced !== -1 && (ack === -1 || synced < ack) ? [] : [call.path];
  });
}

const mkdirs = (calls: readonly Recorded[]): string[] => calls.flatMap((call) => (call.step === 'mkdir' ? [call.path] : []));

describe('directories made in a data directory', () => {
  it('are each made durable (the parent fsynced) before the first acknowledged write in them', async () => {
    const root = tempDirectory('dirsync');
    const directory = join(root, 'data', 's3');
    const { io, calls, ack } = recordingIo();
    const store = await openFileSystemObjectStore({ directory, io });
    ack('open');
    await store.createBucket('b', {});
    ack('createBucket');
    await store.putObject('b', 'k', [new Uint8Array([1, 2, 3])], {});
    ack('putObject');
    const upload = await store.createUpload('b', 'm', {});
    ack('createUpload');
    await store.putPart('b', upload.uploadId, 1, [new Uint8Array([4])], {});
    ack('putPart');
    await store.close();

    const made = mkdirs(calls);
    // The data directory and the parent it was given without, the generation, the bucket (built
    // under a temporary name) and its subdirectories, the upload.
    expect(made).toEqual(expect.arrayContaining([join(root, 'data'), directory, join(directory, 'gen-00000001')]));
    expect(made.some((path) => path.includes(`${join(directory, 'gen-00000001')}/`) && path.endsWith('/uploads'))).toBe(true);
    expect(made.some((path) => /\/uploads\/[^/]+$/.test(path))).toBe(true);
    expect(unsyncedBeforeAck(calls)).toEqual([]);
    // The data directory's entry is durable before its lock or anything else is made in it.
    const first = calls.findIndex((call) => call.step !== 'mkdir' && call.step !== 'syncDirectory');
    expect(calls.slice(0, first)).toContainEqual({ step: 'syncDirectory', path: join(root, 'data') });
    expect(calls.slice(0, first)).toContainEqual({ step: 'syncDirectory', path: root });
  });

  it('the SSE-S3 key directory is made durable before the first key is linked into it', async () => {
    const directory = tempDirectory('dirsync-keys');
    const keys = join(directory, ROOT_KEYS_DIRECTORY);
    const { io, calls } = recordingIo();
    const roots = await SseS3RootKeys.openDirectory(directory, { io });
    roots.destroy();
    const made = calls.findIndex((call) => call.step === 'mkdir' && call.path === keys);
    const synced = calls.findIndex((call, index) => index > made && call.step === 'syncDirectory' && call.path === directory);
    const linked = calls.findIndex((call) => call.step === 'link' && call.path === join(keys, 'root-00000001.key'));
    expect(made).toBeGreaterThanOrEqual(0);
    expect(synced).toBeGreaterThan(made);
    expect(linked).toBeGreaterThan(synced);
  });

  it('an I/O error at the fsync after the key directory’s mkdir fails the open before any key is made; the next open makes key 1', async () => {
    const directory = tempDirectory('dirsync-keys-fault');
    const keys = join(directory, ROOT_KEYS_DIRECTORY);
    const { io, calls } = recordingIo((call) => call.step === 'syncDirectory' && call.path === directory);
    await expect(SseS3RootKeys.openDirectory(directory, { io })).rejects.toMatchObject({ code: 'EIO' });
    expect(calls).toContainEqual({ step: 'mkdir', path: keys });
    expect(calls.filter((call) => call.step === 'open' || call.step === 'link')).toEqual([]);
    const roots = await SseS3RootKeys.openDirectory(directory);
    expect(roots.generations).toEqual([1]);
    roots.destroy();
  });

  // Each new step: the mkdir of the data directory, the fsync of its parent, the generation's
  // mkdir and the fsync of the data directory after it (before any bucket is loaded).
  const steps: { readonly name: string; readonly fails: (directory: string) => (call: Recorded) => boolean }[] = [
    { name: 'the data directory’s mkdir', fails: (directory) => (call) => call.step === 'mkdir' && call.path === directory },
    { name: 'the fsync of its parent', fails: (directory) => (call) => call.step === 'syncDirectory' && call.path === dirname(directory) },
    { name: 'the generation’s mkdir', fails: (directory) => (call) => call.step === 'mkdir' && call.path === join(directory, 'gen-00000001') },
    { name: 'the fsync of the data directory after it', fails: (directory) => (call) => call.step === 'syncDirectory' && call.path === directory },
  ];
  it.each(steps)('an I/O error at $name fails the open; the next open succeeds and keeps what is written', async ({ fails }) => {
    const directory = join(tempDirectory('dirsync-fault'), 's3');
    const { io, calls } = recordingIo(fails(directory));
    await expect(openFileSystemObjectStore({ directory, io })).rejects.toMatchObject({ code: 'EIO' });
    // The fault fired at the step named, not elsewhere.
    expect(calls.some(fails(directory))).toBe(true);
    const store = await openFileSystemObjectStore({ directory });
    await store.createBucket('b', {});
    await store.close();
    const reopened = await openFileSystemObjectStore({ directory });
    expect(await reopened.getBucket('b')).toBeDefined();
    await reopened.close();
    expect((await stat(directory)).isDirectory()).toBe(true);
  });

  it.each(['EINVAL', 'EACCES'])('an existing data directory whose parent refuses an fsync (%s) still opens and keeps its buckets', async (code) => {
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    try {
      const directory = join(tempDirectory('existing-directory'), 's3');
      const parent = dirname(directory);
      const first = await openFileSystemObjectStore({ directory });
      await first.createBucket('kept', {});
      await first.close();
      const reopened = await openFileSystemObjectStore({ directory, io: parentRefusingIo(parent, code) });
      expect(await reopened.getBucket('kept')).toBeDefined();
      await reopened.close();
      expect(warn.mock.calls.filter(([message]) => String(message).includes(parent))).toHaveLength(1);
    } finally {
      warn.mockRestore();
    }
  });
});
