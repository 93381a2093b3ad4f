/**
 * The removals of garbage after a commit made it so: a journal rotation's unlinks of the previous
 * generation, and the audit log's pruning of expired files. The commit is durable before them, so
 * the directory fsync after the unlinks failing only means the garbage may come back after a crash
 * (the next open removes it again): the write is acknowledged, and the failure is reported as a
 * `STRONGBOX_DIRECTORY_FSYNC` warning, not swallowed. A lost lease (`LEASE_LOST`) at an unlink is
 * rethrown: the store stops, and nothing after the unlink runs. Failures are injected through
 * `FileIo`, as in the fencing tests.
 */

import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ServiceError } from '@strongbox/service-kernel';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { KmsError } from '../src/errors.ts';
import { type DirectoryStoreOptions, ManualClock } from '../src/index.ts';
import { type FileIo, nodeFileIo } from '../src/persistence/files.ts';
import { openKms, snapshotOf, tempDirectory } from './fixtures/persistence.ts';

afterEach(() => {
  vi.restoreAllMocks();
});

/** An io whose unlinks of files matching `target` fail with `unlinkFailure` (when given), and whose directory fsyncs after one fail with `fsyncFailure`. */
function faultyRemovals(target: RegExp, faults: { unlinkFailure?: () => Error; fsyncFailure?: () => Error }): { io: FileIo; steps: string[] } {
  const steps: string[] = [];
  let unlinked = false;
  const io: FileIo = {
    ...nodeFileIo,
    async unlink(path) {
      if (!target.test(path)) return nodeFileIo.unlink!(path);
      steps.push(`unlink ${path.slice(path.lastIndexOf('/') + 1)}`);
      unlinked = true;
      if (faults.unlinkFailure !== undefined) throw faults.unlinkFailure();
      await nodeFileIo.unlink!(path);
    },
    async syncDirectory(directory) {
      if (unlinked) {
        steps.push('syncDirectory');
        unlinked = false;
        if (faults.fsyncFailure !== undefined) throw faults.fsyncFailure();
      }
      await nodeFileIo.syncDirectory!(directory);
    },
  };
  return { io, steps };
}

const eio = (): Error => Object.assign(new Error('EIO: i/o error, fsync'), { code: 'EIO' });
const lost = (): Error => new ServiceError('LEASE_LOST', 'The data directory was taken over by process 42', []);

/** The `STRONGBOX_DIRECTORY_FSYNC` warnings emitted while `run` runs. */
async function directoryWarnings(run: () => Promise<void>): Promise<string[]> {
  const emit = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
  await run();
  return emit.mock.calls.filter((call) => (call[1] as { code?: string } | undefined)?.code === 'STRONGBOX_DIRECTORY_FSYNC').map((call) => String(call[0]));
}

async function open(directory: string, clock: ManualClock, options: Partial<DirectoryStoreOptions>) {
  const errors: KmsError[] = [];
  const opened = await openKms(directory, clock, { onError: (error) => errors.push(error as KmsError), ...options });
  return { ...opened, errors };
}

async function generations(directory: string): Promise<string[]> {
  return (await readdir(directory)).filter((name) => /^(snapshot|journal)-/.test(name)).sort();
}

describe('a journal rotation’s removal of the previous generation', () => {
  it('an fsync error after the unlinks acknowledges the snapshot, warns once with the directory and the errno, and the state reopens', async () => {
    const directory = await tempDirectory();
    const clock = new ManualClock();
    const { io, steps } = faultyRemovals(/(journal|snapshot)-00000001\.sbx$/, { fsyncFailure: eio });
    const { kms, store, errors } = await open(directory, clock, { io });
    await kms.createKey({ Description: 'kept' });
    // The call's audit event written now: its flush (a timer) would otherwise start the audit file,
    // with a directory fsync of its own, at any point of the rotation on a slow machine.
    await store.audit.flush();
    const warnings = await directoryWarnings(() => store.snapshot());
    expect(steps).toEqual(['unlink journal-00000001.sbx', 'unlink snapshot-00000001.sbx', 'syncDirectory']);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(directory);
    expect(warnings[0]).toContain('EIO');
    expect(errors).toEqual([]);
    // The store goes on writing.
    await kms.createKey({ Description: 'after' });
    const acknowledged = snapshotOf(store.state);
    await kms.close();
    const reopened = await open(directory, clock, {});
    expect(snapshotOf(reopened.store.state)).toEqual(acknowledged);
    await reopened.kms.close();
  });

  it('a LEASE_LOST at the first unlink stops the rotation there (no second unlink, no fsync) and fences the store', async () => {
    const directory = await tempDirectory();
    const clock = new ManualClock();
    const { io, steps } = faultyRemovals(/(journal|snapshot)-00000001\.sbx$/, { unlinkFailure: lost });
    const { kms, store, errors } = await open(directory, clock, { io });
    await kms.createKey({ Description: 'kept' });
    // As above: no audit flush left to run during the rotation.
    await store.audit.flush();
    await expect(store.snapshot()).rejects.toMatchObject({ code: 'KMSInternalException' });
    expect(steps).toEqual(['unlink journal-00000001.sbx']);
    expect(errors.map((error) => error.code)).toEqual(['LEASE_LOST']);
    await expect(kms.listKeys({})).rejects.toMatchObject({ code: 'KMSInternalException' });
    // The garbage it did not remove is still there (the next open removes it).
    expect(await generations(directory)).toEqual(['journal-00000001.sbx', 'journal-00000002.sbx', 'snapshot-00000001.sbx', 'snapshot-00000002.sbx']);
    await kms.close();
  });
});

describe('the audit log’s pruning of expired files', () => {
  /** A store whose every flush starts a new audit file, with files older than 90 days to prune at the next one. */
  async function withExpiredFiles(faults: { unlinkFailure?: () => Error; fsyncFailure?: () => Error }) {
    const directory = await tempDirectory();
    const clock = new ManualClock();
    const first = await open(directory, clock, { auditFileBytes: 1 });
    await first.kms.listKeys({});
    await first.store.audit.flush();
    await first.kms.close();
    const { io, steps } = faultyRemovals(/audit-\d+\.sbx$/, faults);
    const opened = await open(directory, clock, { io, auditFileBytes: 1 });
    const audits = async (): Promise<string[]> => (await readdir(directory)).filter((name) => name.startsWith('audit-')).sort();
    const old = await audits();
    clock.advance(91 * 24 * 60 * 60 * 1000);
    // This event, 91 days newer, goes to a new file; the one after it starts another, which prunes.
    await opened.kms.listKeys({});
    await opened.store.audit.flush();
    await opened.kms.createKey({ Description: 'audited' });
    return { directory, clock, opened, steps, old, audits };
  }

  it('an fsync error after the pruning unlinks still writes the batch, and warns with the directory and the errno', async () => {
    const { directory, clock, opened, steps, old, audits } = await withExpiredFiles({ fsyncFailure: eio });
    const warnings = await directoryWarnings(() => opened.store.audit.flush());
    expect(steps.at(-1)).toBe('syncDirectory');
    expect(steps.filter((step) => step.startsWith('unlink'))).toEqual(old.map((name) => `unlink ${name}`));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(directory);
    expect(warnings[0]).toContain('EIO');
    expect(await audits()).not.toContain(old[0]);
    await opened.kms.close();
    const reopened = await open(directory, clock, {});
    expect(reopened.kms.auditTrail.lookup().records.map((record) => record.eventName)).toContain('CreateKey');
    await reopened.kms.close();
  });

  it('a LEASE_LOST at a pruning unlink stops the flush there: no fsync, and nothing is written to the new file', async () => {
    const { directory, opened, steps, old, audits } = await withExpiredFiles({ unlinkFailure: lost });
    const before = new Set(await audits());
    await opened.store.audit.flush();
    expect(steps).toEqual([`unlink ${old[0]}`]);
    const started = (await audits()).filter((name) => !before.has(name));
    expect(started).toHaveLength(1);
    // Swallowed, the flush would have gone on to write the CreateKey batch into the new file.
    expect((await stat(join(directory, started[0]!))).size).toBe(0);
    expect(await audits()).toContain(old[0]);
    await opened.kms.close();
  });
});
