/**
 * A takeover of a data directory, played by the file layer a reset removes through: the tests of a
 * reset that loses its directory to another process midway mock the reset to remove through it.
 */

import { rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type FileIo, nodeFileIo } from '@strongbox/service-kernel';

/**
 * A file layer whose first tree removal first puts another process's lock file, `holderLock`, in
 * place of the one `directory`'s reset holds (written beside it, then renamed over it).
 * @example original.resetDataDirectory(directory, takenOverOnFirstRemoval(directory, '1\nother-host\n\n9\n'))
 */
export function takenOverOnFirstRemoval(directory: string, holderLock: string): FileIo {
  let removals = 0;
  return {
    ...nodeFileIo,
    async removeTree(path: string): Promise<void> {
      if (removals++ === 0) {
        await writeFile(join(directory, 'lock.next'), holderLock);
        await rename(join(directory, 'lock.next'), join(directory, 'lock'));
      }
      await nodeFileIo.removeTree!(path);
    },
  };
}
