/**
 * review3: an existing data directory must keep opening where it opened before the durable-mkdir
 * change. Its parent is someone else's directory: it may refuse an fsync (EINVAL on a file system
 * whose directories take none, e.g. a data directory mounted on a volume under a squashfs or
 * vboxsf parent) or be unreadable to the service user (EACCES: a 0711 parent; opening a directory
 * for fsync needs read permission). Before the change no step touched the parent of an existing
 * data directory, so such directories opened; now `createDirectoryDurably`'s EEXIST branch fsyncs
 * the parent and the open fails.
 */

import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../src/index.ts';
import { type FileIo, nodeFileIo } from '../src/persistence/files.ts';
import { openKms, tempDirectory } from './fixtures/persistence.ts';

/** Real io, except that an fsync of `refused` fails with `code` (as the parent's file system or its modes would). */
function parentRefusingIo(refused: string, code: string): FileIo {
  return {
    ...nodeFileIo,
    async syncDirectory(path) {
      if (path === refused) throw Object.assign(new Error(`${code}: injected, fsync of ${path}`), { code });
      await nodeFileIo.syncDirectory!(path);
    },
  };
}

describe('review3: an existing KMS data directory whose parent refuses an fsync', () => {
  it.each(['EINVAL', 'EACCES'])('still opens and keeps its keys (%s from the parent)', async (code) => {
    const directory = join(await tempDirectory(), 'kms');
    const clock = new ManualClock();
    const first = await openKms(directory, clock);
    const { KeyMetadata } = await first.kms.createKey({ Description: 'kept' });
    await first.kms.close();
    const reopened = await openKms(directory, clock, { io: parentRefusingIo(dirname(directory), code) });
    expect([...reopened.store.state.keys()].map((key) => key.keyId)).toEqual([KeyMetadata.KeyId]);
    await reopened.kms.close();
  });
});
