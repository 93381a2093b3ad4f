/**
 * A full disk (ENOSPC, injected through the store's file layer, never by filling a real disk):
 * the writes it refuses fail with KMSInternalException and change nothing, reads go on, writes
 * resume by themselves once there is room, and the directory holds exactly the acknowledged state.
 */

import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { CreateKeyCommand, DescribeKeyCommand } from '@aws-sdk/client-kms';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { KmsError } from '../src/errors.ts';
import { type Kms, ManualClock, openDirectoryStore } from '../src/index.ts';
import { MAX_BUFFERED_EVENTS } from '../src/persistence/audit-log.ts';
import { type FileIo, nodeFileIo } from '../src/persistence/files.ts';
import { openKms, ROOT_KEY, snapshotOf, tempDirectory } from './fixtures/persistence.ts';
import { failureOf, startKms } from './helpers/sdk.ts';

/** A file layer whose writes (or fsyncs) fail with ENOSPC while `full` says so, after writing half. */
function fullDisk(): { io: FileIo; full: { writes: number; syncs: boolean } } {
  const full = { writes: 0, syncs: false };
  const enospc = (): Error => Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', errno: -28 });
  const io: FileIo = {
    async write(handle, bytes) {
      if (full.writes === 0) return nodeFileIo.write(handle, bytes);
      full.writes -= 1;
      await nodeFileIo.write(handle, bytes.subarray(0, bytes.length >> 1));
      throw enospc();
    },
    async sync(handle) {
      if (full.syncs) throw enospc();
      await nodeFileIo.sync(handle);
    },
  };
  return { io, full };
}

const FOREVER = Number.MAX_SAFE_INTEGER;

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (error: unknown) => error,
  );
}

describe('a full disk', () => {
  it('refuses writes with KMSInternalException, changes nothing, serves reads, and resumes when space returns', async () => {
    const directory = await tempDirectory();
    const clock = new ManualClock();
    const { io, full } = fullDisk();
    const errors: KmsError[] = [];
    const { kms, store } = await openKms(directory, clock, { io, onError: (error) => errors.push(error as KmsError) });
    const kept = (await kms.createKey({ Description: 'kept' })).KeyMetadata;
    const before = snapshotOf(store.state);

    full.writes = FOREVER;
    expect(await failure(kms.createKey({ Description: 'lost' }))).toMatchObject({ code: 'KMSInternalException', message: 'An internal error occurred.' });
    expect(await failure(kms.createAlias({ AliasName: 'alias/lost', TargetKeyId: kept.KeyId }))).toMatchObject({ code: 'KMSInternalException' });
    expect(snapshotOf(store.state)).toEqual(before);
    // Reads go on, from the state as it was.
    expect((await kms.describeKey({ KeyId: kept.KeyId })).KeyMetadata.Description).toBe('kept');
    expect((await kms.listKeys({})).Keys).toHaveLength(1);
    const { CiphertextBlob } = await kms.encrypt({ KeyId: kept.KeyId, Plaintext: new Uint8Array([7]) });
    expect((await kms.decrypt({ CiphertextBlob })).Plaintext).toEqual(new Uint8Array([7]));
    expect(store.failure).toBeUndefined();
    expect(errors.map((error) => error.code)).toEqual(['DISK_FULL']);

    full.writes = 0;
    const later = (await kms.createKey({ Description: 'later' })).KeyMetadata;
    await kms.createAlias({ AliasName: 'alias/later', TargetKeyId: later.KeyId });
    const acknowledged = snapshotOf(store.state);
    await kms.close();

    const reopened = await openKms(directory, clock);
    expect(snapshotOf(reopened.store.state)).toEqual(acknowledged);
    expect([...reopened.store.state.keys()].map((key) => key.description)).toEqual(['kept', 'later']);
    await reopened.kms.close();
  });

  it('rolls back the commits queued behind the one that failed, which may build on it', async () => {
    const directory = await tempDirectory();
    const { io, full } = fullDisk();
    const { kms, store } = await openKms(directory, new ManualClock(), { io });
    const key = (await kms.createKey({})).KeyMetadata;
    const before = snapshotOf(store.state);
    full.writes = FOREVER;
    const results = await Promise.allSettled([
      kms.createKey({}),
      kms.createAlias({ AliasName: 'alias/a', TargetKeyId: key.KeyId }),
      kms.tagResource({ KeyId: key.KeyId, Tags: [{ TagKey: 'k', TagValue: 'v' }] }),
      kms.createGrant({ KeyId: key.KeyId, GranteePrincipal: 'arn:aws:iam::000000000000:user/bob', Operations: ['Decrypt'] }),
      kms.disableKey({ KeyId: key.KeyId }),
    ]);
    expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected', 'rejected', 'rejected', 'rejected']);
    expect(snapshotOf(store.state)).toEqual(before);
    full.writes = 0;
    await kms.disableKey({ KeyId: key.KeyId });
    await kms.close();
  });

  it('treats an fsync refused for lack of space the same way', async () => {
    const directory = await tempDirectory();
    const { io, full } = fullDisk();
    const { kms, store } = await openKms(directory, new ManualClock(), { io });
    full.syncs = true;
    await expect(kms.createKey({})).rejects.toMatchObject({ code: 'KMSInternalException' });
    expect([...store.state.keys()]).toHaveLength(0);
    full.syncs = false;
    const created = (await kms.createKey({})).KeyMetadata.KeyId;
    await kms.close();
    const reopened = await openKms(directory, new ManualClock());
    expect([...reopened.store.state.keys()].map((k) => k.keyId)).toEqual([created]);
    await reopened.kms.close();
  });

  it('skips a snapshot there is no room for, appends instead, and leaves no temporary file', async () => {
    const directory = await tempDirectory();
    const { io, full } = fullDisk();
    // Any journal record makes the next batch a snapshot: appended, snapshot, appended, ...
    const { kms } = await openKms(directory, new ManualClock(), { io, snapshotThresholdBytes: 1 });
    for (let i = 0; i < 3; i++) await kms.createKey({});
    full.writes = 1; // the snapshot's first record
    const created = (await kms.createKey({ Description: 'appended' })).KeyMetadata.KeyId;
    expect(full.writes).toBe(0); // the snapshot was tried, and failed
    expect((await readdir(directory)).filter((name) => name.endsWith('.tmp'))).toEqual([]);
    full.writes = FOREVER;
    await expect(kms.createKey({})).rejects.toMatchObject({ code: 'KMSInternalException' });
    expect((await readdir(directory)).filter((name) => name.endsWith('.tmp'))).toEqual([]);
    full.writes = 0;
    await kms.createKey({ Description: 'after' });
    await kms.close();
    const reopened = await openKms(directory, new ManualClock());
    expect(reopened.store.state.key(created)?.description).toBe('appended');
    expect([...reopened.store.state.keys()]).toHaveLength(5);
    await reopened.kms.close();
  });

  it('keeps exactly the acknowledged changes through any pattern of full-disk failures (property)', async () => {
    type Step = { readonly op: number; readonly fail: boolean };
    const steps = fc.array(fc.record({ op: fc.nat(4), fail: fc.boolean() }), { minLength: 1, maxLength: 12 });
    await fc.assert(
      fc.asyncProperty(steps, async (plan: readonly Step[]) => {
        const directory = await tempDirectory();
        const { io, full } = fullDisk();
        const { kms, store } = await openKms(directory, new ManualClock(), { io, snapshotThresholdBytes: 2048 });
        const base = (await kms.createKey({})).KeyMetadata.KeyId;
        for (const [i, step] of plan.entries()) {
          full.writes = step.fail ? FOREVER : 0;
          const before = snapshotOf(store.state);
          const result = await run(kms, step.op, base, i).then(
            () => 'ok',
            (error: { code?: string }) => error.code,
          );
          if (step.fail) {
            expect(result).toBe('KMSInternalException');
            expect(snapshotOf(store.state)).toEqual(before);
          } else {
            expect(result).toBe('ok');
          }
        }
        full.writes = 0;
        const live = snapshotOf(store.state);
        await kms.close();
        const reopened = await openKms(directory, new ManualClock());
        expect(snapshotOf(reopened.store.state)).toEqual(live);
        await reopened.kms.close();
      }),
      { numRuns: 15 },
    );
    // 15 runs open and reopen a data directory each: seconds on a busy machine.
  }, 60_000);
});

function run(kms: Kms, op: number, keyId: string, i: number): Promise<unknown> {
  switch (op) {
    case 0:
      return kms.createKey({ Description: `key ${i}` });
    case 1:
      return kms.createAlias({ AliasName: `alias/a${i}`, TargetKeyId: keyId });
    case 2:
      return kms.tagResource({ KeyId: keyId, Tags: [{ TagKey: `t${i}`, TagValue: 'v' }] });
    case 3:
      return kms.createGrant({ KeyId: keyId, GranteePrincipal: 'arn:aws:iam::000000000000:user/bob', Operations: ['Decrypt'] });
    default:
      return kms.updateKeyDescription({ KeyId: keyId, Description: `d${i}` });
  }
}

describe('a full disk, seen from the wire and the audit log', () => {
  it('answers writes with a JSON 1.1 KMSInternalException (HTTP 500) and reads as usual, through the SDK', async () => {
    const { io, full } = fullDisk();
    const store = await openDirectoryStore({ directory: await tempDirectory(), rootKey: ROOT_KEY, io });
    const fixture = await startKms({ store });
    try {
      const { KeyMetadata } = await fixture.client.send(new CreateKeyCommand({}));
      full.writes = FOREVER;
      expect(await failureOf(fixture.client.send(new CreateKeyCommand({})))).toEqual({
        name: 'KMSInternalException',
        message: 'An internal error occurred.',
        status: 500,
      });
      expect((await fixture.client.send(new DescribeKeyCommand({ KeyId: KeyMetadata!.KeyId! }))).KeyMetadata?.KeyState).toBe('Enabled');
      full.writes = 0;
      await fixture.client.send(new CreateKeyCommand({}));
    } finally {
      await fixture.close();
    }
  });

  it('keeps audit events waiting while the disk is full and writes them once there is room', async () => {
    const directory = await tempDirectory();
    const { io, full } = fullDisk();
    const { kms, store } = await openKms(directory, new ManualClock(), { io });
    const { KeyMetadata } = await kms.createKey({});
    await store.audit.flush();
    const sizes = async (): Promise<number[]> =>
      Promise.all((await readdir(directory)).filter((name) => name.startsWith('audit-')).map(async (name) => (await stat(join(directory, name))).size));
    const before = await sizes();
    full.writes = FOREVER;
    await kms.describeKey({ KeyId: KeyMetadata.KeyId });
    await store.audit.flush();
    // The failed write was cut back: the file still ends on a whole record.
    expect(await sizes()).toEqual(before);
    full.writes = 0;
    await store.audit.flush();
    await kms.close();
    const reopened = await openKms(directory, new ManualClock());
    expect(reopened.kms.auditTrail.events().map((event) => event.eventName)).toEqual(['CreateKey', 'DescribeKey']);
    await reopened.kms.close();
  });

  it('an audit write torn by a full disk whose cut-back fails too is never followed by later records in that file: the next start opens with every event written since', async () => {
    const directory = await tempDirectory();
    const { io, full } = fullDisk();
    let truncateFails = false;
    const faulty: FileIo = {
      ...io,
      async truncate(handle, length) {
        if (truncateFails) {
          truncateFails = false;
          throw Object.assign(new Error('EIO: i/o error, ftruncate'), { code: 'EIO' });
        }
        await nodeFileIo.truncate!(handle, length);
      },
    };
    const { kms, store } = await openKms(directory, new ManualClock(), { io: faulty });
    const { KeyMetadata } = await kms.createKey({});
    await store.audit.flush();
    // One audit write tears (half written), and its cut-back fails: the file may not end on a whole record.
    full.writes = 1;
    truncateFails = true;
    await kms.describeKey({ KeyId: KeyMetadata.KeyId });
    await store.audit.flush();
    await store.audit.flush();
    await kms.listKeys({});
    await store.audit.flush();
    await kms.close();
    const reopened = await openKms(directory, new ManualClock());
    expect(reopened.kms.auditTrail.events().map((event) => event.eventName)).toEqual(['CreateKey', 'DescribeKey', 'ListKeys']);
    await reopened.kms.close();
  });

  it('does not hold calls back while audit writes fail, and keeps the newest events waiting', async () => {
    const directory = await tempDirectory();
    const { io, full } = fullDisk();
    const { kms, store } = await openKms(directory, new ManualClock(), { io });
    await kms.listKeys({});
    const event = kms.auditTrail.events()[0]!;
    full.writes = FOREVER;
    await store.audit.flush();
    for (let i = 0; i < MAX_BUFFERED_EVENTS + 10; i++) store.audit.append(event);
    expect(store.audit.room()).toBeUndefined();
    await kms.describeKey({ KeyId: 'alias/missing' }).catch(() => undefined);
    full.writes = 0;
    await kms.close();
    const reopened = await openDirectoryStore({ directory, rootKey: ROOT_KEY });
    const events = reopened.audit.takeRecovered();
    expect(events).toHaveLength(MAX_BUFFERED_EVENTS);
    expect(events.at(-1)!.eventName).toBe('DescribeKey');
    await reopened.close();
  });
});
