/**
 * Fencing (issue #14): a store whose lease lapsed while it was paused, and whose directory another
 * store then took over, writes nothing more. Both stores live in this process: the second open
 * stands for another process (the service kernel's `__TESTS.asAnotherProcess`), so it judges the
 * lock file as another process would, and a lock naming this very pid in this PID namespace is
 * taken over at once (Linux only). Renewals run on demand; no test waits.
 */

import { readdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { __TESTS } from '@strongbox/service-kernel';
import { describe, expect, it } from 'vitest';
import type { KmsError } from '../src/errors.ts';
import { type DirectoryStore, type DirectoryStoreOptions, type Kms, ManualClock } from '../src/index.ts';
import { type FileIo, nodeFileIo } from '../src/persistence/files.ts';
import { raiseNumberFloor } from '../src/persistence/number-floor.ts';
import { openKms, snapshotOf, tempDirectory } from './fixtures/persistence.ts';
import { pausableIo, sameFile } from './helpers/pausable-io.ts';

interface Holder {
  readonly kms: Kms;
  readonly store: DirectoryStore;
  readonly errors: KmsError[];
  /** Runs one lease renewal, as the timer would. */
  renew(): Promise<void>;
}

async function holder(directory: string, clock: ManualClock, io?: FileIo, options: Partial<DirectoryStoreOptions> = {}): Promise<Holder> {
  const errors: KmsError[] = [];
  let renew: (() => Promise<void>) | undefined;
  const { kms, store } = await openKms(directory, clock, {
    onError: (error) => errors.push(error as KmsError),
    lease: {
      scheduleRenewal: (run) => {
        renew = run;
        return () => undefined;
      },
    },
    ...(io === undefined ? {} : { io }),
    ...options,
  });
  return { kms, store, errors, renew: () => renew!() };
}

/**
 * Empties `directory` of its state files, as a data reset (`strongbox` controls) does: the next
 * open starts again at generation 1 and audit file 1, names an old holder also knows.
 */
async function resetState(directory: string): Promise<void> {
  for (const name of await readdir(directory)) if (/^(snapshot|journal|audit)-/.test(name)) await unlink(join(directory, name));
}

/**
 * Empties `directory` of its state files as `strongbox`'s data reset does: the numbering floor
 * raised to the highest number removed first (`raiseNumberFloor`), so the next open numbers past it.
 */
async function resetKeepingFloor(directory: string): Promise<void> {
  await raiseNumberFloor(directory, await readdir(directory));
  await resetState(directory);
}

/**
 * Closes the lapsed holder `a` and the new holder `b`, then reopens `directory`: the reopened
 * state is exactly what `b` acknowledged (none of `a`'s late steps reached it). Answers the
 * reopened keys' descriptions.
 */
async function reopenedAsAcknowledged(a: Holder, b: Holder, directory: string, clock: ManualClock): Promise<(string | undefined)[]> {
  const acknowledged = snapshotOf(b.store.state);
  await a.kms.close();
  await b.kms.close();
  const reopened = await holder(directory, clock);
  try {
    expect(snapshotOf(reopened.store.state)).toEqual(acknowledged);
    return [...reopened.store.state.keys()].map((key) => key.description);
  } finally {
    await reopened.kms.close();
  }
}

/** The snapshot and journal files in `directory`, sorted. */
async function generations(directory: string): Promise<string[]> {
  return (await readdir(directory)).filter((name) => /^(snapshot|journal)-/.test(name)).sort();
}

/** The directory, for an open that stands for another process (`__TESTS.asAnotherProcess`). */
async function asAnotherProcess(directory: string): Promise<string> {
  await __TESTS.asAnotherProcess(directory);
  return directory;
}

/** What every call of a fenced store answers. */
const TAKEN_OVER = {
  code: 'KMSInternalException',
  message: "An internal error occurred: this server's data directory was taken over by another process, so this server no longer answers requests.",
};

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (error: unknown) => error,
  );
}

describe.skipIf(process.platform !== 'linux')('a store whose directory was taken over', () => {
  it('refuses every call with KMSInternalException, reads and cryptographic calls included, reports LEASE_LOST once, and nothing it tried lands in the new holder’s state', async () => {
    const directory = await tempDirectory();
    const clock = new ManualClock();
    const a = await holder(directory, clock);
    const kept = (await a.kms.createKey({ Description: 'kept' })).KeyMetadata;
    const { CiphertextBlob } = await a.kms.encrypt({ KeyId: kept.KeyId, Plaintext: new Uint8Array([7]) });
    await a.store.audit.flush();

    const b = await holder(await asAnotherProcess(directory), clock);
    expect([...b.store.state.keys()].map((key) => key.description)).toEqual(['kept']);
    const before = snapshotOf(a.store.state);

    // The new holder disables the key: a fenced process that went on decrypting would not know.
    await b.kms.disableKey({ KeyId: kept.KeyId });
    expect(await failure(a.kms.createKey({ Description: 'from A' }))).toMatchObject(TAKEN_OVER);
    expect(await failure(a.kms.createAlias({ AliasName: 'alias/from-a', TargetKeyId: kept.KeyId }))).toMatchObject(TAKEN_OVER);
    expect(await failure(a.kms.disableKey({ KeyId: kept.KeyId }))).toMatchObject(TAKEN_OVER);
    expect(snapshotOf(a.store.state)).toEqual(before);
    // Reads and cryptographic calls are refused too: the state they would answer from is stale.
    expect(await failure(a.kms.describeKey({ KeyId: kept.KeyId }))).toMatchObject(TAKEN_OVER);
    expect(await failure(a.kms.listKeys({}))).toMatchObject(TAKEN_OVER);
    expect(await failure(a.kms.describeKey({ KeyId: 'alias/missing' }))).toMatchObject(TAKEN_OVER);
    expect(await failure(a.kms.encrypt({ KeyId: kept.KeyId, Plaintext: new Uint8Array([7]) }))).toMatchObject(TAKEN_OVER);
    expect(await failure(a.kms.decrypt({ CiphertextBlob }))).toMatchObject(TAKEN_OVER);
    expect(await failure(a.kms.generateDataKey({ KeyId: kept.KeyId, KeySpec: 'AES_256' }))).toMatchObject(TAKEN_OVER);
    await a.renew();
    expect(a.errors.map((error) => error.code)).toEqual(['LEASE_LOST']);
    expect(a.store.failure).toMatchObject({ code: 'LEASE_LOST' });
    expect(a.errors[0]!.message).toMatch(
      /^The data directory .* was taken over by process \d+ \(lease epoch 2\) after this process's lease \(epoch 1\) lapsed/,
    );

    await b.kms.createKey({ Description: 'from B' });
    await b.kms.enableKey({ KeyId: kept.KeyId });
    const acknowledged = snapshotOf(b.store.state);
    await a.kms.close();
    await b.kms.close();
    expect(b.errors).toEqual([]);

    const reopened = await holder(directory, clock);
    expect(snapshotOf(reopened.store.state)).toEqual(acknowledged);
    expect([...reopened.store.state.keys()].map((key) => key.description)).toEqual(['kept', 'from B']);
    // A's refused calls after the takeover were never written to the audit files.
    const names = reopened.kms.auditTrail.lookup().records.map((record) => record.eventName);
    expect(names.filter((name) => name === 'CreateKey')).toHaveLength(2);
    expect(names).not.toContain('DescribeKey');
    expect(names).not.toContain('Decrypt');
    await reopened.kms.close();
  });

  it('a renewal finds the takeover while the store is idle, and reports it before any write is tried', async () => {
    const directory = await tempDirectory();
    const clock = new ManualClock();
    const a = await holder(directory, clock);
    const b = await holder(await asAnotherProcess(directory), clock);
    expect(a.errors).toEqual([]);
    await a.renew();
    expect(a.errors.map((error) => error.code)).toEqual(['LEASE_LOST']);
    expect(await failure(a.kms.createKey({}))).toMatchObject(TAKEN_OVER);
    expect(await failure(a.kms.listAliases({}))).toMatchObject(TAKEN_OVER);
    await a.renew();
    expect(a.errors).toHaveLength(1);
    await a.kms.close();
    await b.kms.close();
  });

  it('confirmLease, which fences a caller’s own files in the directory, finds the takeover as the store’s writes do: LEASE_LOST, reported once, every call refused', async () => {
    const directory = await tempDirectory();
    const clock = new ManualClock();
    const a = await holder(directory, clock);
    await a.store.confirmLease();
    const b = await holder(await asAnotherProcess(directory), clock);

    const lost = await failure(a.store.confirmLease());

    expect(lost).toMatchObject({ code: 'LEASE_LOST' });
    expect((lost as Error).message).toMatch(/was taken over by process \d+ \(lease epoch 2\)/);
    expect(a.errors.map((error) => error.code)).toEqual(['LEASE_LOST']);
    expect(await failure(a.kms.listAliases({}))).toMatchObject(TAKEN_OVER);
    await b.store.confirmLease();
    await a.kms.close();
    await b.kms.close();
    // Closed: the lease is released, so nothing can be written under it any more.
    expect(await failure(b.store.confirmLease())).toBeInstanceOf(Error);
  });

  it('a write that raced the takeover (confirmed before it, durable after it) is not acknowledged and lands in a file the new holder no longer reads', async () => {
    const directory = await tempDirectory();
    const clock = new ManualClock();
    // Holds A's next write after the lease check that let it through, until the takeover is done.
    const { io, hold } = pausableIo();
    const a = await holder(directory, clock, io);
    await a.kms.createKey({ Description: 'kept' });
    await a.store.audit.flush();
    const { reached, open } = hold('write');
    const raced = failure(a.kms.createKey({ Description: 'raced' }));
    await reached;

    const b = await holder(await asAnotherProcess(directory), clock);
    // The new holder starts generation 3 (two past the one it recovered) and deletes generation 1.
    expect((await readdir(directory)).filter((name) => /^(snapshot|journal)-/.test(name)).sort()).toEqual(['journal-00000003.sbx', 'snapshot-00000003.sbx']);
    open();
    expect(await raced).toMatchObject({ code: 'KMSInternalException' });
    expect([...a.store.state.keys()].map((key) => key.description)).toEqual(['kept']);
    expect(a.errors.map((error) => error.code)).toEqual(['LEASE_LOST']);

    await b.kms.createKey({ Description: 'from B' });
    expect(await reopenedAsAcknowledged(a, b, directory, clock)).toEqual(['kept', 'from B']);
  });

  it('a snapshot whose writes passed their lease checks before the takeover fails at its rename with LEASE_LOST, and no generation of it appears', async () => {
    const directory = await tempDirectory();
    const clock = new ManualClock();
    const { io, hold } = pausableIo();
    const a = await holder(directory, clock, io);
    await a.kms.createKey({ Description: 'kept' });
    await a.store.audit.flush();
    // A's snapshot of generation 2 is written whole (every write confirmed), then A "pauses".
    const { reached, open } = hold('sync', sameFile(join(directory, 'snapshot-00000002.sbx.tmp')));
    const snapshot = failure(a.store.snapshot());
    await reached;

    const b = await holder(await asAnotherProcess(directory), clock);
    // B's open removed A's temporary as a crash's leftover, so this does not show a rename landing
    // after the takeover (the next test does, for the journal the rename is followed by): it shows
    // that the rename's lease check refuses first (LEASE_LOST). Unfenced, the rename would fail on
    // the missing temporary instead, and the store would report WRITE_FAILED.
    open();
    expect(await snapshot).toMatchObject({ code: 'KMSInternalException' });
    expect(a.errors.map((error) => error.code)).toEqual(['LEASE_LOST']);
    // No generation 2 appears beside the new holder's generation 3.
    expect((await readdir(directory)).filter((name) => /^(snapshot|journal)-/.test(name)).sort()).toEqual(['journal-00000003.sbx', 'snapshot-00000003.sbx']);
    await b.kms.createKey({ Description: 'from B' });
    await reopenedAsAcknowledged(a, b, directory, clock);
  });

  it('a snapshot renamed into place before the takeover opens no journal after it (the journal open is fenced)', async () => {
    const directory = await tempDirectory();
    const clock = new ManualClock();
    const { io, hold } = pausableIo();
    const a = await holder(directory, clock, io);
    await a.kms.createKey({ Description: 'kept' });
    await a.store.audit.flush();
    // A's snapshot of generation 2 is renamed into place; A "pauses" at the directory fsync after it.
    const { reached, open } = hold('syncDirectory');
    const snapshot = failure(a.store.snapshot());
    await reached;
    expect(await generations(directory)).toEqual(['journal-00000001.sbx', 'snapshot-00000001.sbx', 'snapshot-00000002.sbx']);

    // B recovers from snapshot 2 and leaps to generation 4, deleting generations 1 and 2.
    const b = await holder(await asAnotherProcess(directory), clock);
    expect(await generations(directory)).toEqual(['journal-00000004.sbx', 'snapshot-00000004.sbx']);
    open();
    expect(await snapshot).toMatchObject({ code: 'KMSInternalException' });
    expect(a.errors.map((error) => error.code)).toEqual(['LEASE_LOST']);
    // A's snapshot counted as placed, so it went on to open journal 2: refused, so no stray
    // journal appears beside B's generation.
    expect(await generations(directory)).toEqual(['journal-00000004.sbx', 'snapshot-00000004.sbx']);
    await b.kms.createKey({ Description: 'from B' });
    await reopenedAsAcknowledged(a, b, directory, clock);
  });

  it('an audit log whose file is full starts no new file after the takeover (the audit open is fenced)', async () => {
    const directory = await tempDirectory();
    const clock = new ManualClock();
    // One record fills a file: A’s first file is audit file 2 (an open leaps one number), its next audit write starts file 3.
    const a = await holder(directory, clock, undefined, { auditFileBytes: 1 });
    await a.kms.createKey({ Description: 'kept' });
    await a.store.audit.flush();
    const audits = async (): Promise<string[]> => (await readdir(directory)).filter((name) => name.startsWith('audit-')).sort();
    expect(await audits()).toEqual(['audit-00000002.sbx']);

    const b = await holder(await asAnotherProcess(directory), clock, undefined, { auditFileBytes: 1 });
    // A does not know yet: a read is served and audited, and its flush tries to start audit file 2.
    await a.kms.listKeys({});
    await a.store.audit.flush();
    expect(await audits()).toEqual(['audit-00000002.sbx']);
    await b.kms.listKeys({});
    await b.store.audit.flush();
    expect(await audits()).toEqual(['audit-00000002.sbx', 'audit-00000004.sbx']);
    await a.kms.close();
    await b.kms.close();
    const reopened = await holder(directory, clock);
    const names = reopened.kms.auditTrail.lookup().records.map((record) => record.eventName);
    expect(names.filter((name) => name === 'ListKeys')).toHaveLength(1);
    await reopened.kms.close();
  });

  it('an audit log paused past its lease check at the open of its next file opens no file the new holder writes (each open leaps an audit number)', async () => {
    const directory = await tempDirectory();
    const clock = new ManualClock();
    const steps = pausableIo();
    // One record fills a file: A's next audit write starts the next file.
    const a = await holder(directory, clock, steps.io, { auditFileBytes: 1 });
    await a.kms.createKey({ Description: 'kept' });
    await a.store.audit.flush();
    const audits = async (): Promise<string[]> => (await readdir(directory)).filter((name) => name.startsWith('audit-')).sort();
    const before = await audits();
    // A's flush starts its next file and "pauses" in that open, its lease check passed.
    let opened: string | undefined;
    const held = steps.hold('open', (path) => {
      if (!String(path).includes('audit-')) return false;
      opened ??= String(path);
      return true;
    });
    await a.kms.listKeys({});
    const flushing = a.store.audit.flush();
    await held.reached;

    // B takes over and writes its first audit file.
    const b = await holder(await asAnotherProcess(directory), clock, undefined, { auditFileBytes: 1 });
    await b.kms.listKeys({});
    await b.store.audit.flush();
    const theirs = (await audits()).filter((name) => !before.includes(name));
    expect(theirs).toHaveLength(1);

    // A's open runs late: a name of its own numbering, never B's file (its write after it is refused).
    held.open();
    await flushing;
    expect(theirs).not.toContain(basename(opened!));
    await a.kms.close();
    await b.kms.close();
    const reopened = await holder(directory, clock);
    const names = reopened.kms.auditTrail.lookup().records.map((record) => record.eventName);
    expect(names.filter((name) => name === 'ListKeys')).toHaveLength(1);
    await reopened.kms.close();
  });

  it('an opener paused past its lease while recovering deletes nothing by its stale listing (the new holder’s snapshot temporary survives)', async () => {
    const directory = await tempDirectory();
    const clock = new ManualClock();
    const first = await holder(directory, clock);
    await first.kms.createKey({ Description: 'kept' });
    await first.kms.createKey({ Description: 'torn' });
    await first.kms.close();
    // A torn journal tail (so A's recovery cuts it) and a crash's snapshot temporary under the
    // fixed name the next opener's leap writes.
    const journal = join(directory, 'journal-00000001.sbx');
    const bytes = await readFile(journal);
    await writeFile(journal, bytes.subarray(0, bytes.length - 7));
    await writeFile(join(directory, 'snapshot-00000003.sbx.tmp'), 'left by a crash');

    // A lists the directory (the temporary included) and pauses in its cut, past the lease check.
    const steps = pausableIo();
    const cut = steps.hold('truncate');
    const aOpening = failure(holder(directory, clock, steps.io));
    await cut.reached;
    // B takes over, removes the leftover and writes its own snapshot 3 under that name; held before its rename.
    const syncs = pausableIo();
    const written = syncs.hold('sync', sameFile(join(directory, 'snapshot-00000003.sbx.tmp')));
    const bOpening = holder(await asAnotherProcess(directory), clock, syncs.io);
    await written.reached;
    cut.open();
    // A's deletion of its listed leftovers is refused: B's temporary is still there.
    expect(await aOpening).toMatchObject({ code: 'LEASE_LOST' });
    expect(await readdir(directory)).toContain('snapshot-00000003.sbx.tmp');
    written.open();
    const b = await bOpening;
    expect([...b.store.state.keys()].map((key) => key.description)).toEqual(['kept']);
    expect(await generations(directory)).toEqual(['journal-00000003.sbx', 'snapshot-00000003.sbx']);
    await b.kms.close();
  });

  it('an opener paused past its lease between its leap snapshot and the unlinks of the generation it recovered removes nothing of a later holder’s (the unlinks are fenced)', async () => {
    const directory = await tempDirectory();
    const clock = new ManualClock();
    const first = await holder(directory, clock);
    await first.kms.createKey({ Description: 'before' });
    await first.kms.close();
    // A recovers generation 1, writes snapshot 3 (every step lease-checked), and "pauses" at the
    // directory fsync after its rename: the unlinks of generation 1 come next.
    const steps = pausableIo();
    const held = steps.hold('syncDirectory', (path) => path === directory);
    const fsyncs: string[] = [];
    const io: FileIo = {
      ...steps.io,
      async syncDirectory(path) {
        fsyncs.push(path);
        await steps.io.syncDirectory!(path);
      },
    };
    const aOpening = failure(holder(directory, clock, io));
    await held.reached;
    const fsyncsBeforeUnlinks = fsyncs.length;
    expect(await generations(directory)).toEqual(['journal-00000001.sbx', 'snapshot-00000001.sbx', 'snapshot-00000003.sbx']);

    // B takes over and stops; the directory is reset; C starts afresh, at generation 1 again.
    const b = await holder(await asAnotherProcess(directory), clock);
    await b.kms.close();
    await resetState(directory);
    const c = await holder(await asAnotherProcess(directory), clock);
    const { KeyMetadata } = await c.kms.createKey({ Description: 'acknowledged by C' });
    expect(await generations(directory)).toEqual(['journal-00000001.sbx', 'snapshot-00000001.sbx']);

    held.open();
    expect(await aOpening).toMatchObject({ code: 'LEASE_LOST' });
    // The refused unlink stops the open: not swallowed, so no directory fsync of the leap follows it.
    expect(fsyncs.slice(fsyncsBeforeUnlinks)).toEqual([]);
    // Unfenced, A's unlinks of journal 1 and snapshot 1 would have removed C's files.
    expect(await generations(directory)).toEqual(['journal-00000001.sbx', 'snapshot-00000001.sbx']);
    await c.kms.close();
    const reopened = await holder(directory, clock);
    expect([...reopened.store.state.keys()].map((key) => key.keyId)).toEqual([KeyMetadata.KeyId]);
    await reopened.kms.close();
  });

  it('an audit log paused past its lease while starting a new file prunes nothing of a later holder’s (the pruning unlinks are fenced)', async () => {
    const directory = await tempDirectory();
    const clock = new ManualClock();
    // One record fills a file: every flush starts a new one, and prunes.
    const a = await holder(directory, clock, undefined, { auditFileBytes: 1 });
    await a.kms.close();
    const steps = pausableIo();
    const aa = await holder(directory, clock, steps.io, { auditFileBytes: 1 });
    await aa.kms.listKeys({});
    await aa.store.audit.flush();
    const audits = async (): Promise<string[]> => (await readdir(directory)).filter((name) => name.startsWith('audit-')).sort();
    const old = await audits();
    // 91 days on, an event in a new file makes the older files expire: A's next new file prunes
    // them. A "pauses" in the open of that file, past its lease check.
    clock.advance(91 * 24 * 60 * 60 * 1000);
    await aa.kms.listKeys({});
    await aa.store.audit.flush();
    const before = await audits();
    expect(before).toEqual(expect.arrayContaining(old));
    const next = `audit-${String(Number(/\d+/.exec(before.at(-1)!)![0]) + 1).padStart(8, '0')}.sbx`;
    const held = steps.hold('open', (path) => path === join(directory, next));
    await aa.kms.listKeys({});
    const flushing = aa.store.audit.flush();
    await held.reached;

    // B takes over and stops; the directory is reset; C starts afresh, at audit file 2 again (a fresh directory’s first).
    const b = await holder(await asAnotherProcess(directory), clock, undefined, { auditFileBytes: 1 });
    await b.kms.close();
    await resetState(directory);
    const c = await holder(await asAnotherProcess(directory), clock, undefined, { auditFileBytes: 1 });
    await c.kms.createKey({ Description: 'audited by C' });
    await c.store.audit.flush();
    const cFiles = await audits();
    expect(cFiles).toContain('audit-00000002.sbx');

    // C's first file has the name of A's oldest, which A's pruning is about to remove.
    expect(cFiles).toContain(old[0]);

    held.open();
    await flushing;
    // Unfenced, A's pruning would have removed C's audit file named like A's expired one.
    expect(await audits()).toEqual(expect.arrayContaining(cFiles));
    await aa.kms.close();
    await c.kms.close();
    const reopened = await holder(directory, clock);
    const names = reopened.kms.auditTrail.lookup().records.map((record) => record.eventName);
    expect(names).toContain('CreateKey');
    await reopened.kms.close();
  });

  it('a rotation’s unlink paused past its lease check, across a takeover, a reset and a restart, removes nothing of the new state (numbering never repeats)', async () => {
    const directory = await tempDirectory();
    const clock = new ManualClock();
    const unlinks = pausableIo();
    const a = await holder(directory, clock, unlinks.io);
    await a.kms.createKey({ Description: 'before the reset' });
    // A rotates to generation 2 and pauses in the unlink of journal 1, its lease check passed.
    const held = unlinks.hold('unlink', (path) => path === join(directory, 'journal-00000001.sbx'));
    const rotating = a.store.snapshot().then(
      () => undefined,
      (error: unknown) => error,
    );
    await held.reached;

    // B takes over and stops; the directory is reset as strongbox's reset does; C starts afresh.
    const b = await holder(await asAnotherProcess(directory), clock);
    await b.kms.close();
    await resetKeepingFloor(directory);
    const c = await holder(await asAnotherProcess(directory), clock);
    const { KeyMetadata } = await c.kms.createKey({ Description: 'acknowledged by C' });
    // Past every number the reset removed (B's generation 4), and the one after it: snapshot and audit alike.
    expect(await generations(directory)).toEqual(['journal-00000006.sbx', 'snapshot-00000006.sbx']);
    await c.store.audit.flush();
    expect((await readdir(directory)).filter((name) => name.startsWith('audit-'))).toEqual(['audit-00000006.sbx']);

    // A's unlink goes on: journal 1 is no file of C's (it would have been, numbered from 1 again).
    held.open();
    await rotating;
    expect(await generations(directory)).toEqual(['journal-00000006.sbx', 'snapshot-00000006.sbx']);
    await a.kms.close();
    await c.kms.close();
    const reopened = await holder(directory, clock);
    expect([...reopened.store.state.keys()].map((key) => key.keyId)).toEqual([KeyMetadata.KeyId]);
    await reopened.kms.close();
  });

  it('an opener that finds no lock at all (deleted by hand while its holder lives) starts at epoch 1, and still keeps that holder’s late write out of its files', async () => {
    const directory = await tempDirectory();
    const clock = new ManualClock();
    const { io, hold } = pausableIo();
    const a = await holder(directory, clock, io);
    const kept = (await a.kms.createKey({ Description: 'kept' })).KeyMetadata;
    await a.store.audit.flush();
    const { reached, open } = hold('write');
    // A's journal append passes its lease check, then A "pauses".
    const raced = failure(a.kms.updateKeyDescription({ KeyId: kept.KeyId, Description: 'by A, late' }));
    await reached;

    // "If no such process uses it, delete the lock": the next opener then creates a lock of epoch 1.
    await unlink(join(directory, 'lock'));
    const b = await holder(await asAnotherProcess(directory), clock);
    // It starts a new generation all the same, two past the one it recovered.
    expect((await readdir(directory)).filter((name) => /^(snapshot|journal)-/.test(name)).sort()).toEqual(['journal-00000003.sbx', 'snapshot-00000003.sbx']);
    await b.kms.updateKeyDescription({ KeyId: kept.KeyId, Description: 'by B' });
    open();
    expect(await raced).toMatchObject({ code: 'KMSInternalException' });
    expect(a.errors.map((error) => error.code)).toEqual(['LEASE_LOST']);
    const acknowledged = snapshotOf(b.store.state);
    await a.kms.close();
    await b.kms.close();

    // A's late record went to journal 1, which nobody reads any more: the directory opens, with B's change.
    const reopened = await holder(directory, clock);
    expect(snapshotOf(reopened.store.state)).toEqual(acknowledged);
    expect((await reopened.kms.describeKey({ KeyId: kept.KeyId })).KeyMetadata.Description).toBe('by B');
    await reopened.kms.close();
  });

  it('an audit append paused past its lease check that tears on a full disk after the takeover leaves a directory the next start opens, with the new holder’s events', async () => {
    const directory = await tempDirectory();
    const clock = new ManualClock();
    // A's next write, once armed: held after its lease check until the takeover is done, then it
    // writes half its bytes and fails (ENOSPC), as a write on a full disk does.
    let reached: () => void = () => undefined;
    const atWrite = new Promise<void>((resolve) => (reached = resolve));
    let release: () => void = () => undefined;
    const released = new Promise<void>((resolve) => (release = resolve));
    let armed = false;
    const io: FileIo = {
      ...nodeFileIo,
      async write(handle, bytes) {
        if (!armed) return nodeFileIo.write(handle, bytes);
        armed = false;
        reached();
        await released;
        await nodeFileIo.write(handle, bytes.subarray(0, bytes.length >> 1));
        throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
      },
    };
    const a = await holder(directory, clock, io);
    await a.kms.createKey({ Description: 'kept' });
    await a.store.audit.flush();
    await a.kms.listKeys({});
    armed = true;
    const flushing = a.store.audit.flush();
    await atWrite;

    const b = await holder(await asAnotherProcess(directory), clock);
    await b.kms.describeKey({ KeyId: (await b.kms.listKeys({})).Keys![0]!.KeyId! });
    await b.store.audit.flush();
    // A's append goes on late: half a record lands in A's file, and its cut-back is refused (LEASE_LOST).
    release();
    await flushing;
    await a.kms.close();
    await b.kms.close();

    const reopened = await holder(directory, clock);
    const names = reopened.kms.auditTrail.lookup().records.map((record) => record.eventName);
    expect(names).toContain('DescribeKey');
    await reopened.kms.close();
  });
});
