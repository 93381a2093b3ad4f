/**
 * A reset a crash interrupted is finished by the next start, whatever else appeared in the
 * directory after its marker. A KMS store file numbered past the marker is not only a later
 * store's open: a previous holder stopped across the takeover (its step's lease check passed
 * before the pause) can create one late. Its audit log starts its next file at the last one's
 * number + 1 when the current one fills, the very number the new holder's audit log starts at
 * (lazily, at its first event), so when the audit files are the directory's highest-numbered, the
 * late file is numbered past a reset marker the new holder made before writing an audit event.
 * Here it appears partway through the reset's removals, and the reset then stops as a crash stops it.
 */

import { readdir, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { type FileIo, nodeFileIo } from '@strongbox/service-kernel';
import { afterEach, expect, it } from 'vitest';
import { finishInterruptedReset, RESET_MARKER, resetDataDirectory } from '../../src/controls/data-reset.ts';
import { openEndpoint } from '../../src/endpoint.ts';
import { tempDir } from '../helpers/cli.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

it('a start finishes a reset a crash interrupted although a previous holder’s late audit file outnumbers its marker', async () => {
  const directory = await tempDir();
  cleanups.push(() => directory.cleanup());
  const before = await openEndpoint({ dataDirectory: directory.path });
  const made = (await before.kms.createKey({ Description: 'before the reset' })).KeyMetadata?.KeyId;
  await before.close();
  let removals = 0;
  const io: FileIo = {
    ...nodeFileIo,
    async removeTree(path: string) {
      removals += 1;
      if (removals === 1) {
        // The previous holder's late step: its audit log's next file, opened for appending (empty).
        const marker = (await readdir(directory.path)).find((entry) => entry.startsWith(`${RESET_MARKER}-`)) ?? '';
        const number = Number(marker.slice(RESET_MARKER.length + 1)) + 1;
        await writeFile(join(directory.path, `audit-${String(number).padStart(8, '0')}.sbx`), '');
      }
      // The process stops here (a crash), after its first removal.
      if (removals === 2) throw new Error(`stopped before removing ${basename(path)}`);
      await nodeFileIo.removeTree!(path);
    },
  };
  await expect(resetDataDirectory(directory.path, io)).rejects.toThrow(/stopped before removing/);

  const finished = await finishInterruptedReset(directory.path);

  expect(finished).toBe(true);
  const restarted = await openEndpoint({ dataDirectory: directory.path });
  cleanups.push(() => restarted.close());
  const { Keys } = await restarted.kms.listKeys({});
  expect(Keys?.map((key) => key.KeyId)).not.toContain(made);
});
