/**
 * A takeover of a data directory, played by the file layer a reset writes and removes through: the
 * tests of a reset that loses its directory to another process midway hand the reset this layer
 * (or mock the reset to use it). It sits under the lease-fenced layer, so the step that plays the
 * takeover has passed its lease check; the reset's next step finds the lease lost.
 */

import { rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type FileIo, nodeFileIo } from '@strongbox/service-kernel';

/**
 * The steps a takeover can be played at: a tree removal, an open that may create or change a file,
 * or a rename (a replace's move into place).
 */
export type TakeoverStep = 'removeTree' | 'openForWriting' | 'rename';

/**
 * A file layer whose first `step` first puts another process's lock file, `holderLock`, in place
 * of the one `directory`'s reset holds (written beside it, then renamed over it).
 * @example original.resetDataDirectory(directory, takenOverAt('openForWriting', directory, '1\nother-host\n\n9\n'))
 */
export function takenOverAt(step: TakeoverStep, directory: string, holderLock: string): FileIo {
  let taken = false;
  const takeOver = async (): Promise<void> => {
    if (taken) return;
    taken = true;
    await writeFile(join(directory, 'lock.next'), holderLock);
    await rename(join(directory, 'lock.next'), join(directory, 'lock'));
  };
  if (step === 'rename') {
    return {
      ...nodeFileIo,
      async rename(from: string, to: string): Promise<void> {
        await takeOver();
        await nodeFileIo.rename!(from, to);
      },
    };
  }
  if (step === 'removeTree') {
    return {
      ...nodeFileIo,
      async removeTree(path: string): Promise<void> {
        await takeOver();
        await nodeFileIo.removeTree!(path);
      },
    };
  }
  return {
    ...nodeFileIo,
    async open(path: string, flags: string, mode?: number) {
      if (flags !== 'r') await takeOver();
      return nodeFileIo.open!(path, flags, mode);
    },
  };
}

/**
 * A file layer whose first tree removal first puts another process's lock file, `holderLock`, in
 * place of the one `directory`'s reset holds (`takenOverAt('removeTree', …)`).
 * @example original.resetDataDirectory(directory, takenOverOnFirstRemoval(directory, '1\nother-host\n\n9\n'))
 */
export function takenOverOnFirstRemoval(directory: string, holderLock: string): FileIo {
  return takenOverAt('removeTree', directory, holderLock);
}
