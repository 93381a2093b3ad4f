/**
 * What is left of a removed bucket (its directory renamed away) or an aborted upload (its
 * directory without `upload.json`) is removed through the store's `FileIo`, fenced by its lease:
 * fault injection sees the removal, and a holder paused past its lease, whose directory another
 * store then took over, removes nothing. The takeover is the second open standing for another
 * process (the kernel's `__TESTS.asAnotherProcess`, Linux only), as in fencing.test.ts.
 */

import { mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { __TESTS, type FileIo, nodeFileIo } from '@strongbox/service-kernel';
import { describe, expect, it } from 'vitest';
import { openFileSystemObjectStore } from '../../src/index.ts';
import { DELETED_MARK, uploadDirectoryName } from '../../src/storage/filesystem/layout.ts';
import { tempDirectory } from '../helpers/temp.ts';

/** An io that records every tree removal reaching it, and can hold the caller after the next directory fsync of a path until `open()`. */
function recordingIo(): { io: FileIo; removed: string[]; holdSyncOf(matches: (directory: string) => boolean): Promise<() => void> } {
  const removed: string[] = [];
  let armed: { matches: (directory: string) => boolean; reached: (open: () => void) => void; gate: Promise<void>; open: () => void } | undefined;
  const io: FileIo = {
    ...nodeFileIo,
    async removeTree(path) {
      removed.push(path);
      await nodeFileIo.removeTree!(path);
    },
    async syncDirectory(directory) {
      await nodeFileIo.syncDirectory!(directory);
      // Held once done: the step after it is the caller's next.
      const held = armed;
      if (held?.matches(directory) === true) {
        armed = undefined;
        held.reached(held.open);
        await held.gate;
      }
    },
  };
  return {
    io,
    removed,
    holdSyncOf(matches) {
      let open!: () => void;
      const gate = new Promise<void>((resolve) => (open = resolve));
      return new Promise((reached) => (armed = { matches, reached, gate, open }));
    },
  };
}

/** The generation directory of an open store (`gen-<n>`). */
async function generation(directory: string): Promise<string> {
  const names = (await readdir(directory)).filter((name) => name.startsWith('gen-'));
  expect(names).toHaveLength(1);
  return join(directory, names[0]!);
}

describe('the removal of a removed bucket’s or upload’s leftover directory', () => {
  it('goes through the store’s FileIo, and leaves nothing behind', async () => {
    const directory = tempDirectory('leftover-io');
    const { io, removed } = recordingIo();
    const store = await openFileSystemObjectStore({ directory, io });
    const base = await generation(directory);
    await store.createBucket('b', {});
    const upload = await store.createUpload('b', 'k', {});
    expect(await store.abortUpload('b', upload.uploadId)).toBe(true);
    expect(removed).toEqual([expect.stringContaining(uploadDirectoryName(upload.uploadId))]);
    expect(await store.deleteBucket('b')).toBe('deleted');
    expect(removed).toHaveLength(2);
    expect(removed[1]).toContain(`${base}/${DELETED_MARK}`);
    expect(await readdir(base)).toEqual([]);
    await store.close();
  });

  it('left by a crash is removed at the next open through the store’s FileIo too (the fenced one), and is gone', async () => {
    const directory = tempDirectory('leftover-open');
    const first = await openFileSystemObjectStore({ directory });
    await first.createBucket('b', {});
    await first.close();
    // What a crash between a DeleteBucket's rename and its removal leaves.
    const leftover = join(await generation(directory), `${DELETED_MARK}0123456789ab`);
    await mkdir(join(leftover, 'blobs'), { recursive: true });
    const { io, removed } = recordingIo();
    const store = await openFileSystemObjectStore({ directory, io });
    // Renamed with its generation, then removed: through the io, so a holder that lost its lease removes nothing.
    expect(removed).toEqual([join(await generation(directory), `${DELETED_MARK}0123456789ab`)]);
    expect(await readdir(await generation(directory))).toEqual([expect.stringMatching(/^b-/)]);
    await store.close();
  });

  it.skipIf(process.platform !== 'linux')(
    'by a holder that lost its lease after the bucket’s rename removes nothing, and the DeleteBucket is not acknowledged',
    async () => {
      const directory = tempDirectory('leftover-fenced');
      const { io, removed, holdSyncOf } = recordingIo();
      const a = await openFileSystemObjectStore({ directory, io });
      const base = await generation(directory);
      await a.createBucket('b', {});
      // A renames the bucket away, fsyncs, and pauses there: the removal is its next step.
      const paused = holdSyncOf((path) => path === base);
      const deleting = a.deleteBucket('b').then(
        () => undefined,
        (error: unknown) => error,
      );
      const resume = await paused;
      await __TESTS.asAnotherProcess(directory);
      const b = await openFileSystemObjectStore({ directory });
      resume();
      expect(await deleting).toMatchObject({ code: 'InternalError', status: 500 });
      // Unfenced, A's removal would have reached the io.
      expect(removed).toEqual([]);
      await a.close();
      await b.close();
    },
  );
});
