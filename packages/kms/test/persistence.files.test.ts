/**
 * `isDirectoryStoreFile` names every entry the directory store writes (so a reset can remove
 * exactly those) and nothing else (so a file someone else put in the directory is left alone).
 */

import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isDirectoryStoreFile, Kms, ManualClock, openDirectoryStore, raiseNumberFloor, readNumberFloor } from '../src/index.ts';
import { type FileIo, nodeFileIo } from '../src/persistence/files.ts';
import { tempDirectory } from './fixtures/persistence.ts';

describe('isDirectoryStoreFile', () => {
  it('claims every file a working store leaves in its directory (root.key, lock, snapshot, journal, audit)', async () => {
    const directory = await tempDirectory();
    const store = await openDirectoryStore({ directory, snapshotThresholdBytes: 1 });
    const kms = new Kms({ store, clock: new ManualClock(Date.UTC(2026, 0, 1)), quotas: false });
    for (let i = 0; i < 3; i += 1) await kms.createKey({ Description: `key ${i}` });
    const entries = await readdir(directory);
    expect(entries).toEqual(expect.arrayContaining(['root.key', 'lock']));
    expect(entries.some((name) => name.startsWith('journal-'))).toBe(true);
    expect(entries.filter((name) => !isDirectoryStoreFile(name))).toEqual([]);
    await kms.close();
  });

  it.each([
    ['snapshot-00000002.sbx', true],
    ['snapshot-00000002.sbx.tmp', true],
    ['journal-00000001.sbx', true],
    ['audit-00000003.sbx', true],
    ['root.key', true],
    ['root.key.tmp', true],
    ['lock', true],
    ['number-floor', true],
    ['number-floor.tmp-0a1b2c', true],
    ['number-floor-00000007', true],
    ['number-floor-00000007.tmp', true],
    ['package.json', false],
    ['notes.txt', false],
    ['s3', false],
    ['journal.sbx', false],
    ['root.key.bak', false],
    ['locked', false],
  ])('%s → %s', (name, expected) => {
    expect(isDirectoryStoreFile(name)).toBe(expected);
  });
});

describe('the numbering floor', () => {
  it('is absent until raised, rises to the highest snapshot, temporary, journal or audit number, and never falls', async () => {
    const directory = await tempDirectory();
    expect(await readNumberFloor(directory)).toBeUndefined();
    expect(
      await raiseNumberFloor(directory, [
        'snapshot-00000004.sbx',
        'journal-00000004.sbx',
        'audit-00000002.sbx',
        'snapshot-00000005.sbx.tmp',
        'notes-00000099.sbx',
      ]),
    ).toBe(5);
    expect(await readNumberFloor(directory)).toBe(5);
    expect(await raiseNumberFloor(directory, ['journal-00000001.sbx'])).toBe(5);
    expect(await raiseNumberFloor(directory, ['audit-00000009.sbx'])).toBe(9);
    expect(await readNumberFloor(directory)).toBe(9);
  });

  it('reads the previous layout’s number-floor, and replaces it by a named floor at the next raise past it', async () => {
    const directory = await tempDirectory();
    await writeFile(join(directory, 'number-floor'), '12\n');
    expect(await readNumberFloor(directory)).toBe(12);
    expect(await raiseNumberFloor(directory, ['snapshot-00000004.sbx'])).toBe(12);
    expect(await raiseNumberFloor(directory, ['journal-00000015.sbx'])).toBe(15);
    expect((await readdir(directory)).filter((name) => name.startsWith('number-floor'))).toEqual(['number-floor-00000015']);
    expect(await readNumberFloor(directory)).toBe(15);
  });

  it('a raise whose last step runs late, after a later reset raised the floor higher, leaves the higher floor (no late write lowers it)', async () => {
    const directory = await tempDirectory();
    // A reset stopped past the lease check of the step that puts its floor in place (a link or a rename).
    let release: () => void = () => undefined;
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    let reached: () => void = () => undefined;
    const atLastStep = new Promise<void>((resolve) => {
      reached = resolve;
    });
    const late = async (): Promise<void> => {
      reached();
      await released;
    };
    const io: FileIo = {
      ...nodeFileIo,
      async link(existing, path) {
        await late();
        await nodeFileIo.link!(existing, path);
      },
      async rename(from, to) {
        await late();
        await nodeFileIo.rename!(from, to);
      },
    };
    const stale = raiseNumberFloor(directory, ['snapshot-00000003.sbx'], io);
    await atLastStep;

    // A later reset raises the floor past its own files; then the stopped one's step runs.
    expect(await raiseNumberFloor(directory, ['snapshot-00000009.sbx'])).toBe(9);
    release();
    await stale.catch(() => undefined);

    expect(await readNumberFloor(directory)).toBe(9);
    expect(await raiseNumberFloor(directory, ['snapshot-00000004.sbx'])).toBe(9);
  });

  it('a raise whose floor file cannot be created (its temporary taken meanwhile: EEXIST) fails rather than answer a floor that is not in place, and keeps the floor it found', async () => {
    const directory = await tempDirectory();
    await raiseNumberFloor(directory, ['snapshot-00000003.sbx']);
    // Another raise to the same number creates the temporary between this one's removal of it and its open.
    const io: FileIo = {
      ...nodeFileIo,
      async open(path, flags, mode) {
        if (String(path).endsWith('number-floor-00000009.tmp')) await writeFile(path, '9\n');
        return nodeFileIo.open!(path, flags, mode);
      },
    };
    const raised = await raiseNumberFloor(directory, ['snapshot-00000009.sbx'], io).then(
      (floor) => floor,
      () => undefined,
    );
    // The floor in place before is never removed for one that is not there.
    expect(await readNumberFloor(directory)).toBeGreaterThanOrEqual(3);
    // Either the raise fails (the reset stops before removing anything), or the floor it answers is in place.
    if (raised !== undefined) expect(await readNumberFloor(directory)).toBe(raised);
  });

  it('an open that recovers state numbered below the floor (state copied in after a reset) leaps past the floor', async () => {
    const directory = await tempDirectory();
    const store = await openDirectoryStore({ directory });
    const kms = new Kms({ store, clock: new ManualClock(Date.UTC(2026, 0, 1)), quotas: false });
    await kms.createKey({ Description: 'kept' });
    await kms.close();
    await writeFile(join(directory, 'number-floor'), '40\n');
    const reopened = await openDirectoryStore({ directory });
    const snapshots = (await readdir(directory)).filter((name) => name.startsWith('snapshot-'));
    expect(snapshots).toEqual(['snapshot-00000042.sbx']);
    const again = new Kms({ store: reopened, clock: new ManualClock(Date.UTC(2026, 0, 1)), quotas: false });
    expect((await again.listKeys({})).Keys).toHaveLength(1);
    await again.close();
  });

  it('a floor file that holds no number refuses (CORRUPT), at read and at raise', async () => {
    const directory = await tempDirectory();
    await writeFile(join(directory, 'number-floor'), 'seven\n');
    await expect(readNumberFloor(directory)).rejects.toMatchObject({ code: 'CORRUPT' });
    await expect(raiseNumberFloor(directory, ['journal-00000003.sbx'])).rejects.toMatchObject({ code: 'CORRUPT' });
  });
});
