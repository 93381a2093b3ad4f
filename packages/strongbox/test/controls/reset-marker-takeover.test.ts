/**
 * A reset's marker (`reset-pending`) tells every later start to finish the reset, removing the
 * directory's state. So it must not appear in a directory that another process took over before
 * it was made: that process's next start would remove what it wrote, and acknowledged, meanwhile.
 * The takeover is played at the marker's creation, after the lease check the fenced file layer
 * made for it: a real endpoint, standing for another process (the service kernel's
 * `__TESTS.asAnotherProcess`, Linux only), takes the directory over, creates a key and stops.
 */

import { basename } from 'node:path';
import { __TESTS, type FileIo, isServiceError, nodeFileIo } from '@strongbox/service-kernel';
import { afterEach, describe, expect, it } from 'vitest';
import { RESET_MARKER, resetDataDirectory } from '../../src/controls/data-reset.ts';
import { openEndpoint } from '../../src/endpoint.ts';
import { tempDir } from '../helpers/cli.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe.skipIf(process.platform !== 'linux')('a reset that lapsed just before making its marker', () => {
  it('leaves the key the new holder created meanwhile to its next start', async () => {
    const directory = await tempDir();
    cleanups.push(() => directory.cleanup());
    const before = await openEndpoint({ dataDirectory: directory.path });
    await before.kms.createKey({ Description: 'before the reset' });
    await before.close();
    let theirs: string | undefined;
    let taken = false;
    // Under the fenced layer: the marker's open has passed its lease check (the numbering floor,
    // raised before it, is written under the lease).
    const io: FileIo = {
      ...nodeFileIo,
      async open(path: string, flags: string, mode?: number) {
        if (basename(path).startsWith(RESET_MARKER) && !taken) {
          taken = true;
          await __TESTS.asAnotherProcess(directory.path);
          const holder = await openEndpoint({ dataDirectory: directory.path, onStoreError: () => {} });
          theirs = (await holder.kms.createKey({ Description: 'the new holder’s' })).KeyMetadata?.KeyId;
          await holder.close();
        }
        return nodeFileIo.open!(path, flags, mode);
      },
    };

    const failure = await resetDataDirectory(directory.path, io).then(
      () => undefined,
      (error: unknown) => error,
    );

    expect(isServiceError(failure, 'LEASE_LOST')).toBe(true);
    expect(theirs).toBeDefined();
    const restarted = await openEndpoint({ dataDirectory: directory.path });
    cleanups.push(() => restarted.close());
    const { Keys } = await restarted.kms.listKeys({});
    expect(Keys?.map((key) => key.KeyId)).toContain(theirs);
  });
});
