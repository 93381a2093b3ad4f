/**
 * Directory persistence under damage: torn journal tails (cut at every byte of the last record)
 * recover exactly the acknowledged prefix, damage that a crash cannot cause is refused, write and
 * fsync failures stop the store, and group commit shares one fsync among concurrent commits.
 */

import { appendFile, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type DirectoryStore, KmsError, ManualClock, openDirectoryStore } from '../src/index.ts';
import { newMaterial } from '../src/model/keys.ts';
import { type FileIo, nodeFileIo } from '../src/persistence/files.ts';
import { RECORD_HEADER_LENGTH, scanRecords } from '../src/persistence/record-file.ts';
import { openKms, ROOT_KEY, snapshotOf, tempDirectory } from './fixtures/persistence.ts';

const JOURNAL = 'journal-00000001.sbx';

describe('torn journal tail', () => {
  it('recovers exactly the acknowledged prefix wherever the last record is cut', async () => {
    const clock = new ManualClock();
    const directory = await tempDirectory();
    const { kms, store } = await openKms(directory, clock);
    let keyId = '';
    for (let i = 0; i < 3; i++) keyId = (await kms.createKey({ Description: `acknowledged ${i}` })).KeyMetadata.KeyId;
    const prefix = snapshotOf(store.state);
    // A small last record (about 500 bytes), so the test reopens the store at each of its bytes quickly.
    await kms.createAlias({ AliasName: 'alias/last', TargetKeyId: keyId });
    const full = snapshotOf(store.state);
    await kms.close();

    const journal = await readFile(join(directory, JOURNAL));
    const { payloads, validLength } = scanRecords(journal, JOURNAL);
    expect(payloads).toHaveLength(4);
    expect(validLength).toBe(journal.length);
    const lastStart = journal.length - RECORD_HEADER_LENGTH - payloads[3]!.length;
    // Each open starts a new generation from what it recovered: the files are put back each time.
    const files = new Map<string, Buffer>();
    for (const name of await readdir(directory)) files.set(name, await readFile(join(directory, name)));
    const restore = async (journalBytes: Uint8Array): Promise<void> => {
      for (const name of await readdir(directory)) if (!files.has(name)) await rm(join(directory, name));
      for (const [name, bytes] of files) await writeFile(join(directory, name), name === JOURNAL ? journalBytes : bytes);
    };
    for (let cut = lastStart; cut < journal.length; cut++) {
      await restore(journal.subarray(0, cut));
      const reopened = await openDirectoryStore({ directory, rootKey: ROOT_KEY });
      expect(snapshotOf(reopened.state), `cut at byte ${cut}`).toEqual(prefix);
      await reopened.close();
      // The torn journal went with its generation: later appends go to the new one's.
      expect((await readdir(directory)).filter((name) => /^(snapshot|journal)-/.test(name)).sort()).toEqual(['journal-00000003.sbx', 'snapshot-00000003.sbx']);
    }
    await restore(journal);
    const whole = await openDirectoryStore({ directory, rootKey: ROOT_KEY });
    expect(snapshotOf(whole.state)).toEqual(full);
    await whole.close();
  }, 60_000);

  it('keeps working after cutting a torn tail: new commits survive the next restart', async () => {
    const clock = new ManualClock();
    const directory = await tempDirectory();
    const first = await openKms(directory, clock);
    const kept = (await first.kms.createKey({ Description: 'kept' })).KeyMetadata.KeyId;
    await first.kms.createKey({ Description: 'torn' });
    await first.kms.close();
    const journal = await readFile(join(directory, JOURNAL));
    await writeFile(join(directory, JOURNAL), journal.subarray(0, journal.length - 7));
    const second = await openKms(directory, clock);
    expect([...second.store.state.keys()].map((key) => key.description)).toEqual(['kept']);
    const added = (await second.kms.createKey({ Description: 'added' })).KeyMetadata.KeyId;
    await second.kms.close();
    const third = await openKms(directory, clock);
    expect([...third.store.state.keys()].map((key) => key.keyId)).toEqual([kept, added]);
    await third.kms.close();
  });

  it('drops a zero-filled tail (a file extended by a crash before its data reached the disk)', async () => {
    const clock = new ManualClock();
    const directory = await tempDirectory();
    const first = await openKms(directory, clock);
    for (let i = 0; i < 2; i++) await first.kms.createKey({});
    const expected = snapshotOf(first.store.state);
    await first.kms.close();
    await appendFile(join(directory, JOURNAL), new Uint8Array(4096));
    const second = await openKms(directory, clock);
    expect(snapshotOf(second.store.state)).toEqual(expected);
    await second.kms.close();
  });
});

describe('damage a crash cannot cause', () => {
  async function directoryWithKeys(count: number): Promise<string> {
    const directory = await tempDirectory();
    const { kms } = await openKms(directory, new ManualClock());
    for (let i = 0; i < count; i++) await kms.createKey({});
    await kms.close();
    return directory;
  }

  it('refuses a journal whose damaged record is followed by valid ones', async () => {
    const directory = await directoryWithKeys(3);
    const journal = await readFile(join(directory, JOURNAL));
    journal[RECORD_HEADER_LENGTH + 40]! ^= 0x01;
    await writeFile(join(directory, JOURNAL), journal);
    const failure = await openDirectoryStore({ directory, rootKey: ROOT_KEY }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(KmsError);
    expect(failure).toMatchObject({
      code: 'CORRUPT',
      message: `${join(directory, JOURNAL)} is damaged at byte 0 (valid records follow, so this is not a torn write).`,
    });
  });

  it('refuses a damaged snapshot', async () => {
    const directory = await directoryWithKeys(1);
    const path = join(directory, 'snapshot-00000001.sbx');
    const snapshot = await readFile(path);
    snapshot[snapshot.length - 5]! ^= 0x80;
    await writeFile(path, snapshot);
    await expect(openDirectoryStore({ directory, rootKey: ROOT_KEY })).rejects.toMatchObject({
      code: 'CORRUPT',
      message: `The snapshot ${path} is incomplete or damaged.`,
    });
  });

  it('refuses journal records swapped between places (each is bound to its position)', async () => {
    const directory = await directoryWithKeys(2);
    const journal = await readFile(join(directory, JOURNAL));
    const { payloads } = scanRecords(journal, JOURNAL);
    const firstLength = RECORD_HEADER_LENGTH + payloads[0]!.length;
    await writeFile(join(directory, JOURNAL), Buffer.concat([journal.subarray(firstLength), journal.subarray(0, firstLength)]));
    await expect(openDirectoryStore({ directory, rootKey: ROOT_KEY })).rejects.toMatchObject({
      code: 'CORRUPT',
      message: `Record 0 of ${join(directory, JOURNAL)} passes its checksum but does not authenticate: the file was altered or moved.`,
    });
  });

  it('refuses journals without any snapshot', async () => {
    const directory = await directoryWithKeys(1);
    await writeFile(join(directory, 'snapshot-00000001.sbx.tmp'), '');
    await rm(join(directory, 'snapshot-00000001.sbx'));
    await expect(openDirectoryStore({ directory, rootKey: ROOT_KEY })).rejects.toMatchObject({
      code: 'CORRUPT',
      message: `The data directory ${directory} has journals (journal-00000001.sbx) but no snapshot; it was not written by this store or was damaged.`,
    });
  });
});

describe('write failures', () => {
  it('rejects the commit whose fsync failed with KMSInternalException and refuses every later request', async () => {
    const clock = new ManualClock();
    const directory = await tempDirectory();
    let failSync = false;
    const io: FileIo = {
      write: nodeFileIo.write,
      async sync(handle) {
        if (failSync) throw new Error('EIO: simulated fsync failure');
        await nodeFileIo.sync(handle);
      },
    };
    const errors: Error[] = [];
    const { kms, store } = await openKms(directory, clock, { io, onError: (error) => errors.push(error) });
    const acknowledged = (await kms.createKey({ Description: 'acknowledged' })).KeyMetadata.KeyId;
    failSync = true;
    const failed = await kms.createKey({ Description: 'not durable' }).catch((error: unknown) => error);
    expect(failed).toBeInstanceOf(KmsError);
    expect(failed).toMatchObject({ code: 'KMSInternalException', message: 'An internal error occurred.' });
    expect(store.failure).toMatchObject({ code: 'WRITE_FAILED' });
    expect(store.failure?.message).toContain('EIO: simulated fsync failure');
    expect(errors).toEqual([store.failure]);

    failSync = false;
    const keysBefore = [...store.state.keys()].length;
    await expect(kms.createKey({ Description: 'refused' })).rejects.toMatchObject({ code: 'KMSInternalException' });
    // Refused before touching memory: nothing more diverges from the disk.
    expect([...store.state.keys()].length).toBe(keysBefore);
    await expect(store.snapshot()).rejects.toMatchObject({ code: 'KMSInternalException' });
    // Reads fail too: memory holds a change the disk may lack, and no answer may rest on it.
    await expect(kms.describeKey({ KeyId: acknowledged })).rejects.toMatchObject({ code: 'KMSInternalException' });
    await kms.close();

    const reopened = await openKms(directory, clock);
    expect(reopened.store.state.key(acknowledged)?.description).toBe('acknowledged');
    expect([...reopened.store.state.keys()].some((key) => key.description === 'refused')).toBe(false);
    await reopened.kms.close();
  });

  it('stops the store when a write fails part-way, and recovery drops the torn record', async () => {
    const directory = await tempDirectory();
    let failWrite = false;
    const io: FileIo = {
      async write(handle, bytes) {
        if (!failWrite) return nodeFileIo.write(handle, bytes);
        await nodeFileIo.write(handle, bytes.subarray(0, bytes.length >> 1));
        throw new Error('EIO: simulated');
      },
      sync: nodeFileIo.sync,
    };
    const { kms, store } = await openKms(directory, new ManualClock(), { io });
    const kept = (await kms.createKey({})).KeyMetadata.KeyId;
    failWrite = true;
    await expect(kms.createKey({})).rejects.toMatchObject({ code: 'KMSInternalException' });
    expect(store.failure).toMatchObject({ code: 'WRITE_FAILED' });
    await kms.close();
    const reopened = await openKms(directory, new ManualClock());
    expect([...reopened.store.state.keys()].map((key) => key.keyId)).toEqual([kept]);
    await reopened.kms.close();
  });
});

describe('group commit', () => {
  function countingIo(): { io: FileIo; syncs: () => number } {
    let syncs = 0;
    return {
      io: { write: nodeFileIo.write, sync: async (handle) => (syncs++, nodeFileIo.sync(handle)) },
      syncs: () => syncs,
    };
  }

  it('writes commits made in the same tick as one record with one fsync', async () => {
    const directory = await tempDirectory();
    const counter = countingIo();
    const store = await openDirectoryStore({ directory, rootKey: ROOT_KEY, io: counter.io });
    const base = counter.syncs();
    const alias = (i: number) => ({
      account: '000000000000',
      region: 'us-east-1',
      aliasName: `alias/a${i}`,
      targetKeyId: '0e5a7c43-5a1f-4b43-9e5c-0d1f0f6a7b11',
      creationDate: 0,
      lastUpdatedDate: 0,
    });
    await Promise.all(Array.from({ length: 100 }, (_, i) => store.commit([{ type: 'putAlias', alias: alias(i) }])));
    expect(counter.syncs() - base).toBe(1);
    await store.close();
    expect(scanRecords(await readFile(join(directory, JOURNAL)), JOURNAL).payloads).toHaveLength(1);
    const reopened = await openDirectoryStore({ directory, rootKey: ROOT_KEY });
    expect(reopened.state.aliases('000000000000', 'us-east-1')).toHaveLength(100);
    await reopened.close();
  });

  it('shares fsyncs among concurrent requests', async () => {
    const directory = await tempDirectory();
    const counter = countingIo();
    const { kms, store } = await openKms(directory, new ManualClock(), { io: counter.io });
    const base = counter.syncs();
    await Promise.all(Array.from({ length: 40 }, () => kms.createKey({})));
    expect([...store.state.keys()]).toHaveLength(40);
    expect(counter.syncs() - base).toBeLessThanOrEqual(3);
    await kms.close();
  });
});

describe('durability barrier', () => {
  /**
   * An io whose fsyncs wait for `open()` while `closed`; `entered` resolves once an fsync waits at
   * the gate closed last.
   */
  function gatedIo(): { io: FileIo; readonly entered: Promise<void>; close(): void; open(): void; fail(): void } {
    let gate: { promise: Promise<void>; resolve(): void; reject(error: Error): void; enter(): void } | undefined;
    let entered = Promise.resolve();
    const io: FileIo = {
      write: nodeFileIo.write,
      async sync(handle) {
        if (gate !== undefined) {
          gate.enter();
          await gate.promise;
        }
        await nodeFileIo.sync(handle);
      },
    };
    return {
      io,
      get entered() {
        return entered;
      },
      close() {
        let resolve!: () => void;
        let reject!: (error: Error) => void;
        let enter!: () => void;
        const promise = new Promise<void>((res, rej) => ((resolve = res), (reject = rej)));
        entered = new Promise<void>((res) => (enter = res));
        gate = { promise, resolve, reject, enter };
      },
      open() {
        gate?.resolve();
        gate = undefined;
      },
      fail() {
        gate?.reject(new Error('EIO: simulated'));
        gate = undefined;
      },
    };
  }
  /** Resolves once a response waits at the store's durability barrier (whenDurable gave a promise). */
  function heldAtBarrier(store: DirectoryStore): Promise<void> {
    const whenDurable = store.whenDurable.bind(store);
    return new Promise((resolve) => {
      store.whenDurable = () => {
        const durable = whenDurable();
        if (durable !== undefined) resolve();
        return durable;
      };
    });
  }

  it('holds a response that rests on another request’s change until that change is durable', async () => {
    const gate = gatedIo();
    const directory = await tempDirectory();
    const { kms, store } = await openKms(directory, new ManualClock(), { io: gate.io });
    const keyId = (await kms.createKey({})).KeyMetadata.KeyId;
    expect(store.whenDurable()).toBeUndefined();
    gate.close();
    // A concurrent rotation adds version 2 (applied at once, fsync held back).
    const key = store.state.key(keyId)!;
    const rotation = store.commit([
      { type: 'putKey', key: { ...key, materials: [...key.materials, newMaterial({ bytes: (n) => crypto.getRandomValues(new Uint8Array(n)) }, 2, 0)] } },
    ]);
    let answered = false;
    const held = heldAtBarrier(store);
    const encrypted = kms.encrypt({ KeyId: keyId, Plaintext: new Uint8Array([1]) }).then((response) => ((answered = true), response));
    // Wait until Encrypt is done and waits at the barrier (or, wrongly, answers), then one more
    // turn of the event loop, in which an answer released too early would arrive.
    await Promise.race([held, encrypted]);
    await new Promise(setImmediate);
    // Encrypt used version 2, which a crash now would lose: no answer yet.
    expect(answered).toBe(false);
    expect(store.whenDurable()).toBeInstanceOf(Promise);
    gate.open();
    const { CiphertextBlob } = await encrypted;
    await rotation;
    expect(new DataView(CiphertextBlob.buffer, CiphertextBlob.byteOffset).getUint32(17)).toBe(2);
    expect(store.whenDurable()).toBeUndefined();
    await kms.close();
  });

  it('fails the held response with KMSInternalException when the change never becomes durable', async () => {
    const gate = gatedIo();
    const directory = await tempDirectory();
    const { kms, store } = await openKms(directory, new ManualClock(), { io: gate.io });
    const keyId = (await kms.createKey({})).KeyMetadata.KeyId;
    gate.close();
    const rotation = store.commit([{ type: 'putKey', key: { ...store.state.key(keyId)!, description: 'changed' } }]).catch((error: unknown) => error);
    const held = heldAtBarrier(store);
    const described = kms.describeKey({ KeyId: keyId }).catch((error: unknown) => error);
    // Fail the fsync only once it waits at the gate and the response waits for it (a response
    // that does not wait ends the race, and the expectations below fail).
    await Promise.race([Promise.all([gate.entered, held]), described]);
    gate.fail();
    expect(await described).toMatchObject({ code: 'KMSInternalException' });
    expect(await rotation).toMatchObject({ code: 'KMSInternalException' });
    await kms.close();
  });
});

describe('store lifecycle', () => {
  it('resolves empty commits, rejects commits after close, and closes idempotently', async () => {
    const directory = await tempDirectory();
    const store = await openDirectoryStore({ directory, rootKey: ROOT_KEY });
    await store.commit([]);
    await store.close();
    await store.close();
    await expect(store.commit([{ type: 'deleteKey', keyId: 'x' }])).rejects.toMatchObject({ code: 'KMSInternalException' });
  });

  it('waits for commits in flight before closing', async () => {
    const directory = await tempDirectory();
    const store = await openDirectoryStore({ directory, rootKey: ROOT_KEY });
    const alias = {
      account: '000000000000',
      region: 'us-east-1',
      aliasName: 'alias/late',
      targetKeyId: '0e5a7c43-5a1f-4b43-9e5c-0d1f0f6a7b11',
      creationDate: 0,
      lastUpdatedDate: 0,
    };
    const committed = store.commit([{ type: 'putAlias', alias }]);
    await store.close();
    await committed;
    const reopened = await openDirectoryStore({ directory, rootKey: ROOT_KEY });
    expect(reopened.state.alias('000000000000', 'us-east-1', 'alias/late')).toEqual(alias);
    await reopened.close();
  });
});
