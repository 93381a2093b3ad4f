/**
 * A snapshot whose directory fsync fails after its rename (injected through the store's file
 * layer): the snapshot is in place, so from then on recovery starts from it, whatever the store
 * does next. The store must not go on as if the snapshot had not been written (rolled back, the
 * journal of the old generation appended to, as after a full disk before the rename): commits
 * acknowledged into that journal would be lost at the next open, which reads the new snapshot and
 * its journal only. So it stops writing, as after any write failure it cannot roll back
 * (KMSInternalException), and the directory opens again with every acknowledged change.
 */

import { readdir } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../src/index.ts';
import { type FileIo, nodeFileIo } from '../src/persistence/files.ts';
import { openKms, tempDirectory } from './fixtures/persistence.ts';

/** A file layer whose next directory fsync fails with `code` while `armed`, after counting it. */
function failingDirectorySync(code: string): { io: FileIo; failure: { armed: boolean; fired: number } } {
  const failure = { armed: false, fired: 0 };
  const io: FileIo = {
    ...nodeFileIo,
    async syncDirectory(directory) {
      if (!failure.armed) return nodeFileIo.syncDirectory!(directory);
      failure.armed = false;
      failure.fired += 1;
      throw Object.assign(new Error(`${code}: directory fsync failed`), { code });
    },
  };
  return { io, failure };
}

async function outcome(promise: Promise<{ KeyMetadata: { KeyId: string } }>): Promise<string | Error> {
  return promise.then(
    (created) => created.KeyMetadata.KeyId,
    (error: Error) => error,
  );
}

describe('a snapshot whose directory fsync fails after its rename', () => {
  it.each(['ENOSPC', 'EIO'])('(%s) stops the store, and the directory opens with every acknowledged change', async (code) => {
    const directory = await tempDirectory();
    const clock = new ManualClock();
    const { io, failure } = failingDirectorySync(code);
    // Any journal record makes the next batch a snapshot: appended, snapshot, appended, ...
    const { kms, store } = await openKms(directory, clock, { io, snapshotThresholdBytes: 1 });
    const acknowledged = [(await kms.createKey({ Description: 'appended' })).KeyMetadata.KeyId];

    failure.armed = true;
    const during = await outcome(kms.createKey({ Description: 'in the snapshot' }));
    expect(failure.fired).toBe(1);
    // The snapshot holding it is in place: the request failed, and may or may not have taken effect.
    expect(during).toMatchObject({ code: 'KMSInternalException' });
    expect(store.failure).toMatchObject({ code: 'WRITE_FAILED' });
    // Nothing is acknowledged any more: it could only go to a journal the next open would not read.
    expect(await outcome(kms.createKey({ Description: 'after' }))).toMatchObject({ code: 'KMSInternalException' });
    await kms.close();

    const reopened = await openKms(directory, clock);
    const keys = [...reopened.store.state.keys()].map((key) => key.keyId);
    expect(keys).toEqual(expect.arrayContaining(acknowledged));
    expect([...reopened.store.state.keys()].map((key) => key.description).sort()).toEqual(['appended', 'in the snapshot']);
    expect((await readdir(directory)).filter((name) => name.endsWith('.tmp'))).toEqual([]);
    await reopened.kms.close();
  });

  it('(ENOSPC) fails an asked-for snapshot and stops the store rather than rolling back', async () => {
    const directory = await tempDirectory();
    const clock = new ManualClock();
    const { io, failure } = failingDirectorySync('ENOSPC');
    const { kms, store } = await openKms(directory, clock, { io });
    const first = (await kms.createKey({ Description: 'first' })).KeyMetadata.KeyId;
    failure.armed = true;
    await expect(store.snapshot()).rejects.toMatchObject({ code: 'KMSInternalException' });
    expect(failure.fired).toBe(1);
    expect(store.failure).toMatchObject({ code: 'WRITE_FAILED' });
    expect(await outcome(kms.createKey({ Description: 'lost if acknowledged' }))).toMatchObject({ code: 'KMSInternalException' });
    await kms.close();

    const reopened = await openKms(directory, clock);
    expect([...reopened.store.state.keys()].map((key) => key.keyId)).toEqual([first]);
    await reopened.kms.close();
  });
});
