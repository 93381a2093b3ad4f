/**
 * review3: an existing S3 data directory must keep opening where it opened before the
 * durable-mkdir change (see the KMS twin): its parent is not Strongbox's and may refuse an fsync
 * (EINVAL: no directory fsync on its file system; EACCES: unreadable to the service user).
 */

import { dirname, join } from 'node:path';
import { type FileIo, nodeFileIo } from '@strongbox/service-kernel';
import { describe, expect, it } from 'vitest';
import { openFileSystemObjectStore } from '../../src/index.ts';
import { tempDirectory } from '../helpers/temp.ts';

function parentRefusingIo(refused: string, code: string): FileIo {
  return {
    ...nodeFileIo,
    async syncDirectory(path) {
      if (path === refused) throw Object.assign(new Error(`${code}: injected, fsync of ${path}`), { code });
      await nodeFileIo.syncDirectory!(path);
    },
  };
}

describe('review3: an existing S3 data directory whose parent refuses an fsync', () => {
  it.each(['EINVAL', 'EACCES'])('still opens and keeps its buckets (%s from the parent)', async (code) => {
    const directory = join(tempDirectory('review3-existing'), 's3');
    const first = await openFileSystemObjectStore({ directory });
    await first.createBucket('kept', {});
    await first.close();
    const reopened = await openFileSystemObjectStore({ directory, io: parentRefusingIo(dirname(directory), code) });
    expect(await reopened.getBucket('kept')).toBeDefined();
    await reopened.close();
  });
});
